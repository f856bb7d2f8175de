"""Errors of the working-time engine."""

from __future__ import annotations


class CalendarError(ValueError):
    """A calendar that cannot be used: bad intervals, an empty week, missing production-calendar data."""


class MissingYearError(CalendarError):
    """A computation reached a year for which no production calendar is known."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"no production-calendar data for {year}: import the official calendar for {year} "
            f"(python -m deadlines import-calendar {year}.xml) before computing deadlines in it"
        )
        self.year = year
