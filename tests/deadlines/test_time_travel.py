"""Explicit instants around midnight, weekends, holidays, shortened days and year boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from deadlines.calendar import Calendar
from deadlines.errors import CalendarError, MissingYearError
from deadlines.worktime import (
    add_working,
    add_working_days,
    is_working_time,
    subtract_working,
    working_minutes_between,
)
from tests.deadlines.conftest import local


def test_utc_evening_is_next_morning_in_izhevsk(cal: Calendar) -> None:
    t = datetime(2024, 3, 4, 22, 30, tzinfo=UTC)  # 02:30 on Tuesday in Samara
    assert add_working(cal, t, 60) == local(2024, 3, 5, 10, 0)
    assert add_working_days(cal, t, 2) == local(2024, 3, 6, 18, 0)  # E = Monday 18:00


def test_end_of_day_policy_uses_the_local_date(cal: Calendar) -> None:
    t = datetime(2024, 3, 4, 20, 30, tzinfo=UTC)  # Monday in UTC, Tuesday 00:30 in Samara
    # Wed 6th, then Thu 7th (pre-holiday, ends 17:00)
    assert add_working_days(cal, t, 2, policy="end_of_day") == local(2024, 3, 7, 17, 0)


def test_friday_evening_runs_into_monday(cal: Calendar) -> None:
    t = local(2024, 3, 1, 17, 30)
    assert add_working(cal, t, 60) == local(2024, 3, 4, 9, 30)
    assert add_working_days(cal, t, 2) == local(2024, 3, 5, 17, 30)
    assert add_working_days(cal, t, 2, policy="end_of_day") == local(2024, 3, 5, 18, 0)


def test_new_year_break_and_year_boundary(cal: Calendar) -> None:
    t = local(2024, 12, 28, 17, 0)  # a working Saturday, full length
    assert is_working_time(cal, local(2024, 12, 28, 17, 30))
    assert add_working(cal, t, 120) == local(2025, 1, 9, 10, 0)
    assert add_working_days(cal, t, 2) == local(2025, 1, 10, 17, 0)
    assert add_working_days(cal, local(2024, 12, 27, 12, 0), 2) == local(2025, 1, 9, 12, 0)
    assert subtract_working(cal, local(2025, 1, 9, 10, 0), 120) == local(2024, 12, 28, 17, 0)


def test_working_saturday(cal: Calendar) -> None:
    assert is_working_time(cal, local(2024, 4, 27, 10, 0))
    assert add_working(cal, local(2024, 4, 27, 10, 0), 60) == local(2024, 4, 27, 11, 0)
    # Fri 26 Apr 17:30: Sat 27 Apr is the 1st working day, Thu 2 May the 2nd (29 Apr-1 May off)
    assert add_working_days(cal, local(2024, 4, 26, 17, 30), 2) == local(2024, 5, 2, 17, 30)


def test_shortened_working_saturday(cal: Calendar) -> None:
    assert is_working_time(cal, local(2024, 11, 2, 16, 59))
    assert not is_working_time(cal, local(2024, 11, 2, 17, 0))
    assert add_working(cal, local(2024, 11, 2, 16, 30), 60) == local(2024, 11, 5, 9, 30)
    # inside working time at 17:30 on Fri 1 Nov; the next working day (Sat 2 Nov) ends at 17:00
    assert add_working_days(cal, local(2024, 11, 1, 17, 30), 1) == local(2024, 11, 2, 17, 0)


def test_result_may_be_exactly_the_end_of_work(cal: Calendar) -> None:
    assert add_working(cal, local(2024, 3, 7, 16, 0), 60) == local(2024, 3, 7, 17, 0)  # pre-holiday
    assert subtract_working(cal, local(2024, 3, 6, 13, 0), 240) == local(2024, 3, 6, 9, 0)


def test_zero_is_identity_and_working_minutes_between(cal: Calendar) -> None:
    saturday = local(2024, 3, 2, 12, 0)
    assert add_working(cal, saturday, 0) == saturday
    assert subtract_working(cal, saturday, 0) == saturday
    assert working_minutes_between(cal, local(2024, 3, 1, 17, 0), local(2024, 3, 4, 10, 0)) == 120
    assert working_minutes_between(cal, local(2024, 3, 4, 10, 0), local(2024, 3, 1, 17, 0)) == -120
    assert working_minutes_between(cal, local(2024, 12, 28, 17, 0), local(2025, 1, 9, 10, 0)) == 120


def test_results_are_in_the_calendar_zone(cal: Calendar) -> None:
    t = datetime(2024, 3, 5, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    result = add_working(cal, t, 30)
    assert str(result.tzinfo) == "Europe/Samara"
    assert result == local(2024, 3, 6, 9, 30)  # 10:00 at -05:00 is 19:00 in Izhevsk, after work


def test_sub_minute_precision_is_kept(cal: Calendar) -> None:
    t = local(2024, 3, 5, 10, 0, 15, 250)
    assert add_working(cal, t, 1.5) == local(2024, 3, 5, 10, 1, 45, 250)


def test_naive_input_is_refused(cal: Calendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        add_working(cal, datetime(2024, 3, 5, 10, 0), 60)
    with pytest.raises(ValueError, match=">= 1"):
        add_working_days(cal, local(2024, 3, 5, 10, 0), 0)
    with pytest.raises(ValueError, match=">= 0"):
        add_working(cal, local(2024, 3, 5, 10, 0), -5)


def test_across_the_2026_2027_new_year(cal: Calendar) -> None:
    # 31 Dec 2026 is a day off (swapped with 4 January), 1-8 January 2027 holidays, Mon 11 Jan the first day
    assert add_working_days(cal, local(2026, 12, 30, 10, 0), 2) == local(2027, 1, 12, 10, 0)
    assert add_working(cal, local(2026, 12, 30, 17, 30), 60) == local(2027, 1, 11, 9, 30)
    assert subtract_working(cal, local(2027, 1, 11, 10, 0), 120) == local(2026, 12, 30, 17, 0)
    assert add_working_days(cal, local(2027, 1, 3, 12, 0), 1) == local(2027, 1, 11, 18, 0)  # E: 30 Dec 2026
    assert cal.provisional_years(local(2026, 12, 30, 10, 0), local(2027, 1, 12, 10, 0)) == ()


def test_2027_working_saturday_and_pre_holiday_days(cal: Calendar) -> None:
    # Sat 20 Feb 2027 works for Mon 22 Feb, which precedes 23 Feb: the Saturday is one hour shorter
    assert is_working_time(cal, local(2027, 2, 20, 16, 59)) and not is_working_time(cal, local(2027, 2, 20, 17, 0))
    assert add_working(cal, local(2027, 2, 19, 17, 30), 60) == local(2027, 2, 20, 9, 30)
    assert add_working_days(cal, local(2027, 2, 19, 17, 30), 2) == local(2027, 2, 24, 17, 30)
    # Fri 30 Apr ends at 17:00; 1-3 May and 9-10 May are off
    assert add_working(cal, local(2027, 4, 30, 16, 30), 60) == local(2027, 5, 4, 9, 30)
    assert add_working_days(cal, local(2027, 5, 7, 18, 30), 1) == local(2027, 5, 11, 18, 0)
    # Fri 11 Jun shortened, Sat 12 Jun the holiday moved to Mon 14 Jun; Wed 3 Nov shortened, Fri 5 Nov off
    assert add_working(cal, local(2027, 6, 11, 16, 30), 60) == local(2027, 6, 15, 9, 30)
    assert add_working_days(cal, local(2027, 11, 3, 16, 59), 1) == local(2027, 11, 8, 16, 59)
    assert add_working_days(cal, local(2027, 11, 3, 17, 30), 1) == local(2027, 11, 8, 18, 0)


def test_a_year_without_a_decree_is_computed_by_statute_and_provisional(cal: Calendar) -> None:
    # 31 Dec 2027 is off by the 2027 decree; 2028 has no decree: 1-8 January off by statute, Mon 10 Jan
    detected, answer = local(2027, 12, 29, 10, 0), local(2028, 1, 10, 10, 0)
    assert add_working_days(cal, detected, 2) == answer
    assert cal.provisional_years(detected, answer) == (2028,)
    assert cal.provisional_years(detected, local(2027, 12, 30, 10, 0)) == ()
    assert add_working(cal, local(2028, 11, 3, 16, 30), 60) == local(2028, 11, 7, 9, 30)  # 4 Nov Sat -> Mon 6 off


def test_years_outside_the_built_in_range_raise() -> None:
    with pytest.raises(MissingYearError, match="2012") as info:
        subtract_working(Calendar(), local(2013, 1, 9, 9, 30), 60)
    assert info.value.year == 2012 and isinstance(info.value, CalendarError)
    with pytest.raises(MissingYearError, match="2200"):  # a fresh calendar: no tables for the years between
        add_working(Calendar(), local(2199, 12, 31, 17, 30), 60)


def test_the_next_working_moment(cal: Calendar) -> None:
    from deadlines.worktime import next_working_time

    assert next_working_time(cal, local(2024, 3, 5, 10, 0)) == local(2024, 3, 5, 10, 0)  # inside: itself
    assert next_working_time(cal, local(2024, 3, 5, 13, 30)) == local(2024, 3, 5, 14, 0)  # lunch
    assert next_working_time(cal, local(2024, 3, 7, 17, 30)) == local(2024, 3, 11, 9, 0)  # 7 Mar ends at 17:00
    assert next_working_time(cal, local(2026, 12, 30, 19, 0)) == local(2027, 1, 11, 9, 0)  # over the New Year
