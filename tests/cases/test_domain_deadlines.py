"""Deadlines on transitions (§8–§16): which command starts, meets or cancels which term."""

from __future__ import annotations

from cases.commands import (
    accept,
    approve,
    publish,
    return_for_rework,
    return_not_competent,
    route,
    submit_draft,
)
from cases.model import Deadline, DeadlineState, Stage, next_due, pending_deadlines
from tests.cases import (
    CURATOR,
    EXEC_A,
    EXEC_B,
    T0,
    Story,
    at_approved,
    at_assigned,
    at_in_progress,
    at_in_review,
    draft_args,
    hours,
)

URL = "https://vk.com/wall-1_2?reply=3"
PENDING, MET, MISSED, CANCELLED = (
    DeadlineState.pending, DeadlineState.met, DeadlineState.missed, DeadlineState.cancelled,
)


def states(story: Story) -> dict[str, DeadlineState]:
    return {k: d.state for k, d in story.case.deadlines.items()}


def test_detection_starts_route_answer_and_draft() -> None:
    d = Story().case.deadlines
    assert d["route"].due == T0 + hours(1)  # §8
    assert d["answer"].due == T0 + hours(48)  # §10
    assert d["draft"].due == T0 + hours(44)  # §11: 4 hours before the answer deadline
    assert all(x.state is PENDING and x.started_at == T0 for x in d.values())
    assert Story().case.next_due == T0 + hours(1)


def test_route_meets_route_and_starts_the_competence_check() -> None:
    s = at_assigned()
    routed_at = s.now
    assert states(s)["route"] is MET
    rnc = s.case.deadlines["return_not_competent"]
    assert (rnc.state, rnc.due, rnc.agency_id) == (PENDING, routed_at + hours(0.5), "A")  # §9
    assert [c.change for c in s.last.deadlines] == ["met", "started"]


def test_accept_meets_the_competence_check() -> None:
    assert states(at_in_progress())["return_not_competent"] is MET


def test_return_meets_the_check_and_gives_the_curator_a_new_route_deadline() -> None:
    s = at_assigned().tick(20).do(return_not_competent, EXEC_A, "не наше")
    returned_at = s.now
    assert states(s)["return_not_competent"] is MET
    assert s.case.deadlines["route"].state is PENDING
    assert s.case.deadlines["route"].due == returned_at + hours(1)


def test_answer_deadline_runs_from_detection_through_returns_and_re_routes() -> None:
    s = Story()
    answer, draft = s.case.deadlines["answer"], s.case.deadlines["draft"]
    s.tick(50).do(route, CURATOR, ["A"]).tick(25).do(return_not_competent, EXEC_A, "не наше")
    s.tick(90).do(route, CURATOR, ["B"]).do(accept, EXEC_B)
    assert s.case.deadlines["answer"] == answer
    assert s.case.deadlines["draft"] == draft


def test_submit_meets_draft_and_starts_review() -> None:
    s = at_in_review()
    submitted_at = s.now
    assert states(s)["draft"] is MET and states(s)["answer"] is PENDING
    assert s.case.deadlines["review"].due == submitted_at + hours(1)  # §12
    assert s.case.deadlines["review"].agency_id is None, "review is the curator's"


def test_rework_round_trip() -> None:
    s = at_in_review().tick(30).do(return_for_rework, CURATOR, "уточнить")
    returned_at = s.now
    assert states(s)["review"] is MET
    assert s.case.deadlines["rework"].due == returned_at + hours(2)  # §13
    s.tick(60).do(submit_draft, EXEC_A, **draft_args())
    assert states(s)["rework"] is MET
    assert s.case.deadlines["review"].state is PENDING, "a new review round overwrites the key"
    assert s.case.deadlines["review"].started_at == s.now


def test_second_rework_restarts_the_rework_key_and_events_keep_the_first() -> None:
    s = at_in_review().do(return_for_rework, CURATOR, "1").tick(60).do(submit_draft, EXEC_A, **draft_args())
    first = s.case.deadlines["rework"]
    s.tick(10).do(return_for_rework, CURATOR, "2")
    assert s.case.deadlines["rework"].started_at == s.now != first.started_at
    rework_starts = [c for e in s.events for c in e.deadlines if c.key == "rework" and c.change == "started"]
    assert len(rework_starts) == 2


def test_approve_starts_publish_and_publish_meets_it_and_the_answer() -> None:
    s = at_approved()
    approved_at = s.now
    assert s.case.deadlines["publish"].due == approved_at + hours(1)  # §14
    s.tick(30).do(publish, EXEC_A, URL)
    assert states(s)["publish"] is MET and states(s)["answer"] is MET
    assert pending_deadlines(s.case) == {}
    assert next_due(s.case) is None


def test_intermediate_answer_starts_final_answer_seven_days_later() -> None:
    s = at_approved(intermediate=True).tick(10).do(publish, EXEC_A, URL)
    published_at = s.now
    assert states(s)["answer"] is MET, "an answer was published in time"
    final = s.case.deadlines["final_answer"]
    assert (final.state, final.due, final.agency_id) == (PENDING, published_at + hours(7 * 24), "A")  # §15
    s.tick(60).do(submit_draft, EXEC_A, **draft_args()).do(approve, CURATOR, 5).do(publish, EXEC_A, URL + "2")
    assert states(s)["final_answer"] is MET


def test_met_late_is_recorded() -> None:
    s = Story().tick(3 * 60).do(route, CURATOR, ["A"])
    route_deadline = s.case.deadlines["route"]
    assert (route_deadline.state, route_deadline.met_late, route_deadline.met_at) == (MET, True, s.now)
    assert s.last.deadlines[0].met_late is True


def test_a_missed_deadline_stays_missed_when_done_later() -> None:
    s = Story()
    # the escalation handler marked the route deadline missed
    missed = s.case.deadlines["route"].model_copy(update={"state": MISSED})
    s.case = s.case.model_copy(update={"deadlines": {**s.case.deadlines, "route": missed}})
    from cases.documents import case_fields

    assert case_fields(s.case, [])["overdue_since"] == missed.due  # owed and late: the overdue queue's
    s.tick(120).do(route, CURATOR, ["A"])
    d = s.case.deadlines["route"]
    assert (d.state, d.met_at, d.met_late) == (MISSED, s.now, True)
    assert case_fields(s.case, [])["overdue_since"] is None  # done since: no longer overdue


def test_close_leaves_nothing_pending() -> None:
    s = at_approved().do(publish, EXEC_A, URL)  # the final answer closes the case
    assert s.case.state.value == "closed" and pending_deadlines(s.case) == {}


def test_pending_deadlines_are_sorted_and_next_due_is_the_earliest() -> None:
    s = at_assigned()
    pending = pending_deadlines(s.case)
    assert list(pending) == ["return_not_competent", "draft", "answer"]
    assert s.case.next_due == pending["return_not_competent"].due


def test_draft_deadline_is_derived_from_the_answer_deadline() -> None:
    d = Story().case.deadlines
    assert isinstance(d["draft"], Deadline) and d["draft"].stage is Stage.draft
    assert d["draft"].due == d["answer"].due - hours(4)


def test_restarting_a_pending_deadline_cancels_the_old_round_in_the_events() -> None:
    s = at_in_review()
    # a rework started while one is still pending (a hand-edited case): the old round is cancelled first
    from cases.schedule import Ledger
    from tests.cases import PLANNER

    ledger = Ledger(s.case.deadlines, PLANNER)
    ledger.start("review", Stage.review, s.now + hours(1))
    assert [c.change for c in ledger.changes] == ["cancelled", "started"]


def test_a_case_is_found_by_its_number_and_its_words_whatever_their_endings() -> None:
    from cases.documents import case_fields, search_words

    words = search_words("vk-77_1", {"text": "Фонтан на Театральной площади не работает, ЁЛКА упала!",
                                     "author": {"name": "Пётр Иванов"}, "url": "https://vk.com/wall-77_1"})
    assert {"фонта", "театр", "площа", "елка", "петр", "ивано", "vk", "wall", "77", "vk-77_1"} <= set(words)
    assert "на" in words and "не" in words and len(words) == len(set(words))  # short words kept whole
    assert search_words("vk-1", {"text": "фонтаном"}) == ["vk", "vk-1", "фонта"]
    assert case_fields(Story().case, [])["search_words"] == ["vk", "vk-1"]
    numbered = Story().case.model_copy(update={"number": "2026-01230"})
    assert case_fields(numbered, [])["search_words"] == ["01230", "1230", "2026", "2026-01230", "vk", "vk-1"]
    many = search_words("vk-1", {"text": " ".join(f"{n:03d}слово" for n in range(400))}, "2026-00007")
    assert len(many) == 300 and {"vk-1", "2026-00007", "7"} <= set(many), "the id and number are never cut"
