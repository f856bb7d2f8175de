"""The intake function in a real functions-framework server (several worker processes) on the emulator."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from devstack import procs
from intake.models import case_id_for
from tests.intake.helpers import batch, item, signed_headers

pytestmark = [pytest.mark.emulator, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(firestore_emulator: procs.Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = procs.free_port()
    env = {"FIRESTORE_EMULATOR_HOST": os.environ["FIRESTORE_EMULATOR_HOST"],
           "OTKLIK_PROJECT_ID": os.environ["OTKLIK_PROJECT_ID"], "OTKLIK_ENV": "test",
           "WORKERS": "4", "THREADS": "8"}
    svc = procs.functions_server(port, env, log_path=tmp_path_factory.mktemp("functions") / "functions.log")
    svc.start()
    yield f"http://127.0.0.1:{port}"
    svc.stop()


def new_source(registry: Any) -> tuple[str, str]:
    """A source of its own per test: the server keeps registry entries for 30 s."""
    source_id, key = f"mon-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(32)
    registry.add_source(source_id, "Мониторинг", key, datetime.now(UTC))
    return source_id, key


def test_twenty_concurrent_deliveries_of_one_message_make_one_case(server: str, db: Any, registry: Any) -> None:
    source_id, key = new_source(registry)
    body = batch(item("wall-1_20"))
    start = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def deliver() -> None:
        headers = signed_headers(source_id, key, body, int(time.time()))
        start.wait()
        resp = requests.post(f"{server}/intake/monitoring", data=body, headers=headers, timeout=30)
        assert resp.status_code == 200, resp.text
        with lock:
            outcomes.append(resp.json()["results"][0]["outcome"])

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 19
    assert [s.id for s in db.collection("cases").stream()] == [case_id_for("vk", "wall-1_20")]


def test_twenty_concurrent_vk_redeliveries_with_new_event_ids_make_one_case(server: str, db: Any,
                                                                              registry: Any) -> None:
    group = 70_000 + int(uuid.uuid4().int % 10_000)
    registry.add_vk_community(group, "s", "c", None, "", datetime.now(UTC))
    obj = {"id": 9, "from_id": 5, "date": 1709280000, "text": "Нет света", "owner_id": -group, "post_id": 1}
    start = threading.Barrier(20)
    answers: list[str] = []

    def deliver(n: int) -> None:
        body = json.dumps({"type": "wall_reply_new", "event_id": f"ev{n % 5}", "object": obj,
                           "group_id": group, "secret": "s"})
        start.wait()
        answers.append(requests.post(f"{server}/intake/vk", data=body, timeout=30).text)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == ["ok"] * 20
    assert len(list(db.collection("cases").stream())) == 1


def test_an_oversize_chunked_body_is_refused_without_reading_it_all(server: str, db: Any, registry: Any) -> None:
    source_id, key = new_source(registry)

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 100_000

    resp = requests.post(f"{server}/intake/monitoring", data=chunks(), timeout=30,
                         headers={"X-Otklik-Source": source_id, "X-Otklik-Signature": f"t={int(time.time())},v1=00"})
    assert resp.status_code == 413 and resp.json()["error"] == "payload_too_large"
    assert list(db.collection("cases").stream()) == []


def test_a_request_outside_the_routes_is_404(server: str) -> None:
    assert requests.post(f"{server}/intake/nowhere", timeout=10).status_code == 404
