"""The escalation handler and the sweep on the Firestore and Cloud Tasks emulators, with a fixed clock.

Each test seeds a case directly, delivers its task (by calling the handler, as the HTTP entry point
does) and checks the case and the notifications: one missed-mark and one set of notifications, however
many times, how early, how late or whether at all the task arrives.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from deadlines.escalation import Action, DeadlineTask, handle_deadline_task
from deadlines.schedule import schedule_case
from deadlines.sweep import sweep
from deadlines.wakeups import iso
from infra.tasks import task_name
from tests.escalation.conftest import notifications, samara

pytestmark = pytest.mark.emulator

DUE = samara(2023, 2, 27, 9, 30)  # route of a message detected Wed 22 Feb 16:30 (DESIGN.md example)
ANSWER_DUE = samara(2023, 2, 28, 16, 30)


def route_case(seed_case, case_id: str = "vk-route", **deadline: Any) -> str:  # type: ignore[no-untyped-def]
    deadlines = {
        "route": {"stage": "route", "due": DUE, "state": "pending", "warned": True, **deadline},
        "answer": {"stage": "answer", "due": ANSWER_DUE, "state": "pending", "warned": False,
                   "warn_at": samara(2023, 2, 28, 15, 30)},
    }
    return seed_case(case_id, deadlines, state="detected")


def deliver(db, queue, base_url, case_id, key="route", due=DUE, kind="due", now=DUE):  # type: ignore[no-untyped-def]
    task = DeadlineTask(case_id=case_id, key=key, due=due, kind=kind)
    return handle_deadline_task(db, task, now, queue, base_url)


def case(db, case_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return db.collection("cases").document(case_id).get().to_dict()


def test_delivered_twice_marks_missed_once_and_notifies_once(db, queue, base_url, staff, seed_case) -> None:
    case_id = route_case(seed_case)
    first = deliver(db, queue, base_url, case_id, now=DUE + timedelta(seconds=1))
    second = deliver(db, queue, base_url, case_id, now=DUE + timedelta(minutes=3))

    assert (first.action, second.action) == (Action.missed, Action.not_pending)
    route = case(db, case_id)["deadlines"]["route"]
    assert route["state"] == "missed" and route["missed_at"] == DUE + timedelta(seconds=1)
    assert route["escalation"] == {"responsible_uids": ["cur-1", "cur-2"], "agency_id": None,
                                   "notified_uids": ["cur-1", "cur-2"], "at": DUE + timedelta(seconds=1)}
    sent = notifications(db, case_id)
    assert [(n["recipient_uid"], n["kind"]) for n in sent] == [("cur-1", "deadline_missed"),
                                                              ("cur-2", "deadline_missed")]
    assert sent[0]["text"] == ("Просрочен срок «Направление в исполнительный орган (п. 8)» по обращению "
                               "№vk-route (срок истёк 27.02.2023 в 09:30).")
    assert sent[0]["read"] is False and sent[0]["created_at"] == DUE + timedelta(seconds=1)
    # The next wake-up is the answer's warning; the version is the workflow's and stays.
    assert case(db, case_id)["next_due"] == samara(2023, 2, 28, 15, 30)
    assert case(db, case_id)["version"] == 3


def test_concurrent_duplicates_mark_missed_once(db, queue, base_url, staff, seed_case) -> None:
    case_id = route_case(seed_case)
    outcomes: list[Action] = []

    def run() -> None:
        outcomes.append(deliver(db, queue, base_url, case_id, now=DUE + timedelta(seconds=5)).action)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [Action.missed] + [Action.not_pending] * 2
    assert len(notifications(db, case_id)) == 2


def test_late_delivery_marks_missed_with_the_time_it_was_found(db, queue, base_url, staff, seed_case) -> None:
    case_id = seed_case("tg-late", {
        "answer": {"stage": "answer", "due": ANSWER_DUE, "state": "pending", "warned": True},
    }, agency_id="minzdrav", agency_ids=["minzdrav"], executor_uid="exec-1")
    late = ANSWER_DUE + timedelta(days=2, hours=3)
    outcome = deliver(db, queue, base_url, case_id, key="answer", due=ANSWER_DUE, now=late)

    assert outcome.action is Action.missed
    answer = case(db, case_id)["deadlines"]["answer"]
    assert answer["missed_at"] == late
    assert answer["escalation"]["responsible_uids"] == ["exec-1"]
    assert answer["escalation"]["agency_id"] == "minzdrav"
    assert answer["escalation"]["notified_uids"] == ["exec-1", "lead-health", "cur-1", "cur-2"]
    assert sorted(n["recipient_uid"] for n in notifications(db, case_id)) == [
        "cur-1", "cur-2", "exec-1", "lead-health"]
    assert "next_due" not in case(db, case_id)


def test_early_delivery_is_requeued_at_the_due_moment_and_marks_nothing(db, queue, base_url, sink, staff,
                                                                        seed_case) -> None:
    case_id = route_case(seed_case)
    early = DUE - timedelta(minutes=10)
    outcome = deliver(db, queue, base_url, case_id, now=early)

    assert outcome.action is Action.rescheduled and outcome.retry_at == DUE
    assert case(db, case_id)["deadlines"]["route"]["state"] == "pending"
    assert notifications(db, case_id) == []
    # The emulator delivers the new task (its due moment is in the real past) with the same payload.
    path = base_url.removeprefix(f"http://127.0.0.1:{sink.port}") + "/tasks/deadline"
    delivered = sink.wait_for(path)
    assert [d["body"] for d in delivered] == [{"case_id": case_id, "key": "route", "due": iso(DUE), "kind": "due"}]
    headers = delivered[0]["headers"]
    assert headers["X-Otklik-Task-Secret"] == "dev-only-task-secret"
    assert headers["X-Cloudtasks-Taskname"] == task_name(case_id, "route", iso(DUE), "due", "early",
                                                         iso(early))


def test_after_the_stage_was_met_nothing_happens(db, queue, base_url, staff, seed_case) -> None:
    case_id = route_case(seed_case, state="met", met_at=DUE - timedelta(minutes=5))
    before = case(db, case_id)
    outcome = deliver(db, queue, base_url, case_id, now=DUE + timedelta(minutes=1))

    assert outcome.action is Action.not_pending
    assert case(db, case_id) == before and notifications(db, case_id) == []


def test_a_task_for_an_earlier_due_or_a_gone_case_changes_nothing(db, queue, base_url, staff, seed_case) -> None:
    case_id = route_case(seed_case)  # route restarted after a return (§9): a new due replaced the old
    before = case(db, case_id)
    stale = deliver(db, queue, base_url, case_id, due=DUE - timedelta(days=1), now=DUE + timedelta(hours=1))
    gone = deliver(db, queue, base_url, "vk-nobody", now=DUE + timedelta(hours=1))

    assert (stale.action, gone.action) == (Action.moved, Action.dropped)
    assert case(db, case_id) == before and notifications(db, case_id) == []


def test_lost_task_is_caught_by_the_sweep_and_a_later_delivery_changes_nothing(
        db, queue, base_url, staff, seed_case) -> None:
    case_id = route_case(seed_case, task=task_name("vk-route", "route", iso(DUE), "due"))  # never arrives
    not_yet = seed_case("vk-later", {"route": {"stage": "route", "due": DUE + timedelta(hours=1),
                                               "state": "pending", "warned": True}})
    swept_at = DUE + timedelta(minutes=4)

    counts = sweep(db, swept_at, queue, base_url)
    again = sweep(db, swept_at + timedelta(minutes=5), queue, base_url)
    late = deliver(db, queue, base_url, case_id, now=swept_at + timedelta(minutes=7))

    assert counts == {"cases_due": 1, "missed": 1}
    assert again == {}  # next_due moved to the answer's warning: the case is not due any more
    assert late.action is Action.not_pending
    assert case(db, case_id)["deadlines"]["route"]["missed_at"] == swept_at
    assert len(notifications(db, case_id)) == 2
    assert case(db, not_yet)["deadlines"]["route"]["state"] == "pending"


def test_warning_goes_once_to_the_responsible_person(db, queue, base_url, staff, seed_case) -> None:
    warn_at = samara(2023, 2, 28, 15, 30)
    case_id = seed_case("vk-warn", {
        "answer": {"stage": "answer", "due": ANSWER_DUE, "state": "pending", "warned": False, "warn_at": warn_at},
    }, agency_id="minzdrav", agency_ids=["minzdrav"])  # no executor yet: the agency's lead answers for it
    early = deliver(db, queue, base_url, case_id, key="answer", due=ANSWER_DUE, kind="warning",
                    now=warn_at - timedelta(minutes=1))
    first = deliver(db, queue, base_url, case_id, key="answer", due=ANSWER_DUE, kind="warning", now=warn_at)
    again = deliver(db, queue, base_url, case_id, key="answer", due=ANSWER_DUE, kind="warning",
                    now=warn_at + timedelta(minutes=1))

    assert [o.action for o in (early, first, again)] == [Action.rescheduled, Action.warned, Action.nothing]
    answer = case(db, case_id)["deadlines"]["answer"]
    assert answer["warned"] is True and answer["state"] == "pending"
    assert case(db, case_id)["next_due"] == ANSWER_DUE
    sent = notifications(db, case_id)
    assert [(n["recipient_uid"], n["kind"]) for n in sent] == [("lead-health", "deadline_warning")]
    assert sent[0]["text"] == ("Истекает срок «Размещение ответа (п. 10)» по обращению №vk-warn: "
                               "выполнить до 28.02.2023 16:30.")


def test_sweep_sends_an_owed_warning_and_skips_it_once_the_deadline_is_missed(
        db, queue, base_url, staff, seed_case) -> None:
    warned = seed_case("vk-w1", {"answer": {"stage": "answer", "due": ANSWER_DUE, "state": "pending",
                                            "warned": False, "warn_at": samara(2023, 2, 28, 15, 30)}},
                       agency_id="minzdrav", executor_uid="exec-1")
    overdue = seed_case("vk-w2", {"rework": {"stage": "rework", "due": samara(2023, 2, 28, 10, 0),
                                             "state": "pending", "warned": False,
                                             "warn_at": samara(2023, 2, 28, 9, 0)}},
                        agency_id="mintrans", agency_ids=["mintrans"])

    counts = sweep(db, samara(2023, 2, 28, 15, 45), queue, base_url)

    assert counts == {"cases_due": 2, "missed": 1, "warned": 1}
    assert [(n["recipient_uid"], n["kind"]) for n in notifications(db, warned)] == [("exec-1", "deadline_warning")]
    assert [(n["recipient_uid"], n["kind"]) for n in notifications(db, overdue)] == [
        ("cur-1", "deadline_missed"), ("cur-2", "deadline_missed"), ("lead-roads", "deadline_missed")]


def test_joint_contribution_escalates_to_that_agency(db, queue, base_url, staff, seed_case) -> None:
    key = "joint_contribution:minzdrav"
    due = samara(2023, 2, 27, 15, 0)
    case_id = seed_case("vk-joint", {key: {"stage": "joint_contribution", "due": due, "state": "pending",
                                           "agency_id": "minzdrav", "warned": True}},
                        agency_id="minzdrav", agency_ids=["minzdrav", "mintrans"],
                        route_order=["minzdrav", "mintrans"])
    outcome = deliver(db, queue, base_url, case_id, key=key, due=due, now=due)

    assert outcome.action is Action.missed
    assert outcome.notified == ("lead-health", "cur-1", "cur-2")
    texts = {n["text"] for n in notifications(db, case_id)}
    assert texts == {"Просрочен срок «Информация для общего ответа (п. 16), орган minzdrav» по обращению "
                     "№vk-joint (срок истёк 27.02.2023 в 15:00)."}


def test_no_curators_still_marks_missed(db, queue, base_url, seed_case) -> None:
    case_id = route_case(seed_case)
    outcome = deliver(db, queue, base_url, case_id)
    assert outcome.action is Action.missed and outcome.notified == ()
    assert case(db, case_id)["deadlines"]["route"]["escalation"]["notified_uids"] == []


def test_schedule_case_records_task_names_and_clears_the_flag(db, queue, base_url, sink, seed_case) -> None:
    case_id = route_case(seed_case, warned=False, warn_at=samara(2023, 2, 22, 16, 30))
    db.collection("cases").document(case_id).update({"unscheduled": True})

    assert schedule_case(db, queue, case_id, base_url) is True
    assert schedule_case(db, queue, case_id, base_url) is True  # repeating is harmless

    stored = case(db, case_id)
    assert "unscheduled" not in stored
    assert stored["deadlines"]["route"]["task"] == task_name(case_id, "route", iso(DUE), "due")
    assert stored["deadlines"]["route"]["warn_task"] == task_name(case_id, "route", iso(DUE), "warning")
    assert stored["deadlines"]["answer"]["task"] == task_name(case_id, "answer", iso(ANSWER_DUE), "due")
    # The emulator takes the duplicate names (Cloud Tasks would refuse them); both copies arrive.
    path = base_url.removeprefix(f"http://127.0.0.1:{sink.port}") + "/tasks/deadline"
    kinds = sorted((d["body"]["key"], d["body"]["kind"]) for d in sink.wait_for(path, count=8))
    assert kinds == sorted([("route", "due"), ("route", "warning"), ("answer", "due"), ("answer", "warning")] * 2)


def test_cloud_tasks_down_leaves_the_case_to_the_sweep(db, base_url, seed_case) -> None:
    from infra.tasks import TasksUnavailable

    class Down:
        def create(self, task: Any) -> bool:
            raise TasksUnavailable("connection refused")

    case_id = route_case(seed_case)
    assert schedule_case(db, Down(), case_id, base_url) is False
    assert case(db, case_id)["unscheduled"] is True


def test_a_malformed_case_does_not_block_the_sweep(db, queue, base_url, staff, seed_case) -> None:
    db.collection("cases").document("vk-bad").set({  # written by hand, by a bug, or by an old version
        "next_due": samara(2023, 2, 1, 9, 0),
        "deadlines": {"route": {"stage": "route", "due": "tomorrow", "state": "pending"}}})
    case_id = route_case(seed_case)

    counts = sweep(db, DUE, queue, base_url)

    assert counts == {"cases_due": 2, "malformed": 1, "missed": 1}
    assert case(db, case_id)["deadlines"]["route"]["state"] == "missed"
