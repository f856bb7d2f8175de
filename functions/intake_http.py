"""HTTP entry points of intake (§6): ``monitoring``, ``vk``, ``telegram``. Thin: read, call, map errors.

The service comes from the composition root (``bootstrap``), built on the first request and kept for the
instance (import time is cold-start time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Request, Response, jsonify

from cases.ports import StoreUnavailable as CaseStoreUnavailable
from functions.body import UnreadableBody, capped_body
from intake.errors import IntakeError, NotAllowed, NotAuthenticated, message_ru
from intake.events import BadPayload
from intake.service import IntakeService

MAX_BODY_BYTES = 1024 * 1024
RETRY_AFTER_S = 5

def get_service() -> IntakeService:
    import bootstrap

    return bootstrap.intake_service()


def _error(status: int, code: str, detail: str, **extra: Any) -> tuple[Response, int, dict[str, str]]:
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else {}
    return jsonify(error=code, message=message_ru(code), detail=detail, **extra), status, headers


_BAD_PAYLOAD_STATUS = {"too_many_items": 413, "payload_too_large": 413}


def _handle(request: Request, call: Callable[[IntakeService, bytes], Any]) -> Any:
    if request.method != "POST":
        return _error(405, "method_not_allowed", f"{request.method} is not accepted; use POST")
    try:
        body = capped_body(request, MAX_BODY_BYTES)
    except UnreadableBody:
        return _error(413, "payload_too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return call(get_service(), body)
    except BadPayload as exc:
        return _error(_BAD_PAYLOAD_STATUS.get(exc.code, 400), exc.code, exc.reason)
    except NotAuthenticated as exc:
        return _error(401, exc.code, exc.detail)
    except NotAllowed as exc:
        return _error(403, exc.code, exc.detail)
    except CaseStoreUnavailable as exc:  # intake's own (the senders' event ids) or the case repository's
        return _error(503, "store_unavailable", str(exc))
    except IntakeError as exc:
        return _error(400, exc.code, exc.detail)


def monitoring(request: Request) -> Any:
    def call(service: IntakeService, body: bytes) -> Any:
        result = service.ingest_monitoring(body, request.headers)
        counts = {o: sum(1 for r in result.results if r.outcome == o) for o in ("created", "duplicate", "rejected")}
        items = [r.model_dump(mode="json", exclude_none=True) for r in result.results]
        if result.all_rejected:
            return _error(422, "all_items_rejected", "every message of the batch was rejected",
                          source=result.source_id, counts=counts, results=items)
        return jsonify(source=result.source_id, counts=counts, results=items), 200

    return _handle(request, call)


def vk(request: Request) -> Any:
    def call(service: IntakeService, body: bytes) -> Any:
        reply = service.ingest_vk(body)
        return Response(reply.text, status=200, mimetype="text/plain")

    return _handle(request, call)


def telegram(request: Request) -> Any:
    def call(service: IntakeService, body: bytes) -> Any:
        result = service.ingest_telegram(body, request.headers, request.args.get("bot"))
        return jsonify(ok=True, result=result.model_dump(mode="json", exclude_none=True)), 200

    return _handle(request, call)
