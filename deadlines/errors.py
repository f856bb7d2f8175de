"""Errors of the working-time engine."""

from __future__ import annotations


class CalendarError(ValueError):
    """A calendar that cannot be used: bad intervals, an empty week, missing production-calendar data."""


class MissingYearError(CalendarError):
    """A computation reached a year the calendar cannot know: before 2013 or after 2199 without an imported
    calendar, or any year but the imported ones in a calendar without the built-in data."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no production-calendar data for {year}: the built-in calendar covers 2013-2199; import the "
            f"official calendar for {year} (python -m deadlines import-calendar {year}.xml) to compute in it"
        )
        self.year = year
