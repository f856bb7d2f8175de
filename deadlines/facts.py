"""The production calendar as facts per year: explicit days off, working weekend days, shortened days.

Three sources, the first that has the year wins: an imported official calendar (the xmlcalendar file of a
year, ``deadlines.xmlcalendar``); the government's decree as the `holidays` package carries it
(``deadlines.decrees``); the Labour Code alone (``deadlines.statute``), which makes the year provisional.
Pre-holiday shortened days are in no package: they are derived by art. 95 (``deadlines.statute``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from deadlines.decrees import FIRST_YEAR
from deadlines.errors import CalendarError, MissingYearError
from deadlines.statute import shortened_days, statutory_days_off

LAST_YEAR = 2199  # far enough; it bounds a runaway computation
PROVISIONAL_SOURCE = "statute: no government decree known, provisional"


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
    Any other Saturday or Sunday is a day off, any other weekday a full working day. `provisional`: no
    government decree is known for the year, so its days off may still move.
    """

    year: int
    off: frozenset[date] = frozenset()
    working: frozenset[date] = frozenset()
    shortened: frozenset[date] = frozenset()
    source: str = "builtin"
    provisional: bool = False

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
        return YearFacts(self.year, frozenset(off), frozenset(working), frozenset(short), self.source,
                         self.provisional)


def builtin_facts(year: int) -> YearFacts:
    """The production calendar of a year as the project knows it without an imported file.

    A year the government has decreed (``deadlines.decrees``): its days off and working weekend days, and
    the pre-holiday days derived by art. 95. A year without a decree: the statutory calendar (art. 112
    holidays, the automatic moves, art. 95), marked provisional. Years outside 2013-2199 raise
    MissingYearError.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MissingYearError(year)
    return _builtin(year)


@cache
def _builtin(year: int) -> YearFacts:
    from deadlines.decrees import decree

    decreed = decree(year)
    if decreed is not None:
        short = shortened_days(year, decreed.off, decreed.working, decreed.transfers)
        return YearFacts(year, decreed.off, decreed.working, short, f"{decreed.source}, government decree")
    off = frozenset(statutory_days_off(year))
    return YearFacts(year, off, frozenset(), shortened_days(year, off, ()), PROVISIONAL_SOURCE, provisional=True)
