"""The production calendar's upkeep on the emulators: a provisional year recomputed after its official
calendar is imported (tasks replaced, an audit event, one escalation), a case stored without deadlines
repaired, and the admins' daily warning before the calendar runs out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from cases.escalation import Action
from cases.wakeups import iso, task_name
from deadlines.calendar import load_calendar
from deadlines.cli import main as deadlines_cli
from deadlines.policy import default_policy
from escalation.handler import DeadlineTask, handle_deadline_task
from escalation.sweep import sweep
from escalation.upkeep import calendar_upkeep
from notify.calendar_warning import warn_admins
from tests.api.conftest import World, samara
from tests.deadlines.conftest import OFFICIAL_2028

pytestmark = pytest.mark.emulator

DETECTED = samara(2027, 12, 29, 10, 0)
ANSWER_BY_STATUTE, ANSWER_BY_DECREE = samara(2028, 1, 10, 10, 0), samara(2028, 1, 11, 10, 0)


@pytest.fixture
def calendars(tmp_path: Path) -> Path:
    directory = tmp_path / "calendars"
    directory.mkdir()
    return directory


def with_calendar_dir(world: World, directory: Path) -> Any:
    """The world's service reading its production calendar from `directory` on every call."""
    import bootstrap

    bootstrap.override(policy=lambda: default_policy(load_calendar(directory)))
    world.service = bootstrap.case_service()
    return world.service


def import_2028(calendars: Path, tmp_path: Path) -> None:
    xml = tmp_path / "2028.xml"
    xml.write_text(OFFICIAL_2028, encoding="utf-8")
    assert deadlines_cli(["--calendar-dir", str(calendars), "import-calendar", str(xml)]) == 0


def test_an_imported_calendar_recomputes_provisional_deadlines(world: World, calendars: Path,
                                                                tmp_path: Path) -> None:
    service = with_calendar_dir(world, calendars)
    world.clock.now = DETECTED
    world.detect("vk-ny", DETECTED)
    before = world.case("vk-ny")
    assert before["deadlines"]["answer"]["due"] == ANSWER_BY_STATUTE
    assert before["deadlines"]["answer"]["provisional_years"] == [2028]
    assert before["deadlines"]["draft"]["provisional_years"] == [2028]
    assert "provisional_years" not in before["deadlines"]["route"] and before["provisional_years"] == [2028]
    old_task = before["deadlines"]["answer"]["task"]

    world.clock.now = DETECTED + timedelta(hours=2)
    assert calendar_upkeep(service) == {}  # 2028 is still provisional

    import_2028(calendars, tmp_path)
    assert calendar_upkeep(service) == {"recomputed": 1}
    after = world.case("vk-ny")
    answer, draft = after["deadlines"]["answer"], after["deadlines"]["draft"]
    assert answer["due"] == ANSWER_BY_DECREE and draft["due"] == samara(2027, 12, 30, 15, 0)  # unchanged moment
    assert "provisional_years" not in answer and "provisional_years" not in draft
    assert "provisional_years" not in after and after["version"] == 2
    # the moved deadline has new tasks, named after its new due moment, and they were created
    assert answer["task"] == task_name("vk-ny", "answer", iso(ANSWER_BY_DECREE), "due") != old_task
    assert {answer["task"], answer["warn_task"]} <= world.queue.names()
    [_, event] = world.events("vk-ny")
    assert (event["type"], event["version"], event["actor_uid"]) == ("DeadlinesRecomputed", 2, "system")
    assert event["payload"]["reason"] == "calendar_published" and event["payload"]["years"] == [2028]
    assert "2028: xmlcalendar" in event["payload"]["calendar"]
    assert [(c["key"], c["old_due"], c["new_due"]) for c in event["payload"]["changes"]] == [
        ("answer", ANSWER_BY_STATUTE, ANSWER_BY_DECREE),
        ("draft", samara(2027, 12, 30, 15, 0), samara(2027, 12, 30, 15, 0))]
    assert calendar_upkeep(service) == {}  # done once

    # The old task fires at the old moment: the deadline has moved, nothing happens. The new one misses once.
    def deliver(due: Any, now: Any) -> Action:
        task = DeadlineTask(case_id="vk-ny", key="answer", due=due, kind="due")
        action = handle_deadline_task(bootstrap.cases(), bootstrap.staff(), world.queue, task, now,
                                      "http://127.0.0.1:9").action
        world.dispatch("vk-ny")
        return action

    assert deliver(ANSWER_BY_STATUTE, ANSWER_BY_STATUTE) is Action.moved
    assert world.deadline("vk-ny", "answer")["state"] == "pending"
    assert deliver(ANSWER_BY_DECREE, ANSWER_BY_DECREE) is Action.missed
    assert deliver(ANSWER_BY_DECREE, ANSWER_BY_DECREE + timedelta(minutes=5)) is Action.not_pending
    sweep(bootstrap.cases(), bootstrap.staff(), world.queue, ANSWER_BY_DECREE + timedelta(days=1),
          "http://127.0.0.1:9", dispatch=world.dispatch)
    missed = [n for n in notifications(world) if n["kind"] == "deadline_missed" and n["deadline_key"] == "answer"]
    assert len(missed) == len({n["recipient_uid"] for n in missed}) > 0


def notifications(world: World) -> list[dict[str, Any]]:
    return [s.to_dict() for s in world.db.collection("notifications").stream()]


def test_a_case_stored_without_deadlines_is_repaired(world: World, calendars: Path) -> None:
    service = with_calendar_dir(world, calendars)
    world.db.collection("cases").document("vk-old").set({
        "id": "vk-old", "state": "detected", "version": 1, "detected_at": DETECTED, "agency_ids": [],
        "deadlines": {}, "message": {"network": "vk", "external_id": "old", "text": "Нет света"},
        "deadlines_error": "no production-calendar data for 2028: import the official calendar"})
    world.clock.now = DETECTED + timedelta(days=3)

    assert calendar_upkeep(service) == {"restored": 1}
    case = world.case("vk-old")
    assert "deadlines_error" not in case and case["version"] == 2 and case["state"] == "detected"
    assert set(case["deadlines"]) == {"route", "answer", "draft"}
    assert case["deadlines"]["route"]["due"] == DETECTED + timedelta(hours=1)  # from the detection
    assert case["deadlines"]["answer"]["provisional_years"] == [2028]
    assert case["deadlines"]["answer"]["task"] in world.queue.names()
    assert case["next_due"] == DETECTED + timedelta(minutes=45)  # its warning, overdue: the next sweep acts
    [event] = world.events("vk-old")
    assert (event["type"], event["payload"]["reason"]) == ("DeadlinesRecomputed", "deadlines_restored")
    assert "2028" in event["payload"]["error"]
    assert calendar_upkeep(service) == {}


def test_the_admins_are_warned_daily_from_60_days_before_the_data_ends(world: World) -> None:
    admin = world.people.uids["admin"]
    calendar = load_calendar(Path("/nonexistent"))  # built in: 2027 decreed, 2028 not

    def warn(*at: int) -> list[str]:
        return warn_admins(bootstrap.staff(), bootstrap.ports().inbox, samara(*at), calendar)

    assert warn(2027, 11, 1, 23, 59) == []  # 61 days before 1 Jan 2028
    assert len(warn(2027, 11, 2, 0, 5)) == 1
    assert [warn(2027, 11, 2, h, 0) for h in (9, 12, 23)] == [[], [], []]
    assert len(warn(2027, 11, 3, 9, 0)) == 1
    assert len(warn(2028, 1, 15, 9, 0)) == 1  # and on, until imported
    sent = [n for n in notifications(world) if n["kind"] == "calendar_missing"]
    assert len(sent) == 3 and {n["recipient_uid"] for n in sent} == {admin}
    assert {n["year"] for n in sent} == {2028} and "календарь на 2028 год" in sent[0]["text"]
    assert all(n["read"] is False for n in sent)


def test_deadlines_missed_while_provisional_stay_missed(
        world: World, calendars: Path, tmp_path: Path) -> None:
    service = with_calendar_dir(world, calendars)
    world.clock.now = DETECTED
    world.detect("vk-late", DETECTED)
    for key in ("draft", "answer"):  # a miss is a command: the case's list of provisional years follows it
        due = world.deadline("vk-late", key)["due"]
        task = DeadlineTask(case_id="vk-late", key=key, due=due, kind="due")
        assert handle_deadline_task(bootstrap.cases(), bootstrap.staff(), world.queue, task, due,
                                    "http://127.0.0.1:9").action is Action.missed
    assert "provisional_years" not in world.case("vk-late") and world.case("vk-late")["version"] == 3

    import_2028(calendars, tmp_path)
    world.clock.now = ANSWER_BY_DECREE
    assert calendar_upkeep(service) == {}  # nothing pending is provisional: a miss is a fact, not recomputed
    case = world.case("vk-late")
    assert case["deadlines"]["answer"]["due"] == ANSWER_BY_STATUTE and case["deadlines"]["answer"]["state"] == "missed"
    assert calendar_upkeep(service) == {}
