"""Structured logs for Cloud Logging: one JSON object per line with ``severity``, the message, the logger,
and the request's trace (``logging.googleapis.com/trace``, from ``X-Cloud-Trace-Context``), so Cloud
Logging files each line under its level and request. Installed by the entry points when deployed
(``K_SERVICE``); locally logs stay plain text. Messages name cases by id, never a citizen's words
(docs/personal-data.md)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

SEVERITY = {logging.DEBUG: "DEBUG", logging.INFO: "INFO", logging.WARNING: "WARNING", logging.ERROR: "ERROR",
            logging.CRITICAL: "CRITICAL"}


class CloudLoggingFormatter(logging.Formatter):
    def __init__(self, project_id: str) -> None:
        super().__init__()
        self.project_id = project_id

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"severity": SEVERITY.get(record.levelno, "DEFAULT"), "message": record.getMessage(),
                                 "logger": record.name}
        if record.exc_info:
            entry["message"] += "\n" + self.formatException(record.exc_info)
        trace = _trace()
        if trace:
            entry["logging.googleapis.com/trace"] = f"projects/{self.project_id}/traces/{trace}"
        return json.dumps(entry, ensure_ascii=False)


def _trace() -> str | None:
    """The trace id of the request being served (``X-Cloud-Trace-Context: TRACE/SPAN;o=1``), if any."""
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover - flask is always there in the functions
        return None
    if not has_request_context():
        return None
    header = request.headers.get("X-Cloud-Trace-Context", "")
    trace = header.split("/", 1)[0]
    return trace if trace.isalnum() else None


def install(project_id: str, level: int = logging.INFO) -> None:
    """Every log line to stdout as Cloud Logging's JSON."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter(project_id))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
