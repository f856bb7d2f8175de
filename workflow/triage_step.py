"""Triage as a handler of the case-created event (issue 13): the first read of a new message, recorded on
its case as suggestions (``Triaged``), a §19 finding as a flag for the curator. Never on the webhook's
request path: the outbox's task runs it after the case is written."""

from __future__ import annotations

import logging

from cases.ports import CaseRepository
from triage.read import first_read
from workflow.service import CaseService

log = logging.getLogger(__name__)


def triage_case(service: CaseService, cases: CaseRepository, case_id: str) -> bool:
    """Triage one new case; False if it was triaged already (a redelivered event)."""
    doc = cases.get(case_id)
    if doc.get("triage") is not None:
        return False
    message = doc.get("message") or {}
    result = first_read(str(message.get("text") or ""), message.get("engagement"), service.agencies() or None)
    committed = service.record_triage(case_id, result)
    if committed is not None:
        log.info("case %s triaged", case_id)
    return committed is not None
