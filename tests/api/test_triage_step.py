"""Triage as a handler of the case-created event (issue 13): the outbox runs it after the case is written;
its suggestions land on the case, a §19 finding as a flag for the curator, once."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, samara

pytestmark = pytest.mark.emulator


def test_a_new_case_gets_its_first_read_and_a_flag_for_the_curator_once(world: World) -> None:
    world.detect("vk-t1", samara(2026, 12, 10, 10, 0), "В Глазове заебали с отоплением, весь район без тепла, дети мёрзнут")
    world.dispatch("vk-t1")
    case = world.case("vk-t1")
    triage = case["triage"]
    assert triage["exclusion"] == "obscenity" and triage["flags"][0]["words"] == ["заебали"]
    assert triage["agencies"][0]["id"] == "minstroy" and triage["significant"] is True
    assert case["municipality_id"] == "glazov" and triage["version"].startswith("lexicon-")
    assert case["exclusion"]["flagged_by"] == "triage" and case["state"] == "detected"  # held, not excluded
    assert [e["type"] for e in world.events("vk-t1")] == ["CaseDetected", "Triaged"]
    world.dispatch("vk-t1")  # the event delivered again: nothing new
    assert [e["type"] for e in world.events("vk-t1")] == ["CaseDetected", "Triaged"]
    world.ok("curator", "vk-t1", "dismiss_exclusion")  # the curator decides
    assert world.case("vk-t1")["exclusion"]["dismissed_at"]


def test_a_clean_message_gets_suggestions_and_no_flag(world: World) -> None:
    world.detect("vk-t2", samara(2026, 12, 10, 10, 0), "Когда отремонтируют дорогу на Пушкинской? Ямы по колено")
    world.dispatch("vk-t2")
    case = world.case("vk-t2")
    assert case["triage"]["exclusion"] == "none" and case["triage"]["agencies"][0]["id"] == "mintrans"
    assert case["municipality_id"] == "izhevsk" and case.get("exclusion") is None


def test_an_earlier_case_on_the_same_issue_is_offered_as_a_repeat_and_linked_with_one_command(world: World) -> None:
    world.detect("vk-r1", samara(2026, 12, 1, 9, 0), "В Глазове на улице Кирова, 12 нет горячей воды уже неделю")
    world.detect("vk-r2", samara(2026, 12, 2, 9, 0), "В Сарапуле яма на дороге у школы, машины бьются")
    for case_id in ("vk-r1", "vk-r2"):
        world.dispatch(case_id)
    world.detect("vk-r3", samara(2026, 12, 9, 9, 0), "Снова нет горячей воды на Кирова, 12 в Глазове! Сколько можно")
    world.dispatch("vk-r3")
    repeats = world.case("vk-r3")["triage"]["repeats"]
    assert [r["case_id"] for r in repeats] == ["vk-r1"] and repeats[0]["score"] >= 0.3
    assert world.case("vk-r1")["triage"]["repeats"] == []  # nothing earlier: a first message repeats nothing
    world.ok("curator", "vk-r3", "link_repeat", earlier_case_id=repeats[0]["case_id"])  # the card's one click
    assert world.case("vk-r3")["repeat_of"] == "vk-r1"


def test_a_repeat_of_a_case_the_curator_marked_significant_is_suggested_as_significant_too(world: World) -> None:
    world.detect("vk-s1", samara(2026, 12, 1, 9, 0), "В Глазове на улице Кирова, 12 нет горячей воды уже неделю")
    world.dispatch("vk-s1")
    assert world.case("vk-s1")["triage"]["significant"] is False
    world.ok("curator", "vk-s1", "mark_significant", reason="Лежачие жильцы без горячей воды")
    world.detect("vk-s2", samara(2026, 12, 9, 9, 0), "Снова нет горячей воды на Кирова, 12 в Глазове! Сколько можно")
    world.dispatch("vk-s2")
    triage = world.case("vk-s2")["triage"]
    assert [r["case_id"] for r in triage["repeats"]] == ["vk-s1"] and "significant" not in triage["repeats"][0]
    assert triage["significant"] is True and triage["significance"] == 0.5
    assert triage["significance_reasons"][-1] == "повтор значимого сообщения"


def test_the_weekly_retraining_learns_the_curators_routing_and_the_next_case_uses_it(world: World) -> None:
    from datetime import timedelta

    from infra.settings import DEV_TASK_SECRET
    from tests.triage.routing_replay import routed_messages

    secret = {"X-Otklik-Task-Secret": DEV_TASK_SECRET}
    skipped = world.client.post("/scheduler/triage-train", headers=secret).get_json()
    assert skipped["adopted"] is False and skipped["examples"] == 0 and "мало" in skipped["reason"]
    known = {"minstroy", "mintrans", "minzdrav"}
    routed = [m for m in routed_messages(400) if m.agency_id in known][:200]
    batch = world.db.batch()
    start = world.clock.now - timedelta(days=100)
    for i, m in enumerate(routed):  # cases a curator routed: what the training reads of them
        batch.set(world.db.collection("cases").document(f"rt-{i:03}"),
                  {"detected_at": start + timedelta(hours=12 * i), "message": {"text": m.text}, "route_order": [m.agency_id]})
    batch.commit()
    assert world.client.post("/scheduler/triage-train").status_code == 401
    world.clock.now += timedelta(minutes=1)
    done = world.client.post("/scheduler/triage-train", headers=secret).get_json()
    assert done["examples"] == 200 and done["adopted"] is True, done
    assert world.db.collection("settings").document("triage").get().to_dict()["model"] == done["version"]
    shown = world.client.get("/api/admin/triage", headers=world.people.header("admin"))
    assert shown.status_code == 200 and shown.get_json()["in_use"] == done["version"]
    latest = shown.get_json()["models"][0]
    assert latest["version"] == done["version"] and latest["accuracy"]["examples"] == 40
    assert latest["accuracy"]["top1"] > latest["baseline"]["top1"] and latest["baseline_name"] == "рубрикатор"
    assert world.client.get("/api/admin/triage", headers=world.people.header("curator")).status_code == 403
    world.detect("vk-m1", samara(2026, 12, 10, 11, 0), "Батареи еле тёплые, дома холодно, дети спят в куртках")
    world.dispatch("vk-m1")
    triage = world.case("vk-m1")["triage"]
    assert triage["model"] == done["version"] and triage["agencies"][0]["id"] == "minstroy"
