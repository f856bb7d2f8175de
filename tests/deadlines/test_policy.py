"""The SLA policy as data: the regulation's table (docs/deadlines.md), warnings, and the settings/sla document."""

from __future__ import annotations

import pytest

from deadlines.policy import SlaRule, Stage, default_policy, due_dates_for_detection
from deadlines.settings import PolicyError, policy_from_settings
from tests.deadlines.conftest import local


def test_default_table() -> None:
    policy = default_policy()
    table = {r.stage: (r.amount, r.unit, r.calendar, r.before) for r in policy.rules}
    assert table == {
        Stage.route: (1, "hours", "curator", False),
        Stage.return_not_competent: (30, "minutes", "agency", False),
        Stage.answer: (2, "working_days", "agency", False),
        Stage.draft: (4, "hours", "agency", True),
        Stage.review: (1, "hours", "curator", False),
        Stage.rework: (2, "hours", "agency", False),
        Stage.publish: (1, "hours", "agency", False),
        Stage.final_answer: (7, "working_days", "agency", False),
        Stage.joint_contribution: (3, "hours", "agency", False),
    }


def test_due_per_stage() -> None:
    policy = default_policy()
    t = local(2024, 3, 5, 17, 45)
    assert policy.due(Stage.return_not_competent, t) == local(2024, 3, 6, 9, 15)
    assert policy.due(Stage.rework, t) == local(2024, 3, 6, 10, 45)
    assert policy.due(Stage.joint_contribution, t) == local(2024, 3, 6, 11, 45)
    # §15 "со дня": from the next day to the end of the 7th working day (8 March is a holiday)
    assert policy.due(Stage.final_answer, t) == local(2024, 3, 15, 18, 0)
    assert policy.due("draft", local(2024, 3, 6, 10, 0)) == local(2024, 3, 5, 15, 0)


def test_warning_is_one_working_hour_before_or_15_minutes_for_a_short_stage() -> None:
    policy = default_policy()
    assert policy.warning_at(Stage.answer, local(2024, 3, 6, 14, 30)) == local(2024, 3, 6, 12, 30)
    assert policy.warning_at(Stage.rework, local(2024, 3, 6, 14, 30)) == local(2024, 3, 6, 12, 30)  # 2 hours
    # §8, §9, §12, §14 last an hour or less: warned 15 working minutes before, over a weekend if need be
    assert policy.warning_at(Stage.route, local(2024, 3, 4, 9, 10)) == local(2024, 3, 1, 17, 55)
    assert policy.warning_at(Stage.review, local(2024, 3, 6, 14, 30)) == local(2024, 3, 6, 14, 15)
    own = policy_from_settings({"stages": {"route": {"warn_before": 30}}})
    assert own.warning_at(Stage.route, local(2024, 3, 6, 14, 30)) == local(2024, 3, 6, 14, 0)


def test_due_dates_for_detection_are_route_answer_draft() -> None:
    due = due_dates_for_detection(default_policy(), local(2024, 4, 26, 17, 30))
    assert due == {Stage.route: local(2024, 4, 27, 9, 30), Stage.answer: local(2024, 5, 2, 17, 30),
                   Stage.draft: local(2024, 5, 2, 12, 30)}


def test_settings_override_stages_and_curator_hours() -> None:
    policy = policy_from_settings({
        "stages": {"answer": {"amount": 3}, "route": {"amount": 90, "unit": "minutes"}},
        "curator_calendar": {"week": {"weekdays": ["08:00-20:00"]}},
        "warning_minutes_before": 30,
    })
    assert policy.rule(Stage.answer).amount == 3 and policy.rule(Stage.answer).unit == "working_days"
    assert policy.due(Stage.route, local(2024, 3, 5, 18, 0)) == local(2024, 3, 5, 19, 30)
    assert policy.due(Stage.review, local(2024, 3, 7, 18, 30)) == local(2024, 3, 11, 8, 30)  # 7th ends 19:00
    assert policy.due(Stage.rework, local(2024, 3, 5, 18, 0)) == local(2024, 3, 6, 11, 0)  # agency: default
    assert policy.warning_at(Stage.route, local(2024, 3, 5, 19, 30)) == local(2024, 3, 5, 19, 0)


def test_settings_regional_holiday_and_end_of_day_policy() -> None:
    policy = policy_from_settings({"days_policy": "end_of_day",
                                   "agency_calendar": {"days": {"2024-03-06": "off"}}})
    assert policy.curator_calendar is policy.agency_calendar  # curators follow the agency calendar
    assert policy.due(Stage.answer, local(2024, 3, 4, 10, 0)) == local(2024, 3, 7, 17, 0)


def test_empty_settings_are_the_default_policy() -> None:
    assert policy_from_settings({}) == default_policy()


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"stages": {"answer": {"unit": "weeks"}}}, "stages.answer: unit"),
        ({"stages": {"answer": {"amount": 0}}}, "stages.answer: amount"),
        ({"stages": {"answr": {"amount": 1}}}, "unknown stages"),
        ({"stages": {"draft": {"unit": "working_days"}}}, "counted back"),
        ({"days_policy": "whenever"}, "days_policy"),
        ({"curator_calendar": {"week": {"mon": ["09:00-13:00", "12:00-14:00"]}}}, "overlap"),
        ({"agency_calendar": {"week": {}}}, "no working intervals"),
        ({"agency_calendar": {"zone": "Nowhere/City"}}, "time zone"),
        ({"agency_calendar": {"days": {"2024-06-04": "holiday"}}}, "2024-06-04"),
        ({"sla": {}}, "sla: Extra inputs"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(settings: dict, reason: str) -> None:
    with pytest.raises(PolicyError, match=reason):
        policy_from_settings(settings)


def test_rule_validation() -> None:
    with pytest.raises(ValueError, match="counted back"):
        SlaRule(stage=Stage.draft, amount=1, unit="working_days", calendar="agency", starts_at="x", before=True)


def test_a_stage_in_clock_hours_and_a_rules_own_days_policy() -> None:
    policy = policy_from_settings({"stages": {"route": {"calendar": "clock"}, "answer": {"days_policy": "end_of_day"}}})
    friday_evening = local(2024, 3, 1, 17, 30)
    assert policy.due(Stage.route, friday_evening) == local(2024, 3, 1, 18, 30)  # not Monday 09:30
    assert policy.warning_at(Stage.route, local(2024, 3, 1, 18, 30)) == local(2024, 3, 1, 18, 15)
    assert policy.provisional_years(Stage.route, local(2099, 1, 1, 0, 0)) == ()
    assert policy.due(Stage.answer, local(2024, 3, 4, 10, 0)) == local(2024, 3, 6, 18, 0)  # end of the 2nd day
    assert default_policy().due(Stage.answer, local(2024, 3, 4, 10, 0)) == local(2024, 3, 6, 10, 0)
    with pytest.raises(PolicyError, match="working calendar"):
        policy_from_settings({"stages": {"answer": {"calendar": "clock"}}})
