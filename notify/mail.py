"""E-mail as documents: one ``mail/{id}`` per (event, recipient), in the shape of Firebase's "Trigger Email
from Firestore" extension, sent by our own sender (``notify.sender``) over SMTP.

    to: [address], message: {subject, text, html}, attachments: [{filename, contentType, encoding, content}],
    delivery: {state: PENDING|PROCESSING|RETRY|SUCCESS|ERROR|DIGEST|DIGESTED, attempts, startTime,
               endTime, leaseExpireTime, error, info: {messageId}},
    recipient_uid, kind, case_id?, event (case/version), urgent, send_at, created_at

The id is fixed by (event, recipient, kind), and a mail is created once: a redelivered event sends
nothing twice. A digest recipient's mail waits as DIGEST until the day's digest takes it (DIGESTED).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cases.ports import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client
    from jinja2 import Environment

COLLECTION = "mail"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def mail_id(event_key: str, recipient_uid: str, kind: str) -> str:
    return "m-" + hashlib.sha256(f"{event_key}|{recipient_uid}|{kind}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


@cache
def _templates() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def letter(title: str, details: tuple[str, ...], message_text: str = "", network: str = "", case_url: str = "",
           settings_hint: str = "") -> Letter:
    """A notification as a letter in Russian: plain text and HTML from the same facts."""
    facts = {"title": title, "details": details, "message_text": message_text, "network": network,
             "case_url": case_url, "settings_hint": settings_hint}
    env = _templates()
    return Letter(title, env.get_template("mail.txt").render(**facts), env.get_template("mail.html").render(**facts))


def digest_letter(day: str, items: list[dict[str, str]]) -> Letter:
    env = _templates()
    subject = f"Сводка уведомлений «Отклика» за {day}: {len(items)}"
    return Letter(subject, env.get_template("digest.txt").render(day=day, items=items),
                  env.get_template("digest.html").render(day=day, items=items))


MAIL_TTL = timedelta(days=90)


def document(to: str, mail: Letter, *, recipient_uid: str, kind: str, created_at: datetime, send_at: datetime,
             urgent: bool, digest: bool, case_id: str | None = None, event: str | None = None,
             attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The mail document; ``attachments`` as the extension takes them: ``{filename, contentType, encoding:
    "base64", content}``."""
    doc: dict[str, Any] = {
        "to": [to], "message": {"subject": mail.subject, "text": mail.text, "html": mail.html},
        "attachments": list(attachments or ()),
        "delivery": {"state": "DIGEST" if digest else "PENDING", "attempts": 0, "error": None},
        "recipient_uid": recipient_uid, "kind": kind, "urgent": urgent, "send_at": send_at, "created_at": created_at,
        "expire_at": send_at + MAIL_TTL,  # 152-FZ: a Firestore TTL policy removes sent letters after this
    }
    if case_id:
        doc["case_id"] = case_id
    if event:
        doc["event"] = event
    return doc


class MailStore(Protocol):
    """Where mail documents live (Firestore ``mail/``, or memory for the unit tests)."""

    def create(self, mail_id: str, doc: dict[str, Any]) -> bool:
        """Create it unless it exists; True if created now."""
        ...

    def get(self, mail_id: str) -> dict[str, Any] | None: ...

    def update_if(self, mail_id: str, check: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
        """Read the mail, let `check` decide the update (None: none), write it unless the mail changed
        meanwhile; the updated document, or None when `check` declined or the mail is gone."""
        ...

    def due(self, now: datetime, limit: int) -> list[str]:
        """Mail waiting to be sent (PENDING, RETRY) whose moment has come, or whose send stalled
        (PROCESSING past its lease)."""
        ...

    def waiting_digest(self, limit: int) -> list[tuple[str, dict[str, Any]]]: ...


class InMemoryMail:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    def create(self, mail_id: str, doc: dict[str, Any]) -> bool:
        if mail_id in self.docs:
            return False
        self.docs[mail_id] = copy.deepcopy(doc)
        return True

    def get(self, mail_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.docs.get(mail_id))

    def update_if(self, mail_id: str, check: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
        doc = self.docs.get(mail_id)
        if doc is None:
            return None
        update = check(copy.deepcopy(doc))
        if update is None:
            return None
        _merge(doc, update)
        return copy.deepcopy(doc)

    def due(self, now: datetime, limit: int) -> list[str]:
        return sorted(i for i, d in self.docs.items() if _due(d, now))[:limit]

    def waiting_digest(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return sorted((i, copy.deepcopy(d)) for i, d in self.docs.items()
                      if d["delivery"]["state"] == "DIGEST")[:limit]


def _due(doc: dict[str, Any], now: datetime) -> bool:
    state = doc["delivery"]["state"]
    if state in ("PENDING", "RETRY"):
        return bool(doc["send_at"] <= now)
    lease = doc["delivery"].get("leaseExpireTime")
    return state == "PROCESSING" and lease is not None and lease <= now


def _merge(doc: dict[str, Any], update: dict[str, Any]) -> None:
    for path, value in update.items():
        *parents, leaf = path.split(".")
        target = doc
        for name in parents:
            target = target.setdefault(name, {})
        target[leaf] = copy.deepcopy(value)


class FirestoreMail:
    """``mail/{id}``: created once; updated under the document's ``update_time`` (a lease is taken once)."""

    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def _ref(self, mail_id: str) -> Any:
        return self._client().collection(COLLECTION).document(mail_id)

    def create(self, mail_id: str, doc: dict[str, Any]) -> bool:
        from google.api_core import exceptions

        with _outages():
            try:
                self._ref(mail_id).create(doc, timeout=self._timeout_s)
            except exceptions.AlreadyExists:
                return False
        return True

    def get(self, mail_id: str) -> dict[str, Any] | None:
        with _outages():
            snap = self._ref(mail_id).get(timeout=self._timeout_s)
        return snap.to_dict() if snap.exists else None

    def update_if(self, mail_id: str, check: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
        from google.api_core import exceptions

        db = self._client()
        with _outages():
            for _ in range(5):
                snap = self._ref(mail_id).get(timeout=self._timeout_s)
                if not snap.exists:
                    return None
                doc = snap.to_dict() or {}
                update = check(copy.deepcopy(doc))
                if update is None:
                    return None
                try:
                    self._ref(mail_id).update(update, option=db.write_option(last_update_time=snap.update_time),
                                              timeout=self._timeout_s)
                except exceptions.FailedPrecondition:
                    continue
                _merge(doc, update)
                return doc
        return None

    def due(self, now: datetime, limit: int) -> list[str]:
        from google.cloud.firestore import FieldFilter

        mail = self._client().collection(COLLECTION)
        ready = mail.where(filter=FieldFilter("delivery.state", "in", ["PENDING", "RETRY"])).where(
            filter=FieldFilter("send_at", "<=", now))
        stalled = mail.where(filter=FieldFilter("delivery.state", "==", "PROCESSING")).where(
            filter=FieldFilter("delivery.leaseExpireTime", "<=", now))
        with _outages():
            found = [s.id for s in ready.limit(limit).stream(timeout=self._timeout_s)]
            found += [s.id for s in stalled.limit(limit).stream(timeout=self._timeout_s)]
        return sorted(set(found))[:limit]

    def waiting_digest(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        from google.cloud.firestore import FieldFilter

        query = self._client().collection(COLLECTION).where(filter=FieldFilter("delivery.state", "==", "DIGEST"))
        with _outages():
            return [(s.id, s.to_dict() or {}) for s in query.limit(limit).stream(timeout=self._timeout_s)]


def _outages() -> Any:
    from infra.firestore import outages_as

    return outages_as(StoreUnavailable)
