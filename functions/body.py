"""Reading a request's body safely, for every entry point: never more than a cap held in memory (413
beyond it), and JSON that is too deep, not JSON, or not an object is a 400 with a reason, never a 500."""

from __future__ import annotations

import json
from typing import IO, Any

from flask import Request

MAX_API_BYTES = 1024 * 1024  # the largest staff request (a draft with its attachments) is far smaller


class UnreadableBody(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def read_capped(stream: IO[bytes], limit: int) -> bytes | None:
    """At most ``limit`` bytes, or None if there is more: a huge body is never held in memory."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(chunks)


def capped_body(request: Request, limit: int) -> bytes:
    """The body, or ``UnreadableBody`` 413 when it is larger than `limit` (by its Content-Length or as read)."""
    too_large = UnreadableBody(413, "payload_too_large", f"Тело запроса больше {limit // 1024} КБ.")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    body = read_capped(request.stream, limit)
    if body is None:
        raise too_large
    return body


def json_object(request: Request, limit: int = MAX_API_BYTES) -> dict[str, Any]:
    """The body as a JSON object, or ``UnreadableBody``: 413 too large, 400 not JSON, nested too deeply, not an object."""
    body = capped_body(request, limit)
    try:
        data = json.loads(body)
    except RecursionError:
        raise UnreadableBody(400, "bad_json", "Тело запроса вложено слишком глубоко.") from None
    except ValueError:
        raise UnreadableBody(400, "bad_json", "Тело запроса должно быть объектом JSON.") from None
    if not isinstance(data, dict):
        raise UnreadableBody(400, "bad_json", "Тело запроса должно быть объектом JSON.")
    return data
