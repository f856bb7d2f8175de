"""POST /scheduler/sweep: Cloud Scheduler (every 5 minutes) or the local timer runs the sweep.

One pass: the deadlines' backstop and the outbox's (``escalation.sweep``), the production calendar's
upkeep on the cases (``escalation.upkeep``: provisional deadlines recomputed once their year is
published, cases without deadlines repaired), and the admins' daily warning before the calendar runs
out (``notify.calendar_warning``).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from flask import Request, jsonify

from functions.tasks_http import OUTAGES, authenticate, error_response, unavailable

log = logging.getLogger(__name__)

SWEEP_PATH = "/scheduler/sweep"


def sweep(request: Request) -> Any:
    import bootstrap
    from escalation.sweep import sweep as run_sweep
    from escalation.upkeep import calendar_upkeep
    from notify.calendar_warning import warn_admins
    from outbox.dispatch import dispatch

    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Только POST.")
    denied = authenticate(request, SWEEP_PATH)
    if denied is not None:
        return denied
    repo, service = bootstrap.cases(), bootstrap.case_service()
    try:
        now = bootstrap.clock()()
        counts = run_sweep(repo, bootstrap.staff(), bootstrap.queue(), now, bootstrap.base_url(),
                           dispatch=partial(dispatch, repo, ports=bootstrap.ports()))
        counts.update(calendar_upkeep(service))
        warned = warn_admins(bootstrap.staff(), bootstrap.ports().inbox, now, service.policy().agency_calendar)
        if warned:
            counts["calendar_warnings"] = len(warned)
    except OUTAGES as err:
        log.warning("sweep: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(status="ok", counts=counts), 200
