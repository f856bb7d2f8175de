"""Drafting (§11), review (§12), rework (§13), publishing (§14), intermediate answers (§15), closing."""

from __future__ import annotations

import pytest

from cases.commands import approve, close, link_repeat, publish, return_for_rework, submit_draft
from cases.errors import Invalid, NotAllowed, WrongState
from cases.events import Approved, Closed, DraftSubmitted, Published, ReturnedForRework
from cases.model import CaseState, DraftStatus
from tests.cases import (
    CURATOR,
    EXEC_A,
    EXEC_A2,
    EXEC_B,
    LEAD_A,
    Story,
    at_answered,
    at_approved,
    at_assigned,
    at_in_progress,
    at_in_review,
    draft_args,
)

URL = "https://vk.com/wall-1_2?reply=3"


def test_submit_draft() -> None:
    s = at_in_review(attachments=["https://storage.example/photo.jpg"])
    assert s.case.state is CaseState.in_review
    draft = s.case.drafts[0]
    assert (draft.status, draft.submitted_by, draft.agency_id) == (DraftStatus.submitted, "exA", "A")
    assert draft.attachments == ["https://storage.example/photo.jpg"]
    assert isinstance(s.last, DraftSubmitted)
    assert s.last.payload["draft_index"] == 0


def test_a_colleague_from_the_same_agency_may_submit() -> None:
    s = at_in_progress().do(submit_draft, EXEC_A2, **draft_args())
    assert s.case.drafts[0].submitted_by == "exA2"


def test_submit_from_assigned_is_a_wrong_state() -> None:
    with pytest.raises(WrongState) as err:
        at_assigned().do(submit_draft, EXEC_A, **draft_args())
    assert err.value.allowed[:2] == ["accept", "return_not_competent"]


def test_another_agency_cannot_submit() -> None:
    with pytest.raises(NotAllowed):
        at_in_progress().do(submit_draft, EXEC_B, **draft_args())


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        (draft_args(text="  "), "text_required"),
        (draft_args(attachments=["http://insecure.example/a.jpg"]), "attachment_url_invalid"),
        (draft_args(attachments=["not a url"]), "attachment_url_invalid"),
    ],
)
def test_submit_checks_the_draft(draft, code) -> None:
    with pytest.raises(Invalid) as err:
        at_in_progress().do(submit_draft, EXEC_A, **draft)
    assert err.value.code == code


def test_repeat_answer_must_report_measures_taken() -> None:
    s = Story().do(link_repeat, CURATOR, "vk-0")
    s = at_in_progress(s)
    with pytest.raises(Invalid) as err:
        s.do(submit_draft, EXEC_A, **draft_args(measures_taken="  "))
    assert err.value.code == "measures_required"
    assert "принятых мерах" in err.value.message
    s.do(submit_draft, EXEC_A, **draft_args(measures_taken="Яма заделана 3 марта"))
    assert s.case.drafts[0].measures_taken == "Яма заделана 3 марта"


def test_approve_with_rating() -> None:
    s = at_approved()
    assert (s.case.state, s.case.rating) == (CaseState.approved, 5)
    assert s.case.drafts[0].status is DraftStatus.approved
    assert s.case.drafts[0].reviewed_by == "cur1"
    assert isinstance(s.last, Approved)


def test_approve_without_rating() -> None:
    s = at_in_review().do(approve, CURATOR, None)
    assert s.case.rating is None


@pytest.mark.parametrize("rating", [0, 6, -1, True, 2.5])
def test_rating_is_one_to_five(rating) -> None:
    with pytest.raises(Invalid) as err:
        at_in_review().do(approve, CURATOR, rating)
    assert err.value.code == "rating_out_of_range"


def test_executor_cannot_approve() -> None:
    with pytest.raises(NotAllowed):
        at_in_review().do(approve, EXEC_A, 5)


def test_return_for_rework_then_resubmit() -> None:
    s = at_in_review().tick(30).do(return_for_rework, CURATOR, "Добавьте сроки ремонта")
    assert s.case.state is CaseState.rework
    assert s.case.drafts[0].status is DraftStatus.returned
    assert s.case.drafts[0].review_comment == "Добавьте сроки ремонта"
    assert isinstance(s.last, ReturnedForRework)
    s.tick(60).do(submit_draft, EXEC_A, **draft_args("Ремонт до 10 марта"))
    assert s.case.state is CaseState.in_review
    assert [d.status for d in s.case.drafts] == [DraftStatus.returned, DraftStatus.submitted]


def test_rework_needs_a_comment() -> None:
    with pytest.raises(Invalid) as err:
        at_in_review().do(return_for_rework, CURATOR, "")
    assert err.value.code == "comment_required"


def test_rework_message_names_the_states() -> None:
    with pytest.raises(WrongState) as err:
        at_assigned().do(return_for_rework, CURATOR, "Добавьте сроки")
    assert err.value.message.startswith(
        "Вернуть на доработку можно только в состоянии «На согласовании»; "
        "сейчас обращение в состоянии «Назначено». Доступно: принять, вернуть как не относящееся к компетенции, "
    )


def test_publish_final_answer_closes_the_case() -> None:
    from tests.cases import at_published

    s = at_published()
    assert s.case.state is CaseState.closed
    assert s.case.next_due is None
    assert s.case.answers[0].url == URL
    assert s.case.answers[0].intermediate is False
    assert s.case.drafts[-1].status is DraftStatus.published
    assert isinstance(s.last, Published)
    assert s.last.payload == {"draft_index": 0, "url": URL, "intermediate": False}


def test_lead_may_publish() -> None:
    s = at_approved().do(publish, LEAD_A, URL)
    assert s.case.answers[0].by == "leadA"


@pytest.mark.parametrize("url", ["http://vk.com/wall-1_2", "vk.com/wall", "", "https://", "https://vk.com/a b"])
def test_publish_needs_an_https_link(url) -> None:
    with pytest.raises(Invalid) as err:
        at_approved().do(publish, EXEC_A, url)
    assert err.value.code == "url_invalid"


def test_publish_before_approval_is_a_wrong_state() -> None:
    with pytest.raises(WrongState):
        at_in_review().do(publish, EXEC_A, URL)


def test_curator_cannot_publish() -> None:
    with pytest.raises(NotAllowed):
        at_approved().do(publish, CURATOR, URL)


def test_intermediate_answer_goes_back_to_work_then_final() -> None:
    s = at_approved(intermediate=True).do(publish, EXEC_A, URL)
    assert s.case.state is CaseState.in_progress
    assert s.case.answers[0].intermediate is True
    assert s.last.to_state == "in_progress"
    with pytest.raises(Invalid) as err:
        s.do(submit_draft, EXEC_A, **draft_args(intermediate=True))
    assert err.value.code == "intermediate_already_published"
    s.tick(60 * 24).do(submit_draft, EXEC_A, **draft_args("Окончательный ответ"))
    s.tick(30).do(approve, CURATOR, 4).tick(10).do(publish, EXEC_A, URL + "&final")
    assert s.case.state is CaseState.closed
    assert [a.intermediate for a in s.case.answers] == [True, False]


def test_close_an_answered_case() -> None:
    s = at_answered()
    assert s.case.state is CaseState.answered and s.last.type == "Reopened"
    assert (s.last.from_state, s.last.to_state) == ("closed", "answered")
    s.do(close, CURATOR)
    assert s.case.state is CaseState.closed
    assert isinstance(s.last, Closed)


def test_close_before_the_answer_is_a_wrong_state() -> None:
    with pytest.raises(WrongState) as err:
        at_approved().do(close, CURATOR)
    assert "Закрыть можно только в состоянии «Ответ размещён»" in err.value.message


def test_closed_case_offers_nothing() -> None:
    s = at_answered().do(close, CURATOR)
    with pytest.raises(WrongState) as err:
        s.do(close, CURATOR)
    assert err.value.allowed == ["reopen"]
    assert err.value.message.endswith("«Закрыто». Доступно: вернуть к рассмотрению.")


def test_a_second_intermediate_answer_only_when_the_curator_asks() -> None:
    from cases.commands import request_intermediate

    s = at_in_progress().tick(30).do(submit_draft, EXEC_A, **draft_args("Изучаем вопрос", intermediate=True))
    s.tick(20).do(approve, CURATOR, None).tick(10).do(publish, EXEC_A, URL)
    first_due = s.case.deadlines["final_answer"].due
    with pytest.raises(Invalid) as err:
        s.do(submit_draft, EXEC_A, **draft_args("Всё ещё изучаем", intermediate=True))
    assert err.value.code == "intermediate_already_published"
    s.tick(24 * 60).do(request_intermediate, CURATOR, "Работы перенесены на весну")
    assert s.case.another_intermediate and s.last.type == "IntermediateRequested"
    with pytest.raises(Invalid):
        s.do(request_intermediate, CURATOR, "ещё раз")
    s.do(submit_draft, EXEC_A, **draft_args("Работы перенесены, сообщим дату", intermediate=True))
    s.tick(20).do(approve, CURATOR, None).tick(10).do(publish, EXEC_A, URL)
    assert [a.intermediate for a in s.case.answers] == [True, True] and not s.case.another_intermediate
    assert s.case.deadlines["final_answer"].due > first_due  # seven working days from the second one


def test_request_intermediate_needs_a_first_one() -> None:
    from cases.commands import request_intermediate

    with pytest.raises(Invalid) as err:
        at_in_progress().do(request_intermediate, CURATOR, "надо")
    assert err.value.code == "no_intermediate_yet"
