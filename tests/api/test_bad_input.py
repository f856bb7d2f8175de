"""No 5xx from bad input (the security review's probes): every variant gets a 4xx with a reason and changes
nothing; a permanent error in a task is a 4xx, so Cloud Tasks does not retry it forever."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.settings import DEV_TASK_SECRET
from tests.api.conftest import World, samara
from tests.intake.helpers import batch, item, signed_headers

pytestmark = pytest.mark.emulator

TASK = {"X-Otklik-Task-Secret": DEV_TASK_SECRET}
NESTED = ("[" * 100_000 + "]" * 100_000).encode()
NESTED_OBJECT = ('{"a":' * 50_000 + "1" + "}" * 50_000).encode()
DETECTED = samara(2026, 12, 10, 10, 0)
HUGE = b'{"text": "' + b"x" * (20 * 1024 * 1024) + b'"}'


@pytest.fixture
def senders(world: World) -> dict[str, Any]:
    from infra.firestore import firestore_client
    from intake.firestore_registry import FirestoreRegistry

    registry = FirestoreRegistry(firestore_client)
    now = datetime.now(UTC)
    registry.add_source("mon", "Мониторинг", "k" * 43, now)
    registry.add_vk_community(7, "vk-secret", "c0nf1rm", "minstroy", "Минстрой", now)
    registry.add_telegram_bot("otklik_bot", "tg-token", None, now)
    return {"key": "k" * 43}


def assert_4xx(response: Any) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json(silent=True)
    if response.status_code != 413 or body is not None:
        assert body and body.get("message"), response.get_data(as_text=True)[:300]
    return body or {}


def count(world: World, collection: str) -> int:
    return len(list(world.db.collection(collection).select([]).stream()))


def test_unauthenticated_probes_get_4xx(world: World, senders: dict[str, Any]) -> None:
    body = batch(item("wall-1_1"))
    headers = signed_headers("mon", senders["key"], body, int(world.clock.now.timestamp()))
    probes = [
        ("/intake/monitoring", body, {**headers, "X-Otklik-Signature": "t=" + "9" * 400 + ",v1=00"}),
        ("/intake/monitoring", body, {**headers, "X-Otklik-Source": "a/b"}),
        ("/intake/monitoring", body, {**headers, "X-Otklik-Source": ".."}),
        ("/intake/monitoring", body, {**headers, "X-Otklik-Source": "__x__"}),
        ("/intake/telegram?bot=a/b", b"{}", {"X-Telegram-Bot-Api-Secret-Token": "tg-token"}),
        ("/intake/telegram?bot=__x__", b"{}", {"X-Telegram-Bot-Api-Secret-Token": "tg-token"}),
        ("/intake/telegram?bot=..", b"{}", {"X-Telegram-Bot-Api-Secret-Token": "tg-token"}),
        ("/intake/vk", NESTED, {}),
        ("/intake/telegram?bot=otklik_bot", NESTED_OBJECT, {"X-Telegram-Bot-Api-Secret-Token": "tg-token"}),
        ("/tasks/deadline", NESTED, {}),
        ("/tasks/events", HUGE, {}),
        ("/api/cases/x/route", NESTED, {}),
        ("/api/cases/x/route", HUGE, {}),
    ]
    for path, data, extra in probes:
        assert_4xx(world.client.post(path, data=data, headers={"Content-Type": "application/json", **extra}))
    assert count(world, "cases") == 0


def test_signed_items_at_the_edges_of_the_datetime_range_are_rejected_not_crashed(world: World,
                                                                                    senders: dict[str, Any]) -> None:
    body = batch(item("wall-1_1", posted_at="0001-01-01T00:00:00+14:00"),
                 item("wall-1_2", posted_at="9999-12-31T23:59:59-14:00"), item("wall-1_3"))
    headers = signed_headers("mon", senders["key"], body, int(world.clock.now.timestamp()))
    response = world.client.post("/intake/monitoring", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert [r["outcome"] for r in response.get_json()["results"]] == ["rejected", "rejected", "created"]


def test_tasks_with_impossible_ids_are_a_permanent_4xx(world: World) -> None:
    for case_id in ("a/b", "..", "__x__", "x" * 2000):
        for path, body in (("/tasks/events", {"case_id": case_id}),
                           ("/tasks/deadline", {"case_id": case_id, "key": "route", "due": "2026-12-10T10:00:00+04:00",
                                                "kind": "due"})):
            assert_4xx(world.client.post(path, json=body, headers=TASK))


def test_the_staff_api_answers_bad_ids_and_bodies_with_4xx(world: World) -> None:
    world.detect("vk-1", DETECTED)
    curator = world.people.header("curator")
    for case_id in ("__x__", "..", "a%2Fb"):
        assert_4xx(world.client.get(f"/api/cases/{case_id}", headers=curator))
        assert_4xx(world.client.post(f"/api/cases/{case_id}/route", json={"version": 1, "agency_ids": ["minstroy"]},
                                     headers=curator))
    assert_4xx(world.client.post("/api/notifications/__x__/read", json={}, headers=curator))
    for data in (NESTED, NESTED_OBJECT, HUGE):
        assert_4xx(world.client.post("/api/cases/vk-1/route", data=data,
                                     headers={**curator, "Content-Type": "application/json"}))
    assert world.case("vk-1")["version"] == 1


def test_a_draft_cannot_grow_a_case_past_firestores_limit(world: World) -> None:
    world.detect("vk-1", DETECTED)
    world.ok("curator", "vk-1", "route", agency_ids=["minstroy"])
    world.ok("executor_minstroy", "vk-1", "accept")
    many = [f"https://example.org/{n}.jpg" for n in range(30)]
    too_many = world.post("executor_minstroy", "vk-1", "submit_draft", text="Ответ", attachments=many)
    assert too_many.status_code == 422 and too_many.get_json()["field"] == "attachments"
    too_long = world.post("executor_minstroy", "vk-1", "submit_draft", text="Ответ", attachments=["https://x/" + "a" * 3000])
    assert too_long.status_code == 422 and too_long.get_json()["field"].startswith("attachments")
    for _ in range(40):  # drafts returned and resubmitted, each as large as allowed
        version = world.case("vk-1")["version"]
        state = world.case("vk-1")["state"]
        if state in ("in_progress", "rework"):
            response = world.post("executor_minstroy", "vk-1", "submit_draft", text="Ответ " + "я" * 19_000,
                                  measures_taken="м" * 19_000,
                                  attachments=[f"https://example.org/{'a' * 1900}{n}.jpg" for n in range(20)])
            if response.status_code == 422:
                assert response.get_json()["error"] == "case_too_large", response.get_json()
                break
            assert response.status_code == 200, response.get_json()
        else:
            world.ok("curator", "vk-1", "return_for_rework", comment="Уточните")
        assert world.case("vk-1")["version"] > version
    else:
        pytest.fail("the case grew without a limit")
    assert len(json.dumps(world.case("vk-1"), default=str, ensure_ascii=False).encode()) < 1024 * 1024
