"""The Cloud Tasks targets: ``POST /tasks/deadline`` (a deadline's wake-up), ``POST /tasks/events`` (the
outbox's call after a write) and ``POST /tasks/mail`` (send one mail). Authenticate the caller, parse the task, call one service.

Status codes tell Cloud Tasks what to do: 2xx done (including "nothing to do"), 5xx retry later
(Firestore or Cloud Tasks unavailable), 4xx a task we cannot read or a caller we do not trust.
"""

from __future__ import annotations

import hmac
import logging
from functools import lru_cache
from typing import Any

from flask import Request, jsonify
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cases.documents import DocumentId
from cases.ports import StoreUnavailable
from functions.body import UnreadableBody, json_object
from infra.tasks import TasksUnavailable

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Otklik-Task-Secret"
MAX_TASK_BYTES = 64 * 1024  # a task's body is a few ids
OUTAGES = (StoreUnavailable, TasksUnavailable)  # 503: Cloud Tasks (or Scheduler) tries again


def deadline(request: Request) -> Any:
    """A wake-up for one deadline (``escalation.handler``)."""
    import bootstrap
    from escalation.handler import DeadlineTask, handle_deadline_task
    from escalation.tasks import DEADLINE_PATH

    task = _task(request, DEADLINE_PATH, DeadlineTask)
    if not isinstance(task, DeadlineTask):
        return task
    try:
        outcome = handle_deadline_task(bootstrap.cases(), bootstrap.staff(), bootstrap.queue(), task,
                                       bootstrap.clock()(), bootstrap.base_url())
    except OUTAGES as err:
        log.warning("deadline task %s/%s: store unavailable, Cloud Tasks will retry: %s", task.case_id, task.key, err)
        return unavailable()
    return jsonify(outcome.as_dict()), 200


class EventsTask(BaseModel):
    """The body of the outbox's task (``escalation.tasks.events_task``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    case_id: DocumentId


def events(request: Request) -> Any:
    """The outbox: dispatch the case's undispatched events to their handlers (``outbox.dispatch``)."""
    import bootstrap
    from escalation.tasks import EVENTS_PATH
    from outbox.dispatch import dispatch

    task = _task(request, EVENTS_PATH, EventsTask)
    if not isinstance(task, EventsTask):
        return task
    try:
        done = dispatch(bootstrap.cases(), task.case_id, bootstrap.ports())
    except OUTAGES as err:
        log.warning("events of case %s: store unavailable, Cloud Tasks will retry: %s", task.case_id, err)
        return unavailable()
    return jsonify(case_id=task.case_id, dispatched=done), 200


class MailTask(BaseModel):
    """The body of a mail's task (``notify.delivery.schedule_mail``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    mail_id: str = Field(min_length=1, max_length=300, pattern=r"^[A-Za-z0-9_-]+$")


def mail(request: Request) -> Any:
    """Send one mail over SMTP (``notify.sender``); a temporary failure is queued again with backoff."""
    import bootstrap
    from notify.delivery import MAIL_PATH, schedule_mail
    from notify.sender import send_mail

    task = _task(request, MAIL_PATH, MailTask)
    if not isinstance(task, MailTask):
        return task
    mailer = bootstrap.mailer()
    if mailer is None:
        return error_response(409, "mail_off", "Отправка почты не настроена (OTKLIK_SMTP_HOST).")
    try:
        outcome, detail = send_mail(mailer.store, bootstrap.smtp(), task.mail_id, bootstrap.clock()(),
                                    bootstrap.settings().mail_from)
        if outcome in ("retry", "not_due"):
            schedule_mail(mailer.queue, mailer.base_url, task.mail_id, detail, outcome, detail.isoformat())
    except OUTAGES as err:
        log.warning("mail %s: store unavailable, Cloud Tasks will retry: %s", task.mail_id, err)
        return unavailable()
    return jsonify(mail_id=task.mail_id, outcome=outcome, detail=str(detail) if detail else None), 200


def _task(request: Request, path: str, model: type[BaseModel]) -> Any:
    """The task's body as `model`, or the response that refuses it (405, 401/403, 400)."""
    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Только POST.")
    denied = authenticate(request, path)
    if denied is not None:
        return denied
    try:
        body = json_object(request, MAX_TASK_BYTES)
    except UnreadableBody as err:
        return error_response(err.status, err.code, err.message)
    try:
        return model.model_validate(body)
    except ValidationError as err:
        return error_response(400, "bad_task", str(err.errors(include_url=False, include_input=False)))


def unavailable() -> Any:
    return error_response(503, "unavailable", "Хранилище временно недоступно, повторите позже.")


def authenticate(request: Request, path: str) -> Any | None:
    """None if the caller is trusted, else the 401/403 response.

    Production (``OTKLIK_TASKS_SERVICE_ACCOUNT`` set): an OIDC token signed by Google for that service
    account, audience the URL we are called at. Locally: the shared secret header.
    """
    from infra.settings import get_settings

    settings = get_settings()
    if settings.tasks_service_account:
        from infra.tasks import function_url

        return _check_oidc(request, function_url(settings.base_url, path), settings.tasks_service_account)
    given = request.headers.get(SECRET_HEADER, "")
    if not given:
        return error_response(401, "unauthenticated", f"Нужен заголовок {SECRET_HEADER}.")
    if not hmac.compare_digest(given.encode(), settings.task_secret.encode()):
        return error_response(403, "forbidden", "Неверный секрет задачи.")
    return None


def _check_oidc(request: Request, audience: str, service_account: str) -> Any | None:
    from google.oauth2 import id_token

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return error_response(401, "unauthenticated", "Нужен OIDC-токен (Authorization: Bearer).")
    try:
        claims = id_token.verify_oauth2_token(token, _google_request(), audience=audience)
    except ValueError as err:
        log.warning("rejected OIDC token: %s", err)
        return error_response(403, "forbidden", "OIDC-токен не прошёл проверку.")
    if claims.get("email") != service_account or not claims.get("email_verified"):
        return error_response(403, "forbidden", "Токен выдан не сервисному аккаунту очереди.")
    return None


@lru_cache(maxsize=1)
def _google_request() -> Any:
    """One HTTP session per instance for fetching Google's signing certificates."""
    import google.auth.transport.requests

    return google.auth.transport.requests.Request()


def error_response(status: int, code: str, message: str) -> Any:
    return jsonify(error=code, message=message), status
