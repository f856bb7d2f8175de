"""In-app notifications: documents in ``notifications/{id}`` that the staff web client listens to.

Ids are deterministic per (case, deadline key, due, kind, recipient): writing the same notification
twice (a retried transaction, a redelivered task) leaves one document. Texts are in Russian, times in
the calendar's zone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from vocabulary import STAGE_TITLES, ZONE

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

COLLECTION = "notifications"
DEFAULT_ZONE = ZONE

NotificationKind = Literal["deadline_missed", "deadline_warning"]

@dataclass(frozen=True)
class DeadlineNotice:
    """What a deadline notification is about; one per (deadline, kind), sent to several recipients."""

    kind: NotificationKind
    case_id: str
    key: str
    stage: str
    due: datetime
    agency_id: str | None = None


def notification_id(notice: DeadlineNotice, recipient_uid: str, due_text: str) -> str:
    parts = "|".join((notice.case_id, notice.key, due_text, notice.kind, recipient_uid))
    return "n-" + hashlib.sha256(parts.encode()).hexdigest()[:32]


def local_time(moment: datetime, zone: str = DEFAULT_ZONE) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def text(notice: DeadlineNotice, zone: str = DEFAULT_ZONE) -> str:
    title = STAGE_TITLES.get(notice.stage, notice.stage)  # type: ignore[call-overload]
    if notice.agency_id and notice.stage == "joint_contribution":
        title = f"{title}, орган {notice.agency_id}"
    when = local_time(notice.due, zone)
    date, _, clock = when.partition(" ")
    if notice.kind == "deadline_missed":
        return f"Просрочен срок «{title}» по обращению №{notice.case_id} (срок истёк {date} в {clock})."
    return f"Истекает срок «{title}» по обращению №{notice.case_id}: выполнить до {date} {clock}."


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


def write_in(transaction: Transaction, db: Client, notice: DeadlineNotice, recipients: list[str],
             due_text: str, created_at: datetime, zone: str = DEFAULT_ZONE) -> list[str]:
    """Write one notification per recipient inside `transaction`; returns the document ids."""
    ids = []
    for uid in recipients:
        doc_id = notification_id(notice, uid, due_text)
        transaction.set(db.collection(COLLECTION).document(doc_id), document(notice, uid, created_at, zone))
        ids.append(doc_id)
    return ids
