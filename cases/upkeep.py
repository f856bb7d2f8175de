"""The production calendar's upkeep on stored cases, run with the sweep (Cloud Scheduler, every 5 minutes).

1. Provisional deadlines whose years now have a government decree (a newer `holidays` release deployed)
   or an imported official calendar are recomputed (``cases.replanning.recompute_deadlines``).
2. Cases stored without deadlines (``deadlines_error``, the behaviour before provisional years) get
   them (``cases.replanning.restore_deadlines``).

Both read only what needs work, through single-field indexes (``provisional_years`` array-contains-any
the published years, ``deadlines_error`` present), never a scan of the cases; each case is one
transaction of the case repository with its audit event, then its new Cloud Tasks.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from cases.replanning import recompute_deadlines, restore_deadlines
from cases.service import CaseService, Replan
from deadlines.calendar import Calendar

if TYPE_CHECKING:
    from google.cloud.firestore import Client

log = logging.getLogger(__name__)

BATCH = 200  # cases per pass and kind; the next pass takes the rest


def published_years(calendar: Calendar, now: datetime) -> list[int]:
    """The years around now that have a decree or an imported calendar: a pending deadline can only
    reach from last year to next year."""
    year = now.astimezone(calendar.tz).year
    return [y for y in (year - 1, year, year + 1) if calendar.has_year(y) and not calendar.is_provisional(y)]


def calendar_upkeep(service: CaseService, db: Client, limit: int = BATCH) -> dict[str, int]:
    """One pass of both repairs at the service's clock; returns counts by outcome. A case that cannot
    be replanned (malformed, or a year past the calendar's range) is logged and left, never blocking the
    cases behind it."""
    from google.cloud.firestore import FieldFilter

    now = service.clock()
    counts: Counter[str] = Counter()
    calendar = service.policy().agency_calendar
    years = published_years(calendar, now)
    if years:
        sources = "; ".join(f"{y}: {calendar.facts(y).source}" for y in years)
        query = db.collection("cases").where(filter=FieldFilter("provisional_years", "array_contains_any", years))
        for snap in query.limit(limit).stream():
            outcome = _replan(service, snap.id, partial(recompute_deadlines, calendar=sources), "recomputed")
            if outcome == "recomputed_unchanged":  # the case's list was stale (a deadline missed since)
                outcome = "provisional_years_repaired" if _repair_years(db, snap.id) else outcome
            counts[outcome] += 1
    missing = db.collection("cases").where(filter=FieldFilter("deadlines_error", ">", ""))
    for snap in missing.limit(limit).stream():
        error = str((snap.to_dict() or {}).get("deadlines_error", ""))
        outcome = _replan(service, snap.id, partial(restore_deadlines, error=error), "restored")
        if outcome != "restored_failed":
            _clear_error(db, snap.id)
        counts[outcome] += 1
    if counts:
        log.info("calendar upkeep at %s: %s", now.isoformat(), dict(counts))
    return dict(counts)


def _replan(service: CaseService, case_id: str, plan: Replan, done: str) -> str:
    try:
        return done if service.replan(case_id, plan) else f"{done}_unchanged"
    except ValueError as err:  # CalendarError, or a document the case model refuses
        log.error("calendar upkeep: case %s left as it is: %s", case_id, err)
        return f"{done}_failed"


def _repair_years(db: Client, case_id: str) -> bool:
    """Set the case's ``provisional_years`` to what its pending deadlines say (escalation marks a deadline
    missed without touching it), so that the case stops matching the query; True if it changed."""
    from google.cloud import firestore

    @firestore.transactional
    def repair(transaction: firestore.Transaction) -> bool:
        ref = db.collection("cases").document(case_id)
        case = (ref.get(transaction=transaction).to_dict() or {})
        pending = [d for d in (case.get("deadlines") or {}).values() if d.get("state", "pending") == "pending"]
        years = sorted({y for d in pending for y in d.get("provisional_years") or []})
        if years == (case.get("provisional_years") or []):
            return False
        transaction.update(ref, {"provisional_years": years or firestore.DELETE_FIELD})
        return True

    return bool(repair(db.transaction()))


def _clear_error(db: Client, case_id: str) -> None:
    """The case has its deadlines now (restored just before, or earlier by a pass that stopped here)."""
    from google.cloud.firestore import DELETE_FIELD

    db.collection("cases").document(case_id).update({"deadlines_error": DELETE_FIELD})
