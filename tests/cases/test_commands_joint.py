"""Joint answers (§16): the curator sets the order; each agency sends its part to the curator, who passes the
case on to the next; the last drafts."""

from __future__ import annotations

import pytest

from cases.commands import (
    accept,
    approve,
    contribute,
    pass_on,
    publish,
    reroute,
    return_not_competent,
    route,
    submit_draft,
)
from cases.errors import Invalid, NotAllowed, WrongState
from cases.events import ContributionMade, PassedOn
from cases.model import CaseState, DeadlineState
from tests.cases import CURATOR, EXEC_A, EXEC_B, EXEC_C, LEAD_B, Story, at_in_progress, draft_args, hours


def joint() -> Story:
    return Story().tick(30).do(route, CURATOR, ["A", "B", "C"])


def test_joint_route_hands_the_case_to_the_first_agency() -> None:
    s = joint()
    assert (s.case.agency_id, s.case.route_order, s.case.agency_ids) == ("A", ["A", "B", "C"], ["A", "B", "C"])
    assert s.case.joint
    assert s.last.payload["joint"] is True


def test_order_a_b_c_with_contributions_and_receipt_times() -> None:
    s = joint()
    received_a = s.now
    s.tick(10).do(accept, EXEC_A).tick(60).do(contribute, EXEC_A, "Часть A")
    assert (s.case.state, s.case.agency_id, s.case.executor_uid) == (CaseState.contributed, None, None)
    assert isinstance(s.last, ContributionMade)
    assert s.last.payload == {"agency_id": "A", "text": "Часть A", "next_agency_id": "B"}
    assert "joint_contribution:B" not in s.case.deadlines, "B's 3 hours run from its receipt, not A's part"
    s.tick(20).do(pass_on, CURATOR, None)
    received_b = s.now
    assert (s.case.state, s.case.agency_id) == (CaseState.assigned, "B")
    assert isinstance(s.last, PassedOn) and s.last.payload == {"agency_id": "B", "route_order": ["A", "B", "C"]}
    s.tick(5).do(accept, EXEC_B).tick(100).do(contribute, EXEC_B, "Часть B").tick(7).do(pass_on, CURATOR, None)
    received_c = s.now
    s.tick(5).do(accept, EXEC_C)

    d = s.case.deadlines
    assert d["joint_contribution:A"].started_at == received_a
    assert d["joint_contribution:A"].due == received_a + hours(3)
    assert d["joint_contribution:B"].started_at == received_b
    assert d["joint_contribution:C"].started_at == received_c
    assert d["joint_contribution:A"].state is DeadlineState.met
    assert d["joint_contribution:B"].state is DeadlineState.met
    assert d["joint_contribution:C"].state is DeadlineState.pending

    contributions = s.case.contributions  # what the last agency sees when composing
    assert [(a, c.text, c.by) for a, c in contributions.items()] == [("A", "Часть A", "exA"), ("B", "Часть B", "exB")]

    s.tick(30).do(submit_draft, EXEC_C, **draft_args("Общий ответ"))
    assert s.case.deadlines["joint_contribution:C"].state is DeadlineState.met
    assert s.case.drafts[0].agency_id == "C"
    s.do(approve, CURATOR, 5).do(publish, EXEC_C, "https://ok.ru/x")
    assert s.case.state is CaseState.closed


def test_a_waiting_agency_cannot_act_out_of_turn() -> None:
    s = joint()
    with pytest.raises(NotAllowed):
        s.do(accept, EXEC_B)


def test_the_curator_may_pass_the_case_to_a_later_agency_first() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A").do(pass_on, CURATOR, "C")
    assert (s.case.agency_id, s.case.route_order) == ("C", ["A", "C", "B"])
    s.do(accept, EXEC_C)
    with pytest.raises(Invalid) as err:
        s.do(submit_draft, EXEC_C, **draft_args())
    assert err.value.code == "contribution_expected", "C is no longer last: B still has to give its part"
    s.do(contribute, EXEC_C, "C").do(pass_on, CURATOR, None).do(accept, EXEC_B)
    s.do(submit_draft, EXEC_B, **draft_args("Общий ответ B"))
    assert (s.case.state, s.case.drafts[0].agency_id) == (CaseState.in_review, "B")


def test_pass_on_only_to_an_agency_still_to_contribute() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A")
    for agency in ("A", "D"):
        with pytest.raises(Invalid) as err:
            s.do(pass_on, CURATOR, agency)
        assert err.value.code == "agency_not_pending"
    with pytest.raises(NotAllowed):
        s.do(pass_on, EXEC_A, None)


def test_a_contributed_case_waits_for_the_curator() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A")
    for actor in (EXEC_A, EXEC_B):
        with pytest.raises(NotAllowed):
            s.do(accept, actor)
    with pytest.raises(WrongState):
        joint().do(pass_on, CURATOR, None)


def test_a_contributed_case_can_be_rerouted() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A").do(reroute, CURATOR, ["A", "C"], "без B")
    assert (s.case.state, s.case.agency_id, list(s.case.contributions)) == (CaseState.assigned, "A", ["A"])


def test_the_last_agency_does_not_contribute() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A").do(pass_on, CURATOR, None)
    s.do(accept, EXEC_B).do(contribute, EXEC_B, "B").do(pass_on, CURATOR, None)
    s.do(accept, EXEC_C)
    with pytest.raises(Invalid) as err:
        s.do(contribute, EXEC_C, "C")
    assert err.value.code == "last_agency_drafts"


def test_an_earlier_agency_cannot_submit_the_joint_draft() -> None:
    s = joint().do(accept, EXEC_A)
    with pytest.raises(Invalid) as err:
        s.do(submit_draft, EXEC_A, **draft_args())
    assert err.value.code == "contribution_expected"


def test_contribution_needs_text() -> None:
    with pytest.raises(Invalid) as err:
        joint().do(accept, EXEC_A).do(contribute, EXEC_A, " ")
    assert err.value.code == "text_required"


def test_contribution_only_in_a_joint_case() -> None:
    with pytest.raises(Invalid) as err:
        at_in_progress().do(contribute, EXEC_A, "часть")
    assert err.value.code == "not_joint"


def test_contribution_needs_the_case_accepted() -> None:
    with pytest.raises(WrongState):
        joint().do(contribute, EXEC_A, "часть")


def test_a_later_agency_may_return_the_case_mid_way() -> None:
    s = joint().do(accept, EXEC_A).do(contribute, EXEC_A, "A").do(pass_on, CURATOR, None).tick(10)
    s.do(return_not_competent, LEAD_B, "Не наш вопрос")
    assert s.case.state is CaseState.detected
    assert s.case.deadlines["joint_contribution:B"].state is DeadlineState.cancelled
    assert s.case.contributions["A"].text == "A", "earlier contributions are kept for the re-route"
    s.do(route, CURATOR, ["C"]).do(accept, EXEC_C).do(submit_draft, EXEC_C, **draft_args())
    assert s.case.state is CaseState.in_review
