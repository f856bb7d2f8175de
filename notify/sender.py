"""Send one ``mail/{id}`` over SMTP, once: take a lease on it, send, record what happened in ``delivery``.

A Cloud Task calls this at the mail's ``send_at`` (``POST /tasks/mail``); the sweep calls it for mail
whose task was lost or whose send stalled. The lease (state PROCESSING until ``leaseExpireTime``) makes
two concurrent calls send once. A refusal by the server for good (5xx, a bad address) is ERROR at once; a
temporary one (a 4xx, the connection) is tried again later with backoff, up to ``MAX_ATTEMPTS``, then
ERROR. The admin sees every mail and its state in the web client (``mail`` is readable by admins).
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Literal, Protocol

from notify.mail import MailStore

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1

Outcome = Literal["sent", "retry", "failed", "not_due", "not_pending", "gone"]


class Permanent(Exception):  # noqa: N818 - the kind of a send failure, as the SMTP server said it
    """The server refused for good: trying again would not help."""


class Temporary(Exception):  # noqa: N818
    """The server or the connection failed for now: try again later."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Send or raise ``Permanent`` / ``Temporary``."""
        ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password: str = ""
    sender: str = "Отклик <noreply@otklik.local>"
    timeout_s: float = 15.0


class SmtpTransport:
    """smtplib, with TLS (STARTTLS or implicit) and a login when credentials are set."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
            with client:
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.user:
                    client.login(s.user, s.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:  # 550 no such user is final, 451 greylisting is not
            codes = [code for code, _ in err.recipients.values()]
            kind = Permanent if codes and all(code >= 500 for code in codes) else Temporary
            raise kind(f"recipient refused: {err.recipients}") from err
        except smtplib.SMTPResponseException as err:
            kind = Permanent if 500 <= err.smtp_code < 600 else Temporary
            raise kind(f"SMTP {err.smtp_code}: {err.smtp_error!r}") from err
        except (OSError, smtplib.SMTPException) as err:  # the connection, a timeout, TLS
            raise Temporary(f"{type(err).__name__}: {err}") from err


def message(doc: dict[str, Any], sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(doc["to"])
    mail["Subject"] = doc["message"]["subject"]
    mail["Message-ID"] = make_msgid(domain="otklik")
    mail.set_content(doc["message"]["text"])
    mail.add_alternative(doc["message"]["html"], subtype="html")
    for attachment in doc.get("attachments") or ():
        data = attachment["content"]
        content = base64.b64decode(data) if attachment.get("encoding") == "base64" else str(data).encode()
        maintype, _, subtype = str(attachment.get("contentType") or "application/octet-stream").partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream",
                            filename=attachment["filename"])
    return mail


def send_mail(store: MailStore, transport: Transport, mail_id: str, now: datetime, sender: str) -> tuple[Outcome, Any]:
    """One attempt; (outcome, detail): the retry moment for "retry" and "not_due", the error for "failed"."""
    leased = store.update_if(mail_id, lambda doc: _lease(doc, now))
    if leased is None:
        doc = store.get(mail_id)
        if doc is None:
            return "gone", None
        if doc["delivery"]["state"] in ("PENDING", "RETRY") and doc["send_at"] > now:
            return "not_due", doc["send_at"]
        return "not_pending", doc["delivery"]["state"]
    try:
        transport.send(message(leased, sender))
    except Permanent as err:
        reason = str(err)
        store.update_if(mail_id, lambda doc: _finished(doc, now, "ERROR", reason))
        log.error("mail %s to %s failed for good: %s", mail_id, leased["to"], reason)
        return "failed", reason
    except Temporary as err:
        reason, attempts = str(err), leased["delivery"]["attempts"]
        if attempts >= MAX_ATTEMPTS:
            store.update_if(mail_id, lambda doc: _finished(doc, now, "ERROR", reason))
            log.error("mail %s to %s failed after %d attempts: %s", mail_id, leased["to"], attempts, reason)
            return "failed", reason
        retry_at = now + BACKOFF[attempts - 1]
        store.update_if(mail_id, lambda doc: _retry(doc, now, retry_at, reason))
        log.warning("mail %s: attempt %d failed, again at %s: %s", mail_id, attempts, retry_at.isoformat(), reason)
        return "retry", retry_at
    store.update_if(mail_id, lambda doc: _finished(doc, now, "SUCCESS", None))
    return "sent", None


def _lease(doc: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    delivery = doc["delivery"]
    stalled = delivery["state"] == "PROCESSING" and delivery.get("leaseExpireTime") and delivery["leaseExpireTime"] <= now
    if not stalled and (delivery["state"] not in ("PENDING", "RETRY") or doc["send_at"] > now):
        return None
    return {"delivery.state": "PROCESSING", "delivery.attempts": delivery.get("attempts", 0) + 1,
            "delivery.startTime": now, "delivery.leaseExpireTime": now + LEASE}


def _finished(doc: dict[str, Any], now: datetime, state: str, error: str | None) -> dict[str, Any] | None:
    if doc["delivery"]["state"] != "PROCESSING":
        return None
    return {"delivery.state": state, "delivery.endTime": now, "delivery.error": error,
            "delivery.leaseExpireTime": None}


def _retry(doc: dict[str, Any], now: datetime, at: datetime, error: str) -> dict[str, Any] | None:
    if doc["delivery"]["state"] != "PROCESSING":
        return None
    return {"delivery.state": "RETRY", "delivery.error": error, "delivery.leaseExpireTime": None, "send_at": at,
            "delivery.endTime": now}


def sender_address(name: str, address: str) -> str:
    return formataddr((name, address))
