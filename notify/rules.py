"""Who is told what, for each event of a case. Pure: the stored event and case in, notices out.

| event                  | told                                              | urgent            |
| ---------------------- | ------------------------------------------------- | ----------------- |
| Routed                 | the receiving agency's leads and executors        | no                |
| ContributionMade (§16) | the curators (who pass the case on)               | no                |
| PassedOn (§16)         | the next agency's leads and executors             | no                |
| ExecutorAssigned       | the executor                                      | no                |
| ReturnedNotCompetent   | the curators                                      | no                |
| ReRouted               | the new first agency's staff; the agencies left out | no              |
| Withdrawn              | the staff of the agencies that lost the case      | no                |
| DraftSubmitted         | the curators                                      | no                |
| ReturnedForRework      | the executor (else the agency's leads)            | no                |
| Approved               | the executor (else the agency's leads)            | no                |
| DeadlineWarned         | the responsible person (as the event names them)  | no                |
| DeadlineMissed         | everyone the event names (§20)                    | a 1-hour stage    |
| MarkedSignificant (§22)| the Head's recipients (supervisors) and curators  | yes               |

``facts`` carries what the caller looked up for a rule (§22: ``head_uids``, the admin's "Head" recipients,
and ``similar``, lines about the similar messages of the last days: ``oversight.alerts``).
Whoever caused the event is not told about it. Urgent mail goes at once; the rest waits for the
recipient's working time (``notify.delivery``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cases.ports import StaffDirectory
from notify.inapp import DeadlineNotice, NotificationKind, local_time, text
from vocabulary import STAGE_TITLES, ZONE, Stage

# Stages of an hour or less: their miss cannot wait for anyone's morning.
SHORT_STAGES = frozenset({Stage.route, Stage.return_not_competent, Stage.review, Stage.publish})


@dataclass(frozen=True)
class Notice:
    kind: str
    recipients: tuple[str, ...]
    title: str  # the in-app text and the mail's subject, in Russian
    urgent: bool = False
    details: tuple[str, ...] = ()  # further lines of the mail
    extra: dict[str, Any] = field(default_factory=dict)


AgencyNames = Callable[[], Mapping[str, str]]


def notices(event: Mapping[str, Any], case: Mapping[str, Any], staff: StaffDirectory,
            agencies: AgencyNames, zone: str = ZONE, facts: Mapping[str, Any] | None = None) -> list[Notice]:
    """The notices an event gives; [] for events nobody is told about."""
    rule = RULES.get(str(event.get("type")))
    if rule is None:
        return []
    found = rule(_Context(event, case, staff, agencies, zone, facts or {}))
    actor = event.get("actor_uid")
    kept = []
    for notice in found:
        recipients = tuple(dict.fromkeys(u for u in notice.recipients if u and u != actor))
        if recipients:
            kept.append(Notice(notice.kind, recipients, notice.title, notice.urgent, notice.details, notice.extra))
    return kept


@dataclass(frozen=True)
class _Context:
    event: Mapping[str, Any]
    case: Mapping[str, Any]
    staff: StaffDirectory
    agencies: AgencyNames
    zone: str
    facts: Mapping[str, Any]

    def local(self, moment: datetime) -> str:
        return local_time(moment, self.zone)

    @property
    def payload(self) -> Mapping[str, Any]:
        return self.event.get("payload") or {}

    @property
    def number(self) -> str:
        """The case's short number ("2026-01234"); its id for a case stored before numbers were given."""
        return str(self.case.get("number") or self.event.get("case_id"))

    def agency(self, agency_id: str | None) -> str:
        return self.agencies().get(agency_id or "", agency_id or "—")

    def agency_staff(self, agency_id: str | None) -> list[str]:
        return [*self.staff.leads(agency_id), *self.staff.executors(agency_id)] if agency_id else []

    def executor_or_leads(self) -> list[str]:
        executor = self.case.get("executor_uid")
        return [executor] if executor else self.staff.leads(str(self.case.get("agency_id") or ""))

    def due(self, key: str) -> str:
        deadline = (self.case.get("deadlines") or {}).get(key) or {}
        return self.local(deadline["due"]) if deadline.get("due") else "—"


def _routed(c: _Context) -> list[Notice]:
    agency = c.payload.get("agency_id")
    joint = " (общий ответ, п. 16)" if c.payload.get("joint") else ""
    return [Notice("routed", tuple(c.agency_staff(agency)),
                   f"Обращение №{c.number} направлено в {c.agency(agency)}{joint}",
                   details=(f"Принять в работу или вернуть как не относящееся к компетенции (п. 9) до "
                            f"{c.due('return_not_competent')}.", f"Ответ разместить до {c.due('answer')} (п. 10)."))]


def _contribution(c: _Context) -> list[Notice]:
    agency, following = c.payload.get("agency_id"), c.payload.get("next_agency_id")
    return [Notice("contribution", tuple(c.staff.curators()),
                   f"Информация для общего ответа по обращению №{c.number} от {c.agency(agency)}",
                   details=(str(c.payload.get("text") or ""),
                            f"Передайте обращение следующему органу: {c.agency(following)} (п. 16)."))]


def _passed_on(c: _Context) -> list[Notice]:
    following = c.payload.get("agency_id")
    return [Notice("routed", tuple(c.agency_staff(following)),
                   f"Обращение №{c.number} передано в {c.agency(following)} для общего ответа (п. 16)",
                   details=(f"Ваша информация или общий проект ответа — до "
                            f"{c.due(f'joint_contribution:{following}')}.",))]


def _assigned(c: _Context) -> list[Notice]:
    return [Notice("assigned", (str(c.payload.get("executor_uid") or ""),),
                   f"Вы назначены исполнителем по обращению №{c.number}",
                   details=(f"Ответ разместить до {c.due('answer')} (п. 10).",))]


def _returned_not_competent(c: _Context) -> list[Notice]:
    return [Notice("returned_not_competent", tuple(c.staff.curators()),
                   f"{c.agency(c.payload.get('agency_id'))} вернул обращение №{c.number} как не относящееся "
                   f"к компетенции (п. 9)",
                   details=(f"Основание: {c.payload.get('reason') or '—'}.",
                            f"Направить в компетентный орган до {c.due('route')} (п. 8)."))]


def _lost(c: _Context, removed: list[str]) -> list[Notice]:
    return [Notice("withdrawn", tuple(c.agency_staff(agency)),
                   f"Обращение №{c.number} больше не находится в работе {c.agency(agency)}",
                   details=(f"Куратор передал его другому органу или отозвал: {c.payload.get('reason') or '—'}.",
                            "Доступ к обращению у органа закрыт."))
            for agency in removed]


def _rerouted(c: _Context) -> list[Notice]:
    return [*_routed(c), *_lost(c, list(c.payload.get("removed") or []))]


def _withdrawn(c: _Context) -> list[Notice]:
    return _lost(c, list(c.payload.get("removed") or []))


def _draft_submitted(c: _Context) -> list[Notice]:
    kind = "промежуточного ответа" if c.payload.get("intermediate") else "ответа"
    return [Notice("draft_submitted", tuple(c.staff.curators()),
                   f"Проект {kind} по обращению №{c.number} направлен на согласование",
                   details=(f"Согласовать или вернуть на доработку до {c.due('review')} (п. 12).",
                            str(c.payload.get("text") or "")))]


def _returned_for_rework(c: _Context) -> list[Notice]:
    return [Notice("returned_for_rework", tuple(c.executor_or_leads()),
                   f"Проект ответа по обращению №{c.number} возвращён на доработку",
                   details=(f"Замечания: {c.payload.get('comment') or '—'}.",
                            f"Доработать до {c.due('rework')} (п. 13)."))]


def _approved(c: _Context) -> list[Notice]:
    return [Notice("approved", tuple(c.executor_or_leads()),
                   f"Проект ответа по обращению №{c.number} согласован",
                   details=(f"Разместить ответ до {c.due('publish')} (п. 14).",))]


def _deadline(c: _Context, missed: bool) -> list[Notice]:
    p = c.payload
    kind: NotificationKind = "deadline_missed" if missed else "deadline_warning"
    notice = DeadlineNotice(kind, str(c.event.get("case_id")), p["key"], p["stage"], p["due"], p.get("agency_id"),
                            c.number)
    who = p.get("notified_uids") if missed else p.get("responsible_uids")
    return [Notice(kind, tuple(who or ()), text(notice, c.zone), urgent=missed and p["stage"] in SHORT_STAGES)]


def _significant(c: _Context) -> list[Notice]:
    head = c.facts.get("head_uids") or c.staff.supervisors()
    agencies = [c.agency(a) for a in c.case.get("agency_ids") or ()] or (
        [c.agency(c.case["agency_id"])] if c.case.get("agency_id") else [])
    pending = [f"{STAGE_TITLES[Stage(d['stage'])]} — до {c.local(d['due'])}"
               for d in sorted((c.case.get("deadlines") or {}).values(), key=lambda d: d["due"])
               if d.get("state") == "pending" and d.get("stage") in set(Stage)]
    similar = list(c.facts.get("similar") or ())
    details = (f"Почему: {c.payload.get('reason') or '—'}.",
               f"Орган власти: {', '.join(agencies) if agencies else 'ещё не направлено'}.",
               f"Сроки: {'; '.join(pending) if pending else 'нет текущих'}.",
               *((f"Похожие сообщения за последние дни ({len(similar)}):", *similar) if similar
                 else ("Похожих сообщений за последние дни не найдено.",)))
    return [Notice("significant", (*head, *c.staff.curators()),
                   f"Социально значимое сообщение (п. 22): обращение №{c.number}", urgent=True, details=details)]


RULES: dict[str, Callable[[_Context], list[Notice]]] = {
    "Routed": _routed,
    "ContributionMade": _contribution,
    "PassedOn": _passed_on,
    "ExecutorAssigned": _assigned,
    "ReturnedNotCompetent": _returned_not_competent,
    "ReRouted": _rerouted,
    "Withdrawn": _withdrawn,
    "DraftSubmitted": _draft_submitted,
    "ReturnedForRework": _returned_for_rework,
    "Approved": _approved,
    "DeadlineWarned": lambda c: _deadline(c, missed=False),
    "DeadlineMissed": lambda c: _deadline(c, missed=True),
    "MarkedSignificant": _significant,
}
