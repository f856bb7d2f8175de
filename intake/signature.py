"""The monitoring webhook signature: ``X-Otklik-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``.

The MAC is over ``f"{t}.".encode() + body`` with the source's key. Several ``v1`` values may be sent
(the sender signs with the old and the new key while a key is rotated); one match is enough. The
timestamp must lie within ``TOLERANCE_S`` of our clock both ways: older is a replay, newer is a sender
whose clock is wrong. Pure: the current instant is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

from intake.errors import NotAuthenticated

HEADER = "X-Otklik-Signature"
TOLERANCE_S = 300
_MAX_HEADER = 2048


def compute(key: str, timestamp: int, body: bytes) -> str:
    """The hex ``v1`` value for one key."""
    return hmac.new(key.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(key: str, timestamp: int, body: bytes) -> str:
    """The whole header value, as a sender builds it."""
    return f"t={timestamp},v1={compute(key, timestamp, body)}"


def parse_header(header: str | None) -> tuple[int, list[str]]:
    if not header:
        raise NotAuthenticated("signature_missing", f"the {HEADER} header is missing")
    if len(header) > _MAX_HEADER:
        raise NotAuthenticated("signature_malformed", f"the {HEADER} header is too long")
    timestamp: int | None = None
    macs: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise NotAuthenticated("signature_malformed", f"expected t=<unix seconds>,v1=<hex>, got {part!r}")
        if name == "t":
            if not value.isascii() or not value.isdigit() or len(value) > 12 or timestamp is not None:
                raise NotAuthenticated("signature_malformed", "t must be one integer count of unix seconds")
            timestamp = int(value)
        elif name == "v1":
            macs.append(value.lower())
        # Unknown schemes (v0, v2...) are skipped so a sender can add one ahead of us.
    if timestamp is None or not macs:
        raise NotAuthenticated("signature_malformed", "the header needs t=<unix seconds> and at least one v1=<hex>")
    return timestamp, macs


def verify(header: str | None, body: bytes, keys: Iterable[str], now: datetime,
           tolerance_s: int = TOLERANCE_S) -> int:
    """Check the header against the body and the source's keys; return the signed timestamp."""
    timestamp, macs = parse_header(header)
    age = now.timestamp() - timestamp
    if age > tolerance_s:
        raise NotAuthenticated("signature_expired", f"signed {int(age)} s ago; the limit is {tolerance_s} s")
    if age < -tolerance_s:
        raise NotAuthenticated("signature_from_future", f"signed {int(-age)} s in the future; check the clock")
    expected = [compute(key, timestamp, body) for key in keys]
    # Compare every pair, so the time taken does not tell which one matched.
    matched = False
    for mac in macs:
        for want in expected:
            matched |= hmac.compare_digest(mac.encode(), want.encode())
    if not matched:
        raise NotAuthenticated("signature_mismatch", "no v1 value matches HMAC-SHA256(key, t + '.' + body)")
    return timestamp
