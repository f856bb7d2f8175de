"""Drafting, approving and publishing the answer: §10–§15, §17, §18."""

from __future__ import annotations

from datetime import datetime

from cases.apply import Result, aware, commit, https_url, required_text
from cases.errors import Invalid
from cases.events import Approved, Closed, DraftSubmitted, IntermediateRequested, Published, ReturnedForRework
from cases.model import Actor, Case, CaseState, Draft, DraftStatus, PublishedAnswer, Stage, joint_key
from cases.schedule import DuePlanner, Ledger
from cases.transitions import check


def submit_draft(
    case: Case,
    actor: Actor,
    text: str,
    attachments: list[str],
    intermediate: bool,
    measures_taken: str | None,
    now: datetime,
    planner: DuePlanner,
) -> Result:
    """§11: the executor sends the draft (or, §15, an intermediate one) to the curator; §13: the reworked
    draft goes back the same way. A repeat message's answer reports the measures taken (§17)."""
    check("submit_draft", case, actor)
    draft = _new_draft(case, actor, text, attachments, intermediate, measures_taken, aware(now))
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.draft, now)
    ledger.meet(Stage.rework, now)
    if not intermediate:
        ledger.meet(Stage.final_answer, now)  # §15: the final draft sent to the curator in time
    if case.joint:
        ledger.meet(joint_key(case.agency_id or ""), now)
    ledger.start(Stage.review, Stage.review, now)
    return commit(
        case,
        actor,
        DraftSubmitted,
        now,
        to_state=CaseState.in_review,
        payload={
            "draft_index": len(case.drafts),
            "agency_id": case.agency_id,
            "text": draft.text,
            "attachments": draft.attachments,
            "intermediate": draft.intermediate,
            "measures_taken": draft.measures_taken,
        },
        ledger=ledger,
        drafts=[*case.drafts, draft],
    )


def _new_draft(
    case: Case,
    actor: Actor,
    text: str,
    attachments: list[str],
    intermediate: bool,
    measures_taken: str | None,
    now: datetime,
) -> Draft:
    _check_turn(case, intermediate)
    body = required_text(text, "text_required", "Введите текст проекта ответа.")
    measures = (measures_taken or "").strip() or None
    if case.repeat_of and measures is None:
        raise Invalid(
            "Это повторное сообщение: ответ должен содержать информацию о принятых мерах "
            "или о ходе решения вопроса (п. 17).",
            code="measures_required",
        )
    links = [
        https_url(a, "attachment_url_invalid", f"Вложение должно быть ссылкой https://: {a!r}.")
        for a in (attachments or [])
    ]
    return Draft(
        text=body,
        attachments=links,
        intermediate=bool(intermediate),
        measures_taken=measures,
        agency_id=case.agency_id,
        submitted_by=actor.uid,
        submitted_at=now,
    )


def _check_turn(case: Case, intermediate: bool) -> None:
    """The last agency of a joint answer drafts it (§16); one intermediate answer per case (§15), unless the
    curator asked for another."""
    if case.joint and case.still_to_contribute(without=case.agency_id):
        raise Invalid(
            "Общий проект ответа готовит последний орган в очерёдности; направьте информацию для общего ответа.",
            code="contribution_expected",
        )
    if intermediate and any(a.intermediate for a in case.answers) and not case.another_intermediate:
        raise Invalid(
            "Промежуточный ответ уже размещён: теперь нужен окончательный ответ (п. 15).",
            code="intermediate_already_published",
        )


def _review(case: Case, actor: Actor, now: datetime, **update: object) -> list[Draft]:
    reviewed = _last_draft(case).model_copy(update={"reviewed_by": actor.uid, "reviewed_at": now, **update})
    return [*case.drafts[:-1], reviewed]


def _last_draft(case: Case) -> Draft:
    """The draft under review or approved; a case in such a state without one is refused, not a crash."""
    if case.last_draft is None:
        raise Invalid("У обращения нет проекта ответа.", code="no_draft")
    return case.last_draft


def approve(case: Case, actor: Actor, rating: int | None, now: datetime, planner: DuePlanner) -> Result:
    """§12: the curator approves the draft within an hour; the executor then has an hour to publish (§14)."""
    check("approve", case, actor)
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        raise Invalid("Оценка качества проекта — целое число от 1 до 5.", code="rating_out_of_range")
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.review, aware(now))
    ledger.start(Stage.publish, Stage.publish, now, case.agency_id)
    return commit(
        case,
        actor,
        Approved,
        now,
        to_state=CaseState.approved,
        payload={"draft_index": len(case.drafts) - 1, "rating": rating},
        ledger=ledger,
        drafts=_review(case, actor, now, status=DraftStatus.approved, rating=rating),
        rating=rating,
    )


def return_for_rework(case: Case, actor: Actor, comment: str, now: datetime, planner: DuePlanner) -> Result:
    """§12–§13: the curator returns the draft with a comment; the executor has 2 hours to rework it."""
    check("return_for_rework", case, actor)
    why = required_text(comment, "comment_required", "Укажите, что нужно доработать в проекте ответа.")
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.review, aware(now))
    ledger.start(Stage.rework, Stage.rework, now, case.agency_id)
    return commit(
        case,
        actor,
        ReturnedForRework,
        now,
        to_state=CaseState.rework,
        payload={"draft_index": len(case.drafts) - 1, "comment": why},
        ledger=ledger,
        drafts=_review(case, actor, now, status=DraftStatus.returned, review_comment=why),
    )


def publish(case: Case, actor: Actor, url: str, now: datetime, planner: DuePlanner) -> Result:
    """§14: the approved answer is posted in the network, and its link recorded.

    An intermediate answer (§15) meets the answer deadline (§10) and sends the case back to work: the
    final answer is due 7 working days later. The final answer meets ``final_answer`` and closes the case
    (nothing is left to do; the curator may reopen it)."""
    check("publish", case, actor)
    link = https_url(url, "url_invalid", "Укажите ссылку https:// на размещённый ответ.")
    draft = _last_draft(case)
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.publish, aware(now))
    ledger.meet(Stage.answer, now)
    if draft.intermediate:
        ledger.start(Stage.final_answer, Stage.final_answer, now, case.agency_id)
    else:
        ledger.meet(Stage.final_answer, now)
        ledger.cancel_pending()
    answer = PublishedAnswer(
        url=link, intermediate=draft.intermediate, at=now, by=actor.uid,
        agency_id=case.agency_id, draft_index=len(case.drafts) - 1,
    )
    return commit(
        case,
        actor,
        Published,
        now,
        to_state=CaseState.in_progress if draft.intermediate else CaseState.closed,
        payload={"draft_index": answer.draft_index, "url": link, "intermediate": draft.intermediate},
        ledger=ledger,
        drafts=[*case.drafts[:-1], draft.model_copy(update={"status": DraftStatus.published})],
        answers=[*case.answers, answer],
        another_intermediate=case.another_intermediate and not draft.intermediate,
    )


def request_intermediate(case: Case, actor: Actor, reason: str, now: datetime) -> Result:
    """§15: the curator asks for one more intermediate answer (the work takes longer); its publication
    starts the 7 working days for the final draft again."""
    check("request_intermediate", case, actor)
    if not any(a.intermediate for a in case.answers):
        raise Invalid("Промежуточный ответ ещё не размещался: его можно направить и без запроса.",
                      code="no_intermediate_yet")
    if case.another_intermediate:
        raise Invalid("Ещё один промежуточный ответ уже запрошен.", code="already_requested")
    why = required_text(reason, "reason_required", "Укажите, почему нужен ещё один промежуточный ответ.")
    return commit(case, actor, IntermediateRequested, aware(now), payload={"reason": why}, another_intermediate=True)


def close(case: Case, actor: Actor, now: datetime) -> Result:
    """The curator closes an answered case (one reopened after its answer closed it)."""
    check("close", case, actor)
    ledger = Ledger(case.deadlines)
    ledger.cancel_pending()
    return commit(case, actor, Closed, aware(now), to_state=CaseState.closed, ledger=ledger)
