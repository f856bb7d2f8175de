"""The generic monitoring batch format (docs/intake.md): bytes in, one verdict per item out. Pure.

The source is named by the ``X-Otklik-Source`` header, so its key can check the signature before a
byte of the body is parsed; a ``source`` field in the body is optional and, when present, must agree.
Each item is validated on its own: one bad item is rejected with a reason, the others go on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from intake.events import BadPayload, NewMessage, json_object
from intake.models import Instant, Message

SOURCE_HEADER = "X-Otklik-Source"
MAX_ITEMS = 500
REQUIRED_FIELDS = ("network", "external_id", "text", "posted_at")

_instant = TypeAdapter(Instant)


@dataclass(frozen=True)
class ParsedItem:
    """One accepted item: the message, its raw JSON (for the audit copy) and its position."""

    index: int
    event: NewMessage
    raw: str


@dataclass(frozen=True)
class RejectedItem:
    index: int
    external_id: str | None
    reason: str


@dataclass(frozen=True)
class Batch:
    source_id: str | None
    items: list[ParsedItem | RejectedItem]


def parse_batch(body: bytes) -> Batch:
    """The envelope must be right (else ``BadPayload``, nothing stored); items are judged one by one."""
    doc = json_object(body, code="invalid_batch",
                      shape='a JSON object {"source": ..., "messages": [...]}')
    unknown = set(doc) - {"source", "messages"}
    if unknown:
        raise BadPayload(f"unknown top-level fields: {sorted(unknown)}", "invalid_batch")
    source = doc.get("source")
    if source is not None and not isinstance(source, str):
        raise BadPayload("source must be a string", "invalid_batch")
    messages = doc.get("messages")
    if not isinstance(messages, list):
        raise BadPayload("messages must be an array of message objects", "invalid_batch")
    if not messages:
        raise BadPayload("messages is empty", "invalid_batch")
    if len(messages) > MAX_ITEMS:
        raise BadPayload(f"{len(messages)} messages; at most {MAX_ITEMS} per batch", "too_many_items")
    return Batch(source, [parse_item(i, item) for i, item in enumerate(messages)])


def parse_item(index: int, item: Any) -> ParsedItem | RejectedItem:
    if not isinstance(item, dict):
        return RejectedItem(index, None, "a message must be a JSON object")
    external_id = item.get("external_id") if isinstance(item.get("external_id"), str) else None
    missing = [name for name in REQUIRED_FIELDS if name not in item]
    if missing:
        return RejectedItem(index, external_id, f"missing fields: {', '.join(missing)}")
    fields = dict(item)
    detected_raw = fields.pop("detected_at", None)
    try:
        detected_at = None if detected_raw is None else _instant.validate_python(detected_raw)
    except ValidationError:
        return RejectedItem(index, external_id, "detected_at: must be an ISO 8601 instant with a UTC offset")
    try:
        message = Message.model_validate(fields)
    except ValidationError as exc:
        return RejectedItem(index, external_id, _describe(exc))
    if message.posted_at is None:
        return RejectedItem(index, external_id, "posted_at: must be an ISO 8601 instant with a UTC offset")
    raw = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    return ParsedItem(index, NewMessage(message=message, detected_at=detected_at), raw)


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
