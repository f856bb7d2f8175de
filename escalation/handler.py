"""The deadline task handler: a wake-up has come; load the case, let it decide, save (docs/escalation.md).

The decision is the domain's (``cases.escalation``): warned or missed is a command like any other, one
atomic write of the case and its ``DeadlineWarned`` / ``DeadlineMissed`` event, so of two deliveries of
one task exactly one acts. The notifications follow from the event (the outbox, ``notify.inapp``). An
early delivery is queued again for the right moment under a new name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cases.documents import DocumentId
from cases.errors import NotFound
from cases.escalation import Action, Decision, Wake, escalate
from cases.model import Case
from cases.ports import CaseRepository, StaffDirectory, Unchanged
from cases.wakeups import Wakeup, iso
from escalation.tasks import after_commit, wakeup_task
from infra.tasks import TaskQueue

log = logging.getLogger(__name__)


class DeadlineTask(BaseModel):
    """The body of a deadline task (``escalation.tasks.wakeup_task``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    case_id: DocumentId
    key: str = Field(min_length=1, max_length=300)
    due: AwareDatetime
    kind: Literal["due", "warning"] = "due"


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


def handle_deadline_task(repo: CaseRepository, staff: StaffDirectory, queue: TaskQueue, task: DeadlineTask,
                         now: datetime, base_url: str) -> Outcome:
    """Decide on one delivery. Raises StoreUnavailable / TasksUnavailable on an outage (the caller: 5xx)."""
    wake = Wake(task.key, task.due, task.kind)

    def outcome(action: Action, notified: tuple[str, ...] = (), retry_at: datetime | None = None) -> Outcome:
        return Outcome(action, task.case_id, task.key, task.kind, notified, retry_at)

    try:
        committed = repo.execute(task.case_id, None, partial(_escalate, wake=wake, now=now, staff=staff))
    except NotFound:
        return outcome(Action.dropped)
    except Unchanged as unchanged:
        action = Action(unchanged.reason)
        if action is not Action.rescheduled:
            return outcome(action)
        detail = unchanged.detail
        retry_at = detail.retry_at if isinstance(detail, Decision) and detail.retry_at else task.due
        # A distinct name per early delivery: never rely on the emulator's duplicates or deletes.
        requeued = Wakeup(task.key, task.kind, retry_at, task.due)
        queue.create(wakeup_task(task.case_id, requeued, base_url, None, "early", iso(now.replace(microsecond=0))))
        return outcome(Action.rescheduled, retry_at=retry_at)
    event = committed.events[-1]
    after_commit(queue, base_url, committed, now)
    told = tuple(event.payload.get("notified_uids") or event.payload.get("responsible_uids") or ())
    if event.type == "DeadlineMissed" and not told:
        log.warning("deadline %s of case %s missed and nobody to tell: no curators on staff", task.key, task.case_id)
    log.info("deadline task %s/%s (%s): %s", task.case_id, task.key, task.kind, event.type)
    return outcome(Action.missed if event.type == "DeadlineMissed" else Action.warned, told)


def _escalate(case: Case, *, wake: Wake, now: datetime, staff: StaffDirectory) -> Any:
    return escalate(case, wake, now, staff)
