"""The entry points: authentication, parsing, and a real delivery by the Cloud Tasks emulator to the
functions server, on the emulators. The clock here is the real one (the entry points use it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import functions_framework
import pytest
import requests

import bootstrap
from cases.wakeups import iso
from devstack import procs
from infra.settings import DEV_TASK_SECRET
from tests.conftest import ROOT
from tests.escalation.conftest import notifications, samara

pytestmark = pytest.mark.emulator

DUE = samara(2023, 2, 27, 9, 30)
SECRET = {"X-Otklik-Task-Secret": DEV_TASK_SECRET}


@pytest.fixture
def client(tasks_emulator, base_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OTKLIK_BASE_URL", base_url)
    bootstrap.reset()
    app = functions_framework.create_app(target="local_router", source=str(ROOT / "functions" / "main.py"))
    yield app.test_client()
    monkeypatch.undo()
    bootstrap.reset()


def overdue_case(seed_case, case_id: str = "vk-http") -> str:  # type: ignore[no-untyped-def]
    return seed_case(case_id, {"route": {"stage": "route", "due": DUE, "warned": True}}, state="detected")


def body(case_id: str = "vk-http", **extra: Any) -> dict[str, Any]:
    return {"case_id": case_id, "key": "route", "due": iso(DUE), "kind": "due", **extra}


def test_a_delivery_with_the_secret_marks_missed_once(client, db, staff, seed_case) -> None:
    case_id = overdue_case(seed_case)
    first = client.post("/tasks/deadline", json=body(), headers=SECRET)
    second = client.post("/tasks/deadline", json=body(), headers=SECRET)

    assert first.status_code == 200 and first.get_json()["action"] == "missed"
    assert first.get_json()["notified"] == ["cur-1", "cur-2"]
    assert second.status_code == 200 and second.get_json()["action"] == "not_pending"
    assert db.collection("cases").document(case_id).get().get("deadlines")["route"]["state"] == "missed"
    assert notifications(db, case_id) == []  # they follow from the event, through the outbox's task
    events = [client.post("/tasks/events", json={"case_id": case_id}, headers=SECRET) for _ in range(2)]
    assert [(r.status_code, r.get_json()["dispatched"]) for r in events] == [(200, 1), (200, 0)]
    assert len(notifications(db, case_id)) == 2


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"X-Otklik-Task-Secret": "guess"}, 403),
    ({"Authorization": "Bearer something"}, 401),
])
def test_a_caller_without_the_secret_changes_nothing(client, db, staff, seed_case, headers, status) -> None:
    case_id = overdue_case(seed_case)
    before = db.collection("cases").document(case_id).get().to_dict()

    assert client.post("/tasks/deadline", json=body(), headers=headers).status_code == status
    assert client.post("/tasks/events", json={"case_id": case_id}, headers=headers).status_code == status
    assert client.post("/scheduler/sweep", headers=headers).status_code == status
    assert db.collection("cases").document(case_id).get().to_dict() == before
    assert notifications(db, case_id) == []


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"case_id": "x", "key": "route"}',
                                     b'{"case_id": "x", "key": "route", "due": "2023-02-27T09:30:00"}',
                                     b'{"case_id": "x", "key": "route", "due": "2023-02-27T09:30:00Z", "kind": "x"}'])
def test_a_task_we_cannot_read_is_a_400(client, payload: bytes) -> None:
    response = client.post("/tasks/deadline", data=payload, headers={**SECRET, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"] in {"bad_json", "bad_task"}


def test_the_sweep_endpoint_escalates_overdue_cases(client, db, staff, seed_case) -> None:
    case_id = overdue_case(seed_case)
    response = client.post("/scheduler/sweep", headers=SECRET)
    assert response.status_code == 200
    assert response.get_json()["counts"] == {"cases_due": 1, "missed": 1, "events_dispatched": 1}
    assert len(notifications(db, case_id)) == 2  # the sweep dispatches what no task has


def test_the_sweep_endpoint_repairs_a_case_stored_without_deadlines(client, db, staff) -> None:
    """The calendar's upkeep runs with the sweep: a case that intake once stored with ``deadlines_error``
    gets its detection deadlines from its detection, with an audit event, and is escalated next."""
    detected = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
    db.collection("cases").document("vk-bare").set({  # as intake stored it before provisional years
        "id": "vk-bare", "state": "detected", "version": 1, "detected_at": detected, "agency_ids": [],
        "deadlines": {}, "deadlines_error": "no production-calendar data for 2027"})
    response = client.post("/scheduler/sweep", headers=SECRET)
    assert response.status_code == 200 and response.get_json()["counts"]["restored"] == 1
    case = db.collection("cases").document("vk-bare").get().to_dict()
    assert set(case["deadlines"]) == {"route", "answer", "draft"} and "deadlines_error" not in case
    events = [e.to_dict() for e in db.collection("cases").document("vk-bare").collection("events").stream()]
    assert [(e["type"], e["payload"]["reason"]) for e in events] == [("DeadlinesRecomputed", "deadlines_restored")]
    again = client.post("/scheduler/sweep", headers=SECRET).get_json()["counts"]
    assert again.get("missed", 0) >= 1 and "restored" not in again  # ten days late: escalated, not restored twice


@pytest.fixture(scope="module")
def functions_url(tasks_emulator: procs.Service, tmp_state: Path) -> Iterator[str]:
    """The real functions server (functions-framework, local router) on the same emulators."""
    port = procs.free_port()
    url = f"http://127.0.0.1:{port}"
    svc = procs.functions_server(port, {"OTKLIK_BASE_URL": url, "OTKLIK_TASK_SECRET": DEV_TASK_SECRET},
                                 log_path=tmp_state / "functions.log")
    svc.start()
    yield url
    svc.kill()  # stateless; stop() would wait out its 10 s SIGTERM grace for nothing


def test_unscheduled_case_gets_its_task_from_the_sweep_and_the_emulator_delivers_it(
        functions_url: str, db, staff, seed_case) -> None:
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    case_id = seed_case("vk-real", {"route": {"stage": "route", "due": due, "warned": True}}, state="detected",
                        unscheduled=True)

    swept = requests.post(f"{functions_url}/scheduler/sweep", headers=SECRET, timeout=30)
    assert swept.status_code == 200 and swept.json()["counts"] == {"cases_unscheduled": 1, "scheduled": 1, "numbered": 1}
    route = db.collection("cases").document(case_id).get().get("deadlines")["route"]
    assert route["state"] == "pending" and route["task"]

    stored = route
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and stored["state"] == "pending":
        time.sleep(0.2)
        stored = db.collection("cases").document(case_id).get().get("deadlines")["route"]
    assert stored["state"] == "missed"
    assert stored["missed_at"] >= due  # the emulator delivered at the due moment, not before
    deadline = time.monotonic() + 15  # the miss's own task: the outbox, delivered by the emulator at once
    while time.monotonic() < deadline and len(notifications(db, case_id)) < 2:
        time.sleep(0.2)
    assert [n["recipient_uid"] for n in notifications(db, case_id)] == ["cur-1", "cur-2"]
