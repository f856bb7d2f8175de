"""The backstop (Cloud Scheduler every 5 minutes; a timer in the local stack).

1. Cases whose ``next_due`` has passed: each owed wake-up is decided exactly as if its task had been
   delivered (the same transaction), so a task lost by Cloud Tasks still escalates, and a task that
   does arrive later changes nothing.
2. Cases flagged ``unscheduled``: their tasks are created (Cloud Tasks was down, or a crash came
   between the workflow's commit and the scheduling).

Both read only what is due, through single-field indexes on ``next_due`` and ``unscheduled``
(``firestore.indexes.json``), never a scan of the cases.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deadlines.escalation import DeadlineTask, handle_deadline_task
from deadlines.schedule import schedule_case
from deadlines.wakeups import next_wakeup, wakeups
from infra.tasks import TaskQueue
from notify.inapp import DEFAULT_ZONE

if TYPE_CHECKING:
    from google.cloud.firestore import Client

log = logging.getLogger(__name__)

BATCH = 500  # per run; the next run (5 minutes later) takes the rest


def sweep(db: Client, now: datetime, queue: TaskQueue, base_url: str, zone: str = DEFAULT_ZONE,
          limit: int = BATCH) -> dict[str, int]:
    """One pass; returns counts by outcome (``missed``, ``warned``, ``scheduled``, ...)."""
    counts: Counter[str] = Counter()
    for snap in _overdue(db, now, limit):
        counts["cases_due"] += 1
        try:
            _wake_case(db, snap.id, snap.to_dict() or {}, now, queue, base_url, zone, counts)
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            # A malformed case must not block the cases queued behind it on every run.
            log.error("sweep: case %s has malformed deadlines, skipped: %r", snap.id, err)
            counts["malformed"] += 1
    for snap in _unscheduled(db, limit):
        counts["cases_unscheduled"] += 1
        counts["scheduled" if schedule_case(db, queue, snap.id, base_url) else "schedule_failed"] += 1
    log.info("sweep at %s: %s", now.isoformat(), dict(counts))
    return dict(counts)


def _overdue(db: Client, now: datetime, limit: int) -> list[Any]:
    from google.cloud.firestore import FieldFilter, Query

    query = (db.collection("cases").where(filter=FieldFilter("next_due", "<=", now))
             .order_by("next_due", direction=Query.ASCENDING).limit(limit))
    return list(query.stream())


def _unscheduled(db: Client, limit: int) -> list[Any]:
    from google.cloud.firestore import FieldFilter

    return list(db.collection("cases").where(filter=FieldFilter("unscheduled", "==", True)).limit(limit).stream())


def _wake_case(db: Client, case_id: str, case: dict[str, Any], now: datetime, queue: TaskQueue,
               base_url: str, zone: str, counts: Counter[str]) -> None:
    owed = [w for w in wakeups(case.get("deadlines") or {}) if w.at <= now]
    # A deadline past due is decided as missed; its earlier warning would only be noise.
    past_due = {w.key for w in owed if w.kind == "due"}
    acted = False
    for wakeup in owed:
        if wakeup.kind == "warning" and wakeup.key in past_due:
            continue
        task = DeadlineTask(case_id=case_id, key=wakeup.key, due=wakeup.due, kind=wakeup.kind)
        outcome = handle_deadline_task(db, task, now, queue, base_url, zone)
        counts[str(outcome.action)] += 1
        acted = True
    if not acted:
        _repair_next_due(db, case_id, counts)


def _repair_next_due(db: Client, case_id: str, counts: Counter[str]) -> None:
    """``next_due`` says the case is due but nothing is owed: it was written by another rule; fix it,
    or the case would come back on every sweep."""
    from google.cloud import firestore

    @firestore.transactional
    def repair(transaction: firestore.Transaction) -> None:
        ref = db.collection("cases").document(case_id)
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return
        wake = next_wakeup((snap.to_dict() or {}).get("deadlines") or {})
        transaction.update(ref, {"next_due": wake if wake is not None else firestore.DELETE_FIELD})

    repair(db.transaction())
    counts["next_due_repaired"] += 1
