"""Cloud Tasks for a committed write: one wake-up call per pending due moment and per warning, and one call
to the outbox per commit.

A task is only a wake-up call; the case holds the truth. A wake-up's name is fixed by (case, key, due,
kind) (``cases.wakeups.task_name``) and stored on the case by the write that made it, so creating the same
task again is refused by Cloud Tasks (ALREADY_EXISTS counts as success). The local emulator accepts
duplicates; that is harmless because the handler re-reads the case and decides once.

A write that starts or moves a deadline marks the case ``unscheduled``; the tasks are created after the
commit (``after_commit``), and the sweep re-creates whatever a Cloud Tasks outage or a crash left
(``schedule_case``), then clears the mark.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cases.documents import started_keys
from cases.ports import CaseRepository, Committed
from cases.wakeups import Wakeup, iso, task_name, wakeup_task_name, wakeups
from infra.tasks import TaskQueue, TaskRequest, TasksUnavailable, function_url

log = logging.getLogger(__name__)

DEADLINE_PATH = "/tasks/deadline"
EVENTS_PATH = "/tasks/events"


def wakeup_task(case_id: str, wakeup: Wakeup, base_url: str, at: datetime | None = None,
                *retry: str) -> TaskRequest:
    """The task for one wake-up; `retry` parts name a later attempt (an early delivery re-queued)."""
    return TaskRequest(
        name=wakeup_task_name(case_id, wakeup, *retry),
        url=function_url(base_url, DEADLINE_PATH),
        payload={"case_id": case_id, "key": wakeup.key, "due": iso(wakeup.due), "kind": wakeup.kind},
        at=at or wakeup.at,
    )


def events_task(case_id: str, version: int, base_url: str, at: datetime) -> TaskRequest:
    """The outbox's call for the events of one commit (named by the case and the commit's last version)."""
    return TaskRequest(name=task_name(case_id, "events", str(version)), url=function_url(base_url, EVENTS_PATH),
                       payload={"case_id": case_id}, at=at)


def schedule_deadlines(queue: TaskQueue, case_id: str, deadlines: Mapping[str, Any], base_url: str) -> set[str]:
    """Create the tasks of every pending wake-up of `deadlines`; the names created (or found existing).

    Raises TasksUnavailable on the first task Cloud Tasks does not take (the rest are left to a retry).
    """
    created: set[str] = set()
    for wakeup in wakeups(deadlines):
        task = wakeup_task(case_id, wakeup, base_url)
        queue.create(task)
        created.add(task.name)
    return created


def after_commit(queue: TaskQueue, base_url: str, committed: Committed, now: datetime) -> None:
    """The tasks of the deadlines the write started or moved, then the outbox's call for its events.
    Never raises for a Cloud Tasks outage: the write is in, the case is marked ``unscheduled`` and its
    events undispatched, and the sweep does both."""
    case_id, keys = committed.case.id, started_keys(committed.events)
    deadlines = {k: v for k, v in (committed.fields.get("deadlines") or {}).items() if k in keys}
    try:
        schedule_deadlines(queue, case_id, deadlines, base_url)
        if committed.events:
            queue.create(events_task(case_id, committed.events[-1].version, base_url, now))
    except TasksUnavailable as err:
        log.warning("Cloud Tasks unavailable after a write to case %s; the sweep follows up: %s", case_id, err)


def schedule_case(repo: CaseRepository, queue: TaskQueue, case_id: str, base_url: str) -> bool:
    """The sweep's repair of an ``unscheduled`` case: every pending wake-up's task, then the mark cleared
    if the case has not moved on meanwhile. False (and a log line) when Cloud Tasks is down."""
    deadlines = repo.get(case_id).get("deadlines") or {}
    try:
        created = schedule_deadlines(queue, case_id, deadlines, base_url)
    except TasksUnavailable as err:
        log.warning("Cloud Tasks unavailable for case %s, left to the next sweep: %s", case_id, err)
        return False
    return repo.confirm_scheduled(case_id, created)
