"""Firestore goes away mid-run: the sender sees prompt 503s, retries, and every message lands once.

The test runs its own emulator (not the session's). The emulator keeps data in memory only, so the
"durable" store is simulated: the sender is paused at a quiet moment, the data is exported through the
emulator's REST API, the emulator is killed, the sender resumes against the dead store (503s), and the
emulator comes back on the same port with the export imported.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from devstack import procs
from intake.models import case_id_for
from tests.conftest import ROOT
from tests.intake.helpers import batch, item, signed_headers

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

PROJECT = "demo-otklik-outage"
MESSAGES = 60
REQUEST_BOUND_S = 8.0  # a 503 must come back well before the sender's own timeout


class Sender:
    """Four threads delivering MESSAGES one-message batches, each retried until it gets a 2xx."""

    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key
        self.go = threading.Event()
        self.go.set()
        self.idle = threading.Semaphore(4)
        self.statuses: Counter[int] = Counter()
        self.slowest_503 = 0.0
        self.outcomes: dict[int, str] = {}
        self.lock = threading.Lock()
        self.next = itertools.count()

    def run(self) -> None:
        while (n := next(self.next)) < MESSAGES:
            while not self.deliver(n):
                time.sleep(0.3)

    def deliver(self, n: int) -> bool:
        self.go.wait()
        with self.idle:
            body = batch(item(f"outage-{n}"))
            started = time.monotonic()
            try:
                resp = requests.post(f"{self.base}/intake/monitoring", data=body, timeout=30,
                                     headers=signed_headers("mon", self.key, body, int(time.time())))
            except requests.RequestException:
                return False
            took = time.monotonic() - started
        with self.lock:
            self.statuses[resp.status_code] += 1
            if resp.status_code == 503:
                assert resp.headers.get("Retry-After") and resp.json()["error"] == "store_unavailable"
                self.slowest_503 = max(self.slowest_503, took)
            if resp.status_code == 200:
                self.outcomes[n] = resp.json()["results"][0]["outcome"]
        return resp.status_code == 200

    def pause(self) -> None:
        """Stop taking new requests and wait for the ones in flight."""
        self.go.clear()
        for _ in range(4):
            self.idle.acquire()
        for _ in range(4):
            self.idle.release()


def export(port: int, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    requests.post(f"http://127.0.0.1:{port}/emulator/v1/projects/{PROJECT}:export", timeout=30,
                  json={"database": f"projects/{PROJECT}/databases/(default)",
                        "export_directory": str(into)}).raise_for_status()
    return next(into.rglob("*.overall_export_metadata"))


def test_an_emulator_restart_gives_503s_then_every_message_lands_once(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from google.cloud import firestore

    from intake.firestore_registry import FirestoreRegistry

    port = procs.free_port()
    rules = ROOT / "firestore.rules"
    emulator = procs.firestore_emulator(port, rules, log_path=tmp_path / "firestore-1.log").start()
    server = None
    try:
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{port}")
        db = firestore.Client(project=PROJECT)
        key = secrets.token_urlsafe(32)
        FirestoreRegistry(lambda: db).add_source("mon", "Мониторинг", key, datetime.now(UTC))
        env = {"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{port}", "OTKLIK_PROJECT_ID": PROJECT, "OTKLIK_ENV": "test",
               "OTKLIK_FIRESTORE_TIMEOUT_S": "2", "THREADS": "8"}
        server = procs.functions_server(procs.free_port(), env, log_path=tmp_path / "functions.log").start()
        sender = Sender(f"http://127.0.0.1:{server.port}", key)
        threads = [threading.Thread(target=sender.run) for _ in range(4)]
        for t in threads:
            t.start()

        while len(sender.outcomes) < MESSAGES // 4:
            time.sleep(0.05)
        sender.pause()
        snapshot = export(port, tmp_path / "export")
        emulator.kill()
        sender.go.set()

        deadline = time.monotonic() + 60
        while sender.statuses[503] < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sender.statuses[503] >= 6, sender.statuses
        emulator = procs.firestore_emulator(port, rules, log_path=tmp_path / "firestore-2.log",
                                            import_dir=snapshot).start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "the sender never got through after the restart"

        assert sender.slowest_503 < REQUEST_BOUND_S
        assert set(sender.statuses) <= {200, 503}, sender.statuses
        ids = sorted(s.id for s in db.collection("cases").stream())
        assert ids == sorted(case_id_for("vk", f"outage-{n}") for n in range(MESSAGES))
        # A create can commit while its answer is lost to the outage (the sender saw 503): the retry then
        # meets the case and says "duplicate". Either way there is exactly one case per message.
        assert set(sender.outcomes) == set(range(MESSAGES))
        assert set(sender.outcomes.values()) <= {"created", "duplicate"}
    finally:
        if server is not None:
            server.stop()
        emulator.stop()
