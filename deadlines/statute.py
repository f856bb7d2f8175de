"""The production calendar as the Labour Code makes it, before and beside the government's decree.

Art. 112: the non-working holidays (1-8 January, 23 February, 8 March, 1 and 9 May, 12 June, 4 November);
a weekend day that coincides with a holiday other than 1-8 January moves to the next working day after
the holiday (the two January ones are placed by the government's yearly decree). Art. 95: the working
day immediately before a non-working holiday is one hour shorter; when the government has swapped that
day with a working Saturday or Sunday, the shortening follows the swap to that weekend day.

Pure: dates in, dates out. The decree's own transfers come from elsewhere (``deadlines.decrees``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# (month, day) of every non-working holiday of art. 112 (as in force since 2013).
HOLIDAYS: tuple[tuple[int, int], ...] = (
    *((1, d) for d in range(1, 9)), (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
)

Transfer = tuple[date, date]  # (the weekday made a day off, the weekend day it was swapped with)


def holidays(year: int) -> list[date]:
    """The non-working holidays of a year (art. 112), in order."""
    return [date(year, month, day) for month, day in HOLIDAYS]


def statutory_days_off(year: int) -> set[date]:
    """Days off other than ordinary Saturdays and Sundays, with no decree: the holidays, and for each
    non-January holiday on a weekend the next working day after it (art. 112, part 2)."""
    off = set(holidays(year))
    for holiday in holidays(year):
        if holiday.month == 1 or holiday.weekday() < 5:
            continue
        day = holiday + timedelta(days=1)
        while day.weekday() >= 5 or day in off:
            day += timedelta(days=1)
        off.add(day)
    return off


def shortened_days(year: int, off: Iterable[date], working: Iterable[date],
                   transfers: Iterable[Transfer] = ()) -> frozenset[date]:
    """The pre-holiday days of a year shortened by one hour (art. 95).

    ``off``: days off other than ordinary weekends; ``working``: Saturdays and Sundays that are working
    days; ``transfers``: the decree's swaps. For each holiday (1 January of the next year included, so
    that 31 December counts), the day before it is shortened if it is a working day; if it was made a
    day off by a swap with a working weekend day, that weekend day is shortened instead.
    """
    off, working = set(off), set(working)
    swapped = {weekday: weekend for weekday, weekend in transfers if weekend in working}

    def is_working(day: date) -> bool:
        return day not in off and (day.weekday() < 5 or day in working)

    result: set[date] = set()
    for holiday in [*holidays(year)[1:], date(year + 1, 1, 1)]:
        before = holiday - timedelta(days=1)
        if is_working(before):
            result.add(before)
        elif before in swapped:
            result.add(swapped[before])
    return frozenset(d for d in result if d.year == year)
