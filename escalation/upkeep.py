"""The production calendar's upkeep on stored cases, run with the sweep (Cloud Scheduler, every 5 minutes).

1. Provisional deadlines whose years now have a government decree (a newer `holidays` release deployed)
   or an imported official calendar are recomputed (``cases.replanning.recompute_deadlines``).
2. Cases stored without deadlines (``deadlines_error``, the behaviour before provisional years) get
   them (``cases.replanning.restore_deadlines``).

Both read only what needs work, through single-field indexes (``provisional_years`` array-contains-any
the published years, ``deadlines_error`` present), never a scan of the cases; each case is one write of
the case repository with its audit event, then its new Cloud Tasks.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from functools import partial

from cases.replanning import recompute_deadlines, restore_deadlines
from deadlines.calendar import Calendar
from workflow.service import CaseService, Replan

log = logging.getLogger(__name__)

BATCH = 200  # cases per pass and kind; the next pass takes the rest


def published_years(calendar: Calendar, now: datetime) -> list[int]:
    """The years around now that have a decree or an imported calendar: a pending deadline can only
    reach from last year to next year."""
    year = now.astimezone(calendar.tz).year
    return [y for y in (year - 1, year, year + 1) if calendar.has_year(y) and not calendar.is_provisional(y)]


def calendar_upkeep(service: CaseService, limit: int = BATCH) -> dict[str, int]:
    """One pass of both repairs at the service's clock; returns counts by outcome. A case that cannot
    be replanned (malformed, or a year past the calendar's range) is logged and left, never blocking the
    cases behind it."""
    now = service.clock()
    counts: Counter[str] = Counter()
    calendar = service.policy().agency_calendar
    years = published_years(calendar, now)
    if years:
        sources = "; ".join(f"{y}: {calendar.facts(y).source}" for y in years)
        for case_id in service.cases.with_provisional_years(years, limit):
            counts[_replan(service, case_id, partial(recompute_deadlines, calendar=sources), "recomputed")] += 1
    for case_id, error in service.cases.without_deadlines(limit):
        counts[_replan(service, case_id, partial(restore_deadlines, error=error), "restored")] += 1
    if counts:
        log.info("calendar upkeep at %s: %s", now.isoformat(), dict(counts))
    return dict(counts)


def _replan(service: CaseService, case_id: str, plan: Replan, done: str) -> str:
    try:
        return done if service.replan(case_id, plan) else f"{done}_unchanged"
    except ValueError as err:  # CalendarError, or a document the case model refuses
        log.error("calendar upkeep: case %s left as it is: %s", case_id, err)
        return f"{done}_failed"
