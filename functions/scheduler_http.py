"""POST /scheduler/sweep: Cloud Scheduler (every 5 minutes) or the local timer runs the sweep.

One pass: the deadlines' backstop and the outbox's (``escalation.sweep``), the production calendar's
upkeep on the cases (``escalation.upkeep``: provisional deadlines recomputed once their year is
published, cases without deadlines repaired), mail whose task was lost, and the admins' daily warning
before the calendar runs out (``notify.calendar_warning``). POST /scheduler/digest: the daily digests.
POST /scheduler/monthly-report: the §21 monthly report (``reports.monthly``). POST /scheduler/retention
(daily): personal data whose retention period has ended are erased (``workflow.retention``, 152-FZ).
POST /scheduler/triage-train (weekly): triage's routing model retrained on the curators' routing
(``workflow.triage_step.retrain_routing``).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from flask import Request, jsonify

from functions.tasks_http import OUTAGES, authenticate, error_response, unavailable

log = logging.getLogger(__name__)

SWEEP_PATH = "/scheduler/sweep"
DIGEST_PATH = "/scheduler/digest"
MONTHLY_PATH = "/scheduler/monthly-report"
RETENTION_PATH = "/scheduler/retention"
TRIAGE_TRAIN_PATH = "/scheduler/triage-train"
MAIL_BATCH = 50


def _refused(request: Request, path: str) -> Any | None:
    """The scheduler's calls are POSTs with the scheduler's OIDC token: anything else is answered here."""
    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Только POST.")
    return authenticate(request, path)


def send_due_mail(now: Any) -> dict[str, int]:
    """Mail whose task was lost, or whose send stalled: sent now (a few per run)."""
    import bootstrap
    from notify.delivery import schedule_mail
    from notify.sender import send_mail

    mailer = bootstrap.mailer()
    if mailer is None:
        return {}
    counts: dict[str, int] = {}
    for mail_id in mailer.store.due(now, MAIL_BATCH):
        outcome, detail = send_mail(mailer.store, bootstrap.smtp(), mail_id, now, bootstrap.settings().mail_from)
        if outcome == "retry":
            schedule_mail(mailer.queue, mailer.base_url, mail_id, detail, outcome, detail.isoformat())
        counts[f"mail_{outcome}"] = counts.get(f"mail_{outcome}", 0) + 1
    return counts


def digest(request: Request) -> Any:
    """POST /scheduler/digest (Cloud Scheduler, working days at 09:00 Izhevsk time): the daily digests."""
    import bootstrap
    from notify.digest import send_digests

    refused = _refused(request, DIGEST_PATH)
    if refused is not None:
        return refused
    mailer = bootstrap.mailer()
    if mailer is None:
        return jsonify(status="ok", digests=0), 200
    try:
        created = send_digests(mailer, bootstrap.clock()(), bootstrap.zone())
    except OUTAGES as err:
        log.warning("digest: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(status="ok", digests=len(created)), 200


def monthly_report(request: Request) -> Any:
    """POST /scheduler/monthly-report (Cloud Scheduler, the 1st–10th of each month at 09:00 Izhevsk time):
    from the first working day on, the previous month's report, made and sent once."""
    import bootstrap
    from reports.monthly import monthly_run

    refused = _refused(request, MONTHLY_PATH)
    if refused is not None:
        return refused
    store = bootstrap.reports()
    try:
        done = monthly_run(bootstrap.clock()(), store.month_cases, store, bootstrap.policy()().curator_calendar,
                           bootstrap.agency_names(), bootstrap.staff(),
                           bootstrap.oversight().settings().report_uids, bootstrap.ports().inbox,
                           bootstrap.mailer(), bootstrap.zone())
    except OUTAGES as err:
        log.warning("monthly report: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(done), 200


def retention(request: Request) -> Any:
    """POST /scheduler/retention (Cloud Scheduler, daily at 03:00 Izhevsk time): 152-FZ erasure of the
    cases whose retention period has ended (a batch per run; the next run goes on)."""
    import bootstrap
    from workflow.retention import run_retention

    refused = _refused(request, RETENTION_PATH)
    if refused is not None:
        return refused
    try:
        done = run_retention(bootstrap.case_service(), bootstrap.cases(), bootstrap.clock()(), bootstrap.retention())
    except OUTAGES as err:
        log.warning("retention: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(status="ok", **done), 200


def triage_train(request: Request) -> Any:
    """POST /scheduler/triage-train (Cloud Scheduler, Sundays at 02:00 Izhevsk time): a model learnt from the
    routings of the last year, adopted only if it ranks the latest of them better than the one in use."""
    import bootstrap
    from adapters.firestore_triage import routed_examples
    from infra.firestore import firestore_client
    from workflow.triage_step import retrain_routing

    refused = _refused(request, TRIAGE_TRAIN_PATH)
    if refused is not None:
        return refused
    try:
        done = retrain_routing(bootstrap.triage_models(), partial(routed_examples, firestore_client), bootstrap.clock()(),
                               set(bootstrap.agency_names()) or None)
    except OUTAGES as err:
        log.warning("triage training: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(status="ok", **done), 200


def sweep(request: Request) -> Any:
    import bootstrap
    from escalation.sweep import sweep as run_sweep
    from escalation.upkeep import calendar_upkeep
    from notify.calendar_warning import warn_admins
    from outbox.dispatch import dispatch

    refused = _refused(request, SWEEP_PATH)
    if refused is not None:
        return refused
    repo, service = bootstrap.cases(), bootstrap.case_service()
    try:
        now = bootstrap.clock()()
        counts = run_sweep(repo, bootstrap.staff(), bootstrap.queue(), now, bootstrap.base_url(),
                           dispatch=partial(dispatch, repo, ports=bootstrap.ports()))
        counts.update(calendar_upkeep(service))
        counts.update(send_due_mail(now))
        warned = warn_admins(bootstrap.staff(), bootstrap.ports().inbox, now, service.policy().agency_calendar,
                             bootstrap.mailer())
        if warned:
            counts["calendar_warnings"] = len(warned)
    except OUTAGES as err:
        log.warning("sweep: store unavailable, the next run retries: %s", err)
        return unavailable()
    return jsonify(status="ok", counts=counts), 200
