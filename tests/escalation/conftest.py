"""Fixtures for escalation on the emulators: a Cloud Tasks emulator, a loopback receiver of its
deliveries, staff and case seeding. The Firestore emulator and ``db`` come from tests/conftest.py."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devstack import procs

SAMARA = ZoneInfo("Europe/Samara")
QUEUE = "deadlines"
LOCATION = "europe-west1"


def samara(*args: int) -> datetime:
    return datetime(*args, tzinfo=SAMARA)  # type: ignore[misc]


class Sink:
    """A loopback HTTP server that records what the Cloud Tasks emulator delivers to it (200 to all)."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._lock:
                    sink.received.setdefault(self.path, []).append(
                        {"body": json.loads(body or b"null"), "headers": dict(self.headers)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def wait_for(self, path: str, count: int = 1, timeout_s: float = 8.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                got = list(self.received.get(path, []))
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return got


@pytest.fixture(scope="session")
def sink() -> Iterator[Sink]:
    receiver = Sink()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def base_url(sink: Sink) -> str:
    """A delivery address of this test only: the emulator's deliveries land in the sink under it."""
    return f"http://127.0.0.1:{sink.port}/{uuid.uuid4().hex}"


@pytest.fixture
def queue(tasks_emulator: procs.Service):  # type: ignore[no-untyped-def]
    from infra.tasks import CloudTaskQueue

    return CloudTaskQueue()


@pytest.fixture
def staff(db) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    people = {
        "cur-1": {"role": "curator"},
        "cur-2": {"role": "curator"},
        "cur-old": {"role": "curator", "active": False},
        "lead-health": {"role": "agency_lead", "agency_id": "minzdrav"},
        "lead-roads": {"role": "agency_lead", "agency_id": "mintrans"},
        "exec-1": {"role": "executor", "agency_id": "minzdrav"},
    }
    for uid, doc in people.items():
        db.collection("staff").document(uid).set({"email": f"{uid}@example.ru", "name": uid, **doc})
    return {"curators": ["cur-1", "cur-2"], "leads": ["lead-health"]}


SeedCase = Callable[..., str]


@pytest.fixture
def seed_case(db) -> SeedCase:  # type: ignore[no-untyped-def]
    """A valid case in Firestore, written by the repository itself, with exactly the given deadlines."""
    from adapters.firestore_cases import FirestoreCases
    from tests.escalation.world import seed

    repo = FirestoreCases(lambda: db)

    def seed_one(case_id: str, deadlines: dict[str, dict[str, Any]], **fields: Any) -> str:
        return seed(repo, case_id, deadlines, **fields)  # type: ignore[arg-type]

    return seed_one


def notifications(db, case_id: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from google.cloud.firestore import FieldFilter

    docs = db.collection("notifications").where(filter=FieldFilter("case_id", "==", case_id)).stream()
    return sorted((d.to_dict() for d in docs), key=lambda n: (n["kind"], n["recipient_uid"]))
