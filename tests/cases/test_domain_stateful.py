"""Random sequences of commands by random people never break the case's invariants."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import cases.commands as commands
from cases.errors import DomainError
from cases.events import CaseEvent
from cases.model import Actor, Case, CaseState, DeadlineState, Role
from cases.transitions import TRANSITIONS, allowed_commands
from tests.cases import CURATOR, EXEC_A, EXEC_B, EXEC_C, LEAD_A, LEAD_B, SUPERVISOR, Story, call

LEAD_C = Actor(uid="leadC", role=Role.agency_lead, agency_id="C")
ACTORS = [CURATOR, EXEC_A, LEAD_A, EXEC_B, LEAD_B, EXEC_C, LEAD_C, SUPERVISOR]
ORDERS = [["A"], ["A", "B"], ["B", "A", "C"], ["B"], ["C"]]
WORKING = {CaseState.assigned, CaseState.in_progress, CaseState.in_review, CaseState.rework, CaseState.approved}


def arguments(command: str, variant: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Valid input when ``variant`` > 0, something the decree refuses when it is 0."""
    ok = variant > 0
    text = "текст" if ok else " "
    simple: dict[str, tuple[Any, ...]] = {
        "route": (ORDERS[variant % len(ORDERS)] if ok else [],),
        "return_not_competent": (text,),
        "contribute": (text,),
        "pass_on": (None if ok else "Z",),
        "approve": (variant if ok else 7,),
        "return_for_rework": (text,),
        "publish": ("https://vk.com/wall-1_2" if ok else "http://vk.com",),
        "assign_executor": ("exA2" if ok else "",),
        "link_repeat": ("vk-0" if ok else "",),
        "flag_exclusion": (text,),
        "mark_significant": (text,),
        "dismiss": ("spam" if ok else " ", "Спам или реклама", None),
        "reroute": (ORDERS[(variant + 1) % len(ORDERS)] if ok else [], text),
        "withdraw": (text,),
        "request_intermediate": (text,),
    }
    if command == "submit_draft":
        measures = "меры приняты" if variant != 3 else None
        return (), {"text": text, "attachments": [], "intermediate": variant == 2, "measures_taken": measures}
    if command == "confirm_exclusion":
        return (), {"reason": "угрозы" if ok else None}
    return simple.get(command, ()), {}


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.story = Story()
        self.answer_due = self.story.case.deadlines["answer"].due

    @rule(data=st.data(), variant=st.integers(0, 5), minutes=st.integers(0, 600))
    def act(self, data: st.DataObject, variant: int, minutes: int) -> None:
        old = self.story.case
        command, actor = self.draw_move(data, old)
        snapshot = copy.deepcopy(old.model_dump())
        now = self.story.now + timedelta(minutes=minutes)
        args, kw = arguments(command, variant)
        try:
            new, events = call(getattr(commands, command), old, actor, *args, now=now, **kw)
        except DomainError:
            assert old.model_dump() == snapshot
            return
        assert old.model_dump() == snapshot, "a command changed its input"
        self.check_move(command, actor, old, new, events)
        self.story.case, self.story.now = new, now
        self.story.events.extend(events)

    @staticmethod
    def draw_move(data: st.DataObject, case: Case) -> tuple[str, Actor]:
        """Mostly a command the state allows, by someone who may run it; sometimes anything by anyone."""
        allowed = allowed_commands(case.state)
        onward = [c for c in allowed if TRANSITIONS[c].targets is not None and c != "confirm_exclusion"]
        pick = data.draw(st.integers(0, 9))
        choices = sorted(TRANSITIONS) if pick == 0 or not allowed else allowed if pick < 3 or not onward else onward
        command = data.draw(st.sampled_from(choices))
        roles = TRANSITIONS[command].roles
        eligible = [a for a in ACTORS if a.role in roles and a.agency_id in (None, case.agency_id)]
        likely = eligible and data.draw(st.integers(0, 4)) > 0
        return command, data.draw(st.sampled_from(eligible if likely else ACTORS))

    def check_move(self, command: str, actor: Actor, old: Case, new: Case, events: list[CaseEvent]) -> None:
        table = TRANSITIONS[command]
        assert actor.role in table.roles and old.state in table.sources
        assert new.state in table.targets if table.targets is not None else new.state == old.state
        assert new.version == old.version + 1
        [event] = events
        assert (event.from_state, event.to_state, event.version) == (old.state, new.state, new.version)
        if command not in {"reverse_exclusion"}:
            assert new.deadlines["answer"].due == old.deadlines["answer"].due, "§10 runs from detection"

    @invariant()
    def the_case_is_consistent(self) -> None:
        case = self.story.case
        assert case.state in CaseState
        pending = [d.due for d in case.deadlines.values() if d.state is DeadlineState.pending]
        assert case.next_due == min(pending, default=None)
        if case.state in (CaseState.excluded, CaseState.closed, CaseState.dismissed):
            assert not pending
        if case.state is CaseState.dismissed:
            assert case.dismissal is not None and case.dismissal.reopened_at is None and case.agency_id is None
        if case.state in WORKING:
            assert case.agency_id in case.route_order and case.agency_id in case.agency_ids
        if case.state in (CaseState.detected, CaseState.contributed):
            assert case.agency_id is None
        if case.state is CaseState.contributed:
            assert case.joint and case.still_to_contribute()
        if case.state in (CaseState.in_review, CaseState.approved):
            assert case.drafts and case.drafts[-1].status in ("submitted", "approved")
        if case.state is CaseState.excluded:
            assert case.exclusion is not None and case.exclusion.confirmed_by is not None
        assert Case.model_validate(case.model_dump()) == case

    @invariant()
    def the_events_chain(self) -> None:
        events = self.story.events
        assert [e.version for e in events] == list(range(1, len(events) + 1))
        assert all(a.to_state == b.from_state for a, b in zip(events, events[1:], strict=False))
        assert events[-1].to_state == self.story.case.state
        assert events[-1].version == self.story.case.version


CaseMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_case_workflow_invariants = CaseMachine.TestCase
