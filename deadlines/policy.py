"""The SLA policy as data: one rule per stage of the case workflow (decree §8-§16, docs/deadlines.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from deadlines.calendar import Calendar, default_calendar
from deadlines.worktime import DaysPolicy, add_working, add_working_days, subtract_working
from vocabulary import Stage

Unit = Literal["minutes", "hours", "working_days"]
SHORT_STAGE_WARNING = 15  # working minutes: the warning of a stage of an hour or less
# Whose working time a stage counts: the curators', the agencies', or plain clock time (24×7), for a stage
# whose hours the Administration reads as clock hours.
CalendarRole = Literal["curator", "agency", "clock"]


class SlaRule(BaseModel):
    """`amount` `unit` of working time from the event `starts_at` (or before it, if `before`); on the
    `clock` calendar, of clock time. Working days are counted by the rule's own `days_policy` (§10 "с
    момента": the clock time; §15 "со дня": to the end of the N-th working day, Civil Code art. 191),
    else the policy's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: Stage
    amount: PositiveInt
    unit: Unit
    calendar: CalendarRole
    starts_at: str = Field(min_length=1)
    before: bool = False
    days_policy: DaysPolicy | None = None
    # Working minutes before the deadline to warn the responsible person; unset: the policy's
    # ``warning_minutes_before``, or ``SHORT_STAGE_WARNING`` for a stage of an hour or less.
    warn_before: PositiveInt | None = None

    @property
    def short(self) -> bool:
        """An hour or less of working time (§8, §9, §12, §14)."""
        return self.unit != "working_days" and not self.before and self.amount * (
            60 if self.unit == "hours" else 1) <= 60

    @model_validator(mode="after")
    def _before_needs_time(self) -> SlaRule:
        if self.before and self.unit == "working_days":
            raise ValueError("a deadline counted back ('before') must be in minutes or hours")
        if self.calendar == "clock" and self.unit == "working_days":
            raise ValueError("working days need a working calendar ('curator' or 'agency'), not 'clock'")
        return self


def _rule(stage: Stage, amount: int, unit: Unit, calendar: CalendarRole, starts_at: str,
          before: bool = False, days_policy: DaysPolicy | None = None) -> SlaRule:
    return SlaRule(stage=stage, amount=amount, unit=unit, calendar=calendar, starts_at=starts_at,
                   before=before, days_policy=days_policy)


def default_rules() -> tuple[SlaRule, ...]:
    """The regulation's table (docs/deadlines.md). Event names: what the case workflow records when the clock starts."""
    return (
        _rule(Stage.route, 1, "hours", "curator", "detected"),  # §8
        _rule(Stage.return_not_competent, 30, "minutes", "agency", "assigned"),  # §9
        _rule(Stage.answer, 2, "working_days", "agency", "detected"),  # §10
        _rule(Stage.draft, 4, "hours", "agency", "answer_due", before=True),  # §11
        _rule(Stage.review, 1, "hours", "curator", "submitted"),  # §12
        _rule(Stage.rework, 2, "hours", "agency", "returned_for_rework"),  # §13
        _rule(Stage.publish, 1, "hours", "agency", "approved"),  # §14
        # §15: "в течение 7 рабочих дней со дня направления промежуточного ответа": from the next day to the
        # end of the 7th working day (Civil Code art. 191-192)
        _rule(Stage.final_answer, 7, "working_days", "agency", "intermediate_answer", days_policy="end_of_day"),
        _rule(Stage.joint_contribution, 3, "hours", "agency", "joint_received"),  # §16
    )


class SlaPolicy(BaseModel):
    """Rules for every stage, the two calendars, and the working-days policy."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    rules: tuple[SlaRule, ...]
    curator_calendar: Calendar
    agency_calendar: Calendar
    days_policy: DaysPolicy = "clock_time"
    warning_minutes_before: PositiveInt = 60

    @model_validator(mode="after")
    def _one_rule_per_stage(self) -> SlaPolicy:
        stages = [r.stage for r in self.rules]
        missing = [str(s) for s in Stage if s not in stages]
        doubled = sorted({str(s) for s in stages if stages.count(s) > 1})
        if missing or doubled:
            raise ValueError(f"one rule per stage needed; missing {missing}, doubled {doubled}")
        return self

    def rule(self, stage: Stage | str) -> SlaRule:
        stage = Stage(stage)
        return next(r for r in self.rules if r.stage is stage)

    def calendar_for(self, stage: Stage | str) -> Calendar:
        """The working calendar of the stage (a `clock` stage: the agencies', for its zone only)."""
        role = self.rule(stage).calendar
        return self.curator_calendar if role == "curator" else self.agency_calendar

    def due(self, stage: Stage | str, start: datetime) -> datetime:
        """The deadline of `stage` whose clock started at `start` (for `draft`: the answer deadline)."""
        rule, cal = self.rule(stage), self.calendar_for(stage)
        if rule.unit == "working_days":
            return add_working_days(cal, start, rule.amount, rule.days_policy or self.days_policy)
        minutes = rule.amount * (60 if rule.unit == "hours" else 1)
        if rule.calendar == "clock":
            return (start - timedelta(minutes=minutes) if rule.before else start + timedelta(minutes=minutes)
                    ).astimezone(cal.tz)
        if rule.before:
            return subtract_working(cal, start, minutes)
        return add_working(cal, start, minutes)

    def provisional_years(self, stage: Stage | str, *moments: datetime) -> tuple[int, ...]:
        """The years without a government decree between the earliest and the latest of `moments` on the
        stage's calendar: pass the clock's start and the deadline (and, for `draft`, the answer deadline
        it is counted from), and a non-empty result means the deadline is provisional."""
        if self.rule(stage).calendar == "clock":
            return ()  # clock time does not depend on any year's days off
        return self.calendar_for(stage).provisional_years(*moments)

    def warning_at(self, stage: Stage | str, due: datetime) -> datetime:
        """When to warn, on the stage's calendar: the rule's own ``warn_before``, else 15 working minutes
        before a stage of an hour or less, else ``warning_minutes_before`` (an hour).

        May fall before the stage started; the caller then warns not at all.
        """
        rule = self.rule(stage)
        minutes = rule.warn_before or (SHORT_STAGE_WARNING if rule.short else self.warning_minutes_before)
        if rule.calendar == "clock":
            return due - timedelta(minutes=minutes)
        return subtract_working(self.calendar_for(stage), due, minutes)


def default_policy(calendar: Calendar | None = None) -> SlaPolicy:
    """The regulation's table over one calendar for curators and agencies (default: Europe/Samara)."""
    cal = calendar if calendar is not None else default_calendar()
    return SlaPolicy(rules=default_rules(), curator_calendar=cal, agency_calendar=cal)


def due_dates_for_detection(policy: SlaPolicy, detected: datetime) -> dict[Stage, datetime]:
    """Every deadline derivable from the detection alone: `route`, `answer`, `draft` by default.

    A rule starting at "detected" is computed from `detected`; a rule starting at "<stage>_due" from
    that stage's deadline, transitively (the draft from the answer deadline).
    """
    return {stage: due for stage, (due, _) in detection_deadlines(policy, detected).items()}


def detection_deadlines(policy: SlaPolicy, detected: datetime) -> dict[Stage, tuple[datetime, tuple[int, ...]]]:
    """`due_dates_for_detection` with each deadline's provisional years (empty when it is final)."""
    events: dict[str, datetime] = {"detected": detected}
    result: dict[Stage, tuple[datetime, tuple[int, ...]]] = {}
    pending = list(policy.rules)
    while True:
        ready = [r for r in pending if r.starts_at in events]
        if not ready:
            return {stage: result[stage] for stage in Stage if stage in result}
        for rule in ready:
            start = events[rule.starts_at]
            due = events[f"{rule.stage}_due"] = policy.due(rule.stage, start)
            result[rule.stage] = (due, policy.provisional_years(rule.stage, detected, start, due))
            pending.remove(rule)
