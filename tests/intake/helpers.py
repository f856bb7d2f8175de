"""Payload builders shared by the intake tests."""

from __future__ import annotations

import json
from typing import Any

from intake import signature


def item(external_id: str = "wall-1_1", text: str = "Во дворе не убран снег", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "network": "vk",
        "external_id": external_id,
        "url": f"https://vk.com/{external_id}",
        "author": {"name": "Иван Петров", "url": "https://vk.com/id1"},
        "text": text,
        "posted_at": "2024-03-01T10:00:00+04:00",
        "attachments": [{"type": "photo", "url": "https://vk.com/photo1_2"}],
        "engagement": {"likes": 3, "reposts": 1, "comments": 0, "views": 120},
    }
    doc.update(extra)
    return doc


def batch(*items: dict[str, Any], source: str | None = None) -> bytes:
    doc: dict[str, Any] = {"messages": list(items)}
    if source is not None:
        doc["source"] = source
    return json.dumps(doc, ensure_ascii=False).encode()


def signed_headers(source: str, key: str, body: bytes, t: int) -> dict[str, str]:
    return {"X-Otklik-Source": source, signature.HEADER: signature.sign(key, t, body),
            "Content-Type": "application/json"}
