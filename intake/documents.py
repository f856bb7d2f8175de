"""What intake stores of a new message (docs/data-model.md) and of a sender's event id. Pure.

The message's document carries what is not the workflow's: the message, its source, the times; the case
repository adds the workflow's fields (state, deadlines...) in the same write. The sender's raw payload,
minimised (no secrets), goes beside it in ``raw_payloads/{case id}``, which no client reads: staff read
case documents straight from Firestore, and a payload is evidence for an audit, not for the screen.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from intake.models import Message, Network, SourceRef

# Delivery markers only need to outlive the senders' retry horizon; a Firestore TTL policy on
# `expire_at` may remove them afterwards (cases are never removed).
DELIVERY_TTL = timedelta(days=30)
RAW_PAYLOADS = "raw_payloads"
# What a sender puts in its body that is not the message: VK's Callback API sends the community's secret.
SECRET_KEYS = frozenset({"secret", "access_token", "token"})
# 152-FZ: what a sender tells about a person that the work does not need (Telegram: the language, premium
# status, places, phone numbers); a person's id (`from.id`) goes too, their name and username stay.
PERSONAL_KEYS = frozenset({"language_code", "is_premium", "added_to_attachment_menu", "location", "venue",
                           "contact", "phone_number"})


@dataclass(frozen=True)
class Delivery:
    """A sender's event id seen once (VK ``event_id``, Telegram ``update_id``): ``intake_deliveries/{id}``."""

    id: str
    doc: dict[str, Any]


def detected_at(sender_value: datetime | None, received_at: datetime) -> datetime:
    """The sender's detection time when given and not in the future, else when we received it (§8 starts here)."""
    if sender_value is not None and sender_value <= received_at:
        return sender_value
    return received_at


def cap_utf8(text: str, max_bytes: int) -> tuple[str, bool]:
    data = text.encode()
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode(errors="ignore"), True


def message_doc(message: Message) -> dict[str, Any]:
    doc = message.model_dump(mode="python")
    doc["network"] = message.network.value
    doc["url"] = str(message.url) if message.url else None
    doc["author"]["url"] = str(message.author.url) if message.author.url else None
    for attachment in doc["attachments"]:
        attachment["url"] = str(attachment["url"]) if attachment["url"] else None
    if doc["parent"] is not None:
        doc["parent"]["url"] = str(doc["parent"]["url"]) if doc["parent"]["url"] else None
    doc.update(edits=[], deleted_at_source=False, deleted_at=None)
    return doc


def minimised(raw: str) -> str:
    """The payload without the secrets a sender puts in a JSON object's top level (VK's ``secret``) and the
    personal details the work does not need, at any depth (``PERSONAL_KEYS``, a person's ``from.id``); any
    other text as it is."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return raw
    if not isinstance(data, dict):
        return raw
    cleaned = _without_personal({k: v for k, v in data.items() if k not in SECRET_KEYS})
    return raw if cleaned == data else json.dumps(cleaned, ensure_ascii=False)


def _without_personal(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _without_personal(v, k) for k, v in value.items()
                if k not in PERSONAL_KEYS and not (key == "from" and k == "id")}
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    return value


def raw_payload(case_id: str, source: SourceRef, raw: str, raw_max_bytes: int, received_at: datetime) -> dict[str, Any]:
    """``raw_payloads/{case id}``: the sender's payload, minimised and capped, as it proves the source."""
    payload, truncated = cap_utf8(minimised(raw), raw_max_bytes)
    return {"case_id": case_id, "source": source.model_dump(mode="json"), "payload": payload, "truncated": truncated,
            "received_at": received_at}


def new_case(message: Message, source: SourceRef, *, received_at: datetime, sender_detected_at: datetime | None,
             write_id: str, agency_id: str | None = None) -> dict[str, Any]:
    """The message's document; ``raw.write_id`` lets the writer recognise its own retried create."""
    source_doc: dict[str, Any] = source.model_dump(mode="json")
    if agency_id:
        source_doc["agency_id"] = agency_id  # a suggestion for routing; agency_ids stays empty until routed
    return {
        "id": message.case_id(),
        "detected_at": detected_at(sender_detected_at, received_at),
        "received_at": received_at,
        "updated_at": received_at,
        "source": source_doc,
        "message": message_doc(message),
        "raw": {"write_id": write_id},
    }


def delivery(network: Network, scope: str, event_id: str, *, case_id: str, kind: str,
             received_at: datetime) -> Delivery:
    """``<network>-<sha256(scope:event id)[:24]>``: event ids are unique per community / bot only."""
    digest = hashlib.sha256(f"{scope}:{event_id}".encode()).hexdigest()[:24]
    doc = {"network": network.value, "scope": scope, "event_id": event_id, "case_id": case_id, "kind": kind,
           "received_at": received_at, "expire_at": received_at + DELIVERY_TTL}
    return Delivery(f"{network.value}-{digest}", doc)
