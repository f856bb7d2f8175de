"""Which handlers each event type has: the one place that maps the case's events to what follows them.

A handler takes the stored event (a dict, as in ``cases/{id}/events``) and the ``Ports`` it may use; it
must be idempotent (the outbox delivers at least once) and must not write the case (the case repository
is the one writer; triage, below, writes its result through the case service as a system command, so
its write is one more event of the case). Today: notifications (in-app and e-mail) for every event
``notify.rules`` knows, the §22 report's facts for ``MarkedSignificant``, and for ``CaseDetected`` the surge
detector's count and triage's first read (issue 13). The next capabilities add lines here, not code in the
workflow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cases.ports import CaseRepository, StaffDirectory, StoreUnavailable
from notify.delivery import Mailer, deliver_event
from notify.inapp import Inbox
from notify.rules import RULES, AgencyNames
from oversight.alerts import Oversight, on_detected, significant_facts
from vocabulary import ZONE


@dataclass(frozen=True)
class Ports:
    """What handlers may use."""

    inbox: Inbox
    staff: StaffDirectory
    cases: CaseRepository  # to read a case, never to write it
    agencies: AgencyNames = dict
    mailer: Mailer | None = None  # None: in-app notifications only
    oversight: Oversight | None = None  # None: no surge detection, §22 reports without similar messages
    triage: Callable[[str], object] | None = None  # a new case's first read (workflow.triage_step); None: none
    zone: str = ZONE


Handler = Callable[[dict[str, Any], Ports], None]
log = logging.getLogger(__name__)


def _notify(event: dict[str, Any], ports: Ports) -> None:
    deliver_event(event, ports.inbox, ports.staff, ports.cases, ports.agencies, ports.mailer, ports.zone)


def _report_significant(event: dict[str, Any], ports: Ports) -> None:
    """§22: the notification rule, with the Head's recipients and the similar messages looked up."""
    oversight = ports.oversight
    if oversight is None:
        return _notify(event, ports)
    web_url = ports.mailer.web_url if ports.mailer else ""
    deliver_event(event, ports.inbox, ports.staff, ports.cases, ports.agencies, ports.mailer, ports.zone,
                  facts=lambda case: significant_facts(event, case, ports.staff, oversight, web_url, ports.zone))
    return None


def _count_for_surges(event: dict[str, Any], ports: Ports) -> None:
    if ports.oversight is not None:
        on_detected(event, ports.cases, ports.staff, ports.inbox, ports.mailer, ports.oversight, ports.zone)


def _triage(event: dict[str, Any], ports: Ports) -> None:
    """Triage's first read. An outage is retried with the event; any other failure is logged and leaves the
    case untriaged (the curator reads it bare), so that a fault in triage never holds back the count of
    surges and the notifications."""
    if ports.triage is None:
        return
    try:
        ports.triage(str(event["case_id"]))
    except StoreUnavailable:
        raise
    except Exception:
        log.exception("triage failed for case %s; the case stays untriaged", event.get("case_id"))


EVENT_HANDLERS: dict[str, tuple[Handler, ...]] = {
    **{event_type: (_notify,) for event_type in RULES},
    "MarkedSignificant": (_report_significant,),
    "CaseDetected": (_triage, _count_for_surges),  # triage first: its municipality and topic are counted
}
