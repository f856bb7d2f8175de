"""The calendar value: time zone, weekly working intervals and the Russian production calendar.

A `Calendar` is frozen and hashable; the per-year interval tables are derived from it lazily and cached
on the instance (see `deadlines.timeline`). Days off, transfers and working Saturdays follow the
production calendar; pre-holiday days are one hour shorter (Labour Code art. 95).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.errors import CalendarError, MissingYearError
from deadlines.facts import FIRST_YEAR, LAST_YEAR, DayKind, DayOverride, YearFacts, builtin_facts
from deadlines.week import DEFAULT_WEEK, DaySchedule, Week, validate_week
from vocabulary import ZONE

if TYPE_CHECKING:
    from deadlines.timeline import Timeline

DEFAULT_ZONE = ZONE  # Izhevsk time
# The calendar directory is a setting (``OTKLIK_CALENDAR_DIR``, also read by ``infra.settings``); this
# default, relative to the working directory, is the local stack's.
CALENDAR_DIR_ENV = "OTKLIK_CALENDAR_DIR"
DEFAULT_OVERRIDES_DIR = Path(".state/calendar-overrides")


def calendar_dir(value: str | Path | None = None) -> Path:
    """The calendar directory: `value` if given, else ``$OTKLIK_CALENDAR_DIR``, else the local default."""
    if value is not None and str(value):
        return Path(value)
    return Path(os.environ.get(CALENDAR_DIR_ENV) or DEFAULT_OVERRIDES_DIR)


@dataclass(frozen=True)
class Calendar:
    """Working time of one group of people (the curators, an agency).

    `week`: seven tuples (Monday first) of [start, end) minute intervals; `imported`: complete
    production-calendar years that replace the built-in ones; `overrides`: regional holidays and ad-hoc
    transfers on top; `shortened_by`: minutes cut from the end of a pre-holiday day;
    `weekend_workday_as`: the weekday whose intervals a working Saturday/Sunday follows when the
    week has none for that day.
    """

    zone: str = DEFAULT_ZONE
    week: Week = DEFAULT_WEEK
    imported: tuple[YearFacts, ...] = ()
    overrides: tuple[DayOverride, ...] = ()
    use_builtin: bool = True
    shortened_by: int = 60
    weekend_workday_as: int = 0
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "week", validate_week(self.week))
        object.__setattr__(self, "imported", tuple(sorted(self.imported, key=lambda f: f.year)))
        object.__setattr__(self, "overrides", tuple(self.overrides))
        if len({f.year for f in self.imported}) != len(self.imported):
            raise CalendarError("two imported calendars for the same year")
        if not 0 <= self.shortened_by < 1440:
            raise CalendarError(f"shortened_by must be 0..1439 minutes, got {self.shortened_by}")
        if not self.week[self.weekend_workday_as % 7]:
            raise CalendarError("weekend_workday_as must name a weekday that has working intervals")
        self.tz  # noqa: B018 - validate the zone now, not at the first computation

    @cached_property
    def tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"unknown time zone {self.zone!r}") from exc

    def has_year(self, year: int) -> bool:
        """Whether this calendar can compute in `year`: an imported year, or any year the built-in
        calendar covers (2013-2199, provisional where no decree is known)."""
        if any(f.year == year for f in self.imported):
            return True
        return self.use_builtin and FIRST_YEAR <= year <= LAST_YEAR

    def facts(self, year: int) -> YearFacts:
        """The production calendar of a year, overrides applied; MissingYearError without data."""
        cached = self._cache.get(f"facts:{year}")
        if isinstance(cached, YearFacts):
            return cached
        base = next((f for f in self.imported if f.year == year), None)
        if base is None:
            if not self.has_year(year):
                raise MissingYearError(year)
            base = builtin_facts(year)
        result = base.with_overrides(self.overrides)
        self._cache[f"facts:{year}"] = result
        return result

    def is_provisional(self, year: int) -> bool:
        """No government decree and no imported calendar for `year`: computed by statute alone."""
        return self.facts(year).provisional

    def provisional_years(self, *moments: datetime) -> tuple[int, ...]:
        """The provisional years from the earliest to the latest of `moments` (local years, inclusive):
        a deadline computed between them may move once those years are decreed."""
        years = [m.astimezone(self.tz).year for m in moments]
        return tuple(y for y in range(min(years), max(years) + 1) if self.is_provisional(y))

    def day_kind(self, day: date) -> DayKind:
        """The production-calendar kind of a date (five-day week)."""
        return self.facts(day.year).kind(day)

    def schedule(self, day: date) -> DaySchedule:
        """The working intervals of a date: weekly intervals, days off removed, pre-holiday days shortened."""
        facts = self.facts(day.year)
        if day in facts.off:
            return ()
        intervals = self.week[day.weekday()]
        if not intervals and day.weekday() >= 5 and facts.kind(day) is not DayKind.off:
            intervals = self.week[self.weekend_workday_as % 7]  # a working Saturday/Sunday
        if day in facts.shortened:
            return shorten(intervals, self.shortened_by)
        return intervals

    def timeline(self) -> Timeline:
        """The cached interval tables (built lazily, per year, on first use)."""
        cached = self._cache.get("timeline")
        if cached is None:
            from deadlines.timeline import Timeline

            with _LOCK:
                cached = self._cache.setdefault("timeline", Timeline(self))
        return cached  # type: ignore[return-value]

    def validate(self) -> Calendar:
        """A trial computation: every imported or overridden year must have working time. Returns self.

        Built-in years without overrides are known to be sound (tests), so loading stays cheap.
        """
        touched = {f.year for f in self.imported} | {o.day.year for o in self.overrides}
        for year in sorted(y for y in touched if self.has_year(y)):
            if not self.timeline().year_table(year).starts:
                raise CalendarError(f"{year} has no working time at all in this calendar")
        return self


_LOCK = threading.Lock()


def shorten(intervals: DaySchedule, minutes: int) -> DaySchedule:
    """Cut `minutes` of work from the end of the day (art. 95: one hour on a pre-holiday day)."""
    result = list(intervals)
    while minutes > 0 and result:
        start, end = result.pop()
        if end - start > minutes:
            result.append((start, end - minutes))
        minutes -= end - start
    return tuple(result)


def default_calendar() -> Calendar:
    """Europe/Samara, Mon-Fri 09:00-13:00 and 14:00-18:00, the built-in production calendar."""
    return Calendar()


def load_calendar(
    overrides_dir: str | Path | None = None, *, zone: str = DEFAULT_ZONE, week: Week = DEFAULT_WEEK
) -> Calendar:
    """The built-in calendar plus every overrides file in `overrides_dir`.

    Default directory: ``calendar_dir()`` (``$OTKLIK_CALENDAR_DIR`` or `.state/calendar-overrides` under
    the working directory; missing is fine).
    Files (`*.json`, written by `python -m deadlines import-calendar`) hold either a complete imported
    year, which replaces the built-in year, or ad-hoc overrides (regional holidays, transfers).
    """
    directory = calendar_dir(overrides_dir)
    imported: list[YearFacts] = []
    overrides: list[DayOverride] = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        from deadlines.xmlcalendar import read_overrides_file

        content = read_overrides_file(path)
        if isinstance(content, YearFacts):
            imported.append(content)
        else:
            overrides.extend(content)
    return Calendar(zone=zone, week=week, imported=tuple(imported), overrides=tuple(overrides)).validate()
