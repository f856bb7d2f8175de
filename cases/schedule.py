"""Deadlines on transitions: started, met or cancelled by the one command that owns each change.

The working-time arithmetic is not here: a ``DuePlanner`` (in production ``deadlines.policy.SlaPolicy``)
answers "when is this stage due if it starts at that moment". For ``draft`` the start it is given is the
answer deadline and it answers 4 working hours before it (§11).

Keys: the stage name, or ``joint_contribution:<agency_id>`` (§16). A stage that starts again (a second
rework, a route after a return, the next agency's competence check) overwrites its key with a fresh
pending deadline; the earlier round survives in the events' ``deadlines`` changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from cases.events import DeadlineChange
from cases.model import Deadline, DeadlineState, Stage


class DuePlanner(Protocol):
    def due(self, stage: str, start: datetime) -> datetime: ...


class Ledger:
    """A working copy of a case's deadlines for one command; it records every change it makes."""

    def __init__(self, deadlines: dict[str, Deadline], planner: DuePlanner | None = None) -> None:
        self.deadlines = dict(deadlines)
        self.changes: list[DeadlineChange] = []
        self._planner = planner

    def start(self, key: str, stage: Stage, now: datetime, agency_id: str | None = None) -> Deadline:
        base = self.deadlines[Stage.answer].due if stage is Stage.draft else now
        return self.start_at(key, stage, self._plan(stage, base), now, agency_id)

    def start_at(self, key: str, stage: Stage, due: datetime, now: datetime, agency_id: str | None) -> Deadline:
        key = str(key)
        self.cancel(key)  # a pending round being replaced is cancelled, never silently lost
        deadline = Deadline(stage=stage, due=due, started_at=now, agency_id=agency_id)
        self.deadlines[key] = deadline
        self._record(key, deadline, "started")
        return deadline

    def meet(self, key: str, now: datetime) -> None:
        """Done. A missed deadline stays missed (the miss is a fact for §21) but gets its ``met_at``."""
        key = str(key)
        old = self.deadlines.get(key)
        if old is None or old.met_at is not None or old.state not in (DeadlineState.pending, DeadlineState.missed):
            return
        late = now > old.due
        state = DeadlineState.met if old.state == DeadlineState.pending else DeadlineState.missed
        self.deadlines[key] = old.model_copy(update={"state": state, "met_at": now, "met_late": late})
        self._record(key, self.deadlines[key], "met")

    def cancel(self, key: str) -> bool:
        key = str(key)
        old = self.deadlines.get(key)
        if old is None or old.state != DeadlineState.pending:
            return False
        self.deadlines[key] = old.model_copy(update={"state": DeadlineState.cancelled})
        self._record(key, self.deadlines[key], "cancelled")
        return True

    def cancel_pending(self) -> list[str]:
        return [key for key in list(self.deadlines) if self.cancel(key)]

    def _plan(self, stage: Stage, start: datetime) -> datetime:
        if self._planner is None:
            raise TypeError("this command starts deadlines: it needs a planner")
        due = self._planner.due(stage.value, start)
        if due.tzinfo is None:
            raise ValueError(f"the planner returned a naive datetime for {stage}")
        return due

    def _record(self, key: str, deadline: Deadline, change: str) -> None:
        self.changes.append(
            DeadlineChange.model_validate(
                {
                    "key": key,
                    "stage": deadline.stage,
                    "change": change,
                    "due": deadline.due,
                    "agency_id": deadline.agency_id,
                    "met_late": deadline.met_late,
                }
            )
        )
