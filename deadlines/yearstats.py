"""Yearly figures of the production calendar, as the official calendar publishes them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from deadlines.calendar import Calendar
from deadlines.facts import DayKind, YearFacts


def year_summary(cal: Calendar, year: int) -> dict[str, Any]:
    """Working days, days off, shortened days and the norm of hours for a 40-hour week.

    The 40-hour norm is 8 h per working day minus 1 h per shortened day (Labour Code art. 95).
    `schedule_hours` is the working time of this calendar's own weekly intervals over the year.
    """
    facts = cal.facts(year)
    counts = count_days(facts)
    table = cal.timeline().year_table(year)
    scheduled = sum(e - s for s, e in zip(table.starts, table.ends, strict=True))
    return {
        "year": year,
        "source": facts.source,
        "provisional": facts.provisional,
        "working_days": counts["working"],
        "days_off": counts["off"],
        "shortened_days": counts["shortened"],
        "working_hours_40h_week": 8 * counts["working"] - counts["shortened"],
        "schedule_hours": scheduled / 3_600_000_000,
    }


def count_days(facts: YearFacts) -> dict[str, int]:
    """Days of the year by kind; shortened days count as working days too."""
    counts = {"working": 0, "off": 0, "shortened": 0}
    day = date(facts.year, 1, 1)
    while day.year == facts.year:
        kind = facts.kind(day)
        counts["off" if kind is DayKind.off else "working"] += 1
        counts["shortened"] += kind is DayKind.shortened
        day += timedelta(days=1)
    return counts
