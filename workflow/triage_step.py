"""Triage as a handler of the case-created event (issue 13): the first read of a new message, recorded on
its case as suggestions (``Triaged``), a §19 finding as a flag for the curator. Never on the webhook's
request path: the outbox's task runs it after the case is written."""

from __future__ import annotations

import logging
from typing import Any

from cases.ports import CaseRepository
from workflow.service import CaseService

log = logging.getLogger(__name__)


def result_for(doc: dict[str, Any], known_agencies: set[str] | None) -> dict[str, Any]:
    """What triage makes of a stored case's message (pure but for the lexicon's loading)."""
    from triage import VERSION
    from triage.exclusion import flags
    from triage.places import municipality
    from triage.rubric import agencies
    from triage.significance import significance

    message = doc.get("message") or {}
    text = str(message.get("text") or "")
    found = flags(text)
    weight = significance(text, message.get("engagement"))
    return {
        "version": VERSION,
        "exclusion": next((k for k in ("threat", "obscenity", "insult") if k in {f.kind for f in found}), "none"),
        "flags": [{"kind": f.kind, "words": list(f.words), "reason": f.reason} for f in found],
        "agencies": [{"id": s.agency_id, "score": s.score, "words": list(s.words)}
                     for s in agencies(text, known_agencies or None)],
        "municipality_id": municipality(text),
        "significance": weight.score,
        "significant": weight.significant,
        "significance_reasons": list(weight.reasons),
    }


def triage_case(service: CaseService, cases: CaseRepository, case_id: str) -> bool:
    """Triage one new case; False if it was triaged already (a redelivered event)."""
    doc = cases.get(case_id)
    if doc.get("triage") is not None:
        return False
    committed = service.record_triage(case_id, result_for(doc, service.agencies()))
    if committed is not None:
        log.info("case %s triaged", case_id)
    return committed is not None
