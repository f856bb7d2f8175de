"""The staff API's refusals, concurrency, the sweep's repair of lost task creation, and one end-to-end
lifecycle from the monitoring webhook to a closed case with real Auth-emulator sign-in."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import bootstrap
from escalation.sweep import sweep
from infra.tasks import CloudTaskQueue
from intake.firestore_registry import FirestoreRegistry
from tests.api.conftest import World, samara
from tests.intake.helpers import batch, item, signed_headers

pytestmark = pytest.mark.emulator
CASE = "vk-api"


def test_no_token_or_a_forged_one_is_401(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    assert world.client.get(f"/api/cases/{CASE}").status_code == 401
    forged = world.client.get(f"/api/cases/{CASE}", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.get_json()["error"] == "unauthenticated"
    assert "токен" in forged.get_json()["message"]


def test_me_tells_role_and_agency(world: World) -> None:
    me = world.client.get("/api/me", headers=world.people.header("lead_mintrans")).get_json()
    assert me["role"] == "agency_lead" and me["agency_id"] == "mintrans"


def test_other_agencies_and_roles_are_refused(world: World) -> None:
    """Who may not read the case gets the answer a case that does not exist gets (404: nothing to learn);
    who may read it but not do this gets 403 with the reason."""
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.clock.now = samara(2026, 12, 10, 10, 30)
    world.ok("curator", CASE, "route", agency_ids=["mintrans"])
    response = world.post("executor_minstroy", CASE, "accept")
    missing = world.post("executor_minstroy", "vk-none", "accept", version=2)
    assert response.status_code == missing.status_code == 404
    assert response.get_json()["message"] == f"Обращение {CASE} не найдено."
    assert missing.get_json()["message"] == "Обращение vk-none не найдено."
    for who in ("executor_minstroy", "admin"):
        for case_id in (CASE, "vk-none"):
            assert world.client.get(f"/api/cases/{case_id}", headers=world.people.header(who)).status_code == 404
    assert world.client.get(f"/api/cases/{CASE}", headers=world.people.header("supervisor")).status_code == 200
    assert world.post("supervisor", CASE, "approve").status_code == 403
    assert world.case(CASE)["version"] == 2  # refusals changed nothing


def test_unknown_case_or_command_is_404(world: World) -> None:
    headers = world.people.header("curator")
    assert world.client.post("/api/cases/nope/accept", json={"version": 1}, headers=headers).status_code == 404
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    response = world.client.post(f"/api/cases/{CASE}/delete", json={"version": 1}, headers=headers)
    assert response.status_code == 404 and "route" in response.get_json()["message"]


def test_a_wrong_method_is_405_and_an_unknown_address_404(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    headers = world.people.header("curator")
    for method, path in [("GET", f"/api/cases/{CASE}/accept"), ("POST", f"/api/cases/{CASE}/events"),
                         ("DELETE", f"/api/cases/{CASE}"), ("POST", "/api/me")]:
        response = world.client.open(path, method=method, json={"version": 1}, headers=headers)
        assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed", path
    assert world.client.get("/api/cases", headers=headers).status_code == 404
    assert world.case(CASE)["version"] == 1


class Down:
    """A Firestore client during an outage."""

    def collection(self, name: str) -> Down:
        return self

    def document(self, name: str) -> Down:
        return self

    def get(self, **kwargs: Any) -> Any:
        from google.api_core.exceptions import ServiceUnavailable

        raise ServiceUnavailable("firestore is down")

    transaction = get


def test_a_firestore_outage_is_503_for_reads_and_commands(world: World) -> None:
    import bootstrap
    from adapters.firestore_cases import FirestoreCases

    bootstrap.override(cases=FirestoreCases(lambda: Down()))  # type: ignore[arg-type,return-value]
    headers = world.people.header("curator")
    read = world.client.get(f"/api/cases/{CASE}", headers=headers)
    command = world.client.post(f"/api/cases/{CASE}/accept", json={"version": 1}, headers=world.people.header(
        "executor_mintrans"))
    assert (read.status_code, command.status_code) == (503, 503)
    assert command.get_json()["error"] == "unavailable" and "повторите" in command.get_json()["message"]


def test_wrong_state_is_409_with_what_is_allowed(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    response = world.post("curator", CASE, "approve")
    body = response.get_json()
    assert response.status_code == 409 and body["error"] == "wrong_state"
    assert body["state"] == "detected" and "route" in body["allowed"]
    assert "Доступно" in body["message"]


def test_bad_bodies_are_400_or_422_and_change_nothing(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    headers = {**world.people.header("curator"), "Content-Type": "application/json"}
    assert world.client.post(f"/api/cases/{CASE}/route", data=b"{nope", headers=headers).status_code == 400
    missing = world.client.post(f"/api/cases/{CASE}/route", json={"agency_ids": ["mintrans"]}, headers=headers)
    assert missing.status_code == 422 and missing.get_json()["field"] == "version"
    unknown = world.post("curator", CASE, "route", agency_ids=["minoborony"])
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "unknown_agency"
    assert world.case(CASE)["version"] == 1 and len(world.events(CASE)) == 1


def test_a_stale_version_is_409_and_of_two_concurrent_commands_one_wins(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["mintrans"])
    stale = world.post("curator", CASE, "mark_significant", reason="Массовые жалобы", version=1)
    assert stale.status_code == 409 and stale.get_json()["version"] == 2
    results: list[int] = []
    barrier = threading.Barrier(2)

    def send(who: str, command: str, body: dict[str, Any]) -> None:
        barrier.wait()
        results.append(world.post(who, CASE, command, version=2, **body).status_code)

    threads = [threading.Thread(target=send, args=("executor_mintrans", "accept", {})),
               threading.Thread(target=send, args=("executor_mintrans", "return_not_competent",
                                                   {"reason": "Не наш вопрос"}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # one wins; the other finds the case moved on: 409, or 403 once a return took the case from the agency
    assert results.count(200) == 1 and set(results) - {200} <= {403, 409}
    assert world.case(CASE)["version"] == 3 and len(world.events(CASE)) == 3


def test_a_stale_version_from_a_stranger_is_refused_before_it_is_compared(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["mintrans"])
    stranger = world.post("executor_minzdrav", CASE, "accept", version=1)  # another agency's executor
    assert stranger.status_code == 404 and stranger.get_json()["error"] == "not_found"
    assert "version" not in stranger.get_json() and "state" not in stranger.get_json()
    wrong_role = world.post("supervisor", CASE, "approve", version=1)
    assert wrong_role.status_code == 403 and wrong_role.get_json()["error"] == "role_not_allowed"


def test_if_cloud_tasks_fail_after_commit_the_sweep_schedules_them(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.queue.fail = True
    world.clock.now = samara(2026, 12, 10, 10, 30)
    world.ok("curator", CASE, "route", agency_ids=["mintrans"])  # the person's command still succeeds
    case = world.case(CASE)
    assert case["unscheduled"] is True
    missing = case["deadlines"]["return_not_competent"]["task"]
    assert missing not in world.queue.names()
    world.queue.fail = False
    counts = sweep(bootstrap.cases(), bootstrap.staff(), world.queue, world.clock.now, "http://127.0.0.1:9")
    assert counts.get("scheduled", 0) >= 1
    assert missing in world.queue.names()
    assert "unscheduled" not in world.case(CASE)


def test_full_lifecycle_with_real_sign_in(world: World) -> None:
    """From the monitoring webhook to a closed case, every step with a real Firebase ID token."""
    key = "e2e-monitoring-key"
    FirestoreRegistry(lambda: world.db).add_source("e2e", "Мониторинг", key, now=samara(2026, 11, 1))
    body = batch(item("wall-218000001_77", "Во дворе дома 5 по ул. Ленина не вывозят мусор"))
    sent = world.client.post("/intake/monitoring", data=body,  # signed now by the world's clock
                             headers=signed_headers("e2e", key, body, int(world.clock.now.timestamp())))
    assert sent.status_code == 200, sent.get_json()
    case_id = sent.get_json()["results"][0]["case_id"]
    created = world.case(case_id)
    assert created["state"] == "detected" and created["version"] == 1
    assert set(created["deadlines"]) == {"route", "answer", "draft"}
    assert {created["deadlines"][k]["task"] for k in ("route", "answer", "draft")} <= world.queue.names()
    assert [e["type"] for e in world.events(case_id)] == ["CaseDetected"]
    assert created["detected_at"] == world.clock.now


    steps = [("curator", "route", {"agency_ids": ["minstroy"]}), ("executor_minstroy", "accept", {}),
             ("executor_minstroy", "submit_draft", {"text": "Вывоз организован."}),
             ("curator", "return_for_rework", {"comment": "Укажите дату вывоза."}),
             ("executor_minstroy", "submit_draft", {"text": "Мусор вывезен 10 декабря."}),
             ("curator", "approve", {"rating": 4}),
             ("executor_minstroy", "publish", {"url": "https://vk.com/wall-218000001_77?reply=1"}),  # closes it
             ("curator", "reopen", {}), ("curator", "close", {})]
    for who, command, payload in steps:
        world.ok(who, case_id, command, **payload)
    case = world.case(case_id)
    assert case["state"] == "closed" and case["version"] == 1 + len(steps)
    assert [e["type"] for e in world.events(case_id)][-4:] == ["Approved", "Published", "Reopened", "Closed"]
    assert all(d["state"] != "pending" for d in case["deadlines"].values())
    assert isinstance(world.queue.real, CloudTaskQueue)
