"""The project's words, once: roles, case states, deadline stages and states, networks, the time zone, and
what a person reads for each (in Russian).

Everything else imports them from here: the case workflow, the working-time engine, intake,
notifications, the staff API. The web client's copy is generated from this module (and from the
transition table) when the client is built (``scripts/web_vocabulary.py``); nobody keeps two lists equal
by hand. Pure: no imports of the project.
"""

from __future__ import annotations

from enum import StrEnum

ZONE = "Europe/Samara"  # Izhevsk time: where deadlines are counted and times are shown


class Role(StrEnum):
    curator = "curator"  # §6: officials of the Administration who route and approve
    executor = "executor"  # §7: agency staff who draft and publish answers
    agency_lead = "agency_lead"  # §7: the agency official responsible (deputy head or above)
    supervisor = "supervisor"  # §21, §22: the Head of the Administration and the Head's office
    admin = "admin"  # system administrator


AGENCY_ROLES = frozenset({Role.executor, Role.agency_lead})


class CaseState(StrEnum):
    detected = "detected"
    assigned = "assigned"
    in_progress = "in_progress"
    contributed = "contributed"  # §16: an agency's part of a joint answer is with the curator, to pass on
    in_review = "in_review"
    rework = "rework"
    approved = "approved"
    answered = "answered"
    closed = "closed"
    excluded = "excluded"
    dismissed = "dismissed"  # needs no reaction (§1, §6, §8): not routed


class Stage(StrEnum):
    """A stage with a regulatory deadline, named by the decree's verb."""

    route = "route"  # §8 curator routes the message to the competent agency
    return_not_competent = "return_not_competent"  # §9 agency returns a case it is not competent for
    answer = "answer"  # §10 answer published
    draft = "draft"  # §11 draft sent to the curator
    review = "review"  # §12 curator approves or returns the draft
    rework = "rework"  # §13 executor reworks a returned draft
    publish = "publish"  # §14 executor publishes the approved answer
    final_answer = "final_answer"  # §15 final answer after an intermediate one
    joint_contribution = "joint_contribution"  # §16 each agency's contribution to a joint answer


class DeadlineState(StrEnum):
    pending = "pending"
    met = "met"
    missed = "missed"
    cancelled = "cancelled"


class Network(StrEnum):
    vk = "vk"
    ok = "ok"  # Odnoklassniki
    telegram = "telegram"
    facebook = "facebook"
    twitter = "twitter"
    instagram = "instagram"
    other = "other"


# -- what people read ---------------------------------------------------------------------------------

ROLE_LABELS: dict[Role, str] = {
    Role.curator: "Куратор",
    Role.executor: "Исполнитель",
    Role.agency_lead: "Руководитель (ответственное лицо органа)",
    Role.supervisor: "Руководитель Администрации",
    Role.admin: "Администратор",
}

STATE_LABELS: dict[CaseState, str] = {
    CaseState.detected: "Выявлено",
    CaseState.assigned: "Назначено",
    CaseState.in_progress: "В работе",
    CaseState.contributed: "Информация у куратора (п. 16)",
    CaseState.in_review: "На согласовании",
    CaseState.rework: "На доработке",
    CaseState.approved: "Согласовано",
    CaseState.answered: "Ответ размещён",
    CaseState.closed: "Закрыто",
    CaseState.excluded: "Исключено",
    CaseState.dismissed: "Не требует реагирования",
}

# Why a detected message needs no reaction (§1, §6, §8: only messages that need one are routed): the
# built-in list, until the admin sets their own in ``settings/dismissal_reasons`` (python -m admin).
DISMISSAL_REASONS: dict[str, str] = {
    "out_of_scope": "Не относится к компетенции органов власти Удмуртской Республики",
    "not_about_authorities": "Не касается деятельности органов власти",
    "informational": "Информационное сообщение, реагирования не требует",
    "gratitude": "Благодарность или положительный отзыв",
    "spam": "Спам или реклама",
}

# Short, for tables and lists.
STAGE_LABELS: dict[Stage, str] = {
    Stage.route: "Направление в орган (п. 8)",
    Stage.return_not_competent: "Возврат не по компетенции (п. 9)",
    Stage.answer: "Размещение ответа (п. 10)",
    Stage.draft: "Проект ответа куратору (п. 11)",
    Stage.review: "Согласование (п. 12)",
    Stage.rework: "Доработка (п. 13)",
    Stage.publish: "Размещение после согласования (п. 14)",
    Stage.final_answer: "Окончательный ответ (п. 15)",
    Stage.joint_contribution: "Информация для общего ответа (п. 16)",
}

# In full, for notifications and letters.
STAGE_TITLES: dict[Stage, str] = {
    Stage.route: "Направление в исполнительный орган (п. 8)",
    Stage.return_not_competent: "Возврат как не относящегося к компетенции (п. 9)",
    Stage.answer: "Размещение ответа (п. 10)",
    Stage.draft: "Направление проекта ответа куратору (п. 11)",
    Stage.review: "Согласование куратором (п. 12)",
    Stage.rework: "Доработка проекта (п. 13)",
    Stage.publish: "Размещение согласованного ответа (п. 14)",
    Stage.final_answer: "Окончательный ответ после промежуточного (п. 15)",
    Stage.joint_contribution: "Информация для общего ответа (п. 16)",
}

DEADLINE_STATE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.pending: "ожидается",
    DeadlineState.met: "выполнено",
    DeadlineState.missed: "просрочено",
    DeadlineState.cancelled: "отменено",
}

NETWORK_LABELS: dict[Network, str] = {
    Network.vk: "ВКонтакте",
    Network.ok: "Одноклассники",
    Network.telegram: "Telegram",
    Network.facebook: "Facebook",
    Network.twitter: "Twitter",
    Network.instagram: "Instagram",
    Network.other: "Другая сеть",
}

# One per event type of the audit trail (cases.events; a test keeps every type labelled).
EVENT_LABELS: dict[str, str] = {
    "CaseDetected": "Сообщение выявлено",
    "Routed": "Направлено в орган власти",
    "ReturnedNotCompetent": "Возвращено как не относящееся к компетенции",
    "Accepted": "Принято в работу",
    "ExecutorAssigned": "Назначен исполнитель",
    "ContributionMade": "Направлена информация для общего ответа",
    "PassedOn": "Передано следующему органу для общего ответа",
    "PersonalDataErased": "Персональные данные удалены",
    "Triaged": "Предварительный разбор (подсказки)",
    "DraftSubmitted": "Проект ответа направлен на согласование",
    "Approved": "Проект ответа согласован",
    "ReturnedForRework": "Возвращено на доработку",
    "Published": "Ответ размещён",
    "Closed": "Закрыто",
    "RepeatLinked": "Связано с ранее рассмотренным сообщением",
    "ExclusionFlagged": "Отмечено как не подлежащее ответу",
    "ExclusionDismissed": "Отметка о недопустимом содержании снята",
    "ExclusionConfirmed": "Исключено из обработки",
    "ExclusionReversed": "Возвращено в обработку",
    "MarkedSignificant": "Отмечено как социально значимое",
    "Dismissed": "Отмечено как не требующее реагирования",
    "Reopened": "Возвращено к рассмотрению",
    "ReRouted": "Перенаправлено куратором",
    "IntermediateRequested": "Куратор запросил ещё один промежуточный ответ",
    "Withdrawn": "Отозвано куратором из органа власти",
    "DeadlinesRecomputed": "Сроки пересчитаны системой",
    "DeadlineWarned": "Предупреждение об истечении срока",
    "DeadlineMissed": "Срок нарушен",
    "MessageEdited": "Автор изменил текст сообщения",
    "MessageDeletedAtSource": "Сообщение удалено в социальной сети",
}

# Why the system planned deadlines again (the DeadlinesRecomputed event's payload.reason).
REPLAN_REASONS: dict[str, str] = {
    "calendar_published": "опубликован производственный календарь",
    "deadlines_restored": "установлены сроки, которые не удалось рассчитать при поступлении",
}
