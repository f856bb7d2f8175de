"""Which handlers each event type has: the one place that maps the case's events to what follows them.

A handler takes the stored event (a dict, as in ``cases/{id}/events``) and the ``Ports`` it may use; it
must be idempotent (the outbox delivers at least once) and must not write the case (the case repository
is the one writer). The next capabilities (e-mail, §22 alerts, report counters, triage) add lines here,
not code in the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cases.ports import CaseRepository, StaffDirectory
from notify.delivery import Mailer, deliver_event
from notify.inapp import Inbox
from notify.rules import RULES, AgencyNames
from vocabulary import ZONE


@dataclass(frozen=True)
class Ports:
    """What handlers may use."""

    inbox: Inbox
    staff: StaffDirectory
    cases: CaseRepository  # to read a case, never to write it
    agencies: AgencyNames = dict
    mailer: Mailer | None = None  # None: in-app notifications only
    zone: str = ZONE


Handler = Callable[[dict[str, Any], Ports], None]


def _notify(event: dict[str, Any], ports: Ports) -> None:
    deliver_event(event, ports.inbox, ports.staff, ports.cases, ports.agencies, ports.mailer, ports.zone)


EVENT_HANDLERS: dict[str, tuple[Handler, ...]] = {event_type: (_notify,) for event_type in RULES}
