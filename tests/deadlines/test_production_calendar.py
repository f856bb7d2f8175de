"""The built-in production calendar against the official files, and the xmlcalendar import."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.calendar import Calendar
from deadlines.facts import DayKind
from deadlines.timeline import MINUTE
from deadlines.xmlcalendar import load_xmlcalendar
from deadlines.yearstats import year_summary
from tests.deadlines.conftest import OFFICIAL, OFFICIAL_YEARS, official_days

DECREE_YEARS = (2020, 2021)  # presidential non-working days, deliberately not built in


def _official_summary(year: int) -> dict[str, int]:
    days = official_days(year)
    working = sum(kind != "off" for kind in days.values())
    shortened = sum(kind == "shortened" for kind in days.values())
    return {"working_days": working, "days_off": len(days) - working, "shortened_days": shortened,
            "working_hours_40h_week": 8 * working - shortened}


@pytest.mark.parametrize("year", [y for y in OFFICIAL_YEARS if y not in DECREE_YEARS])
def test_builtin_year_matches_the_official_calendar(cal: Calendar, year: int) -> None:
    summary = year_summary(cal, year)
    assert {k: summary[k] for k in _official_summary(year)} == _official_summary(year)
    assert summary["schedule_hours"] == summary["working_hours_40h_week"]
    assert {d: str(cal.day_kind(d)) for d in official_days(year)} == official_days(year)


def test_2024_norm(cal: Calendar) -> None:
    summary = year_summary(cal, 2024)
    assert (summary["working_days"], summary["days_off"], summary["working_hours_40h_week"]) == (248, 118, 1979)


@pytest.mark.parametrize("year", DECREE_YEARS)
def test_builtin_decree_years_leave_out_only_the_decree_days(cal: Calendar, year: int) -> None:
    official = official_days(year)
    differing = {d for d in official if str(cal.day_kind(d)) != official[d]}
    assert differing, "2020 and 2021 had decree non-working days"
    assert all(official[d] == "off" and cal.day_kind(d) is DayKind.working for d in differing)
    assert all(d.weekday() < 5 for d in differing)


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_import_reproduces_every_day(year: int) -> None:
    facts = load_xmlcalendar(OFFICIAL / f"{year}.xml")
    cal = Calendar(imported=(facts,), use_builtin=False).validate()
    assert cal.data_years == {year}
    official = official_days(year)
    assert {d: str(cal.day_kind(d)) for d in official} == official
    table = cal.timeline().year_table(year)
    minutes = {date.fromordinal(o): (table.day_last[i], table.day_first[i])
               for i, o in enumerate(table.day_ordinals)}
    for day, kind in official.items():
        if kind == "off":
            assert day not in minutes
        else:
            last, first = minutes[day]
            worked = sum(table.ends[k] - table.starts[k] for k in range(first, last)) // MINUTE
            assert worked == (7 * 60 if kind == "shortened" else 8 * 60), day


def test_imported_year_replaces_builtin_data(cal: Calendar) -> None:
    facts = load_xmlcalendar(OFFICIAL / "2020.xml")
    with_import = Calendar(imported=(facts,))
    assert cal.day_kind(date(2020, 4, 1)) is DayKind.working
    assert with_import.day_kind(date(2020, 4, 1)) is DayKind.off
    assert with_import.data_years == cal.data_years
