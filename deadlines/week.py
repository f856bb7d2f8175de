"""Weekly working intervals: validation and the "HH:MM-HH:MM" notation used in settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from deadlines.errors import CalendarError

Interval = tuple[int, int]  # [start, end) in minutes after local midnight, 0..1440
DaySchedule = tuple[Interval, ...]
Week = tuple[DaySchedule, ...]  # seven entries, Monday first

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LUNCH_WEEKDAY: DaySchedule = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))
DEFAULT_WEEK: Week = (_LUNCH_WEEKDAY,) * 5 + ((), ())


def validate_week(week: Sequence[Iterable[Sequence[int]]]) -> Week:
    """Return the week as sorted tuples, or raise CalendarError naming the bad day and interval."""
    if len(week) != 7:
        raise CalendarError(f"a week has 7 days (Monday first), got {len(week)}")
    days = tuple(_validate_day(DAY_NAMES[i], day) for i, day in enumerate(week))
    if not any(days):
        raise CalendarError("the week has no working intervals at all")
    return days


def _validate_day(name: str, day: Iterable[Sequence[int]]) -> DaySchedule:
    intervals = sorted((int(s), int(e)) for s, e in day)
    for start, end in intervals:
        if not 0 <= start < 1440 or not 0 < end <= 1440:
            raise CalendarError(f"{name}: interval {_fmt(start, end)} is outside 00:00-24:00")
        if end <= start:
            raise CalendarError(f"{name}: interval {_fmt(start, end)} ends before it starts")
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            raise CalendarError(
                f"{name}: intervals {_fmt(*merged[-1])} and {_fmt(start, end)} overlap"
            )
        if merged and start == merged[-1][1]:  # touching intervals are one stretch of work
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_week(spec: Mapping[str, Sequence[str]]) -> Week:
    """Parse {"mon": ["09:00-13:00", ...], ..., "weekdays": [...]} ("weekdays" = Mon-Fri).

    Days not named have no working time; a named day overrides "weekdays".
    """
    unknown = set(spec) - set(DAY_NAMES) - {"weekdays"}
    if unknown:
        raise CalendarError(f"unknown day names in week: {sorted(unknown)} (use mon..sun or weekdays)")
    days: list[list[Interval]] = [[] for _ in range(7)]
    for i, name in enumerate(DAY_NAMES):
        source = spec.get(name, spec.get("weekdays", []) if i < 5 else [])
        if isinstance(source, str):
            raise CalendarError(f"{name}: expected a list of 'HH:MM-HH:MM' strings, got a string")
        days[i] = [parse_interval(text, name) for text in source]
    return validate_week(days)


def parse_interval(text: str, where: str = "") -> Interval:
    """Parse "09:00-13:00" into minutes (24:00 allowed as an end)."""
    parts = str(text).replace("–", "-").split("-")
    if len(parts) != 2:
        raise CalendarError(f"{where}: {text!r} is not an interval like '09:00-13:00'")
    return _parse_clock(parts[0], where), _parse_clock(parts[1], where)


def _parse_clock(text: str, where: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise CalendarError(f"{where}: {text!r} is not a clock time like '09:00'")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 1440:
        raise CalendarError(f"{where}: {text!r} is not a clock time between 00:00 and 24:00")
    return value


def format_week(week: Week) -> dict[str, list[str]]:
    """The inverse of parse_week (every day named)."""
    return {DAY_NAMES[i]: [_fmt(s, e) for s, e in day] for i, day in enumerate(week)}


def _fmt(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
