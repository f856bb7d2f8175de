"""GET /healthz (local stack): 200 only when the emulators the functions use answer."""

from __future__ import annotations

import os
from typing import Any

from flask import Request, jsonify

from infra.probes import http_ok, tcp_open


def _checks() -> dict[str, bool]:
    checks: dict[str, bool] = {"functions": True}
    if host := os.environ.get("FIRESTORE_EMULATOR_HOST"):
        checks["firestore"] = http_ok(f"http://{host}/")
    if host := os.environ.get("CLOUD_TASKS_EMULATOR_HOST"):
        hostname, _, port = host.rpartition(":")
        checks["cloud_tasks"] = tcp_open(int(port), hostname)
    if host := os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
        checks["auth"] = http_ok(f"http://{host}/")
    return checks


def healthz(request: Request) -> Any:
    checks = _checks()
    ok = all(checks.values())
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503
