""""Needs no reaction" (§1, §6, §8) through the staff API on the emulators: the reasons' list (built-in,
then the admin's), one case and many at once, refusals in Russian that change nothing, reopening with the
clocks from the detection."""

from __future__ import annotations

from typing import Any

import pytest

import bootstrap
from tests.api.conftest import World, samara

pytestmark = pytest.mark.emulator

NOW = samara(2026, 12, 10, 10, 0)


def bulk(world: World, who: str, ids: list[str], **body: Any) -> Any:
    items = [{"id": i, "version": world.case(i)["version"]} for i in ids]
    return world.client.post("/api/bulk/dismiss", json={"cases": items, **body}, headers=world.people.header(who))


def test_a_curator_dismisses_one_and_many_and_reopens(world: World) -> None:
    for i in range(4):
        world.detect(f"vk-5_{i}", NOW)
    world.clock.now = NOW.replace(minute=20)
    reasons = world.client.get("/api/dismissal-reasons", headers=world.people.header("curator")).get_json()
    assert {"code": "spam", "label": "Спам или реклама"} in reasons["reasons"]

    refused = world.post("curator", "vk-5_0", "dismiss", reason="no-such-reason")
    assert refused.status_code == 422 and refused.get_json()["error"] == "unknown_reason"
    assert "Нет такой причины" in refused.get_json()["message"] and world.case("vk-5_0")["state"] == "detected"
    world.ok("curator", "vk-5_0", "dismiss", reason="spam", note="Реклама окон")
    case = world.case("vk-5_0")
    assert case["state"] == "dismissed" and case["dismissal"]["label"] == "Спам или реклама"
    assert {d["state"] for d in case["deadlines"].values()} == {"cancelled"} and "next_due" not in case

    world.ok("curator", "vk-5_3", "route", agency_ids=["minstroy"])
    done = bulk(world, "curator", ["vk-5_1", "vk-5_2", "vk-5_3"], reason="informational")
    assert done.status_code == 200
    results = {r["id"]: r for r in done.get_json()["results"]}
    assert results["vk-5_1"]["ok"] and results["vk-5_2"]["ok"] and done.get_json()["dismissed"] == 2
    assert results["vk-5_3"]["error"] == "wrong_state" and world.case("vk-5_3")["state"] == "assigned"
    assert bulk(world, "lead_minstroy", ["vk-5_3"], reason="spam").status_code == 403
    empty = world.client.post("/api/bulk/dismiss", json={"cases": [], "reason": "spam"},
                              headers=world.people.header("curator"))
    assert empty.status_code == 422 and "cases" in empty.get_json()["message"]
    unknown = bulk(world, "curator", ["vk-5_3"], reason="whatever")
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "unknown_reason"

    world.clock.now = NOW.replace(hour=14)  # four hours later: §8's hour from the detection is past
    world.ok("curator", "vk-5_1", "reopen")
    reopened = world.case("vk-5_1")
    assert reopened["state"] == "detected" and reopened["deadlines"]["route"]["state"] == "pending"
    assert reopened["deadlines"]["route"]["due"] < world.clock.now  # as late as it really is
    trail = [e["type"] for e in world.events("vk-5_1")]
    assert trail[-2:] == ["Dismissed", "Reopened"]


def test_the_admins_list_of_reasons_replaces_the_built_in_one(world: World) -> None:
    from admin.operations import set_dismissal_reasons

    listed = set_dismissal_reasons(["duplicate=Дубликат уже рассмотренного сообщения"], ["gratitude"], False)
    assert {"code": "duplicate", "label": "Дубликат уже рассмотренного сообщения"} in listed
    bootstrap.reset()
    bootstrap.override(clock=world.clock, queue=world.queue)
    world.service = bootstrap.case_service()
    reasons = world.client.get("/api/dismissal-reasons", headers=world.people.header("curator")).get_json()["reasons"]
    assert [r["code"] for r in reasons][-1] == "duplicate" and "gratitude" not in [r["code"] for r in reasons]
    world.detect("vk-6_1", NOW)
    world.ok("curator", "vk-6_1", "dismiss", reason="duplicate")
    assert world.case("vk-6_1")["dismissal"]["label"] == "Дубликат уже рассмотренного сообщения"
    from admin.staff import StaffError

    with pytest.raises(StaffError):
        set_dismissal_reasons(["Bad Code=x"], [], False)
    assert set_dismissal_reasons([], [], True)[0]["code"] == "out_of_scope"
