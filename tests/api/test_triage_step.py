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
