"""Getting a case to the competent agency: detection, routing (§8), return (§9), joint answers (§16)."""

from __future__ import annotations

from datetime import datetime

from cases.apply import Result, aware, commit, required_text
from cases.errors import Invalid
from cases.events import (
    Accepted,
    CaseDetected,
    ContributionMade,
    ExecutorAssigned,
    PassedOn,
    ReRouted,
    ReturnedNotCompetent,
    Routed,
    Withdrawn,
)
from cases.model import (
    Actor,
    Case,
    CaseState,
    Contribution,
    DeadlineState,
    DraftStatus,
    NotCompetentReturn,
    Role,
    Stage,
    joint_key,
)
from cases.schedule import DuePlanner, Ledger
from cases.transitions import check


def detect(case_id: str, detected_at: datetime, planner: DuePlanner | None, *, actor: Actor | None = None) -> Result:
    """A new case with its detection deadlines: route (§8), answer (§10) and draft (§11), all from
    the moment the curator's monitoring detected the message. Without a planner, none (a case whose
    deadlines cannot be computed is still a case)."""
    aware(detected_at)
    ledger = Ledger({}, planner)
    if planner is not None:
        for stage in (Stage.route, Stage.answer, Stage.draft):
            ledger.start(stage, stage, detected_at)
    case = Case(id=case_id, detected_at=detected_at, deadlines=ledger.deadlines)
    event = CaseDetected(
        case_id=case_id,
        version=case.version,
        at=detected_at,
        actor_uid=actor.uid if actor else "system",
        actor_role=actor.role if actor else None,
        actor_agency_id=actor.agency_id if actor else None,
        from_state=None,
        to_state=case.state,
        deadlines=ledger.changes,
    )
    return case, [event]


def route(case: Case, actor: Actor, agency_ids: list[str], now: datetime, planner: DuePlanner) -> Result:
    """§8: the curator sends the case to one agency, or (§16) sets the order of a joint answer.

    The answer deadline (§10) keeps running from detection: routing, and routing again after a return,
    never moves it."""
    check("route", case, actor)
    order = _route_order(agency_ids)
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.route, aware(now))
    _receive(ledger, order[0], joint=len(order) > 1, now=now)
    return commit(
        case,
        actor,
        Routed,
        now,
        to_state=CaseState.assigned,
        payload={"agency_ids": order, "joint": len(order) > 1, "agency_id": order[0]},
        ledger=ledger,
        route_order=order,
        agency_id=order[0],
        executor_uid=None,
        executor_name=None,
        agency_ids=case.agency_ids + [a for a in order if a not in case.agency_ids],
    )


def _route_order(agency_ids: list[str]) -> list[str]:
    if isinstance(agency_ids, str):
        agency_ids = [agency_ids]
    order = [a.strip() for a in agency_ids if a and a.strip()]
    if not order or len(order) != len(agency_ids):
        raise Invalid("Укажите орган власти (или очерёдность органов для общего ответа).", code="agencies_required")
    if len(set(order)) != len(order):
        raise Invalid("Орган власти указан в очерёдности дважды.", code="agencies_duplicate")
    return order


def _receive(ledger: Ledger, agency_id: str, *, joint: bool, now: datetime) -> None:
    """An agency receives the case: 30 minutes to return it (§9); in a joint answer, 3 hours to give
    its part, or for the last agency to compose the joint draft (§16)."""
    ledger.start(Stage.return_not_competent, Stage.return_not_competent, now, agency_id)
    if joint:
        ledger.start(joint_key(agency_id), Stage.joint_contribution, now, agency_id)


# The stages that belong to the agency holding the case: a new agency starts them afresh. The others run
# for the case whoever answers (§8, §10, §11 from the detection; §15's final answer).
AGENCY_STAGES = frozenset({Stage.return_not_competent, Stage.joint_contribution, Stage.review, Stage.rework,
                           Stage.publish})


def reroute(case: Case, actor: Actor, agency_ids: list[str], reason: str, now: datetime, planner: DuePlanner) -> Result:
    """The curator sends a case in work to another agency, or changes the set and order of a joint answer
    (§16), until the answer is published. Agencies left out lose the case, and read access to it from then
    on; the old routing's agency deadlines are cancelled, the first agency of the new order receives it (§9,
    §16); a draft not yet published is withdrawn. §10 and §11 keep running from the detection."""
    check("reroute", case, actor)
    order = _route_order(agency_ids)
    why = required_text(reason, "reason_required", "Укажите, почему обращение перенаправляется.")
    if order == case.route_order:
        raise Invalid("Органы и их очерёдность не изменились.", code="same_route")
    ledger = Ledger(case.deadlines, planner)
    _cancel_agency_stages(ledger)
    _receive(ledger, order[0], joint=len(order) > 1, now=aware(now))
    removed = [a for a in case.route_order if a not in order]
    return commit(
        case,
        actor,
        ReRouted,
        now,
        to_state=CaseState.assigned,
        payload={"agency_ids": order, "agency_id": order[0], "joint": len(order) > 1, "previous": case.route_order,
                 "removed": removed, "reason": why},
        ledger=ledger,
        **_handed_over(case, order, removed),
    )


def withdraw(case: Case, actor: Actor, reason: str, now: datetime, planner: DuePlanner) -> Result:
    """The curator takes back a mis-routed case: the agencies lose it (and read access from then on), their
    deadlines are cancelled, and the curator routes it again within a fresh §8 period counted from now (as
    after a return, §9). §10 and §11 keep running from the detection."""
    check("withdraw", case, actor)
    why = required_text(reason, "reason_required", "Укажите, почему обращение отзывается из органа власти.")
    ledger = Ledger(case.deadlines, planner)
    _cancel_agency_stages(ledger)
    ledger.start(Stage.route, Stage.route, aware(now))
    removed = list(case.route_order)
    return commit(
        case,
        actor,
        Withdrawn,
        now,
        to_state=CaseState.detected,
        payload={"removed": removed, "reason": why},
        ledger=ledger,
        **_handed_over(case, [], removed),
    )


def _cancel_agency_stages(ledger: Ledger) -> None:
    for key, deadline in list(ledger.deadlines.items()):
        if deadline.state is DeadlineState.pending and deadline.stage in AGENCY_STAGES:
            ledger.cancel(key)


def _handed_over(case: Case, order: list[str], removed: list[str]) -> dict[str, object]:
    """The case's fields once the curator changed who answers (``order``; empty: nobody yet): the agencies
    ``removed`` leave ``agency_ids``, the executor is unset, a draft not yet published is withdrawn, and
    only the contributions of agencies still in the order stay."""
    drafts = list(case.drafts)
    if drafts and drafts[-1].status in (DraftStatus.submitted, DraftStatus.approved):
        drafts[-1] = drafts[-1].model_copy(update={"status": DraftStatus.withdrawn})
    return {
        "route_order": order, "agency_id": order[0] if order else None, "executor_uid": None, "executor_name": None,
        "drafts": drafts, "contributions": {a: c for a, c in case.contributions.items() if a in order},
        "agency_ids": [a for a in case.agency_ids if a not in removed] + [a for a in order if a not in case.agency_ids],
    }


def return_not_competent(case: Case, actor: Actor, reason: str, now: datetime, planner: DuePlanner) -> Result:
    """§9: the agency gives the case back to the curator, who must route it again; also after accepting it
    (the agency found out later), with its reason.

    The curator gets a fresh route deadline (§8 rule) counted from the return, as if detected then;
    the answer deadline (§10) still counts from the real detection."""
    check("return_not_competent", case, actor)
    why = required_text(reason, "reason_required", "Укажите, почему вопрос не относится к компетенции органа.")
    agency_id = case.agency_id or ""
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(Stage.return_not_competent, aware(now))
    ledger.cancel(joint_key(agency_id))
    ledger.start(Stage.route, Stage.route, now)
    back = NotCompetentReturn(agency_id=agency_id, by=actor.uid, reason=why, at=now)
    return commit(
        case,
        actor,
        ReturnedNotCompetent,
        now,
        to_state=CaseState.detected,
        payload={"agency_id": agency_id, "reason": why},
        ledger=ledger,
        returns=[*case.returns, back],
        route_order=[],
        agency_id=None,
        executor_uid=None,
        executor_name=None,
    )


def accept(case: Case, actor: Actor, now: datetime) -> Result:
    """The agency takes the case as competent (§9 is met). An executor who accepts becomes its executor."""
    check("accept", case, actor)
    ledger = Ledger(case.deadlines)
    ledger.meet(Stage.return_not_competent, aware(now))
    mine = actor.role is Role.executor and case.executor_uid is None
    executor = actor.uid if mine else case.executor_uid
    name = (actor.name or None) if mine else case.executor_name
    return commit(
        case,
        actor,
        Accepted,
        now,
        to_state=CaseState.in_progress,
        payload={"agency_id": case.agency_id, "executor_uid": executor, "executor_name": name},
        ledger=ledger,
        executor_uid=executor,
        executor_name=name,
    )


def assign_executor(case: Case, actor: Actor, executor_uid: str, now: datetime, executor_name: str = "") -> Result:
    """The agency lead (§7) names the executor responsible for the answer (the service checks that they are
    one of the agency's active executors, and gives their name)."""
    check("assign_executor", case, actor)
    uid = required_text(executor_uid, "executor_required", "Укажите исполнителя.")
    name = executor_name or None
    return commit(
        case,
        actor,
        ExecutorAssigned,
        aware(now),
        payload={"agency_id": case.agency_id, "executor_uid": uid, "executor_name": name,
                 "previous_executor_uid": case.executor_uid, "previous_executor_name": case.executor_name},
        executor_uid=uid,
        executor_name=name,
    )


def contribute(case: Case, actor: Actor, text: str, now: datetime, planner: DuePlanner) -> Result:
    """§16: an agency of a joint answer sends its part to the curator, who passes the case on (``pass_on``).

    The last agency gives no contribution: it composes the joint draft with ``submit_draft``."""
    check("contribute", case, actor)
    agency_id = case.agency_id or ""
    if not case.joint:
        raise Invalid("Обращение направлено одному органу: подготовьте проект ответа.", code="not_joint")
    if not case.still_to_contribute(without=agency_id):
        raise Invalid(
            "Ваш орган последний в очерёдности: подготовьте общий проект ответа с учётом информации "
            "других органов и направьте его на согласование.",
            code="last_agency_drafts",
        )
    body = required_text(text, "text_required", "Введите информацию для общего ответа.")
    ledger = Ledger(case.deadlines, planner)
    ledger.meet(joint_key(agency_id), aware(now))
    part = Contribution(agency_id=agency_id, text=body, by=actor.uid, at=now)
    return commit(
        case,
        actor,
        ContributionMade,
        now,
        to_state=CaseState.contributed,
        payload={"agency_id": agency_id, "text": body,
                 "next_agency_id": case.still_to_contribute(without=agency_id)[0]},
        ledger=ledger,
        contributions={**case.contributions, agency_id: part},
        agency_id=None,
        executor_uid=None,
        executor_name=None,
    )


def pass_on(case: Case, actor: Actor, agency_id: str | None, now: datetime, planner: DuePlanner) -> Result:
    """§16: the curator, having seen the contributions so far, passes the case on: to ``agency_id`` (one
    of the agencies that have not contributed yet), by default to the next in the order. The chosen agency
    moves up to be next; it has 3 hours from now (its receipt) for its part, or, if it is the last, to
    compose the joint draft."""
    check("pass_on", case, actor)
    remaining = case.still_to_contribute()
    following = (agency_id or "").strip() or remaining[0]
    if following not in remaining:
        names = ", ".join(remaining)
        raise Invalid(f"Передать можно только органу, который ещё не направил информацию: {names}.",
                      code="agency_not_pending")
    order = [a for a in case.route_order if a not in remaining] + [following] + [
        a for a in remaining if a != following]
    ledger = Ledger(case.deadlines, planner)
    _receive(ledger, following, joint=True, now=aware(now))
    return commit(
        case,
        actor,
        PassedOn,
        now,
        to_state=CaseState.assigned,
        payload={"agency_id": following, "route_order": order},
        ledger=ledger,
        route_order=order,
        agency_id=following,
    )

