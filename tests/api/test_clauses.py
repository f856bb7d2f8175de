"""Clause by clause through HTTP on the emulators (§8–§20): state, stored deadlines and scheduled tasks.

The case is detected on Thursday 2026-12-10 at 10:00 Izhevsk time (Europe/Samara, default calendar:
Mon–Fri 09:00–13:00, 14:00–18:00), so: route by 11:00 (§8), answer by Mon 14.12 10:00 (§10), draft by
Fri 11.12 15:00 (§11: 4 working hours before the answer deadline). §8 and §10–§11 also check docs/deadlines.md's
first example: detected Wed 2023-02-22 16:30 (a shortened pre-holiday day) → route by Mon 27.02 09:30,
answer by Tue 28.02 16:30, draft by Tue 28.02 11:30.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.api.conftest import World, samara

pytestmark = pytest.mark.emulator
CASE = "vk-clause"
DETECTED = samara(2026, 12, 10, 10, 0)
PLUS4 = timezone(timedelta(hours=4))
DESIGN_CASE = "vk-design-example"


def design_example(world: World) -> dict[str, dict[str, object]]:
    """docs/deadlines.md's first example: detected Wed 2023-02-22 16:30 +04:00; 23.02 a holiday, 24.02 a transferred day off."""
    world.detect(DESIGN_CASE, datetime(2023, 2, 22, 16, 30, tzinfo=PLUS4))
    return dict(world.case(DESIGN_CASE)["deadlines"])


def at(world: World, *moment: int) -> None:
    world.clock.now = samara(*moment)


def deadline_tasks(world: World) -> list[Any]:
    """The wake-up tasks created (not the outbox's, one per write)."""
    return [t for t in world.queue.created if t.url.endswith("/tasks/deadline")]


def tasks_for(world: World, case_id: str, key: str) -> list[tuple[str, object]]:
    return [(t.payload["kind"], t.at) for t in deadline_tasks(world)
            if t.payload["case_id"] == case_id and t.payload["key"] == key]


def assert_scheduled(world: World, case_id: str, key: str) -> None:
    """The stored deadline names its task, and that very task was created at the due moment."""
    stored = world.deadline(case_id, key)
    due_tasks = [t for t in world.queue.created if t.name == stored["task"]]
    assert due_tasks and due_tasks[0].at == stored["due"], (key, stored)
    if "warn_at" in stored:
        warn = [t for t in world.queue.created if t.name == stored["warn_task"]]
        assert warn and warn[0].at == stored["warn_at"]


def routed(world: World, agency: str = "mintrans", *, accept: bool = True) -> None:
    world.detect(CASE, DETECTED)
    at(world, 2026, 12, 10, 10, 40)
    world.ok("curator", CASE, "route", agency_ids=[agency])
    if accept:
        at(world, 2026, 12, 10, 10, 50)
        world.ok(f"executor_{agency}", CASE, "accept")


def test_clause_8_routing_and_its_deadline(world: World) -> None:
    assert design_example(world)["route"]["due"] == datetime(2023, 2, 27, 9, 30, tzinfo=PLUS4)
    assert_scheduled(world, DESIGN_CASE, "route")
    world.detect(CASE, DETECTED)
    route = world.deadline(CASE, "route")
    assert route["due"] == samara(2026, 12, 10, 11, 0) and route["state"] == "pending"
    assert_scheduled(world, CASE, "route")
    at(world, 2026, 12, 10, 10, 40)
    body = world.ok("curator", CASE, "route", agency_ids=["mintrans"])
    assert body["state"] == "assigned" and body["version"] == 2
    case = world.case(CASE)
    assert case["agency_ids"] == ["mintrans"] and case["agency_id"] == "mintrans"
    assert case["deadlines"]["route"]["state"] == "met" and not case["deadlines"]["route"]["met_late"]
    # §9 starts on receipt: 30 working minutes to give the case back
    back = case["deadlines"]["return_not_competent"]
    assert back["due"] == samara(2026, 12, 10, 11, 10) and back["agency_id"] == "mintrans"
    assert_scheduled(world, CASE, "return_not_competent")
    assert world.post("executor_mintrans", CASE, "route", agency_ids=["minstroy"]).status_code == 403


def test_clause_9_return_as_not_competent_and_rerouting(world: World) -> None:
    routed(world, "mintrans", accept=False)
    at(world, 2026, 12, 10, 11, 0)
    assert world.post("executor_mintrans", CASE, "return_not_competent", reason="").status_code == 422
    body = world.ok("executor_mintrans", CASE, "return_not_competent",
                    reason="Ремонт дорог местного значения — полномочия органов местного самоуправления")
    assert body["state"] == "detected"
    case = world.case(CASE)
    assert case["deadlines"]["return_not_competent"]["state"] == "met"
    assert case["deadlines"]["route"]["due"] == samara(2026, 12, 10, 12, 0)  # the curator routes again (§8)
    assert case["deadlines"]["answer"]["due"] == samara(2026, 12, 14, 10, 0)  # §10 does not move
    assert_scheduled(world, CASE, "route")
    at(world, 2026, 12, 10, 11, 30)
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    case = world.case(CASE)
    assert case["state"] == "assigned" and case["agency_id"] == "minstroy"
    assert case["agency_ids"] == ["mintrans", "minstroy"]
    assert case["deadlines"]["return_not_competent"]["due"] == samara(2026, 12, 10, 12, 0)
    assert case["deadlines"]["answer"]["due"] == samara(2026, 12, 14, 10, 0)
    assert_scheduled(world, CASE, "return_not_competent")


def test_clause_10_11_answer_and_draft_deadlines(world: World) -> None:
    example = design_example(world)
    assert example["answer"]["due"] == datetime(2023, 2, 28, 16, 30, tzinfo=PLUS4)
    assert example["draft"]["due"] == datetime(2023, 2, 28, 11, 30, tzinfo=PLUS4)
    assert_scheduled(world, DESIGN_CASE, "answer")
    assert_scheduled(world, DESIGN_CASE, "draft")
    routed(world, "minstroy")
    case = world.case(CASE)
    assert case["deadlines"]["answer"]["due"] == samara(2026, 12, 14, 10, 0)
    assert case["deadlines"]["draft"]["due"] == samara(2026, 12, 11, 15, 0)
    assert case["deadlines"]["answer"]["warn_at"] == samara(2026, 12, 14, 9, 0)
    assert_scheduled(world, CASE, "answer")
    assert_scheduled(world, CASE, "draft")
    at(world, 2026, 12, 11, 16, 0)  # an hour after the draft deadline
    world.ok("executor_minstroy", CASE, "submit_draft", text="Ремонт запланирован на весну.")
    draft = world.deadline(CASE, "draft")
    assert draft["state"] == "met" and draft["met_late"] is True
    assert world.case(CASE)["state"] == "in_review"


def test_clause_12_review(world: World) -> None:
    routed(world, "minstroy")
    at(world, 2026, 12, 11, 14, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Управляющая компания восстановит подачу воды.")
    review = world.deadline(CASE, "review")
    assert review["due"] == samara(2026, 12, 11, 15, 0) and review["state"] == "pending"
    assert_scheduled(world, CASE, "review")
    assert world.post("executor_minstroy", CASE, "approve").status_code == 403
    assert world.post("curator", CASE, "approve", rating=6).status_code == 422
    at(world, 2026, 12, 11, 14, 30)
    world.ok("curator", CASE, "approve", rating=5)
    case = world.case(CASE)
    assert case["state"] == "approved" and case["rating"] == 5
    assert case["deadlines"]["review"]["state"] == "met"
    assert case["deadlines"]["publish"]["due"] == samara(2026, 12, 11, 15, 30)
    assert_scheduled(world, CASE, "publish")


def test_clause_13_rework_loop(world: World) -> None:
    routed(world, "minstroy")
    at(world, 2026, 12, 11, 14, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Проверим.")
    at(world, 2026, 12, 11, 14, 20)
    response = world.post("curator", CASE, "return_for_rework", comment="")
    assert response.status_code == 422 and response.get_json()["error"] == "comment_required"
    world.ok("curator", CASE, "return_for_rework", comment="Укажите сроки и ответственных.")
    rework = world.deadline(CASE, "rework")
    assert world.case(CASE)["state"] == "rework"
    assert rework["due"] == samara(2026, 12, 11, 16, 20) and rework["state"] == "pending"
    assert_scheduled(world, CASE, "rework")
    at(world, 2026, 12, 11, 15, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Работы выполнит УК «Восток» до 15 декабря.")
    case = world.case(CASE)
    assert case["state"] == "in_review" and case["deadlines"]["rework"]["state"] == "met"
    assert case["deadlines"]["review"]["due"] == samara(2026, 12, 11, 16, 0)
    assert [d["status"] for d in case["drafts"]] == ["returned", "submitted"]
    assert_scheduled(world, CASE, "review")


def test_clause_14_publication(world: World) -> None:
    routed(world, "minstroy")
    at(world, 2026, 12, 11, 14, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Ответ по существу.")
    at(world, 2026, 12, 11, 14, 30)
    world.ok("curator", CASE, "approve")
    assert world.deadline(CASE, "publish")["due"] == samara(2026, 12, 11, 15, 30)
    assert_scheduled(world, CASE, "publish")
    at(world, 2026, 12, 11, 15, 0)
    assert world.post("executor_minstroy", CASE, "publish", url="ftp://vk.com/x").status_code == 422
    before = len(deadline_tasks(world))
    world.ok("executor_minstroy", CASE, "publish", url="https://vk.com/wall-218000001_1201?reply=5001")
    assert len(deadline_tasks(world)) == before  # a final answer starts no deadline, so no wake-up task
    case = world.case(CASE)
    assert case["state"] == "closed"  # the final answer closes the case
    assert case["answers"][0]["url"] == "https://vk.com/wall-218000001_1201?reply=5001"
    assert {k: case["deadlines"][k]["state"] for k in ("publish", "answer")} == {"publish": "met", "answer": "met"}
    assert "next_due" not in case  # nothing pending is left to wake


def test_clause_15_intermediate_then_final(world: World) -> None:
    routed(world, "minstroy")
    at(world, 2026, 12, 11, 14, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Вопрос изучается, ответим позднее.",
             intermediate=True)
    world.ok("curator", CASE, "approve")
    at(world, 2026, 12, 11, 15, 0)
    world.ok("executor_minstroy", CASE, "publish", url="https://vk.com/wall-1_1?reply=2")
    case = world.case(CASE)
    assert case["state"] == "in_progress" and case["deadlines"]["answer"]["state"] == "met"
    final = case["deadlines"]["final_answer"]
    # §15 "в течение 7 рабочих дней со дня": from 12 December to the end of the 7th working day
    assert final["due"] == samara(2026, 12, 22, 18, 0) and final["state"] == "pending"
    assert_scheduled(world, CASE, "final_answer")
    at(world, 2026, 12, 18, 10, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Ремонт выполнен 17 декабря.")
    final = world.case(CASE)["deadlines"]["final_answer"]  # met by sending the final draft to the curator
    assert final["state"] == "met" and final["met_at"] == samara(2026, 12, 18, 10, 0)
    world.ok("curator", CASE, "approve")
    world.ok("executor_minstroy", CASE, "publish", url="https://vk.com/wall-1_1?reply=3")
    case = world.case(CASE)
    assert case["state"] == "closed" and case["deadlines"]["final_answer"]["state"] == "met"
    assert [a["intermediate"] for a in case["answers"]] == [True, False]


def test_clause_16_joint_answer_three_agencies_in_order(world: World) -> None:
    world.detect(CASE, DETECTED)
    at(world, 2026, 12, 10, 10, 30)
    world.ok("curator", CASE, "route", agency_ids=["mintrans", "minstroy", "minzdrav"])
    case = world.case(CASE)
    assert case["route_order"] == ["mintrans", "minstroy", "minzdrav"] and case["agency_id"] == "mintrans"
    assert case["deadlines"]["joint_contribution:mintrans"]["due"] == samara(2026, 12, 10, 14, 30)  # 3 h, lunch
    assert_scheduled(world, CASE, "joint_contribution:mintrans")
    assert world.post("executor_minstroy", CASE, "accept").status_code == 403  # not its turn yet
    # Each agency's part goes to the curator, who passes the case on: the next agency's 3 hours run from then.
    steps = [("mintrans", (2026, 12, 10, 11, 0), (2026, 12, 10, 11, 0)),
             ("minstroy", (2026, 12, 10, 12, 0), (2026, 12, 10, 12, 30))]
    for agency, contributed, passed in steps:
        world.ok(f"executor_{agency}", CASE, "accept")
        at(world, *contributed)
        world.ok(f"executor_{agency}", CASE, "contribute", text=f"Информация от {agency}.")
        case = world.case(CASE)
        assert (case["state"], case["agency_id"]) == ("contributed", None)
        assert world.post(f"executor_{agency}", CASE, "pass_on").status_code == 403
        at(world, *passed)
        world.ok("curator", CASE, "pass_on")
    case = world.case(CASE)
    assert case["deadlines"]["joint_contribution:mintrans"]["state"] == "met"
    assert case["deadlines"]["joint_contribution:minstroy"]["due"] == samara(2026, 12, 10, 15, 0)
    assert case["deadlines"]["joint_contribution:minzdrav"]["due"] == samara(2026, 12, 10, 16, 30)
    assert case["agency_id"] == "minzdrav" and set(case["contributions"]) == {"mintrans", "minstroy"}
    assert_scheduled(world, CASE, "joint_contribution:minzdrav")
    world.ok("executor_minzdrav", CASE, "accept")
    at(world, 2026, 12, 10, 14, 30)
    world.ok("executor_minzdrav", CASE, "submit_draft", text="Общий ответ трёх министерств.")
    case = world.case(CASE)
    assert case["state"] == "in_review" and case["deadlines"]["joint_contribution:minzdrav"]["state"] == "met"
    assert case["agency_ids"] == ["mintrans", "minstroy", "minzdrav"]


def test_clause_17_repeat_with_measures(world: World) -> None:
    world.detect("vk-earlier", samara(2026, 12, 1, 10, 0))
    routed(world, "mintrans")
    world.ok("curator", CASE, "link_repeat", earlier_case_id="vk-earlier")
    assert world.case(CASE)["repeat_of"] == "vk-earlier"
    assert world.post("curator", CASE, "link_repeat", earlier_case_id="vk-none").status_code == 422
    at(world, 2026, 12, 11, 11, 0)
    response = world.post("executor_mintrans", CASE, "submit_draft", text="Отремонтируем.")
    assert response.status_code == 422 and response.get_json()["error"] == "measures_required"
    world.ok("executor_mintrans", CASE, "submit_draft", text="Яма заделана 10 декабря.",
             measures_taken="Выполнен ямочный ремонт на ул. Пушкинской, 10.12.2026; подрядчик — ДРСУ.")
    case = world.case(CASE)
    assert case["drafts"][-1]["measures_taken"].startswith("Выполнен ямочный ремонт")
    assert case["deadlines"]["answer"]["due"] == samara(2026, 12, 14, 10, 0)  # the same deadlines (§10–§16)
    assert case["deadlines"]["review"]["due"] == samara(2026, 12, 11, 12, 0) and case["state"] == "in_review"
    for key in ("answer", "review"):
        assert_scheduled(world, CASE, key)


def test_clause_19_exclusion_and_its_reversal(world: World) -> None:
    routed(world, "mintrans", accept=False)
    at(world, 2026, 12, 10, 10, 55)
    world.ok("executor_mintrans", CASE, "flag_exclusion", reason="Нецензурные выражения (п. 19)")
    assert world.case(CASE)["state"] == "assigned"  # a flag alone changes nothing
    assert world.post("executor_mintrans", CASE, "confirm_exclusion").status_code == 403
    world.ok("curator", CASE, "confirm_exclusion")
    case = world.case(CASE)
    assert case["state"] == "excluded" and case["exclusion"]["confirmed_by"] == world.people.uids["curator"]
    assert all(d["state"] != "pending" for d in case["deadlines"].values())
    assert "next_due" not in case
    at(world, 2026, 12, 10, 15, 0)
    before = len(deadline_tasks(world))
    world.ok("curator", CASE, "reverse_exclusion")
    case = world.case(CASE)
    assert case["state"] == "assigned" and case["exclusion"]["reversed_by"] == world.people.uids["curator"]
    pending = {k for k, d in case["deadlines"].items() if d["state"] == "pending"}
    assert {"return_not_competent", "answer", "draft"} <= pending
    assert case["deadlines"]["answer"]["due"] == samara(2026, 12, 14, 15, 0)  # restarted at the reversal
    assert len(deadline_tasks(world)) > before
    for key in pending:
        assert_scheduled(world, CASE, key)


def test_clause_20_audit_trail_shows_who_did_what_in_order(world: World) -> None:
    routed(world, "minstroy")
    at(world, 2026, 12, 11, 14, 0)
    world.ok("executor_minstroy", CASE, "submit_draft", text="Проект.")
    world.ok("curator", CASE, "return_for_rework", comment="Добавьте сроки.")
    response = world.client.get(f"/api/cases/{CASE}/events", headers=world.people.header("lead_minstroy"))
    assert response.status_code == 200
    events = response.get_json()["events"]
    uids = world.people.uids
    assert [(e["type"], e["actor_uid"], e["actor_role"], e["from_state"], e["to_state"]) for e in events] == [
        ("CaseDetected", "system", None, None, "detected"),
        ("Routed", uids["curator"], "curator", "detected", "assigned"),
        ("Accepted", uids["executor_minstroy"], "executor", "assigned", "in_progress"),
        ("DraftSubmitted", uids["executor_minstroy"], "executor", "in_progress", "in_review"),
        ("ReturnedForRework", uids["curator"], "curator", "in_review", "rework"),
    ]
    assert [e["version"] for e in events] == [1, 2, 3, 4, 5]
    assert events[2]["actor_agency_id"] == "minstroy" and events[4]["payload"]["comment"] == "Добавьте сроки."
    assert all(e["agency_ids"] for e in events[1:])  # copied for the rules' list queries
    started = [(d["key"], d["due"]) for e in world.events(CASE) for d in e["deadlines"] if d["change"] == "started"]
    assert [k for k, _ in started] == ["route", "answer", "draft", "return_not_competent", "review", "rework"]
    for key, due in started:  # every deadline the trail says was started got its wake-up task at its due
        assert (("due", due) in tasks_for(world, CASE, key)), key
    foreign = world.client.get(f"/api/cases/{CASE}/events", headers=world.people.header("executor_mintrans"))
    assert foreign.status_code == 404  # to an agency it was never routed to, as if there were no such case
