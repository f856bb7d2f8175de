"""POST /scheduler/sweep: Cloud Scheduler (every 5 minutes) or the local timer runs the sweep.

One pass: the deadlines' backstop (``deadlines.sweep``), then the production calendar's upkeep on the
cases (``cases.upkeep``: provisional deadlines recomputed once their year is published, cases without
deadlines repaired) and the admins' daily warning before the calendar runs out (``notify.calendar_warning``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Request, jsonify

from functions.tasks_http import authenticate, error_response

log = logging.getLogger(__name__)

SWEEP_PATH = "/scheduler/sweep"


def sweep(request: Request) -> Any:
    from google.api_core import exceptions

    from cases.repository import StoreUnavailable
    from cases.upkeep import calendar_upkeep
    from cases.wiring import service
    from deadlines.sweep import sweep as run_sweep
    from deadlines.wiring import escalation
    from infra.tasks import TasksUnavailable
    from notify.calendar_warning import warn_admins

    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Только POST.")
    denied = authenticate(request, SWEEP_PATH)
    if denied is not None:
        return denied
    env, cases = escalation(), service()
    try:
        now = env.clock()
        counts = run_sweep(env.db, now, env.queue, env.base_url, env.zone)
        counts.update(calendar_upkeep(cases, env.db))
        warned = warn_admins(env.db, now, cases.policy().agency_calendar)
        if warned:
            counts["calendar_warnings"] = len(warned)
    except (exceptions.GoogleAPICallError, exceptions.RetryError, TasksUnavailable, StoreUnavailable) as err:
        log.warning("sweep: store unavailable, the next run retries: %s", err)
        return error_response(503, "unavailable", "Хранилище временно недоступно, повторите позже.")
    return jsonify(status="ok", counts=counts), 200
