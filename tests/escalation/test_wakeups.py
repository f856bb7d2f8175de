"""``next_due`` and fresh deadline entries: pure, no emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deadlines.policy import default_policy
from deadlines.wakeups import deadline_entry, iso, next_wakeup, wakeups
from tests.escalation.conftest import samara

POLICY = default_policy()


def test_nothing_pending_has_no_wakeup() -> None:
    due = samara(2023, 2, 27, 9, 30)
    assert next_wakeup({}) is None
    assert next_wakeup({"route": {"stage": "route", "due": due, "state": "met"},
                        "answer": {"stage": "answer", "due": due, "state": "cancelled"}}) is None


def test_the_earliest_of_unsent_warnings_and_dues_wins() -> None:
    deadlines = {
        "answer": {"stage": "answer", "due": samara(2023, 2, 28, 16, 30), "state": "pending",
                   "warn_at": samara(2023, 2, 28, 15, 30), "warned": False},
        "route": {"stage": "route", "due": samara(2023, 2, 27, 9, 30), "state": "pending",
                  "warn_at": samara(2023, 2, 22, 16, 30), "warned": True},
        "draft": {"stage": "draft", "due": samara(2023, 2, 27, 9, 0), "state": "missed"},
    }
    assert next_wakeup(deadlines) == samara(2023, 2, 27, 9, 30)  # route's warning is sent already
    deadlines["route"]["warned"] = False
    assert next_wakeup(deadlines) == samara(2023, 2, 22, 16, 30)
    assert [(w.key, w.kind) for w in wakeups(deadlines)] == [
        ("route", "warning"), ("route", "due"), ("answer", "warning"), ("answer", "due")]


def test_entry_warns_one_working_hour_before_on_the_calendar() -> None:
    # §8: detected Wed 22 Feb 16:30 (shortened day) -> route by Mon 27 Feb 09:30; a working hour
    # before that is 16:30 on the 22nd, over the holiday weekend.
    detected = samara(2023, 2, 22, 16, 30)
    due = POLICY.due("route", detected)
    entry = deadline_entry("route", due, POLICY, started_at=samara(2023, 2, 22, 16, 0))
    assert entry == {"stage": "route", "due": samara(2023, 2, 27, 9, 30), "state": "pending", "warned": False,
                     "started_at": samara(2023, 2, 22, 16, 0), "warn_at": samara(2023, 2, 22, 16, 30)}
    assert next_wakeup({"route": entry}) == samara(2023, 2, 22, 16, 30)


def test_no_warning_when_the_stage_is_shorter_than_the_warning() -> None:
    start = samara(2023, 2, 27, 10, 0)
    due = POLICY.due("return_not_competent", start)  # §9: 30 working minutes
    entry = deadline_entry("return_not_competent", due, POLICY, agency_id="minzdrav", started_at=start)
    assert "warn_at" not in entry and entry["agency_id"] == "minzdrav"
    assert next_wakeup({"return_not_competent": entry}) == samara(2023, 2, 27, 10, 30)


def test_entry_without_policy_has_no_warning_and_naive_times_are_refused() -> None:
    assert "warn_at" not in deadline_entry("answer", samara(2023, 3, 1, 13, 0), None)
    with pytest.raises(ValueError, match="naive"):
        deadline_entry("answer", datetime(2023, 3, 1, 13, 0), None)  # noqa: DTZ001


def test_iso_is_one_text_per_instant() -> None:
    moment = samara(2023, 2, 27, 9, 30)
    assert iso(moment) == iso(moment.astimezone(UTC)) == "2023-02-27T05:30:00.000000+00:00"
    assert iso(moment + timedelta(microseconds=7)).endswith(".000007+00:00")


def test_objects_with_attributes_count_too() -> None:
    class Deadline:  # the workflow's pydantic model has attributes, not keys
        def __init__(self, due: datetime, state: str) -> None:
            self.due, self.state, self.warned, self.warn_at = due, state, False, None

    assert next_wakeup({"route": Deadline(samara(2023, 2, 27, 9, 30), "pending")}) == samara(2023, 2, 27, 9, 30)
