"""Working-time arithmetic over a `Calendar` (decree §8-§16; the rules in docs/deadlines.md).

All functions take and return timezone-aware datetimes; results are in the calendar's zone; an input
with any UTC offset means the same instant; a naive input raises ValueError. Working intervals are
half-open [start, end). Amounts are exact to the microsecond.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from deadlines.calendar import Calendar
from deadlines.timeline import MINUTE, US, Span

DaysPolicy = Literal["clock_time", "end_of_day"]
DAYS_POLICIES: tuple[DaysPolicy, ...] = ("clock_time", "end_of_day")


class _Reach(Exception):  # noqa: N818 - internal signal, not an error: the span must grow
    def __init__(self, forward: bool) -> None:
        self.forward = forward


def add_working(cal: Calendar, t: datetime, minutes: float) -> datetime:
    """The earliest moment at which `minutes` of working time have elapsed since `t`.

    Adding 0 returns `t` itself (in the calendar's zone), even outside working time. A result may be
    exactly the end of an interval (e.g. 18:00), never inside non-working time.
    """
    us = _to_us(t)
    if minutes == 0:
        return t.astimezone(cal.tz)
    return _from_us(cal, _run(cal, us, _add, _amount(minutes)))


def subtract_working(cal: Calendar, t: datetime, minutes: float) -> datetime:
    """The latest moment from which `minutes` of working time remain until `t` (§11: the draft).

    Lands at the start of an interval rather than the end of the previous one (13:00 - 4 h = 09:00).
    """
    us = _to_us(t)
    if minutes == 0:
        return t.astimezone(cal.tz)
    return _from_us(cal, _run(cal, us, _subtract, _amount(minutes)))


def add_working_days(cal: Calendar, t: datetime, n: int, policy: DaysPolicy = "clock_time") -> datetime:
    """N working days from `t` (§10 answer, §15 final answer), N >= 1.

    "clock_time" (docs/deadlines.md): inside working time on day D at clock time c, c on the N-th working day
    after D, or the latest interval end before c if c is not working time that day. Outside working
    time, E = the end of the last working interval before `t` (on day D): if E ends D's work, the end of
    work of the N-th working day after D, otherwise E's clock time on that day as above.
    "end_of_day" (Civil Code art. 191-194): the end of work of the N-th working day after t's date.
    """
    us = _to_us(t)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"working days must be a whole number >= 1, got {n!r}")
    if policy == "clock_time":
        return _from_us(cal, _run(cal, us, _days_clock_time, n))
    if policy == "end_of_day":
        return _from_us(cal, _run(cal, us, _days_end_of_day, n))
    raise ValueError(f"unknown working-days policy {policy!r}; expected one of {DAYS_POLICIES}")


def working_minutes_between(cal: Calendar, a: datetime, b: datetime) -> float:
    """Working minutes from `a` to `b`; negative when `b` is before `a` (for reports)."""
    ua, ub = _to_us(a), _to_us(b)
    timeline = cal.timeline()
    span = timeline.extend(timeline.year_of(ua))
    span = timeline.extend(timeline.year_of(ub))
    if not (span.lo <= ua < span.hi and span.lo <= ub < span.hi):  # a data gap between a and b
        span = timeline.extend(timeline.year_of(ua))
    return (_position(span, ub) - _position(span, ua)) / MINUTE


def is_working_time(cal: Calendar, t: datetime) -> bool:
    """Whether `t` is inside a working interval (start included, end excluded)."""
    return _run(cal, _to_us(t), _inside, 0) == 1


def next_working_time(cal: Calendar, t: datetime) -> datetime:
    """`t` itself if it is working time, else the start of the next working interval (when a non-urgent
    message to someone may go out)."""
    return _from_us(cal, _run(cal, _to_us(t), _next_start, 0))


def _to_us(t: datetime) -> int:
    if not isinstance(t, datetime):
        raise TypeError(f"expected a datetime, got {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t.isoformat()}: give a UTC offset or a time zone")
    return round(t.timestamp() * US)


def _from_us(cal: Calendar, us: int) -> datetime:
    seconds, micro = divmod(us, US)
    result = datetime.fromtimestamp(seconds, cal.tz)
    return result.replace(microsecond=micro) if micro else result


def _amount(minutes: float) -> int:
    if isinstance(minutes, bool) or minutes < 0:
        raise ValueError(f"working time must be >= 0 minutes, got {minutes!r}")
    return round(minutes * MINUTE)


def _run(cal: Calendar, us: int, op: Callable[[Span, int, int], int], arg: int) -> int:
    """Run `op` on the span containing `us`, widening it by a year whenever `op` reaches past it."""
    timeline = cal.timeline()
    span = timeline.span
    if span is None or not span.lo <= us < span.hi:
        span = timeline.extend(timeline.year_of(us))
    while True:
        try:
            return op(span, us, arg)
        except _Reach as reach:
            span = timeline.extend(span.last_year + 1 if reach.forward else span.first_year - 1)


def _position(span: Span, us: int) -> int:
    """Working time from the span's start to `us`."""
    i = bisect_right(span.starts, us) - 1
    if i < 0:
        return 0
    end = span.ends[i]
    return span.cum[i] + (us if us < end else end) - span.starts[i]


def _add(span: Span, us: int, amount: int) -> int:
    target = _position(span, us) + amount
    if target > span.total:
        raise _Reach(forward=True)
    j = bisect_left(span.cum_end, target)
    return span.starts[j] + target - span.cum[j]


def _subtract(span: Span, us: int, amount: int) -> int:
    target = _position(span, us) - amount
    if target < 0 or not span.starts:
        raise _Reach(forward=False)
    j = bisect_right(span.cum, target) - 1
    return span.starts[j] + target - span.cum[j]


def _inside(span: Span, us: int, _: int) -> int:
    i = bisect_right(span.starts, us) - 1
    return int(i >= 0 and us < span.ends[i])


def _next_start(span: Span, us: int, _: int) -> int:
    i = bisect_right(span.starts, us) - 1
    if i >= 0 and us < span.ends[i]:
        return us
    if i + 1 >= len(span.starts):
        raise _Reach(forward=True)
    return span.starts[i + 1]


def _days_clock_time(span: Span, us: int, n: int) -> int:
    i = bisect_right(span.starts, us) - 1
    if i < 0:
        raise _Reach(forward=False)  # E lies in the previous year
    day = span.interval_day[i]
    if us < span.ends[i]:
        return _clock_on(span, day + n, span.local_starts[i] + us - span.starts[i])
    if i == span.day_last[day] - 1:  # E is the end of work of day D
        return span.ends[_last_interval(span, day + n)]
    return _clock_on(span, day + n, span.local_ends[i])


def _days_end_of_day(span: Span, us: int, n: int) -> int:
    ordinal = span.first_ordinal + bisect_right(span.day_starts, us) - 1
    first_after = bisect_right(span.day_ordinals, ordinal)
    return span.ends[_last_interval(span, first_after + n - 1)]


def _last_interval(span: Span, day: int) -> int:
    if day >= len(span.day_ordinals):
        raise _Reach(forward=True)
    return span.day_last[day] - 1


def _clock_on(span: Span, day: int, clock: int) -> int:
    """Clock time `clock` on working day `day`, or the latest interval end before it (docs/deadlines.md)."""
    last = _last_interval(span, day)
    latest_end = span.day_first[day] - 1  # the previous working day's end of work
    for k in range(span.day_first[day], last + 1):
        if clock < span.local_starts[k]:
            break
        if clock < span.local_ends[k]:
            return span.starts[k] + clock - span.local_starts[k]
        latest_end = k
    return span.ends[latest_end]
