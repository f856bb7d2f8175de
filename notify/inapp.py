"""In-app notifications: documents in ``notifications/{id}`` that the staff web client listens to.

Written by ``notify.delivery`` for every notice of an event. A deadline's notification keeps the shape
and id it always had (per case, deadline key, due, kind, recipient); every notification is created once:
a redelivered event neither duplicates it nor marks it unread again. Texts are in Russian, times in
Izhevsk time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from cases.wakeups import iso
from vocabulary import STAGE_TITLES, ZONE, Stage

COLLECTION = "notifications"
DEFAULT_ZONE = ZONE

NotificationKind = Literal["deadline_missed", "deadline_warning"]


class Inbox(Protocol):
    """Where in-app notifications go (``notify.inbox``: Firestore, or memory for the unit tests)."""

    def put(self, doc_id: str, doc: dict[str, Any]) -> bool:
        """Create the notification unless it exists; True if created."""
        ...


@dataclass(frozen=True)
class DeadlineNotice:
    """What a deadline notification is about; one per (deadline, kind), sent to several recipients."""

    kind: NotificationKind
    case_id: str
    key: str
    stage: str
    due: datetime
    agency_id: str | None = None
    number: str | None = None  # the case's short number, as people read it (its id when it has none)


def notification_id(notice: DeadlineNotice, recipient_uid: str) -> str:
    parts = "|".join((notice.case_id, notice.key, iso(notice.due), notice.kind, recipient_uid))
    return "n-" + hashlib.sha256(parts.encode()).hexdigest()[:32]


def local_time(moment: datetime, zone: str = DEFAULT_ZONE) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def text(notice: DeadlineNotice, zone: str = DEFAULT_ZONE) -> str:
    title = STAGE_TITLES[Stage(notice.stage)] if notice.stage in set(Stage) else notice.stage
    if notice.agency_id and notice.stage == "joint_contribution":
        title = f"{title}, орган {notice.agency_id}"
    when = local_time(notice.due, zone)
    date, _, clock = when.partition(" ")
    if notice.kind == "deadline_missed":
        return f"Просрочен срок «{title}» по обращению №{notice.number or notice.case_id} (срок истёк {date} в {clock})."
    return f"Истекает срок «{title}» по обращению №{notice.number or notice.case_id}: выполнить до {date} {clock}."


def document(notice: DeadlineNotice, recipient_uid: str, created_at: datetime,
             zone: str = DEFAULT_ZONE) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "recipient_uid": recipient_uid,
        "case_id": notice.case_id,
        "kind": notice.kind,
        "stage": notice.stage,
        "deadline_key": notice.key,
        "due": notice.due,
        "text": text(notice, zone),
        "created_at": created_at,
        "read": False,
    }
    if notice.agency_id:
        doc["agency_id"] = notice.agency_id
    return doc
