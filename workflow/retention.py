"""Personal data under Federal Law 152-FZ: erased when their retention period ends, or when their subject
asks (docs/personal-data.md).

A case's personal data are the message (its text, author, links, earlier texts) and what was written about
it (drafts, contributions, reasons). Erasing them is a system command on the case (``PersonalDataErased``,
in the audit trail), then the same texts in its earlier events are replaced and the sender's raw payload is
deleted. The case's course (states, deadlines, who did what and when) stays: the monthly reports count it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cases.message import ERASED
from cases.model import Actor
from cases.ports import CaseRepository
from intake.documents import RAW_PAYLOADS
from workflow.service import CaseService

log = logging.getLogger(__name__)

# The payload keys of earlier events that carry what a citizen wrote, or who they are.
EVENT_TEXT_KEYS = frozenset({"text", "previous_text", "measures_taken", "attachments", "deleted_by", "note",
                             "flags", "agencies"})
DEFAULT_CASE_YEARS = 3
CASE_YEARS = range(1, 76)  # what settings/retention.case_years may say
BATCH = 200


@dataclass(frozen=True)
class Retention:
    """``settings/retention``: how long a case keeps its personal data after it was closed, excluded or set
    aside (the other collections expire by Firestore TTL policies: docs/personal-data.md)."""

    case_years: int = DEFAULT_CASE_YEARS


def retention_from(stored: dict[str, Any] | None) -> Retention:
    """``settings/retention`` as stored (None: none), a value out of range as the default."""
    years = (stored or {}).get("case_years")
    return Retention(case_years=years if isinstance(years, int) and years in CASE_YEARS else DEFAULT_CASE_YEARS)


def erase_case(service: CaseService, cases: CaseRepository, case_id: str, reason: str,
               request: str | None = None, actor: Actor | None = None) -> bool:
    """Erase one case's personal data; False if they were erased already."""
    committed = service.erase(case_id, reason, request, actor)
    cases.redact_events(case_id, EVENT_TEXT_KEYS, ERASED)  # also after a crash between the two: idempotent
    cases.delete_side(RAW_PAYLOADS, case_id)
    if committed is not None:
        log.info("case %s: personal data erased (%s)", case_id, reason)
    return committed is not None


def run_retention(service: CaseService, cases: CaseRepository, now: datetime, retention: Retention,
                  limit: int = BATCH) -> dict[str, int]:
    """The daily job: every case whose retention period has ended, up to `limit` (the next run goes on)."""
    before = now - timedelta(days=365 * retention.case_years + retention.case_years // 4)
    erased = 0
    for case_id in cases.erasable(before, limit):
        erased += erase_case(service, cases, case_id, "retention")
    return {"erased": erased, "before": int(before.timestamp())}

