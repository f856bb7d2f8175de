"""Personal data under 152-FZ: erased when the retention period ends (the daily job) or on the subject's
request (`python -m admin erase-author`), recorded in the audit trail; kept out of the logs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest

from admin import cli
from infra.settings import DEV_TASK_SECRET
from tests.api.conftest import World, samara
from tests.intake.helpers import batch, item, signed_headers

pytestmark = pytest.mark.emulator

SECRET = {"X-Otklik-Task-Secret": DEV_TASK_SECRET}
TEXT = "Во дворе дома 7 по улице Кирова не вывозят мусор, Пётр Сидоров"
AUTHOR = {"name": "Пётр Сидоров", "url": "https://vk.com/id777"}


def intake(world: World, external_id: str, key: str) -> str:
    """A message through the signed monitoring webhook, as a sender delivers it."""
    body = batch(item(external_id, text=TEXT, author=AUTHOR))
    response = world.client.post("/intake/monitoring", data=body,
                                 headers=signed_headers("mon", key, body, int(world.clock.now.timestamp())))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["results"][0]["case_id"])


def answered_and_closed(world: World, case_id: str) -> None:
    world.ok("curator", case_id, "route", agency_ids=["minstroy"])
    world.ok("executor_minstroy", case_id, "accept")
    world.ok("executor_minstroy", case_id, "submit_draft", text="Пётр, мусор вывезут 12 декабря.")
    world.ok("curator", case_id, "approve", rating=5)
    world.ok("executor_minstroy", case_id, "publish", url="https://vk.com/wall-1_1?reply=9")
    assert world.case(case_id)["state"] == "closed"


@pytest.fixture
def key(world: World) -> str:
    from datetime import UTC, datetime

    from infra.firestore import firestore_client
    from intake.firestore_registry import FirestoreRegistry

    FirestoreRegistry(firestore_client).add_source("mon", "Мониторинг", "k" * 43, datetime.now(UTC))
    return "k" * 43


def assert_erased(world: World, case_id: str) -> dict[str, Any]:
    case = world.case(case_id)
    stored = json.dumps(case, default=str, ensure_ascii=False) + json.dumps(world.events(case_id), default=str,
                                                                              ensure_ascii=False)
    for secret in ("Кирова", "Сидоров", "id777", "вывезут"):
        assert secret not in stored, secret
    assert case["personal_data"] is False and case["erased_at"] and case["message"]["text"] == "[удалено]"
    assert not world.db.collection("raw_payloads").document(case_id).get().exists
    assert "киров" not in case["search_words"]
    return case


def test_the_daily_job_erases_cases_whose_retention_period_ended(world: World, key: str) -> None:
    world.clock.now = samara(2023, 3, 1, 10, 0)
    old = intake(world, "wall-1_1", key)
    answered_and_closed(world, old)
    open_old = intake(world, "wall-1_2", key)  # never closed: still in work, kept
    assert world.db.collection("raw_payloads").document(old).get().exists
    world.clock.now = samara(2026, 3, 1, 10, 0)
    recent = intake(world, "wall-1_3", key)
    answered_and_closed(world, recent)

    world.clock.now = samara(2026, 3, 3, 3, 0)  # three years and two days after the first was closed
    response = world.client.post("/scheduler/retention", headers=SECRET)
    assert response.status_code == 200 and response.get_json()["erased"] == 1
    case = assert_erased(world, old)
    assert case["state"] == "closed" and case["answers"][0]["url"] == "https://vk.com/wall-1_1?reply=9"
    assert case["deadlines"]["answer"]["state"] == "met" and case["rating"] == 5  # the course stays for the reports
    erased = world.events(old)[-1]
    assert erased["type"] == "PersonalDataErased" and erased["payload"]["reason"] == "retention"
    assert world.case(recent)["message"]["text"] == TEXT and world.case(open_old)["message"]["text"] == TEXT
    trail = len(world.events(old))
    again = world.client.post("/scheduler/retention", headers=SECRET)
    assert again.get_json()["erased"] == 0 and len(world.events(old)) == trail  # done once


def test_a_subjects_request_erases_their_cases_and_the_trail_says_who_and_why(
        world: World, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = intake(world, "wall-2_1", key), intake(world, "wall-2_2", key)
    world.ok("curator", second, "route", agency_ids=["minstroy"])
    code = cli.main(["erase-author", "--url", "https://vk.com/id777", "--request", "ПДн-2026/14",
                     "--by", "admin@test.otklik"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(json.loads(out)["erased"]) == sorted([first, second])
    for case_id in (first, second):
        assert_erased(world, case_id)
        event = world.events(case_id)[-1]
        assert (event["type"], event["payload"]) == ("PersonalDataErased", {"reason": "subject_request",
                                                                            "request": "ПДн-2026/14"})
        assert event["actor_uid"] == world.people.uids["admin"] and event["actor_role"] == "admin"
    assert world.case(second)["state"] == "assigned"  # the work on it goes on, without the personal data
    code = cli.main(["erase-author", "--url", "https://vk.com/id777", "--request", "x", "--by", "curator@test.otklik"])
    assert code == 2 and "не администратор" in capsys.readouterr().err


def test_the_logs_never_carry_message_text_or_names(world: World, key: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    case_id = intake(world, "wall-3_1", key)
    answered_and_closed(world, case_id)
    world.dispatch(case_id)
    world.clock.now += timedelta(days=365 * 3 + 2)
    world.client.post("/scheduler/sweep", headers=SECRET)
    world.client.post("/scheduler/retention", headers=SECRET)
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert caplog.records and "Кирова" not in logged and "Сидоров" not in logged and "мусор" not in logged
