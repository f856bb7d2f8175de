"""Cloud Functions entry points, one per deployed function, and the local router serving them all.

Each entry point is thin: it imports its handler module on first call (import time is cold-start
time) and hands over the request. Locally ``local_router`` serves every function under one base URL,
with a path prefix per function, as ``make run`` documents.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import functions_framework
from flask import Request, jsonify, redirect

# path prefix -> (module under functions/, handler name); one deployed Cloud Function each.
ROUTES: dict[str, tuple[str, str]] = {
    "/intake/monitoring": ("functions.intake_http", "monitoring"),
    "/intake/vk": ("functions.intake_http", "vk"),
    "/intake/telegram": ("functions.intake_http", "telegram"),
    "/tasks/deadline": ("functions.tasks_http", "deadline"),
    "/tasks/events": ("functions.tasks_http", "events"),
    "/tasks/mail": ("functions.tasks_http", "mail"),
    "/scheduler/sweep": ("functions.scheduler_http", "sweep"),
    "/scheduler/digest": ("functions.scheduler_http", "digest"),
    "/scheduler/monthly-report": ("functions.scheduler_http", "monthly_report"),
    "/scheduler/retention": ("functions.scheduler_http", "retention"),
    "/scheduler/triage-train": ("functions.scheduler_http", "triage_train"),
    "/api": ("functions.api_http", "api"),
    "/web": ("functions.web_http", "web"),
}


if os.environ.get("K_SERVICE"):  # deployed: refuse to start rather than run open (infra/settings.py)
    from infra.logs import install
    from infra.settings import get_settings

    install(get_settings().project_id)  # JSON lines with severity and the request's trace, for Cloud Logging


def _handler(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


@functions_framework.http
def intake_monitoring(request: Request) -> Any:
    return _handler(*ROUTES["/intake/monitoring"])(request)


@functions_framework.http
def intake_vk(request: Request) -> Any:
    return _handler(*ROUTES["/intake/vk"])(request)


@functions_framework.http
def intake_telegram(request: Request) -> Any:
    return _handler(*ROUTES["/intake/telegram"])(request)


@functions_framework.http
def tasks_deadline(request: Request) -> Any:
    return _handler(*ROUTES["/tasks/deadline"])(request)


@functions_framework.http
def tasks_events(request: Request) -> Any:
    return _handler(*ROUTES["/tasks/events"])(request)


@functions_framework.http
def tasks_mail(request: Request) -> Any:
    return _handler(*ROUTES["/tasks/mail"])(request)


@functions_framework.http
def scheduler_digest(request: Request) -> Any:
    return _handler(*ROUTES["/scheduler/digest"])(request)


@functions_framework.http
def scheduler_monthly_report(request: Request) -> Any:
    return _handler(*ROUTES["/scheduler/monthly-report"])(request)


@functions_framework.http
def scheduler_retention(request: Request) -> Any:
    return _handler(*ROUTES["/scheduler/retention"])(request)


@functions_framework.http
def scheduler_triage_train(request: Request) -> Any:
    return _handler(*ROUTES["/scheduler/triage-train"])(request)


@functions_framework.http
def scheduler_sweep(request: Request) -> Any:
    return _handler(*ROUTES["/scheduler/sweep"])(request)


@functions_framework.http
def staff_api(request: Request) -> Any:
    return _handler(*ROUTES["/api"])(request)


@functions_framework.http
def staff_web(request: Request) -> Any:
    """Deployed behind Firebase Hosting for /web/config.json (the files themselves are Hosting's)."""
    return _handler(*ROUTES["/web"])(request)


@functions_framework.http
def local_router(request: Request) -> Any:
    """Local only: one base URL, a path prefix per function, plus /healthz and /livez."""
    path = request.path.rstrip("/") or "/"
    if path == "/livez":
        return "ok"
    if path == "/" and request.method == "GET":
        return redirect("/web/")
    if path == "/healthz":
        return _handler("functions.health", "healthz")(request)
    for prefix, target in ROUTES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return _handler(*target)(request)
    body = jsonify(error="not_found", message=f"Нет такого адреса: {request.path}", routes=sorted(ROUTES))
    return body, 404
