"""Property tests: results land in working time, add/subtract invert, monotonic, offset-independent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.calendar import default_calendar
from deadlines.worktime import (
    add_working,
    add_working_days,
    is_working_time,
    subtract_working,
    working_minutes_between,
)

CAL = default_calendar()
ONE_US = timedelta(microseconds=1)
LO = datetime(2018, 3, 1, tzinfo=UTC).timestamp()
HI = datetime(2026, 11, 1, tzinfo=UTC).timestamp()

instants = st.integers(int(LO), int(HI)).map(lambda s: datetime.fromtimestamp(s, UTC))
offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
amounts = st.integers(1, 5 * 480)
days = st.integers(1, 10)
policies = st.sampled_from(["clock_time", "end_of_day"])
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(instants, amounts)
def test_add_ends_just_after_working_time(t: datetime, minutes: int) -> None:
    result = add_working(CAL, t, minutes)
    assert result > t
    assert is_working_time(CAL, result - ONE_US)  # inside, or exactly at an interval end
    assert working_minutes_between(CAL, t, result) == minutes


@FAST
@given(instants, amounts)
def test_subtract_starts_in_working_time(t: datetime, minutes: int) -> None:
    result = subtract_working(CAL, t, minutes)
    assert result < t
    assert is_working_time(CAL, result)
    assert working_minutes_between(CAL, result, t) == minutes


@FAST
@given(instants, days, policies)
def test_working_days_land_in_or_at_the_end_of_working_time(t: datetime, n: int, policy: str) -> None:
    result = add_working_days(CAL, t, n, policy)  # type: ignore[arg-type]
    assert result > t
    assert is_working_time(CAL, result) or is_working_time(CAL, result - ONE_US)
    assert working_minutes_between(CAL, t, result) >= (n - 1) * 7 * 60


@FAST
@given(instants, amounts)
def test_add_then_subtract_returns_to_the_same_working_position(t: datetime, minutes: int) -> None:
    there = add_working(CAL, t, minutes)
    back = subtract_working(CAL, there, minutes)
    assert working_minutes_between(CAL, t, back) == 0
    assert back >= t or not is_working_time(CAL, t)
    assert add_working(CAL, back, minutes) == there


@FAST
@given(instants, instants, amounts, days, policies)
def test_monotonic_in_the_start(a: datetime, b: datetime, minutes: int, n: int, policy: str) -> None:
    a, b = min(a, b), max(a, b)
    assert add_working(CAL, a, minutes) <= add_working(CAL, b, minutes)
    assert subtract_working(CAL, a, minutes) <= subtract_working(CAL, b, minutes)
    assert add_working_days(CAL, a, n, policy) <= add_working_days(CAL, b, n, policy)  # type: ignore[arg-type]


@FAST
@given(instants, offsets, amounts, days)
def test_any_utc_offset_of_the_same_instant_gives_the_same_answer(
    t: datetime, offset: timezone, minutes: int, n: int
) -> None:
    shifted = t.astimezone(offset)
    for op in (add_working, subtract_working):
        plain, moved = op(CAL, t, minutes), op(CAL, shifted, minutes)
        assert plain == moved and plain.tzinfo is moved.tzinfo
    assert add_working_days(CAL, t, n) == add_working_days(CAL, shifted, n)
