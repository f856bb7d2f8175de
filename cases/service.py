"""The staff API's service: one command = one transaction, then the Cloud Tasks of the new deadlines.

Also the two calls intake makes for a new case (§6, §8, §10): the workflow's fields and first audit
event to create atomically with the case, and the tasks to schedule once it is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from cases.apply import Result
from cases.documents import new_case_fields, started_keys
from cases.errors import Invalid, NotFound
from cases.model import Actor, Case
from cases.repository import Committed, FirestoreCases
from cases.transitions import authorize
from deadlines.policy import SlaPolicy
from deadlines.schedule import schedule_deadlines
from infra.clock import Clock
from infra.tasks import TaskQueue, TasksUnavailable

log = logging.getLogger(__name__)


Replan = Callable[[Case, datetime, SlaPolicy], Result | None]


class Unchanged(Exception):  # noqa: N818 - a signal that aborts the transaction, not an error
    """A system command found nothing to change: its transaction writes nothing."""


class BadBody(Exception):
    """The request body does not fit the command (→ 422 with the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class CaseService:
    cases: FirestoreCases
    policy: Callable[[], SlaPolicy]
    queue: TaskQueue
    clock: Clock
    base_url: str
    agencies: Callable[[], set[str]]

    def execute(self, case_id: str, actor: Actor, command: str, body: dict[str, Any]) -> Committed:
        from cases.api_models import COMMANDS  # the staff API's models: not loaded by intake's cold start

        spec = COMMANDS.get(command)
        if spec is None:
            raise NotFound(f"Нет такого действия: {command}. Доступны: {', '.join(sorted(COMMANDS))}.")
        try:
            parsed = spec.body.model_validate(body)
        except ValidationError as err:
            first = err.errors()[0]
            raise BadBody(".".join(map(str, first["loc"])), _russian(first)) from err
        self._check_references(command, parsed)
        now, policy = self.clock(), self.policy()
        committed = self.cases.execute(case_id, parsed.version,
                                       lambda case: spec.run(case, actor, parsed, now, policy),
                                       authorize=lambda case: authorize(command, case, actor))
        self.schedule(case_id, committed.fields, started_keys(committed.events))
        return committed

    def _check_references(self, command: str, body: Any) -> None:
        if command == "route":
            unknown = sorted(set(body.agency_ids) - self.agencies())
            if unknown:
                raise Invalid(f"Неизвестный исполнительный орган: {', '.join(unknown)}.", code="unknown_agency")
        if command == "link_repeat" and body.earlier_case_id and not self.cases.exists(body.earlier_case_id):
            raise Invalid(f"Обращение {body.earlier_case_id} не найдено.", code="earlier_case_not_found")

    def schedule(self, case_id: str, fields: dict[str, Any], keys: set[str] | None = None) -> None:
        """Create the tasks of the deadlines just started (``keys``; all when None), as named in the committed
        write. Earlier deadlines have theirs already. On failure the sweep does it (``unscheduled``)."""
        deadlines = fields.get("deadlines") or {}
        if keys is not None:
            deadlines = {k: v for k, v in deadlines.items() if k in keys}
        try:
            schedule_deadlines(self.queue, case_id, deadlines, self.base_url)
        except TasksUnavailable as err:
            log.warning("Cloud Tasks unavailable after committing case %s; the sweep will schedule: %s",
                        case_id, err)

    def replan(self, case_id: str, plan: Replan) -> Committed | None:
        """A system command (``cases.replanning``) in its own transaction, then the tasks of the deadlines
        it moved or started; None when it had nothing to change."""
        now, policy = self.clock(), self.policy()

        def apply(case: Case) -> Result:
            result = plan(case, now, policy)
            if result is None:
                raise Unchanged(case_id)
            return result

        try:
            committed = self.cases.execute(case_id, None, apply)
        except Unchanged:
            return None
        self.schedule(case_id, committed.fields, started_keys(committed.events))
        return committed

    def new_case(self, case_id: str, detected_at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
        """The workflow's fields of a new case and its first audit event, for intake's atomic create."""
        return new_case_fields(case_id, detected_at, self.policy(), self.base_url)


def _russian(error: Any) -> str:
    field = ".".join(map(str, error["loc"])) or "тело запроса"
    kind = str(error.get("type", ""))
    if kind == "missing":
        return f"Не заполнено обязательное поле «{field}»."
    if kind == "extra_forbidden":
        return f"Лишнее поле «{field}»."
    return f"Поле «{field}» заполнено неверно: {error.get('msg', '')}."
