"""§20 attributable, §7 by name, through the staff API on the emulators: the staff directory each role may
read, a lead assigning only one of their agency's active executors (by uid, shown by name), and every
event naming the person who acted."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, samara

pytestmark = pytest.mark.emulator

CASE = "vk-7_1"


def test_the_staff_directory_by_role(world: World) -> None:
    def names(who: str) -> list[tuple[str, str | None]]:
        response = world.client.get("/api/staff", headers=world.people.header(who))
        assert response.status_code == 200
        return sorted((p["name"], p["agency_id"]) for p in response.get_json()["staff"])

    assert names("lead_minstroy") == [("executor_minstroy", "minstroy"), ("lead_minstroy", "minstroy")]
    assert len(names("curator")) == 9 and len(names("supervisor")) == 9
    admin = world.client.get("/api/staff", headers=world.people.header("admin")).get_json()["staff"]
    assert all("@" in p["email"] for p in admin)
    curator = world.client.get("/api/staff", headers=world.people.header("curator")).get_json()["staff"]
    assert all("email" not in p for p in curator)
    # A deactivated person is nobody's to pick.
    world.db.collection("staff").document(world.people.uids["executor_minstroy"]).update({"active": False})
    assert names("lead_minstroy") == [("lead_minstroy", "minstroy")]


def test_a_lead_assigns_only_an_executor_of_their_agency_and_events_name_people(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    world.ok("lead_minstroy", CASE, "accept")
    for stranger in ("executor_mintrans", "lead_minstroy", "curator", "nobody"):
        refused = world.post("lead_minstroy", CASE, "assign_executor",
                             executor_uid=world.people.uids.get(stranger, stranger))
        assert refused.status_code == 422 and refused.get_json()["error"] == "unknown_executor", stranger
        assert "действующего исполнителя вашего органа" in refused.get_json()["message"]
    spoofed = world.post("lead_minstroy", CASE, "assign_executor", executor_uid=world.people.uids["executor_minstroy"],
                         executor_name="Кто-то другой")
    assert spoofed.status_code == 200  # the name is the directory's, whatever the request says
    case = world.case(CASE)
    assert (case["executor_uid"], case["executor_name"]) == (world.people.uids["executor_minstroy"], "executor_minstroy")
    events = world.events(CASE)
    assert [e.get("actor_name") for e in events[1:]] == ["curator", "lead_minstroy", "lead_minstroy"]
    assert events[-1]["payload"]["executor_name"] == "executor_minstroy"


def test_the_working_calendar_for_the_countdowns(world: World) -> None:
    from datetime import datetime

    world.clock.now = samara(2026, 12, 10, 10, 0)  # a Thursday
    body = world.client.get("/api/calendar", headers=world.people.header("executor_minstroy")).get_json()
    assert body["from"] == "2026-12-09" and body["stages"]["route"] == "curator" and body["stages"]["answer"] == "agency"
    intervals = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in body["calendars"]["agency"]]
    assert intervals[0] == (samara(2026, 12, 9, 9, 0), samara(2026, 12, 9, 13, 0))
    assert not any(a.date().isoformat() == "2026-12-12" for a, _ in intervals)  # a Saturday
    assert any(a.date().isoformat() == "2027-01-11" for a, _ in intervals)  # the first working day of 2027
    assert not any(a.date().isoformat() == "2027-01-05" for a, _ in intervals)  # the New Year holidays
