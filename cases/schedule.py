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
from cases.model import Deadline, DeadlineState, Escalation, Stage


class DuePlanner(Protocol):
    """``deadlines.policy.SlaPolicy`` in production."""

    def due(self, stage: str, start: datetime) -> datetime: ...

    def warning_at(self, stage: str, due: datetime) -> datetime:
        """When to warn before `due` (may fall before the stage started: the Ledger then warns not at all)."""
        ...

    def provisional_years(self, stage: str, *moments: datetime) -> tuple[int, ...]:
        """Years without a government decree between the earliest and latest of `moments`."""
        ...


class Ledger:
    """A working copy of a case's deadlines for one command; it records every change it makes."""

    def __init__(self, deadlines: dict[str, Deadline], planner: DuePlanner | None = None) -> None:
        self.deadlines = dict(deadlines)
        self.changes: list[DeadlineChange] = []
        self._planner = planner

    def start(self, key: str, stage: Stage, now: datetime, agency_id: str | None = None) -> Deadline:
        due, years = self._plan(stage, now)
        return self.start_at(key, stage, due, now, agency_id, years)

    def start_at(self, key: str, stage: Stage, due: datetime, now: datetime, agency_id: str | None,
                 provisional_years: tuple[int, ...] = ()) -> Deadline:
        key = str(key)
        self.cancel(key)  # a pending round being replaced is cancelled, never silently lost
        deadline = Deadline(stage=stage, due=due, started_at=now, agency_id=agency_id,
                            provisional_years=list(provisional_years), warn_at=self._warn_at(stage, due, now))
        self.deadlines[key] = deadline
        self._record(key, deadline, "started")
        return deadline

    def recompute(self, key: str) -> Deadline | None:
        """Plan a pending deadline again from its own start (its provisional years were published);
        returns the deadline as it was, or None if it is not pending. A moved due moment is recorded as a
        ``recomputed`` change (it needs new Cloud Tasks); years alone change silently."""
        key = str(key)
        old = self.deadlines.get(key)
        if old is None or old.state != DeadlineState.pending:
            return None
        due, years = self._plan(old.stage, old.started_at)
        if due == old.due:
            self.deadlines[key] = old.model_copy(update={"provisional_years": list(years)})
            return old
        moved = {"due": due, "provisional_years": list(years), "warn_at": self._warn_at(old.stage, due, old.started_at),
                 "warned": False, "warned_at": None, "task": None, "warn_task": None}
        self.deadlines[key] = old.model_copy(update=moved)
        self._record(key, self.deadlines[key], "recomputed")
        return old

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

    def warned(self, key: str, now: datetime) -> None:
        """The responsible person has been warned that the deadline nears (escalation)."""
        old = self.deadlines[str(key)]
        self.deadlines[str(key)] = old.model_copy(update={"warned": True, "warned_at": now})

    def missed(self, key: str, now: datetime, escalation: Escalation) -> None:
        """Past due and not done: missed, with who answered for it then (§20). A fact for §21."""
        key = str(key)
        old = self.deadlines[key]
        self.deadlines[key] = old.model_copy(update={"state": DeadlineState.missed, "missed_at": now,
                                                     "escalation": escalation})
        self._record(key, self.deadlines[key], "missed")

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

    def _plan(self, stage: Stage, started_at: datetime) -> tuple[datetime, tuple[int, ...]]:
        """The due moment of a stage whose clock started at `started_at`, and its provisional years. The
        draft (§11) is counted back from the answer deadline, so it inherits that deadline's years."""
        if self._planner is None:
            raise TypeError("this command starts deadlines: it needs a planner")
        base = self.deadlines[Stage.answer].due if stage is Stage.draft else started_at
        due = self._planner.due(stage.value, base)
        if due.tzinfo is None:
            raise ValueError(f"the planner returned a naive datetime for {stage}")
        return due, tuple(self._planner.provisional_years(stage.value, started_at, base, due))

    def _warn_at(self, stage: Stage, due: datetime, started_at: datetime) -> datetime | None:
        """No warning when it would come at or before the stage started (a stage shorter than the
        warning period, e.g. §9's 30 minutes with a 1-hour warning): it would only be noise."""
        if self._planner is None:
            return None
        warn_at = self._planner.warning_at(stage.value, due)
        return warn_at if started_at < warn_at < due else None

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
                    "provisional_years": deadline.provisional_years if change in ("started", "recomputed") else [],
                }
            )
        )
