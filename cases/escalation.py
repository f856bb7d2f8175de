"""Escalation as a command (§20, §21): a deadline's wake-up has come; warn, or mark the deadline missed.

A Cloud Task (or the sweep) only says "look at deadline `key`, due at `due`, now". Delivery is
at-least-once and may be early, late, repeated or out of order, so the case decides, in the same
atomic write as any command:

| the deadline now                      | kind    | decision                                      |
| ------------------------------------- | ------- | --------------------------------------------- |
| case or key gone                      | any     | dropped                                       |
| not pending (met, missed, cancelled)  | any     | not_pending                                   |
| due differs from the wake-up's        | any     | moved (the new due has its own task)          |
| pending, before warn_at / due         | any     | rescheduled at warn_at / due                  |
| warned already, no warn_at, past due  | warning | nothing                                       |
| pending, at or after warn_at          | warning | warned: ``DeadlineWarned`` (version + 1)      |
| pending, at or after due              | due     | missed: ``DeadlineMissed`` (version + 1)      |

Who answers for a deadline (§7, docs/escalation.md): curator stages (§8 route, §12 review) the
curators; an agency's stage the case's executor while the case is with that agency, else the agency's
leads. A miss is told to them, the agency's leads and every curator. A stage of an agency not yet known
(the case is not routed) falls to the curators. Pure: the staff come through a ``StaffDirectory``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from cases.apply import Result, aware, commit
from cases.events import DeadlineMissed, DeadlineWarned
from cases.model import Case, Deadline, DeadlineState, Escalation, Stage
from cases.ports import StaffDirectory, Unchanged
from cases.schedule import Ledger

CURATOR_STAGES = frozenset({Stage.route, Stage.review})


class Action(StrEnum):
    dropped = "dropped"  # no such case or deadline
    not_pending = "not_pending"  # met, missed or cancelled already
    moved = "moved"  # the deadline has another due now
    rescheduled = "rescheduled"  # woken early: wake again at the right moment
    missed = "missed"
    warned = "warned"
    nothing = "nothing"  # a warning already sent, or too late to be useful


@dataclass(frozen=True)
class Wake:
    """What a wake-up says: look at deadline `key` (due at `due`) for its warning or its due moment."""

    key: str
    due: datetime
    kind: Literal["due", "warning"] = "due"


@dataclass(frozen=True)
class Decision:
    action: Action
    retry_at: datetime | None = None


def decide(case: Case, wake: Wake, now: datetime) -> Decision:
    """The table above, for a case that exists."""
    deadline = case.deadlines.get(wake.key)
    if deadline is None:
        return Decision(Action.dropped)
    if deadline.state != DeadlineState.pending:
        return Decision(Action.not_pending)
    if deadline.due != wake.due:
        return Decision(Action.moved)
    if wake.kind == "warning":
        if deadline.warn_at is None or deadline.warned or now >= deadline.due:
            return Decision(Action.nothing)
        if now < deadline.warn_at:
            return Decision(Action.rescheduled, deadline.warn_at)
        return Decision(Action.warned)
    if now < deadline.due:
        return Decision(Action.rescheduled, deadline.due)
    return Decision(Action.missed)


@dataclass(frozen=True)
class Recipients:
    agency_id: str | None
    responsible: tuple[str, ...]  # who must act: gets the warning, is named in the escalation
    notified: tuple[str, ...]  # everyone told of a miss: the responsible, the agency's leads, curators


def agency_of(deadline: Deadline, case: Case) -> str | None:
    """The agency a deadline belongs to: its own, else the agency whose turn it is, else the last routed."""
    if deadline.stage in CURATOR_STAGES:
        return None
    return deadline.agency_id or case.agency_id or (case.agency_ids[-1] if case.agency_ids else None)


def recipients(deadline: Deadline, case: Case, staff: StaffDirectory) -> Recipients:
    agency = agency_of(deadline, case)
    curators = staff.curators()
    if agency is None:
        return Recipients(None, _unique(curators), _unique(curators))
    leads = staff.leads(agency)
    # The executor belongs to the agency whose turn it is; a joint partner's deadline is not theirs.
    executor = case.executor_uid if agency == case.agency_id else None
    responsible = (executor,) if executor else _unique(leads)
    return Recipients(agency, responsible, _unique([*responsible, *leads, *curators]))


def escalate(case: Case, wake: Wake, now: datetime, staff: StaffDirectory) -> Result:
    """Warn or mark missed, as the table decides; any other decision raises ``Unchanged(action)``."""
    decision = decide(case, wake, aware(now))
    if decision.action is Action.warned:
        return warn_deadline(case, wake.key, now, staff)
    if decision.action is Action.missed:
        return miss_deadline(case, wake.key, now, staff)
    raise Unchanged(decision.action.value, decision)


def warn_deadline(case: Case, key: str, now: datetime, staff: StaffDirectory) -> Result:
    deadline = case.deadlines[key]
    who = recipients(deadline, case, staff)
    ledger = Ledger(case.deadlines)
    ledger.warned(key, now)
    payload = {"key": key, "stage": deadline.stage.value, "due": deadline.due, "agency_id": who.agency_id,
               "responsible_uids": list(who.responsible)}
    return commit(case, None, DeadlineWarned, now, payload=payload, ledger=ledger)


def miss_deadline(case: Case, key: str, now: datetime, staff: StaffDirectory) -> Result:
    deadline = case.deadlines[key]
    who = recipients(deadline, case, staff)
    ledger = Ledger(case.deadlines)
    ledger.missed(key, now, Escalation(responsible_uids=list(who.responsible), agency_id=who.agency_id,
                                       notified_uids=list(who.notified), at=now))
    payload = {"key": key, "stage": deadline.stage.value, "due": deadline.due, "agency_id": who.agency_id,
               "responsible_uids": list(who.responsible), "notified_uids": list(who.notified)}
    return commit(case, None, DeadlineMissed, now, payload=payload, ledger=ledger)


def _unique(uids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in uids if u))
