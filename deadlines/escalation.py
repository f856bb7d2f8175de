"""The escalation handler: a deadline's task has fired; re-read the case and decide (DESIGN.md "Deadlines").

Delivery is at-least-once and may be early, late, repeated or out of order. The decision is taken in
one Firestore transaction on the case, so a deadline is marked missed once and its notifications are
written once (deterministic ids, same transaction):

| the deadline now                      | kind    | decision                                      |
| ------------------------------------- | ------- | --------------------------------------------- |
| case or key gone                      | any     | drop                                          |
| not pending (met, missed, cancelled)  | any     | nothing                                       |
| due differs from the task's           | any     | nothing (the new due has its own task)        |
| pending, before warn_at / due         | any     | re-queue at warn_at / due under a new name    |
| pending, warned already or past due   | warning | nothing                                       |
| pending, at or after warn_at          | warning | warned; warn the responsible person           |
| pending, at or after due              | due     | missed + escalation; notify everyone involved |
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from deadlines.responsible import recipients
from deadlines.schedule import wakeup_task
from deadlines.wakeups import Wakeup, field, is_pending, iso, next_wakeup, stage_of
from infra.tasks import TaskQueue
from notify.inapp import DEFAULT_ZONE, DeadlineNotice, write_in

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, Transaction

log = logging.getLogger(__name__)


class DeadlineTask(BaseModel):
    """The body of a deadline task (see ``deadlines.schedule.wakeup_task``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    case_id: str = Field(min_length=1, max_length=300)
    key: str = Field(min_length=1, max_length=300)
    due: AwareDatetime
    kind: Literal["due", "warning"] = "due"


class Action(StrEnum):
    dropped = "dropped"  # no such case or deadline
    not_pending = "not_pending"  # met, missed or cancelled already
    moved = "moved"  # the deadline has another due now
    rescheduled = "rescheduled"  # delivered early: a new task at the right moment
    missed = "missed"
    warned = "warned"
    nothing = "nothing"  # a warning that is already sent, or too late to be useful


@dataclass(frozen=True)
class Outcome:
    action: Action
    case_id: str
    key: str
    kind: str
    notified: tuple[str, ...] = ()
    retry_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": str(self.action), "case_id": self.case_id, "key": self.key, "kind": self.kind,
                "notified": list(self.notified), "retry_at": self.retry_at.isoformat() if self.retry_at else None}


def handle_deadline_task(db: Client, task: DeadlineTask, now: datetime, queue: TaskQueue, base_url: str,
                         zone: str = DEFAULT_ZONE) -> Outcome:
    """Decide on one delivery. Raises on a Firestore or Cloud Tasks outage (the caller answers 5xx)."""
    from google.cloud import firestore

    decide = firestore.transactional(_decide)
    outcome: Outcome = decide(db.transaction(), db, task, now, zone)
    if outcome.action is Action.rescheduled and outcome.retry_at is not None:
        # A distinct name per early delivery: never rely on the emulator's duplicates or deletes.
        wakeup = Wakeup(task.key, task.kind, outcome.retry_at, task.due)
        queue.create(wakeup_task(task.case_id, wakeup, base_url, None, "early", iso(now.replace(microsecond=0))))
    log.info("deadline task %s/%s (%s): %s", task.case_id, task.key, task.kind, outcome.action)
    return outcome


def _decide(transaction: Transaction, db: Client, task: DeadlineTask, now: datetime, zone: str) -> Outcome:
    ref = db.collection("cases").document(task.case_id)
    snap = ref.get(transaction=transaction)
    case = (snap.to_dict() or {}) if snap.exists else {}
    deadline = (case.get("deadlines") or {}).get(task.key)

    def outcome(action: Action, notified: tuple[str, ...] = (), retry_at: datetime | None = None) -> Outcome:
        return Outcome(action, task.case_id, task.key, task.kind, notified, retry_at)

    if deadline is None:
        return outcome(Action.dropped)
    if not is_pending(deadline):
        return outcome(Action.not_pending)
    due = field(deadline, "due")
    if due is None or due != task.due:
        return outcome(Action.moved)
    if task.kind == "warning":
        warn_at = field(deadline, "warn_at")
        if warn_at is None or field(deadline, "warned") or now >= due:
            return outcome(Action.nothing)
        if now < warn_at:
            return outcome(Action.rescheduled, retry_at=warn_at)
        return outcome(Action.warned, _warn(transaction, db, ref, case, task, now, zone))
    if now < due:
        return outcome(Action.rescheduled, retry_at=due)
    return outcome(Action.missed, _miss(transaction, db, ref, case, task, now, zone))


def _warn(transaction: Transaction, db: Client, ref: DocumentReference, case: Mapping[str, Any],
          task: DeadlineTask, now: datetime, zone: str) -> tuple[str, ...]:
    deadline = case["deadlines"][task.key]
    stage = stage_of(task.key, deadline)
    who = recipients(db, stage, deadline, case)
    _update_deadline(transaction, ref, case, task.key, {**deadline, "warned": True, "warned_at": now})
    notice = DeadlineNotice("deadline_warning", task.case_id, task.key, stage, task.due, who.agency_id)
    write_in(transaction, db, notice, list(who.responsible), iso(task.due), now, zone)
    return who.responsible


def _miss(transaction: Transaction, db: Client, ref: DocumentReference, case: Mapping[str, Any],
          task: DeadlineTask, now: datetime, zone: str) -> tuple[str, ...]:
    """§21 counts the miss; DESIGN.md "Notifications": the executor, the agency's lead, the curators."""
    deadline = case["deadlines"][task.key]
    stage = stage_of(task.key, deadline)
    who = recipients(db, stage, deadline, case)
    escalation = {"responsible_uids": list(who.responsible), "agency_id": who.agency_id,
                  "notified_uids": list(who.notified), "at": now}
    _update_deadline(transaction, ref, case, task.key,
                     {**deadline, "state": "missed", "missed_at": now, "escalation": escalation})
    notice = DeadlineNotice("deadline_missed", task.case_id, task.key, stage, task.due, who.agency_id)
    write_in(transaction, db, notice, list(who.notified), iso(task.due), now, zone)
    if not who.notified:
        log.warning("deadline %s of case %s missed and nobody to tell: no curators on staff", task.key, task.case_id)
    return who.notified


def _update_deadline(transaction: Transaction, ref: DocumentReference, case: Mapping[str, Any], key: str,
                     entry: dict[str, Any]) -> None:
    """Replace one deadline and recompute ``next_due``; nothing else on the case changes (not its version)."""
    from google.cloud import firestore

    deadlines = {**case["deadlines"], key: entry}
    wake = next_wakeup(deadlines)
    transaction.update(ref, {"deadlines": deadlines,
                             "next_due": wake if wake is not None else firestore.DELETE_FIELD})
