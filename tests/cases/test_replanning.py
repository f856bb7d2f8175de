"""Provisional deadlines and the system's replanning: recomputed when their year is published, restored
when a case was stored without them. Pure, on the fake planner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.commands import accept, detect, route
from cases.documents import case_fields, started_keys
from cases.model import Case, CaseState, DeadlineState, Stage, provisional_years
from cases.replanning import recompute_deadlines, restore_deadlines
from tests.cases import CURATOR, EXEC_A, FakePlanner, call

NEW_YEARS_EVE = datetime(2027, 12, 31, 9, 0, tzinfo=UTC)  # the answer (48 h) falls in 2028
STATUTE = FakePlanner(provisional_from=2028)
DECREE = FakePlanner(later_by=timedelta(hours=2))  # the published 2028 moves the answer by two hours


def provisional_case() -> Case:
    case, _ = detect("vk-1", NEW_YEARS_EVE, STATUTE)
    return case


def test_a_deadline_over_a_year_without_a_decree_is_provisional() -> None:
    case = provisional_case()
    assert case.deadlines[Stage.route].provisional_years == []
    assert case.deadlines[Stage.answer].provisional_years == [2028]
    # the draft is due in 2028 too, and it is counted back from the answer deadline
    assert case.deadlines[Stage.draft].provisional_years == [2028]
    assert provisional_years(case) == [2028]


def test_the_draft_inherits_the_answer_deadlines_years() -> None:
    case, _ = detect("vk-2", datetime(2027, 12, 30, 2, 0, tzinfo=UTC), STATUTE)
    answer, draft = case.deadlines[Stage.answer], case.deadlines[Stage.draft]
    assert answer.due.year == 2028 and draft.due.year == 2027  # 4 hours back crosses the New Year
    assert draft.provisional_years == [2028]


def test_recompute_moves_the_provisional_deadlines_and_records_why() -> None:
    case = provisional_case()
    result = recompute_deadlines(case, NEW_YEARS_EVE + timedelta(hours=3), DECREE, calendar="2028: xmlcalendar")
    assert result is not None
    new, [event] = result
    assert (new.version, event.version, event.type, event.actor_uid) == (2, 2, "DeadlinesRecomputed", "system")
    assert event.from_state == event.to_state == CaseState.detected
    answer, draft = new.deadlines[Stage.answer], new.deadlines[Stage.draft]
    assert answer.due == case.deadlines[Stage.answer].due + timedelta(hours=2)
    assert draft.due == answer.due - timedelta(hours=4)  # counted back from the new answer deadline
    assert answer.provisional_years == draft.provisional_years == [] and provisional_years(new) == []
    assert new.deadlines[Stage.route] == case.deadlines[Stage.route]  # it was final
    assert event.payload["reason"] == "calendar_published" and event.payload["years"] == [2028]
    assert event.payload["calendar"] == "2028: xmlcalendar"
    assert [(c["key"], c["old_due"], c["new_due"]) for c in event.payload["changes"]] == [
        ("answer", case.deadlines[Stage.answer].due, answer.due),
        ("draft", case.deadlines[Stage.draft].due, draft.due)]
    assert [(c.key, c.change) for c in event.deadlines] == [("answer", "recomputed"), ("draft", "recomputed")]
    assert started_keys([event]) == {"answer", "draft"}  # they need new Cloud Tasks


def test_recompute_when_the_decree_changes_nothing_makes_the_deadlines_final_without_new_tasks() -> None:
    case = provisional_case()
    new, [event] = recompute_deadlines(case, NEW_YEARS_EVE, FakePlanner()) or (None, [None])
    assert new is not None and event is not None
    assert new.deadlines[Stage.answer].due == case.deadlines[Stage.answer].due
    assert new.deadlines[Stage.answer].provisional_years == []
    assert event.deadlines == [] and started_keys([event]) == set()
    assert [c["provisional_years"] for c in event.payload["changes"]] == [[], []]


def test_recompute_while_the_year_is_still_provisional_changes_nothing() -> None:
    assert recompute_deadlines(provisional_case(), NEW_YEARS_EVE, STATUTE) is None
    final, _ = detect("vk-3", datetime(2027, 3, 1, 9, 0, tzinfo=UTC), STATUTE)
    assert recompute_deadlines(final, NEW_YEARS_EVE, DECREE) is None  # nothing provisional to recompute


def test_recompute_leaves_deadlines_that_are_no_longer_pending() -> None:
    case = provisional_case()
    routed = call(route, case, CURATOR, ["A"], now=NEW_YEARS_EVE + timedelta(minutes=20))[0]
    accepted = call(accept, routed, EXEC_A, now=NEW_YEARS_EVE + timedelta(minutes=30))[0]
    missed = accepted.deadlines[Stage.draft].model_copy(update={"state": DeadlineState.missed})
    accepted = accepted.model_copy(update={"deadlines": {**accepted.deadlines, Stage.draft: missed}})
    new, [event] = recompute_deadlines(accepted, NEW_YEARS_EVE, DECREE) or (None, [None])
    assert new is not None and event is not None
    assert [c["key"] for c in event.payload["changes"]] == ["answer"]
    assert new.deadlines[Stage.draft] == missed and new.deadlines[Stage.route] == accepted.deadlines[Stage.route]


def test_stored_fields_carry_the_years_on_each_deadline_and_on_the_case() -> None:
    case = provisional_case()
    fields = case_fields(case, [])
    assert fields["provisional_years"] == [2028]
    assert fields["deadlines"]["answer"]["provisional_years"] == [2028]
    assert "provisional_years" not in fields["deadlines"]["route"]  # absent: final
    new, events = recompute_deadlines(case, NEW_YEARS_EVE, DECREE) or (case, [])
    fields = case_fields(new, events)
    assert fields["provisional_years"] is None  # removed from the document (firestore_fields)
    assert fields["deadlines"]["answer"]["warn_at"] == new.deadlines[Stage.answer].due - timedelta(hours=1)
    assert fields["unscheduled"] is True  # until the moved deadlines have their tasks


def test_restore_gives_a_case_without_deadlines_those_of_its_detection() -> None:
    bare = Case(id="vk-9", detected_at=NEW_YEARS_EVE, state=CaseState.detected)
    new, [event] = restore_deadlines(bare, NEW_YEARS_EVE + timedelta(days=3), FakePlanner(), "no data for 2028") \
        or (None, [None])
    assert new is not None and event is not None
    assert set(new.deadlines) == {"route", "answer", "draft"}
    assert new.deadlines[Stage.answer].started_at == NEW_YEARS_EVE  # from the detection, however late
    assert new.deadlines[Stage.answer].due == NEW_YEARS_EVE + timedelta(hours=48)
    assert (event.type, event.payload["reason"], event.payload["error"]) == (
        "DeadlinesRecomputed", "deadlines_restored", "no data for 2028")
    assert started_keys([event]) == {"route", "answer", "draft"}
    assert restore_deadlines(new, NEW_YEARS_EVE, FakePlanner()) is None


def test_restore_after_routing_and_in_a_final_state() -> None:
    routed = Case(id="vk-9", detected_at=NEW_YEARS_EVE, state=CaseState.in_progress)
    new, _ = restore_deadlines(routed, NEW_YEARS_EVE, FakePlanner()) or (None, [])
    assert new is not None and set(new.deadlines) == {"answer", "draft"}  # routing is done
    for state in (CaseState.answered, CaseState.closed, CaseState.excluded):
        assert restore_deadlines(Case(id="x", detected_at=NEW_YEARS_EVE, state=state), NEW_YEARS_EVE,
                                 FakePlanner()) is None
