"""Detection, routing (§8), return as not competent (§9), accepting, assigning an executor."""

from __future__ import annotations

import pytest

from cases.commands import accept, assign_executor, detect, return_not_competent, route
from cases.errors import Invalid, NotAllowed, WrongState
from cases.events import Accepted, CaseDetected, ExecutorAssigned, ReturnedNotCompetent, Routed
from cases.model import CaseState
from tests.cases import (
    ADMIN,
    CURATOR,
    EXEC_A,
    EXEC_A2,
    EXEC_B,
    LEAD_A,
    LEAD_B,
    PLANNER,
    STRAY_EXECUTOR,
    SUPERVISOR,
    T0,
    Story,
    at_assigned,
    at_in_progress,
    call,
)


def test_detect_makes_a_detected_case_with_its_first_event() -> None:
    case, events = detect("vk-1", T0, PLANNER)
    assert (case.state, case.version, case.detected_at) == (CaseState.detected, 1, T0)
    assert isinstance(events[0], CaseDetected)
    assert (events[0].from_state, events[0].to_state, events[0].actor_uid) == (None, "detected", "system")


def test_route_to_one_agency() -> None:
    s = Story().tick(30).do(route, CURATOR, ["A"])
    assert s.case.state is CaseState.assigned
    assert (s.case.agency_id, s.case.route_order, s.case.agency_ids) == ("A", ["A"], ["A"])
    assert isinstance(s.last, Routed)
    assert s.last.payload == {"agency_ids": ["A"], "joint": False, "agency_id": "A"}
    assert (s.last.actor_uid, s.last.actor_role) == ("cur1", "curator")


@pytest.mark.parametrize("actor", [EXEC_A, LEAD_A, SUPERVISOR, ADMIN])
def test_only_a_curator_routes(actor) -> None:
    with pytest.raises(NotAllowed) as err:
        call(route, Story().case, actor, ["A"], now=T0)
    assert err.value.code == "role_not_allowed"


@pytest.mark.parametrize("agencies", [[], [""], ["A", "A"], ["A", " "]])
def test_route_needs_distinct_agencies(agencies) -> None:
    with pytest.raises(Invalid) as err:
        call(route, Story().case, CURATOR, agencies, now=T0)
    assert err.value.code in {"agencies_required", "agencies_duplicate"}


def test_route_twice_is_a_wrong_state() -> None:
    s = at_assigned()
    with pytest.raises(WrongState):
        s.do(route, CURATOR, ["B"])


def test_accept_by_an_executor_makes_them_the_executor() -> None:
    s = at_assigned().tick(5).do(accept, EXEC_A)
    assert s.case.state is CaseState.in_progress
    assert s.case.executor_uid == "exA"
    assert isinstance(s.last, Accepted)


def test_accept_by_the_lead_leaves_the_executor_open() -> None:
    s = at_assigned().do(accept, LEAD_A)
    assert s.case.executor_uid is None


@pytest.mark.parametrize("actor", [EXEC_B, LEAD_B, STRAY_EXECUTOR])
def test_another_agency_cannot_accept(actor) -> None:
    with pytest.raises(NotAllowed) as err:
        at_assigned().do(accept, actor)
    assert err.value.code in {"agency_not_allowed", "no_agency"}


def test_curator_cannot_accept() -> None:
    with pytest.raises(NotAllowed):
        at_assigned().do(accept, CURATOR)


def test_return_not_competent_goes_back_to_the_curator() -> None:
    s = at_assigned().tick(10).do(return_not_competent, EXEC_A, "Вопрос муниципальный")
    assert s.case.state is CaseState.detected
    assert (s.case.agency_id, s.case.route_order, s.case.executor_uid) == (None, [], None)
    assert s.case.agency_ids == ["A"], "the agency keeps sight of what it saw"
    assert s.case.returns[0].reason == "Вопрос муниципальный"
    assert s.case.returns[0].agency_id == "A"
    assert isinstance(s.last, ReturnedNotCompetent)
    assert s.last.payload == {"agency_id": "A", "reason": "Вопрос муниципальный"}


def test_return_needs_a_reason() -> None:
    with pytest.raises(Invalid) as err:
        at_assigned().do(return_not_competent, EXEC_A, "   ")
    assert err.value.code == "reason_required"


def test_return_after_accepting_goes_back_to_the_curator_with_the_reason() -> None:
    s = at_in_progress().tick(120).do(return_not_competent, EXEC_A, "выяснилось: дорога федеральная")
    assert (s.case.state, s.case.agency_id, s.case.executor_uid) == (CaseState.detected, None, None)
    assert s.case.returns[-1].reason == "выяснилось: дорога федеральная"
    assert s.case.deadlines["return_not_competent"].met_late is False  # §9 was met by accepting
    assert s.case.deadlines["route"].state.value == "pending"  # the curator routes again


def test_return_once_a_draft_is_submitted_is_a_wrong_state() -> None:
    from tests.cases import at_in_review

    with pytest.raises(WrongState) as err:
        at_in_review().do(return_not_competent, EXEC_A, "не наше")
    assert err.value.state == "in_review"


def test_another_agency_cannot_return() -> None:
    with pytest.raises(NotAllowed):
        at_assigned().do(return_not_competent, EXEC_B, "не наше")


def test_re_route_after_a_return_adds_the_new_agency() -> None:
    s = at_assigned().do(return_not_competent, EXEC_A, "не наше").tick(15).do(route, CURATOR, ["B"])
    assert (s.case.state, s.case.agency_id, s.case.agency_ids) == (CaseState.assigned, "B", ["A", "B"])
    s.do(accept, EXEC_B)
    assert s.case.state is CaseState.in_progress


def test_lead_assigns_an_executor() -> None:
    s = at_in_progress().do(assign_executor, LEAD_A, "exA2")
    assert (s.case.executor_uid, s.case.state) == ("exA2", CaseState.in_progress)
    assert isinstance(s.last, ExecutorAssigned)
    assert s.last.payload["previous_executor_uid"] == "exA"
    assert s.last.from_state == s.last.to_state == "in_progress"


@pytest.mark.parametrize("actor", [EXEC_A, CURATOR, LEAD_B])
def test_only_the_agency_lead_assigns(actor) -> None:
    with pytest.raises(NotAllowed):
        at_in_progress().do(assign_executor, actor, "exA2")


def test_assign_needs_an_executor() -> None:
    with pytest.raises(Invalid) as err:
        at_in_progress().do(assign_executor, LEAD_A, "")
    assert err.value.code == "executor_required"


def test_assign_before_routing_is_a_wrong_state_for_the_lead_of_no_agency() -> None:
    # before routing the case belongs to no agency: the lead is refused as a stranger
    with pytest.raises(NotAllowed):
        Story().do(assign_executor, LEAD_A, "exA2")


def test_any_executor_of_the_agency_may_work_the_case() -> None:
    s = at_in_progress()
    assert s.case.executor_uid == "exA"
    s.do(assign_executor, LEAD_A, "exA2")  # the colleague covers; nothing else required
    assert s.case.executor_uid == EXEC_A2.uid


# -- the curator changes who answers (re-route, withdraw) -----------------------------------------------
def test_reroute_a_case_in_review_to_another_agency() -> None:
    from cases.commands import reroute
    from cases.events import ReRouted
    from tests.cases import at_in_review

    s = at_in_review()
    answer_due = s.case.deadlines["answer"].due
    s.tick(30).do(reroute, CURATOR, ["B"], "Вопрос в ведении Минтранса")
    c = s.case
    assert (c.state, c.agency_id, c.route_order, c.agency_ids) == (CaseState.assigned, "B", ["B"], ["B"])
    assert isinstance(s.last, ReRouted)
    assert s.last.payload == {"agency_ids": ["B"], "agency_id": "B", "joint": False, "previous": ["A"],
                              "removed": ["A"], "reason": "Вопрос в ведении Минтранса"}
    assert c.drafts[-1].status.value == "withdrawn" and c.executor_uid is None
    assert c.deadlines["review"].state.value == "cancelled"  # A's draft is no longer for review
    assert c.deadlines["return_not_competent"].agency_id == "B" and c.deadlines["return_not_competent"].state.value == "pending"
    assert c.deadlines["answer"].due == answer_due  # §10 runs from the detection, whoever answers
    with pytest.raises(NotAllowed):
        s.do(accept, EXEC_A)  # A has lost it
    s.do(accept, EXEC_B)
    assert s.case.state is CaseState.in_progress


def test_reroute_changes_a_joint_answers_order_and_keeps_the_agencies_that_stay() -> None:
    from cases.commands import reroute

    s = Story().tick(20).do(route, CURATOR, ["A", "B"]).tick(10).do(reroute, CURATOR, ["B", "A", "C"], "Нужен и C")
    c = s.case
    assert (c.agency_id, c.route_order, c.agency_ids) == ("B", ["B", "A", "C"], ["A", "B", "C"])
    assert s.last.payload["removed"] == [] and s.last.payload["joint"] is True
    pending = {k for k, d in c.deadlines.items() if d.state.value == "pending"}
    assert "joint_contribution:B" in pending and "joint_contribution:A" not in pending  # whose turn it is


def test_reroute_needs_a_change_a_reason_and_a_curator() -> None:
    from cases.commands import reroute

    with pytest.raises(Invalid) as err:
        at_assigned().do(reroute, CURATOR, ["A"], "то же")
    assert err.value.code == "same_route"
    with pytest.raises(Invalid) as err:
        at_assigned().do(reroute, CURATOR, ["B"], " ")
    assert err.value.code == "reason_required"
    with pytest.raises(NotAllowed):
        at_assigned().do(reroute, LEAD_A, ["B"], "хочу")
    with pytest.raises(WrongState):
        Story().do(reroute, CURATOR, ["B"], "ещё не направлено")


def test_withdraw_takes_a_mis_routing_back() -> None:
    from cases.commands import withdraw
    from cases.events import Withdrawn

    s = at_in_progress().tick(45).do(withdraw, CURATOR, "Направлено по ошибке")
    c = s.case
    assert (c.state, c.agency_id, c.route_order, c.agency_ids, c.executor_uid) == (CaseState.detected, None, [], [], None)
    assert isinstance(s.last, Withdrawn) and s.last.payload == {"removed": ["A"], "reason": "Направлено по ошибке"}
    assert c.deadlines["route"].state.value == "pending" and c.deadlines["route"].started_at == s.now
    s.tick(5).do(route, CURATOR, ["B"])
    assert s.case.agency_ids == ["B"]
