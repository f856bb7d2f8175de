"""Deployed functions log JSON lines that Cloud Logging files by severity and by the request's trace."""

from __future__ import annotations

import json
import logging

from flask import Flask

from infra.logs import CloudLoggingFormatter


def test_a_log_line_is_json_with_severity_and_the_requests_trace() -> None:
    formatter = CloudLoggingFormatter("otklik-udm")
    record = logging.LogRecord("escalation.sweep", logging.WARNING, __file__, 1, "case %s: %d late", ("vk-1", 2), None)
    with Flask(__name__).test_request_context("/tasks/deadline",
                                              headers={"X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1"}):
        line = json.loads(formatter.format(record))
    assert line == {"severity": "WARNING", "message": "case vk-1: 2 late", "logger": "escalation.sweep",
                    "logging.googleapis.com/trace": "projects/otklik-udm/traces/105445aa7843bc8bf206b12000100000"}
    outside = json.loads(formatter.format(logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), None)))
    assert outside == {"severity": "ERROR", "message": "boom", "logger": "x"}  # no request, no trace
