"""The production calendar against the nine official files (2018-2026), the `holidays` package and the
Labour Code; and the xmlcalendar import. The official files are the oracle, never the source."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.calendar import Calendar
from deadlines.decrees import decree, from_package, shipped_years
from deadlines.facts import DayKind, builtin_facts
from deadlines.statute import holidays, shortened_days, statutory_days_off
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


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_art95_rule_reproduces_every_shortened_day_of_the_official_file(year: int) -> None:
    """The file's days off and working weekend days, the decree's swaps, and art. 95 alone give exactly
    the file's shortened days (t="2"), the swapped working Saturdays included, and no other."""
    official = official_days(year)
    off = {d for d, kind in official.items() if kind == "off"}
    working = {d for d, kind in official.items() if kind != "off" and d.weekday() >= 5}
    swaps = decree(year).transfers  # type: ignore[union-attr]
    assert shortened_days(year, off, working, swaps) == {d for d, kind in official.items() if kind == "shortened"}


def test_the_rule_follows_a_swap_to_the_working_saturday() -> None:
    # 2024: Tue 30 Apr (before 1 May) was swapped with Sat 2 Nov, Mon 29 Apr with Sat 27 Apr
    swaps = decree(2024).transfers  # type: ignore[union-attr]
    short = builtin_facts(2024).shortened
    assert date(2024, 11, 2) in short and date(2024, 4, 27) not in short and date(2024, 4, 30) not in short
    # 31 Dec 2024 was swapped with 7 January, a holiday: no working day takes the shortening
    assert (date(2024, 12, 31), date(2024, 1, 7)) in swaps and date(2024, 12, 28) not in short


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_statutory_moves_are_in_the_official_file_unless_the_decree_placed_them(year: int) -> None:
    """Art. 112: a weekend that falls on a holiday (not 1-8 January) moves to the next working day. The
    decree may place such a day elsewhere: then the holiday is the source of one of its swaps."""
    official = official_days(year)
    placed_by_decree = {source for _, source in decree(year).transfers}  # type: ignore[union-attr]
    for holiday in holidays(year):
        assert official[holiday] == "off"
    for day in sorted(statutory_days_off(year) - set(holidays(year))):
        holiday = max(h for h in holidays(year) if h < day)
        assert official[day] == "off" or holiday in placed_by_decree, day


@pytest.mark.parametrize("year", sorted(shipped_years()))
def test_shipped_decrees_equal_what_the_holidays_package_says(year: int) -> None:
    import holidays as package

    assert decree(year) == from_package(year)
    facts, ru = builtin_facts(year), package.country_holidays("RU", years=year)
    assert facts.off == frozenset(ru) - ru.weekend_workdays and facts.working == frozenset(ru.weekend_workdays)
    assert not facts.provisional


def test_2027_is_built_in_from_the_decree() -> None:
    facts = builtin_facts(2027)
    assert not facts.provisional and "decree" in facts.source
    assert facts.shortened == {date(2027, 2, 20), date(2027, 4, 30), date(2027, 6, 11), date(2027, 11, 3)}
    summary = year_summary(Calendar(), 2027)
    assert (summary["working_days"], summary["days_off"], summary["working_hours_40h_week"]) == (247, 118, 1972)


def test_a_year_without_a_decree_is_statutory_and_provisional() -> None:
    facts = builtin_facts(2028)
    assert facts.provisional and "provisional" in facts.source
    assert date(2028, 11, 6) in facts.off  # Sat 4 Nov moves to Monday by statute
    assert date(2028, 1, 10) not in facts.off  # the January weekends wait for the decree
    assert facts.shortened == {date(2028, 2, 22), date(2028, 3, 7), date(2028, 5, 8), date(2028, 11, 3)}
    assert Calendar().is_provisional(2028) and not Calendar().is_provisional(2027)


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
    """The presidential non-working days of 2020-2021 are working days here (public authorities worked);
    art. 95 then shortens the ones before a holiday, which the official file has as days off."""
    official = official_days(year)
    differing = {d for d in official if str(cal.day_kind(d)) != official[d]}
    assert differing, "2020 and 2021 had decree non-working days"
    assert all(official[d] == "off" and cal.day_kind(d) is not DayKind.off for d in differing)
    assert all(d.weekday() < 5 for d in differing)


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_import_reproduces_every_day(year: int) -> None:
    facts = load_xmlcalendar(OFFICIAL / f"{year}.xml")
    cal = Calendar(imported=(facts,), use_builtin=False).validate()
    assert cal.has_year(year) and not cal.has_year(year + 1) and not cal.is_provisional(year)
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
    assert with_import.facts(2020).source == "xmlcalendar"


def test_a_newer_holidays_release_brings_its_years_without_regenerating(monkeypatch: pytest.MonkeyPatch) -> None:
    """A year past the shipped data is asked of the installed package: deploying a release that carries the
    2028 decree is enough for 2028 to be final."""
    from deadlines import decrees, facts

    swaps = ((date(2028, 1, 10), date(2028, 1, 1)),)
    release = decrees.Decree(2028, frozenset(statutory_days_off(2028) | {date(2028, 1, 10)}), frozenset(), swaps,
                             "holidays 9.99")
    monkeypatch.setattr(decrees, "from_package", lambda year: release if year == 2028 else None)
    facts._builtin.cache_clear()
    try:
        decreed = builtin_facts(2028)
        assert not decreed.provisional and decreed.source == "holidays 9.99, government decree"
        assert date(2028, 1, 10) in decreed.off
    finally:
        facts._builtin.cache_clear()
