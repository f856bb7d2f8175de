"""POST /scheduler/sweep: Cloud Scheduler (every 5 minutes) or the local timer runs the sweep."""

from __future__ import annotations

import logging
from typing import Any

from flask import Request, jsonify

from functions.tasks_http import authenticate, error_response

log = logging.getLogger(__name__)

SWEEP_PATH = "/scheduler/sweep"


def sweep(request: Request) -> Any:
    from google.api_core import exceptions

    from deadlines.sweep import sweep as run_sweep
    from deadlines.wiring import escalation
    from infra.tasks import TasksUnavailable

    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Только POST.")
    denied = authenticate(request, SWEEP_PATH)
    if denied is not None:
        return denied
    env = escalation()
    try:
        counts = run_sweep(env.db, env.clock(), env.queue, env.base_url, env.zone)
    except (exceptions.GoogleAPICallError, exceptions.RetryError, TasksUnavailable) as err:
        log.warning("sweep: store unavailable, the next run retries: %s", err)
        return error_response(503, "unavailable", "Хранилище временно недоступно, повторите позже.")
    return jsonify(status="ok", counts=counts), 200
