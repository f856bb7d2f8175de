"""Repeats (§17), exclusion (§19) and social significance (§22)."""

from __future__ import annotations

import pytest

from cases.commands import (
    confirm_exclusion,
    dismiss_exclusion,
    flag_exclusion,
    link_repeat,
    mark_significant,
    reverse_exclusion,
)
from cases.errors import Invalid, NotAllowed, WrongState
from cases.events import (
    ExclusionConfirmed,
    ExclusionDismissed,
    ExclusionFlagged,
    ExclusionReversed,
    MarkedSignificant,
    RepeatLinked,
)
from cases.model import CaseState, DeadlineState
from tests.cases import (
    CURATOR,
    CURATOR2,
    EXEC_A,
    EXEC_B,
    LEAD_A,
    SUPERVISOR,
    Story,
    at_answered,
    at_approved,
    at_assigned,
    at_in_progress,
    at_in_review,
    hours,
)

REASON = "Нецензурная брань"


def test_link_repeat() -> None:
    s = Story().do(link_repeat, CURATOR, "vk-0")
    assert s.case.repeat_of == "vk-0"
    assert isinstance(s.last, RepeatLinked)
    assert s.last.payload == {"earlier_case_id": "vk-0", "previous": None}


@pytest.mark.parametrize(("earlier", "code"), [("", "earlier_case_required"), ("vk-1", "repeat_of_self")])
def test_link_repeat_needs_another_case(earlier, code) -> None:
    with pytest.raises(Invalid) as err:
        Story(case_id="vk-1").do(link_repeat, CURATOR, earlier)
    assert err.value.code == code


def test_only_curator_links_repeats() -> None:
    with pytest.raises(NotAllowed):
        at_in_progress().do(link_repeat, EXEC_A, "vk-0")


def test_link_repeat_after_approval_is_a_wrong_state() -> None:
    with pytest.raises(WrongState):
        at_approved().do(link_repeat, CURATOR, "vk-0")


@pytest.mark.parametrize("actor", [CURATOR, EXEC_A, LEAD_A])
def test_anyone_working_on_the_case_may_flag(actor) -> None:
    s = at_in_progress().do(flag_exclusion, actor, REASON)
    assert s.case.state is CaseState.in_progress, "a flag alone changes nothing in the workflow"
    assert s.case.exclusion is not None and s.case.exclusion.flagged_by == actor.uid
    assert isinstance(s.last, ExclusionFlagged)


@pytest.mark.parametrize("actor", [EXEC_B, SUPERVISOR])
def test_strangers_cannot_flag(actor) -> None:
    with pytest.raises(NotAllowed):
        at_in_progress().do(flag_exclusion, actor, REASON)


def test_flag_needs_a_reason_and_is_not_repeated() -> None:
    with pytest.raises(Invalid):
        Story().do(flag_exclusion, CURATOR, "")
    s = Story().do(flag_exclusion, CURATOR, REASON)
    with pytest.raises(Invalid) as err:
        s.do(flag_exclusion, CURATOR, REASON)
    assert err.value.code == "already_flagged"


def test_confirm_exclusion_cancels_pending_deadlines_and_keeps_everything() -> None:
    s = at_in_review().do(flag_exclusion, EXEC_A, REASON).tick(5).do(confirm_exclusion, CURATOR2)
    assert s.case.state is CaseState.excluded
    ex = s.case.exclusion
    assert ex is not None
    assert (ex.reason, ex.flagged_by, ex.confirmed_by, ex.state_before) == (REASON, "exA", "cur2", "in_review")
    assert sorted(ex.cancelled_deadlines) == ["answer", "review"]
    assert s.case.next_due is None
    assert s.case.deadlines["route"].state is DeadlineState.met
    assert s.case.deadlines["answer"].state is DeadlineState.cancelled
    assert s.case.drafts, "nothing is deleted"
    assert isinstance(s.last, ExclusionConfirmed)
    assert s.last.payload["state_before"] == "in_review"


def test_curator_may_exclude_without_a_flag_by_giving_the_reason() -> None:
    with pytest.raises(Invalid) as err:
        Story().do(confirm_exclusion, CURATOR)
    assert err.value.code == "reason_required"
    s = Story().do(confirm_exclusion, CURATOR, reason="Угрозы")
    assert s.case.exclusion is not None and s.case.exclusion.flagged_by == "cur1"


def test_only_curator_confirms() -> None:
    s = at_assigned().do(flag_exclusion, EXEC_A, REASON)
    with pytest.raises(NotAllowed):
        s.do(confirm_exclusion, LEAD_A)


def test_an_answered_case_cannot_be_excluded() -> None:
    with pytest.raises(WrongState):
        at_answered().do(confirm_exclusion, CURATOR, reason=REASON)


def test_dismiss_a_flag() -> None:
    s = at_assigned().do(flag_exclusion, EXEC_A, REASON).do(dismiss_exclusion, CURATOR)
    assert s.case.state is CaseState.assigned
    assert s.case.exclusion is not None and s.case.exclusion.dismissed_by == "cur1"
    assert isinstance(s.last, ExclusionDismissed)
    with pytest.raises(Invalid) as err:
        s.do(dismiss_exclusion, CURATOR)
    assert err.value.code == "not_flagged"
    s.do(flag_exclusion, CURATOR, "Оскорбления")  # a new flag may follow
    assert s.case.exclusion is not None and s.case.exclusion.open_flag


def test_reverse_exclusion_restores_the_state_and_restarts_its_deadlines() -> None:
    s = at_in_review().do(confirm_exclusion, CURATOR, reason=REASON).tick(24 * 60)
    reversed_at = s.now
    s.do(reverse_exclusion, CURATOR)
    assert s.case.state is CaseState.in_review
    assert isinstance(s.last, ExclusionReversed)
    assert (s.last.from_state, s.last.to_state) == ("excluded", "in_review")
    d = s.case.deadlines
    assert d["review"].state is DeadlineState.pending and d["review"].due == reversed_at + hours(1)
    assert d["answer"].state is DeadlineState.pending and d["answer"].due == reversed_at + hours(48)
    assert d["draft"].state is DeadlineState.met, "what was done stays done"
    assert s.case.exclusion is not None and s.case.exclusion.reversed_by == "cur1"


def test_reverse_exclusion_of_a_detected_case_restarts_route_answer_and_draft() -> None:
    s = Story().do(confirm_exclusion, CURATOR, reason=REASON).tick(60).do(reverse_exclusion, CURATOR)
    d = s.case.deadlines
    assert s.case.state is CaseState.detected
    assert {k for k, v in d.items() if v.state is DeadlineState.pending} == {"route", "answer", "draft"}
    assert d["draft"].due == d["answer"].due - hours(4)


def test_reverse_needs_an_excluded_case() -> None:
    with pytest.raises(WrongState):
        at_assigned().do(reverse_exclusion, CURATOR)


def test_mark_significant() -> None:
    s = at_assigned().do(mark_significant, CURATOR, "Массовые жалобы на отопление")
    assert s.case.significant is not None and s.case.significant.by == "cur1"
    assert isinstance(s.last, MarkedSignificant)
    with pytest.raises(Invalid) as err:
        s.do(mark_significant, CURATOR, "ещё раз")
    assert err.value.code == "already_significant"


def test_mark_significant_needs_a_reason_and_a_curator() -> None:
    with pytest.raises(Invalid):
        Story().do(mark_significant, CURATOR, " ")
    with pytest.raises(NotAllowed):
        at_assigned().do(mark_significant, EXEC_A, "важно")


def test_an_excluded_message_may_still_be_reported_as_significant() -> None:
    s = Story().do(confirm_exclusion, CURATOR, reason="Угрозы должностному лицу").do(
        mark_significant, CURATOR, "Угрозы"
    )
    assert s.case.state is CaseState.excluded and s.case.significant is not None


# -- "needs no reaction" (§1, §6, §8) ------------------------------------------------------------------
def test_dismiss_stops_the_clocks_of_a_detected_message() -> None:
    from cases.commands import dismiss
    from cases.events import Dismissed

    s = Story().tick(15).do(dismiss, CURATOR, "spam", "Спам или реклама", " рекламный пост ")
    assert s.case.state is CaseState.dismissed
    assert isinstance(s.last, Dismissed)
    assert s.last.payload == {"reason": "spam", "label": "Спам или реклама", "note": "рекламный пост",
                              "cancelled": ["route", "answer", "draft"]}
    assert all(d.state is DeadlineState.cancelled for d in s.case.deadlines.values())
    assert s.case.dismissal is not None and (s.case.dismissal.by, s.case.dismissal.label) == ("cur1", "Спам или реклама")


def test_only_a_curator_dismisses_and_only_a_detected_message() -> None:
    from cases.commands import dismiss

    with pytest.raises(WrongState):
        at_assigned().do(dismiss, CURATOR, "spam", "Спам", None)
    with pytest.raises(NotAllowed):
        Story().do(dismiss, SUPERVISOR, "spam", "Спам", None)
    with pytest.raises(Invalid) as err:
        Story().do(dismiss, CURATOR, " ", "", None)
    assert err.value.code == "reason_required"


def test_a_reopened_message_is_as_late_as_it_really_is() -> None:
    from cases.commands import dismiss, reopen
    from cases.commands import route as route_to
    from cases.events import Reopened

    s = Story()
    detected, first = s.now, dict(s.case.deadlines)
    s.tick(10).do(dismiss, CURATOR, "informational", "Информационное сообщение", None).tick(3 * 60)
    s.do(reopen, CURATOR)
    assert s.case.state is CaseState.detected and isinstance(s.last, Reopened)
    assert s.last.payload == {"restarted": ["answer", "route", "draft"]}
    d = s.case.deadlines
    assert {k: v.state for k, v in d.items()} == dict.fromkeys(("route", "answer", "draft"), DeadlineState.pending)
    assert all(d[k].due == first[k].due and d[k].started_at == detected for k in d)  # from the detection
    assert d["route"].due < s.now  # three hours later: §8's hour is already past
    assert s.case.dismissal is not None and s.case.dismissal.reopened_by == "cur1"
    with pytest.raises(WrongState):
        s.do(reopen, CURATOR)
    s.tick(5).do(route_to, CURATOR, ["A"])  # and it goes on as any detected message
    assert s.case.state is CaseState.assigned
