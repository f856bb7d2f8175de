"""Cloud Tasks for pending deadlines: one wake-up call per due moment and one per warning.

A task is only a wake-up call; the case holds the truth. Names are hashed from (case, key, due, kind),
so creating the same task again is refused by Cloud Tasks (ALREADY_EXISTS counts as success). The local
emulator accepts duplicates; that is harmless because the handler re-reads the case and decides once.

The workflow writes ``unscheduled: true`` together with new deadlines and, after its transaction
commits, calls ``schedule_case``; if Cloud Tasks is down the flag stays and the sweep tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deadlines.wakeups import Wakeup, iso, next_wakeup, wakeups
from infra.tasks import TaskQueue, TaskRequest, TasksUnavailable, task_name

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

log = logging.getLogger(__name__)

DEADLINE_PATH = "/tasks/deadline"
TASK_FIELD = {"due": "task", "warning": "warn_task"}  # where a deadline records its task's name


def deadline_url(base_url: str) -> str:
    return base_url.rstrip("/") + DEADLINE_PATH


def wakeup_task(case_id: str, wakeup: Wakeup, base_url: str, at: datetime | None = None,
                *retry: str) -> TaskRequest:
    """The task for one wake-up; `retry` parts name a later attempt (an early delivery re-queued)."""
    due = iso(wakeup.due)
    return TaskRequest(
        name=task_name(case_id, wakeup.key, due, wakeup.kind, *retry),
        url=deadline_url(base_url),
        payload={"case_id": case_id, "key": wakeup.key, "due": due, "kind": wakeup.kind},
        at=at or wakeup.at,
    )


def schedule_deadlines(queue: TaskQueue, case_id: str, deadlines: Mapping[str, Any],
                       base_url: str) -> dict[tuple[str, str], str]:
    """Create the tasks of every pending wake-up; returns {(key, kind): task name}.

    Raises TasksUnavailable on the first task Cloud Tasks does not take (the rest are left to a retry).
    """
    names: dict[tuple[str, str], str] = {}
    for wakeup in wakeups(deadlines):
        task = wakeup_task(case_id, wakeup, base_url)
        queue.create(task)
        names[(wakeup.key, wakeup.kind)] = task.name
    return names


def schedule_case(db: Client, queue: TaskQueue, case_id: str, base_url: str,
                  deadlines: Mapping[str, Any] | None = None) -> bool:
    """Give the case's pending deadlines their tasks and clear ``unscheduled``. Safe to repeat.

    Called by the workflow after its transaction commits (pass the deadlines it wrote to save a read)
    and by the sweep. Never raises for an outage: the user's change is already committed, and while
    ``unscheduled`` stays true the sweep retries. Returns True when every pending wake-up has its task.
    """
    from google.api_core import exceptions

    try:
        if deadlines is None:
            snap = db.collection("cases").document(case_id).get()
            if not snap.exists:
                return False
            deadlines = (snap.to_dict() or {}).get("deadlines") or {}
        names = schedule_deadlines(queue, case_id, deadlines, base_url)
        return _record(db, case_id, names)
    except TasksUnavailable as err:
        log.warning("Cloud Tasks unavailable for case %s, left to the sweep: %s", case_id, err)
        _flag_unscheduled(db, case_id)
    except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
        log.warning("Firestore unavailable while scheduling case %s, left to the sweep: %s", case_id, err)
    return False


def _record(db: Client, case_id: str, names: dict[tuple[str, str], str]) -> bool:
    from google.cloud import firestore

    @firestore.transactional
    def record(transaction: Transaction) -> bool:
        ref = db.collection("cases").document(case_id)
        snap = ref.get(transaction=transaction)
        if not snap.exists:
            return False
        case = snap.to_dict() or {}
        deadlines = dict(case.get("deadlines") or {})
        covered, changed = _with_task_names(case_id, deadlines, names)
        update: dict[str, Any] = {}
        if changed:
            update["deadlines"] = deadlines
        wake = next_wakeup(deadlines)
        if wake != case.get("next_due"):
            update["next_due"] = wake if wake is not None else firestore.DELETE_FIELD
        if covered and "unscheduled" in case:
            update["unscheduled"] = firestore.DELETE_FIELD
        elif not covered and not case.get("unscheduled"):
            update["unscheduled"] = True  # the case changed since we read it: the sweep finishes it
        if update:
            transaction.update(ref, update)
        return covered

    return bool(record(db.transaction()))


def _with_task_names(case_id: str, deadlines: dict[str, Any],
                     names: dict[tuple[str, str], str]) -> tuple[bool, bool]:
    """Record the names of tasks created for deadlines that have not changed since; (covered, changed)."""
    covered, changed = True, False
    for wakeup in wakeups(deadlines):
        expected = task_name(case_id, wakeup.key, iso(wakeup.due), wakeup.kind)
        slot = TASK_FIELD[wakeup.kind]
        entry = deadlines[wakeup.key]
        if entry.get(slot) == expected:
            continue
        if names.get((wakeup.key, wakeup.kind)) == expected:
            deadlines[wakeup.key] = {**entry, slot: expected}
            changed = True
        else:
            covered = False
    return covered, changed


def _flag_unscheduled(db: Client, case_id: str) -> None:
    from google.api_core import exceptions

    try:
        db.collection("cases").document(case_id).update({"unscheduled": True})
    except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
        log.warning("could not flag case %s as unscheduled: %s", case_id, err)
