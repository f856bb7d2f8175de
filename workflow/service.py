"""One command = one atomic write of the case and its events (``cases.ports.CaseRepository``), then the
tasks of the deadlines it started and the outbox's call for its events (``escalation.tasks.after_commit``).

The staff API's commands (§8–§22), the system's replanning (``cases.replanning``), and intake's side of
a message: opening its case (§6, §8, §10, §11) and the source's edits and deletions (``cases.message``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cases.apply import Result
from cases.curation import record_triage
from cases.documents import case_fields
from cases.errors import Invalid, NotFound
from cases.message import delete_at_source, edit_message, erase_personal_data
from cases.model import Actor, Case
from cases.ports import CaseRepository, Committed, SideDocument, StaffDirectory, Unchanged
from cases.routing import detect
from cases.transitions import TRANSITIONS, authorize
from deadlines.errors import CalendarError
from deadlines.policy import SlaPolicy
from escalation.tasks import after_commit
from infra.clock import Clock
from infra.tasks import TaskQueue
from vocabulary import DISMISSAL_REASONS

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Replan = Callable[[Case, datetime, SlaPolicy], Result | None]


class BadBody(Exception):
    """The request body does not fit the command (→ 422 with the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class CaseService:
    cases: CaseRepository
    policy: Callable[[], SlaPolicy]
    queue: TaskQueue
    clock: Clock
    base_url: str
    agencies: Callable[[], set[str]]
    # code → wording of why a message needs no reaction: the admin's list (settings/dismissal_reasons)
    dismissal_reasons: Callable[[], dict[str, str]] = field(default=lambda: dict(DISMISSAL_REASONS))
    # who works where: an executor is assigned by name from their agency's active executors (None: unchecked,
    # the domain's own tests)
    staff: StaffDirectory | None = None

    # -- the staff API ------------------------------------------------------------------------------
    def execute(self, case_id: str, actor: Actor, command: str, body: dict[str, Any]) -> Committed:
        from cases.api_models import COMMANDS  # the staff API's models: not loaded by intake's cold start

        spec = COMMANDS.get(command)
        if spec is None:
            raise NotFound(f"Нет такого действия: {command}. Доступны: {', '.join(sorted(COMMANDS))}.")
        parsed = parse_body(spec.body, body)
        parsed = self._check_references(command, parsed, actor)
        now, policy = self.clock(), self.policy()
        def allowed(case: Case) -> None:
            readable(case, actor)
            authorize(command, case, actor)

        committed = self.cases.execute(case_id, parsed.version,
                                       lambda case: spec.run(case, actor, parsed, now, policy), authorize=allowed)
        self.after_commit(committed)
        return committed

    def dismiss_many(self, actor: Actor, items: list[tuple[str, int]], reason: str,
                     note: str | None) -> list[dict[str, Any]]:
        """The curator's bulk "needs no reaction": each selected case in its own write, as if one by one;
        the outcome of each (a case that moved on or is not dismissable is refused alone)."""
        from cases.errors import DomainError

        self._reason_label(reason)  # an unknown reason refuses the whole request, before any write
        results: list[dict[str, Any]] = []
        for case_id, version in items:
            try:
                committed = self.execute(case_id, actor, "dismiss", {"version": version, "reason": reason,
                                                                     "note": note})
            except DomainError as err:
                results.append({"id": case_id, "ok": False, "error": err.code, "message": err.message})
                continue
            results.append({"id": case_id, "ok": True, "state": committed.case.state.value,
                            "version": committed.case.version})
        return results

    def _reason_label(self, code: str) -> str:
        reasons = self.dismissal_reasons()
        if code not in reasons:
            raise Invalid(f"Нет такой причины: {code}. Доступны: {', '.join(reasons)}.", code="unknown_reason")
        return reasons[code]

    def _check_references(self, command: str, body: Any, actor: Actor) -> Any:
        if command == "assign_executor" and self.staff is not None:
            person = self.staff.person(body.executor_uid)
            if person is None or person.role != "executor" or person.agency_id != actor.agency_id:
                raise Invalid("Исполнителем можно назначить только действующего исполнителя вашего органа.",
                              code="unknown_executor")
            return body.model_copy(update={"executor_name": person.name or person.email})
        if command == "dismiss":
            return body.model_copy(update={"label": self._reason_label(body.reason)})
        if command in ("route", "reroute"):
            unknown = sorted(set(body.agency_ids) - self.agencies())
            if unknown:
                raise Invalid(f"Неизвестный исполнительный орган: {', '.join(unknown)}.", code="unknown_agency")
        if command == "link_repeat" and actor.role not in TRANSITIONS["link_repeat"].roles:
            return body  # refused for the role before anyone learns whether the earlier case exists
        if command == "link_repeat" and body.earlier_case_id and not self.cases.exists(body.earlier_case_id):
            raise Invalid(f"Обращение {body.earlier_case_id} не найдено.", code="earlier_case_not_found")
        return body

    # -- the system ---------------------------------------------------------------------------------
    def replan(self, case_id: str, plan: Replan) -> Committed | None:
        """A system command (``cases.replanning``); None when it had nothing to change."""
        now, policy = self.clock(), self.policy()

        def apply(case: Case) -> Result:
            result = plan(case, now, policy)
            if result is None:
                raise Unchanged("nothing to replan")
            return result

        return self._system(case_id, apply)

    # -- intake -------------------------------------------------------------------------------------
    def open_case(self, document: dict[str, Any], case_id: str, detected_at: datetime,
                  sides: Sequence[SideDocument] = ()) -> Committed | None:
        """A new message's case (§6), with its §8/§10/§11 deadlines, in one write with `document` (the
        message, the source...) and the `sides`; None if it exists. Its tasks are the caller's to start
        (``after_commit``): intake schedules a batch's cases together. A deadline that cannot be computed
        must not lose the message: the case is stored without deadlines and says why."""
        try:
            case, events = detect(case_id, detected_at, self.policy())
        except CalendarError as err:
            log.error("case %s stored without deadlines: %s", case_id, err)
            case, events = detect(case_id, detected_at, None)
            case = case.model_copy(update={"deadlines_error": str(err)})
        if not self.cases.create(document, case, events, sides):
            return None
        return Committed(case, events, case_fields(case, events))  # the fields as created

    def edit_message(self, case_id: str, text: str, edited_at: datetime | None,
                     source: tuple[str, str] | None = None) -> Committed | None:
        """The author edited the message (``MessageEdited``); None if the text is unchanged. With `source`
        (kind, id), only a case that source delivered is changed (``NotAllowed`` ``foreign_source``
        otherwise): a sender's secret lets it change its own messages, no one else's."""
        now = self.clock()

        def apply(case: Case) -> Result:
            _check_source(case, source)
            return edit_message(case, text, edited_at, now)

        return self._system(case_id, apply)

    def delete_at_source(self, case_id: str, deleted_by: str | None) -> Committed | None:
        """The message was deleted at the source (``MessageDeletedAtSource``); None if marked already.
        ``NotFound`` when no case is known."""
        now = self.clock()
        return self._system(case_id, lambda case: delete_at_source(case, now, deleted_by))

    def erase(self, case_id: str, reason: str, request: str | None = None,
              actor: Actor | None = None) -> Committed | None:
        """152-FZ: the case's personal data erased (``PersonalDataErased``); None if erased already."""
        now = self.clock()
        return self._system(case_id, lambda case: erase_personal_data(case, reason, now, request, actor))

    def record_triage(self, case_id: str, result: dict[str, Any]) -> Committed | None:
        """Issue 13: triage's suggestions on the case (``Triaged``); None if it was triaged already."""
        now = self.clock()
        return self._system(case_id, lambda case: record_triage(case, result, now))

    # -- follow-up ----------------------------------------------------------------------------------
    def after_commit(self, committed: Committed) -> None:
        """The write's Cloud Tasks: its new deadlines', and the outbox's for its events."""
        after_commit(self.queue, self.base_url, committed, self.clock())

    def _system(self, case_id: str, apply: Callable[[Case], Result]) -> Committed | None:
        try:
            committed = self.cases.execute(case_id, None, apply)
        except Unchanged:
            return None
        self.after_commit(committed)
        return committed


READS_ALL = frozenset({"curator", "supervisor"})


def readable(case: Case | dict[str, Any], actor: Actor) -> None:
    """``NotFound`` unless the actor may read the case: to one who may not, a case that exists and one that
    does not look the same (curators and supervisors read all; an agency's staff its cases; admins none)."""
    agency_ids = case.get("agency_ids", []) if isinstance(case, dict) else case.agency_ids
    if actor.role in READS_ALL or (actor.agency_id is not None and actor.agency_id in agency_ids):
        return
    case_id = case.get("id") if isinstance(case, dict) else case.id
    raise NotFound(f"Обращение {case_id} не найдено.")  # the words the store uses for a case it does not have


def _check_source(case: Case, source: tuple[str, str] | None) -> None:
    from cases.errors import NotAllowed

    stored = (case.model_extra or {}).get("source") or {}
    if source is not None and (stored.get("kind"), stored.get("id")) != source:
        raise NotAllowed("Сообщение получено не от этого отправителя: изменить его он не может.", code="foreign_source")


def parse_body(model: type[M], body: dict[str, Any]) -> M:
    """A request body as its pydantic model, or BadBody naming the first field at fault, in Russian."""
    try:
        return model.model_validate(body)
    except ValidationError as err:
        first = err.errors()[0]
        raise BadBody(".".join(map(str, first["loc"])), _russian(first)) from err


def _russian(error: Any) -> str:
    """A pydantic error in Russian, never pydantic's English: the field and what it must be."""
    field = ".".join(map(str, error["loc"])) or "тело запроса"
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"Не заполнено обязательное поле «{field}»."
    if kind == "extra_forbidden":
        return f"Лишнее поле «{field}»."
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", " или ")
        return f"Поле «{field}»: допустимо {expected}."
    if kind == "too_short":
        return f"Поле «{field}»: выберите или укажите хотя бы {ctx.get('min_length', 1)}."
    if kind == "too_long":
        return f"Поле «{field}»: не больше {ctx.get('max_length')} элементов."
    if kind == "string_too_short":
        return f"Поле «{field}» не заполнено." if ctx.get("min_length", 1) <= 1 else \
            f"Поле «{field}»: не короче {ctx.get('min_length')} символов."
    if kind == "string_too_long":
        return f"Поле «{field}»: не длиннее {ctx.get('max_length')} символов."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Поле «{field}»: число не меньше {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"Поле «{field}»: число не больше {ctx.get('le', ctx.get('lt'))}."
    wanted = {"int_parsing": "целое число", "int_type": "целое число", "int_from_float": "целое число",
                "string_type": "строка", "bool_type": "да или нет (true/false)", "bool_parsing": "да или нет",
                "list_type": "список", "dict_type": "объект", "model_type": "объект", "model_attributes_type": "объект",
                "float_type": "число", "float_parsing": "число"}.get(kind)
    if wanted:
        return f"Поле «{field}»: ожидается {wanted}."
    return f"Поле «{field}» заполнено неверно."
