"""A calendar that cannot work is refused at load, with the reason."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from deadlines.calendar import Calendar, load_calendar
from deadlines.errors import CalendarError
from deadlines.facts import DayKind, DayOverride
from deadlines.week import DEFAULT_WEEK, parse_week
from deadlines.worktime import add_working, is_working_time
from deadlines.xmlcalendar import parse_xmlcalendar
from tests.deadlines.conftest import local


@pytest.mark.parametrize(
    ("week", "reason"),
    [
        ((((540, 780), (720, 1080)),) + ((),) * 6, "overlap"),
        ((((780, 540),),) + ((),) * 6, "ends before it starts"),
        (((),) * 7, "no working intervals"),
        ((((540, 1500),),) + ((),) * 6, "outside"),
        (((),) * 6, "7 days"),
    ],
)
def test_bad_week_is_refused(week, reason: str) -> None:
    with pytest.raises(CalendarError, match=reason):
        Calendar(week=week)


def test_week_notation() -> None:
    assert parse_week({"weekdays": ["09:00-13:00", "14:00-18:00"]}) == DEFAULT_WEEK
    assert parse_week({"weekdays": ["08:00-12:00", "12:00-20:00"]})[0] == ((480, 1200),)  # touching: merged
    for spec, reason in [({"monday": ["09:00-18:00"]}, "unknown day"), ({"mon": ["9-18"]}, "clock time"),
                         ({"mon": "09:00-18:00"}, "list"), ({"mon": ["09:00"]}, "interval")]:
        with pytest.raises(CalendarError, match=reason):
            parse_week(spec)


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(CalendarError, match="time zone"):
        Calendar(zone="Europe/Izhevsk-on-Mars")


def test_calendar_is_a_hashable_value() -> None:
    assert Calendar() == Calendar() and hash(Calendar()) == hash(Calendar())


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("<calendar year='2027'><days><day d='01.01' t='7'/></days></calendar>", "expected 1, 2 or 3"),
        ("<calendar year='2027'><days><day d='01.04' t='3'/></days></calendar>", "weekday"),
        ("<calendar year='2027'><days><day d='02.30' t='1'/></days></calendar>", "not a date"),
        ("<calendar year='2027'><days><day d='01.01' t='1'/><day d='01.01' t='1'/></days></calendar>", "twice"),
        ("<calendar><days/></calendar>", "year"),
        ("<calendars year='2027'/>", "root element"),
        ("<calendar", "well-formed"),
    ],
)
def test_bad_xmlcalendar_is_refused(xml: str, reason: str) -> None:
    with pytest.raises(CalendarError, match=reason):
        parse_xmlcalendar(xml)


def test_overrides_regional_holiday_and_transfer() -> None:
    cal = Calendar(overrides=(DayOverride(date(2024, 6, 4), DayKind.off),
                              DayOverride(date(2024, 6, 8), DayKind.working),
                              DayOverride(date(2024, 6, 7), DayKind.shortened)))
    assert not is_working_time(cal, local(2024, 6, 4, 10, 0))
    assert is_working_time(cal, local(2024, 6, 8, 10, 0))  # a Saturday made working
    assert not is_working_time(cal, local(2024, 6, 7, 17, 30))
    assert add_working(cal, local(2024, 6, 3, 17, 30), 60) == local(2024, 6, 5, 9, 30)


def test_load_calendar_picks_up_imports_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "2027.json").write_text(json.dumps({
        "format": "otklik-calendar/1", "year": 2027, "complete": True, "source": "test",
        "days": {"2027-01-01": "off", "2027-01-04": "off"}}))
    (tmp_path / "regional-2027.json").write_text(json.dumps({
        "format": "otklik-calendar/1", "year": 2027, "complete": False, "days": {"2027-01-05": "off"}}))
    cal = load_calendar(tmp_path)
    assert cal.facts(2027).source == "test" and not cal.is_provisional(2027)
    assert add_working(cal, local(2026, 12, 30, 17, 30), 60) == local(2027, 1, 6, 9, 30)  # 31 Dec 2026 is off


def test_load_calendar_refuses_bad_files(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CalendarError, match="not a calendar overrides file"):
        load_calendar(tmp_path)


def test_a_year_without_working_time_fails_the_trial_computation() -> None:
    everything_off = tuple(DayOverride(date.fromordinal(o), DayKind.off)
                           for o in range(date(2025, 1, 1).toordinal(), date(2026, 1, 1).toordinal()))
    with pytest.raises(CalendarError, match="2025 has no working time"):
        Calendar(overrides=everything_off).validate()


def test_missing_directory_is_the_builtin_calendar(tmp_path: Path) -> None:
    assert load_calendar(tmp_path / "absent") == Calendar()
