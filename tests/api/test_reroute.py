"""The curator changes who answers, through the staff API on the emulators: re-routing a case in work to
another agency (the one left out loses it: the API and Firestore's rules refuse it from then on, and is
told), withdrawing a mis-routing, and an agency returning a case after accepting it."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, samara

pytestmark = pytest.mark.emulator

CASE = "vk-8_1"


def test_a_rerouted_agency_loses_the_case(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    world.ok("executor_minstroy", CASE, "accept")
    lead = world.people.header("lead_minstroy")
    assert world.client.get(f"/api/cases/{CASE}", headers=lead).status_code == 200
    refused = world.post("curator", CASE, "reroute", agency_ids=["nowhere"], reason="x")
    assert refused.status_code == 422 and refused.get_json()["error"] == "unknown_agency"
    world.ok("curator", CASE, "reroute", agency_ids=["mintrans"], reason="Дорога региональная: Минтранс")
    case = world.case(CASE)
    assert (case["state"], case["agency_id"], case["agency_ids"]) == ("assigned", "mintrans", ["mintrans"])
    assert world.client.get(f"/api/cases/{CASE}", headers=lead).status_code == 404  # gone, as if never there
    assert world.client.get(f"/api/cases/{CASE}", headers=world.people.header("lead_mintrans")).status_code == 200
    world.dispatch(CASE)
    told: dict[str, list[str]] = {}
    for snap in world.db.collection("notifications").stream():
        note = snap.to_dict()
        if note.get("case_id") == CASE:
            told.setdefault(note["recipient_uid"], []).append(note["text"])
    number = world.case(CASE)["number"]  # the short number, given by the outbox
    assert f"Обращение №{number} больше не находится в работе minstroy" in told[world.people.uids["lead_minstroy"]]
    assert f"Обращение №{number} направлено в mintrans" in told[world.people.uids["lead_mintrans"]]


def test_withdraw_and_a_return_after_accepting(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    world.ok("curator", CASE, "withdraw", reason="Направлено по ошибке")
    assert (world.case(CASE)["state"], world.case(CASE)["agency_ids"]) == ("detected", [])
    world.ok("curator", CASE, "route", agency_ids=["mintrans"])
    world.ok("executor_mintrans", CASE, "accept")
    world.ok("executor_mintrans", CASE, "return_not_competent", reason="Выяснилось: дорога федеральная")
    case = world.case(CASE)
    assert case["state"] == "detected" and case["returns"][-1]["reason"] == "Выяснилось: дорога федеральная"
