"""The production calendar as facts per year: explicit days off, working weekend days, shortened days.

Built-in facts come from the `holidays` package (federal holidays, transfers, working Saturdays) plus the
project's own data files (pre-holiday shortened days, which no package has, Labour Code art. 95; and
corrections where the package disagrees with the official calendar). Imported facts (the official
xmlcalendar file of a year) replace the built-in ones for that year.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from deadlines.errors import CalendarError

_DATA = Path(__file__).resolve().parent / "data"


class DayKind(StrEnum):
    """What a date is in the production calendar (and what an override may set it to)."""

    off = "off"
    working = "working"
    shortened = "shortened"  # a working day one hour shorter (art. 95)


@dataclass(frozen=True)
class DayOverride:
    """An ad-hoc fact: a regional holiday (off), a transferred working day (working), a shortened day."""

    day: date
    kind: DayKind


@dataclass(frozen=True)
class YearFacts:
    """One year of the production calendar for a five-day week.

    `off`: days off that are not an ordinary Saturday/Sunday, or holidays on any day;
    `working`: Saturdays/Sundays that are working days; `shortened`: working days one hour shorter.
    Any other Saturday or Sunday is a day off, any other weekday a full working day.
    """

    year: int
    off: frozenset[date] = frozenset()
    working: frozenset[date] = frozenset()
    shortened: frozenset[date] = frozenset()
    source: str = "builtin"

    def __post_init__(self) -> None:
        for day in self.off | self.working | self.shortened:
            if day.year != self.year:
                raise CalendarError(f"{self.source} {self.year}: date {day} belongs to another year")
        clash = self.off & (self.working | self.shortened)
        if clash:
            raise CalendarError(f"{self.source} {self.year}: {min(clash)} is both a day off and a working day")

    def kind(self, day: date) -> DayKind:
        """The production-calendar kind of a date of this year."""
        if day in self.off:
            return DayKind.off
        if day in self.shortened:
            return DayKind.shortened
        if day in self.working or day.weekday() < 5:
            return DayKind.working
        return DayKind.off

    def with_overrides(self, overrides: Iterable[DayOverride]) -> YearFacts:
        """These facts with the overrides of this year applied (later overrides win)."""
        off, working, short = set(self.off), set(self.working), set(self.shortened)
        for item in overrides:
            if item.day.year != self.year:
                continue
            off.discard(item.day)
            working.discard(item.day)
            short.discard(item.day)
            if item.kind is DayKind.off:
                off.add(item.day)
            elif item.kind is DayKind.shortened:
                short.add(item.day)
            if item.kind is not DayKind.off and item.day.weekday() >= 5:
                working.add(item.day)
        return YearFacts(self.year, frozenset(off), frozenset(working), frozenset(short), self.source)


def _load_json(name: str) -> dict[str, Any]:
    text = (_DATA / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _shortened_days() -> dict[int, frozenset[date]]:
    years = _load_json("shortened_days.json")["years"]
    return {int(y): frozenset(date.fromisoformat(d) for d in days) for y, days in years.items()}


@cache
def _corrections() -> dict[int, dict[str, frozenset[date]]]:
    years = _load_json("federal_corrections.json")["years"]
    return {
        int(y): {key: frozenset(date.fromisoformat(d) for d in entry.get(key, [])) for key in ("off", "working")}
        for y, entry in years.items()
    }


def builtin_years() -> frozenset[int]:
    """Years for which the project carries full production-calendar data (2018-2026)."""
    return frozenset(_shortened_days())


@cache
def builtin_facts(year: int) -> YearFacts:
    """The built-in production calendar of a year; the `holidays` package is imported only here."""
    if year not in _shortened_days():
        raise CalendarError(f"no built-in production-calendar data for {year}")
    import holidays  # heavy import, deferred until a year's table is first needed

    ru = holidays.country_holidays("RU", years=year)
    corrections = _corrections().get(year, {})
    off = {d for d in ru if d.year == year} | set(corrections.get("off", ()))
    working = {d for d in getattr(ru, "weekend_workdays", ()) if d.year == year}
    working |= set(corrections.get("working", ()))
    short = _shortened_days()[year]
    return YearFacts(year, frozenset(off - working - short), frozenset(working), short, "builtin")
