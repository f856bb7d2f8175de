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

from notify import inapp
from vocabulary import ZONE


@dataclass(frozen=True)
class Ports:
    """What handlers may use."""

    inbox: inapp.Inbox
    zone: str = ZONE


Handler = Callable[[dict[str, Any], Ports], None]


def _warned(event: dict[str, Any], ports: Ports) -> None:
    inapp.deadline_warned(event, ports.inbox, ports.zone)


def _missed(event: dict[str, Any], ports: Ports) -> None:
    inapp.deadline_missed(event, ports.inbox, ports.zone)


EVENT_HANDLERS: dict[str, tuple[Handler, ...]] = {
    "DeadlineWarned": (_warned,),
    "DeadlineMissed": (_missed,),
}
