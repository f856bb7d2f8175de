"""The SLA policy from a plain dict: what the admin stores in Firestore `settings/sla`.

    {
      "days_policy": "clock_time" | "end_of_day",
      "warning_minutes_before": 60,
      "stages": {"answer": {"amount": 3}, "route": {"amount": 90, "unit": "minutes"}},
      "agency_calendar": {"zone": "Europe/Samara",
                          "week": {"weekdays": ["09:00-13:00", "14:00-18:00"]},
                          "days": {"2024-06-04": "off"}},
      "curator_calendar": {"week": {"weekdays": ["08:00-20:00"]}}
    }

Every key is optional. A stage override changes only the fields it names. A calendar's fields not
given fall back to the default calendar; an absent `curator_calendar` is the agency calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from deadlines.calendar import Calendar, default_calendar
from deadlines.errors import CalendarError
from deadlines.facts import DayOverride
from deadlines.policy import SlaPolicy, SlaRule, Stage, default_rules
from deadlines.week import parse_week
from deadlines.xmlcalendar import parse_day_kinds


class PolicyError(ValueError):
    """settings/sla cannot be turned into a policy; the message says which key and why."""


class _CalendarSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zone: str | None = None
    week: dict[str, list[str]] | None = None
    days: dict[str, str] = {}


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days_policy: str = "clock_time"
    warning_minutes_before: int = 60
    stages: dict[str, dict[str, Any]] = {}
    agency_calendar: _CalendarSettings | None = None
    curator_calendar: _CalendarSettings | None = None


def policy_from_settings(settings: Mapping[str, Any], base: Calendar | None = None) -> SlaPolicy:
    """Build and validate a policy; `base` supplies the production calendar (e.g. `load_calendar()`)."""
    try:
        parsed = _Settings.model_validate(dict(settings))
        base_cal = base if base is not None else default_calendar()
        agency = _calendar(parsed.agency_calendar, base_cal, "agency_calendar")
        curator = _calendar(parsed.curator_calendar, base_cal, "curator_calendar") if (
            parsed.curator_calendar is not None) else agency
        return SlaPolicy(
            rules=_rules(parsed.stages),
            curator_calendar=curator,
            agency_calendar=agency,
            days_policy=parsed.days_policy,  # type: ignore[arg-type]  # validated by SlaPolicy
            warning_minutes_before=parsed.warning_minutes_before,
        )
    except ValidationError as exc:
        raise PolicyError(f"settings/sla: {_describe(exc)}") from exc


def _rules(overrides: dict[str, dict[str, Any]]) -> tuple[SlaRule, ...]:
    unknown = sorted(set(overrides) - {str(s) for s in Stage})
    if unknown:
        raise PolicyError(f"settings/sla: unknown stages {unknown}; known: {[str(s) for s in Stage]}")
    rules = []
    for rule in default_rules():
        change = overrides.get(str(rule.stage), {})
        if "stage" in change:
            raise PolicyError(f"settings/sla: stages.{rule.stage}: 'stage' cannot be changed")
        try:
            rules.append(SlaRule.model_validate({**rule.model_dump(), **change}))
        except ValidationError as exc:
            raise PolicyError(f"settings/sla: stages.{rule.stage}: {_describe(exc)}") from exc
    return tuple(rules)


def _calendar(spec: _CalendarSettings | None, base: Calendar, key: str) -> Calendar:
    if spec is None:
        return base
    try:
        week = parse_week(spec.week) if spec.week is not None else base.week
        days = parse_day_kinds(spec.days, "days")
        overrides = base.overrides + tuple(DayOverride(d, k) for d, k in sorted(days.items()))
        return Calendar(zone=spec.zone or base.zone, week=week, imported=base.imported,
                        overrides=overrides, use_builtin=base.use_builtin).validate()
    except CalendarError as exc:
        raise PolicyError(f"settings/sla: {key}: {exc}") from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
