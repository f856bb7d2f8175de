"""The backstop (Cloud Scheduler every 5 minutes; a timer in the local stack), over the case repository.

1. Cases whose ``next_due`` has passed: each owed wake-up is decided exactly as if its task had been
   delivered (the same command), so a task lost by Cloud Tasks still escalates, and a task that does
   arrive later changes nothing.
2. Cases marked ``unscheduled``: their tasks are created (Cloud Tasks was down, or a crash came between a
   write and its tasks).
3. Cases with undispatched events: the outbox dispatches them (its task was lost).
4. Cases still without a short number (``give_numbers``; the outbox's task usually gives it first).

Each reads only what needs work, through an index, never a scan of the cases.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from cases.ports import CaseRepository, StaffDirectory
from cases.wakeups import wakeups
from escalation.handler import DeadlineTask, handle_deadline_task
from escalation.tasks import schedule_case
from infra.tasks import TaskQueue

log = logging.getLogger(__name__)

BATCH = 500  # per run and kind; the next run (5 minutes later) takes the rest

Dispatch = Callable[[str], int]  # the outbox: dispatch a case's pending events, return how many


def sweep(repo: CaseRepository, staff: StaffDirectory, queue: TaskQueue, now: datetime, base_url: str,
          dispatch: Dispatch | None = None, limit: int = BATCH) -> dict[str, int]:
    """One pass; returns counts by outcome (``missed``, ``warned``, ``scheduled``, ``dispatched``...)."""
    counts: Counter[str] = Counter()
    for case_id in repo.due(now, limit):
        counts["cases_due"] += 1
        try:
            _wake_case(repo, staff, queue, case_id, now, base_url, counts)
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            # A malformed case must not block the cases queued behind it on every run.
            log.error("sweep: case %s has malformed deadlines, skipped: %r", case_id, err)
            counts["malformed"] += 1
    for case_id in repo.unscheduled(limit):
        counts["cases_unscheduled"] += 1
        counts["scheduled" if schedule_case(repo, queue, case_id, base_url) else "schedule_failed"] += 1
    if dispatch is not None:
        for case_id in repo.with_undispatched_events(limit):
            counts["events_dispatched"] += dispatch(case_id)
    counts["numbered"] += repo.give_numbers(limit)
    log.info("sweep at %s: %s", now.isoformat(), dict(counts))
    return {k: v for k, v in counts.items() if v}


def _wake_case(repo: CaseRepository, staff: StaffDirectory, queue: TaskQueue, case_id: str, now: datetime,
               base_url: str, counts: Counter[str]) -> None:
    owed = [w for w in wakeups(repo.get(case_id).get("deadlines") or {}) if w.at <= now]
    # A deadline past due is decided as missed; its earlier warning would only be noise.
    past_due = {w.key for w in owed if w.kind == "due"}
    for wakeup in owed:
        if wakeup.kind == "warning" and wakeup.key in past_due:
            continue
        task = DeadlineTask(case_id=case_id, key=wakeup.key, due=wakeup.due, kind=wakeup.kind)
        counts[str(handle_deadline_task(repo, staff, queue, task, now, base_url).action)] += 1
