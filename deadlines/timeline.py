"""Precomputed working intervals as integer microseconds since the epoch, per year, merged on demand.

A `YearTable` lists, for every working day of a year, its intervals both as absolute instants and as
local clock offsets from midnight. A `Span` concatenates the tables of consecutive years and adds the
cumulative working time before each interval, so that adding or subtracting working time is two
bisections and integer arithmetic. UTC offsets are resolved once per interval boundary when a year is
built, never per call.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING

from deadlines.errors import MissingYearError

if TYPE_CHECKING:
    from deadlines.calendar import Calendar

US = 1_000_000  # microseconds per second
MINUTE = 60 * US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike float timestamps)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


class YearTable:
    """The working intervals of one year of one calendar."""

    __slots__ = ("year", "day_starts", "end", "starts", "ends", "local_starts", "local_ends",
                 "interval_day", "day_ordinals", "day_first", "day_last")

    def __init__(self, calendar: Calendar, year: int) -> None:
        self.year = year
        self.day_starts: list[int] = []  # every local midnight of the year
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.local_starts: list[int] = []  # clock time of the interval start, µs after midnight
        self.local_ends: list[int] = []
        self.interval_day: list[int] = []  # index of the interval's working day in this table
        self.day_ordinals: list[int] = []  # per working day: date.toordinal()
        self.day_first: list[int] = []  # per working day: its first interval index
        self.day_last: list[int] = []  # per working day: one past its last interval index
        day = date(year, 1, 1)
        while day.year == year:
            self._add_day(calendar, day)
            day += timedelta(days=1)
        self.end = to_us(datetime(year + 1, 1, 1, tzinfo=calendar.tz))

    def _add_day(self, calendar: Calendar, day: date) -> None:
        midnight = datetime(day.year, day.month, day.day, tzinfo=calendar.tz)
        self.day_starts.append(to_us(midnight))
        schedule = calendar.schedule(day)
        if not schedule:
            return
        self.day_ordinals.append(day.toordinal())
        self.day_first.append(len(self.starts))
        for start, end in schedule:  # wall-clock arithmetic: correct on days when the offset changes
            self.starts.append(to_us(midnight + timedelta(minutes=start)))
            self.ends.append(to_us(midnight + timedelta(minutes=end)))
            self.local_starts.append(start * MINUTE)
            self.local_ends.append(end * MINUTE)
            self.interval_day.append(len(self.day_ordinals) - 1)
        self.day_last.append(len(self.starts))


class Span:
    """Consecutive years merged, with cumulative working time (`cum` before, `cum_end` after each interval)."""

    __slots__ = ("first_year", "last_year", "lo", "hi", "first_ordinal", "day_starts", "starts", "ends",
                 "local_starts", "local_ends", "interval_day", "day_ordinals", "day_first", "day_last",
                 "cum", "cum_end", "total")

    def __init__(self, tables: list[YearTable]) -> None:
        self.first_year, self.last_year = tables[0].year, tables[-1].year
        self.first_ordinal = date(self.first_year, 1, 1).toordinal()
        self.day_starts: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.local_starts: list[int] = []
        self.local_ends: list[int] = []
        self.interval_day: list[int] = []
        self.day_ordinals: list[int] = []
        self.day_first: list[int] = []
        self.day_last: list[int] = []
        for table in tables:
            self._append(table)
        self.lo, self.hi = self.day_starts[0], tables[-1].end
        lengths = [e - s for s, e in zip(self.starts, self.ends, strict=True)]
        self.cum_end: list[int] = list(accumulate(lengths))
        self.cum: list[int] = [c - n for c, n in zip(self.cum_end, lengths, strict=True)]
        self.total = self.cum_end[-1] if lengths else 0

    def _append(self, table: YearTable) -> None:
        interval_offset, day_offset = len(self.starts), len(self.day_ordinals)
        self.day_starts += table.day_starts
        self.starts += table.starts
        self.ends += table.ends
        self.local_starts += table.local_starts
        self.local_ends += table.local_ends
        self.interval_day += [d + day_offset for d in table.interval_day]
        self.day_ordinals += table.day_ordinals
        self.day_first += [i + interval_offset for i in table.day_first]
        self.day_last += [i + interval_offset for i in table.day_last]


class Timeline:
    """The lazily built, cached tables of one calendar; `span` grows as computations reach new years."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.span: Span | None = None
        self._tables: dict[int, YearTable] = {}
        self._lock = threading.Lock()

    def year_table(self, year: int) -> YearTable:
        table = self._tables.get(year)
        if table is None:
            if not self.calendar.has_year(year):
                raise MissingYearError(year)
            table = self._tables[year] = YearTable(self.calendar, year)
        return table

    def year_of(self, us: int) -> int:
        return datetime.fromtimestamp(us // US, self.calendar.tz).year

    def extend(self, year: int) -> Span:
        """A span that includes `year`: the current one widened if the years between have data."""
        with self._lock:
            span = self.span
            if span is not None and span.first_year <= year <= span.last_year:
                return span
            first, last = (year, year) if span is None else (
                min(year, span.first_year), max(year, span.last_year))
            try:
                tables = [self.year_table(y) for y in range(first, last + 1)]
            except MissingYearError:
                tables = [self.year_table(year)]  # a gap in the data: start afresh at this year
            self.span = Span(tables)
            return self.span
