"""What a sender's payload means, once parsed: the contract between the parsers and the intake service.

Parsers (``intake.vk``, ``intake.telegram``, ``intake.monitoring``) are pure: bytes/dicts in, these
values out, ``BadPayload`` for anything malformed. The service (``intake.service``) decides what to
store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intake.models import Message, Network


class BadPayload(ValueError):
    """Malformed or unacceptable input: answered with a 4xx and a reason, nothing stored."""

    def __init__(self, reason: str, code: str = "bad_payload") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class NewMessage:
    """A message that makes a case (if it is not there yet)."""

    message: Message
    delivery_id: str | None = None  # sender's event id (VK event_id, Telegram update_id) for dedupe
    detected_at: datetime | None = None  # sender's detection time, when given


@dataclass(frozen=True)
class EditedMessage:
    """A new text for a message already (or not yet) known; the earlier version is kept."""

    message: Message
    edited_at: datetime | None = None
    delivery_id: str | None = None


@dataclass(frozen=True)
class DeletedMessage:
    """The message was deleted at the source: the case is marked, never removed."""

    network: Network
    external_id: str
    delivery_id: str | None = None
    deleted_by: str | None = None


@dataclass(frozen=True)
class Ignored:
    """An event type we acknowledge and do not act on."""

    kind: str
    delivery_id: str | None = None


@dataclass(frozen=True)
class VkConfirmation:
    group_id: int


@dataclass(frozen=True)
class VkEnvelope:
    """One VK Callback API request: the community, its secret (checked by the service) and the event."""

    group_id: int
    secret: str | None
    event: NewMessage | EditedMessage | DeletedMessage | Ignored
    event_type: str = ""
    extra: dict[str, str] = field(default_factory=dict)


IntakeEvent = NewMessage | EditedMessage | DeletedMessage | Ignored


def json_object(body: bytes, *, code: str = "bad_payload", shape: str = "a JSON object") -> dict[str, Any]:
    """The body as a JSON object, or ``BadPayload``: invalid JSON (``bad_json``) or another JSON value (``code``).

    Strict: NaN/Infinity, over-long integers and pathological nesting are refused, not passed on.
    """
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise BadPayload("body is not valid JSON: nested too deeply", "bad_json") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, over-long integers
        raise BadPayload(f"body is not valid JSON: {exc}", "bad_json") from None
    if not isinstance(data, dict):
        kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
        raise BadPayload(f"body must be {shape}, not {kinds.get(type(data), 'null')}", code)
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
