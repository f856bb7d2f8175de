"""The §21 monthly figures from the stored cases. Pure: case documents in (streamed), figures out.

**The month's cases** are the messages detected in the calendar month in Izhevsk time (a message detected
on 31 October at 23:30 Izhevsk time is October's). Every figure is about them, as stored when the report
is made, from their stored deadlines and facts (drafts, answers, returns, exclusion), never re-derived
from the SLA table: received, routed, returned as not competent, excluded (§19), needing no reaction
(dismissed by the curator, counted apart from §19), answered, open at the
month's end; each stage's deadlines met on time, late (met late, missed, or pending past due) and still
running; the median
working time from detection to the final answer; quality. Per agency a case counts for each agency it was
routed to, a deadline for the agency it names. Memory is bounded: counters, one number per answered case,
and the ten most overdue deadlines.

Work in progress (issue 10): the XLSX/PDF, the dashboard and the monthly run build on this module.
"""

from __future__ import annotations

import heapq
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deadlines.calendar import Calendar
from deadlines.worktime import working_minutes_between
from oversight.surge import community_of
from vocabulary import ZONE

FINISHED_STATES = frozenset({"answered", "closed", "excluded", "dismissed"})
TOP_OVERDUE = 10


def month_bounds(month: str, zone: str = ZONE) -> tuple[datetime, datetime]:
    """[start, end) of "YYYY-MM" in local time, as aware datetimes."""
    year, mon = (int(part) for part in month.split("-"))
    tz = ZoneInfo(zone)
    start = datetime(year, mon, 1, tzinfo=tz)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=tz)
    return start, end


@dataclass
class StageCount:
    on_time: int = 0
    late: int = 0
    running: int = 0


@dataclass
class Scope:
    """The figures of one scope: the whole region, or one agency."""

    received: int = 0
    routed: int = 0
    returned_not_competent: int = 0
    excluded: int = 0
    dismissed: int = 0
    answered: int = 0
    open_at_end: int = 0
    stages: dict[str, StageCount] = field(default_factory=dict)
    answer_minutes: list[float] = field(default_factory=list)
    approved: int = 0
    first_pass: int = 0
    reworks: int = 0
    ratings: list[int] = field(default_factory=list)
    intermediate: int = 0
    finals_on_time: int = 0
    finals_due: int = 0
    repeats: int = 0
    repeats_with_measures: int = 0

    def stage(self, name: str) -> StageCount:
        return self.stages.setdefault(name, StageCount())

    @property
    def median_answer_hours(self) -> float | None:
        return round(statistics.median(self.answer_minutes) / 60, 1) if self.answer_minutes else None

    @property
    def first_pass_share(self) -> float | None:
        return round(self.first_pass / self.approved, 3) if self.approved else None

    @property
    def reworks_per_answer(self) -> float | None:
        return round(self.reworks / self.answered, 2) if self.answered else None

    @property
    def mean_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None


@dataclass(order=True)
class Overdue:
    overdue_minutes: float
    case_id: str = field(compare=False)
    stage: str = field(compare=False)
    agency_id: str | None = field(compare=False)
    due: datetime = field(compare=False)


@dataclass
class MonthFigures:
    month: str
    overall: Scope = field(default_factory=Scope)
    agencies: dict[str, Scope] = field(default_factory=dict)
    by_network: Counter[str] = field(default_factory=Counter)
    by_community: Counter[str] = field(default_factory=Counter)
    by_municipality: Counter[str] = field(default_factory=Counter)
    by_topic: Counter[str] = field(default_factory=Counter)  # triage's topic (triage/rubric.json)
    _overdue: list[Overdue] = field(default_factory=list)

    @property
    def most_overdue(self) -> list[Overdue]:
        return sorted(self._overdue, reverse=True)


def month_figures(cases: Iterable[Mapping[str, Any]], month: str, calendar: Calendar, now: datetime,
                  zone: str = ZONE) -> MonthFigures:
    """The figures of the month's cases (those of ``cases`` detected in the month; others are skipped)."""
    start, end = month_bounds(month, zone)
    figures = MonthFigures(month)
    for case in cases:
        if start <= case["detected_at"] < end:
            _count(figures, case, end, calendar, now)
    return figures


def _count(figures: MonthFigures, case: Mapping[str, Any], end: datetime, calendar: Calendar, now: datetime) -> None:
    agency_ids = list(case.get("agency_ids") or [])
    scopes = [figures.overall, *(figures.agencies.setdefault(a, Scope()) for a in agency_ids)]
    message = case.get("message") or {}
    figures.by_network[str(message.get("network") or "—")] += 1
    community = community_of(case)
    figures.by_community[community[1] if community else "—"] += 1
    figures.by_municipality[str(case.get("municipality_id") or "—")] += 1
    figures.by_topic[str(case.get("topic") or "—")] += 1

    finals = [a for a in case.get("answers") or () if not a.get("intermediate")]
    finished_at = _finished_at(case, finals)
    for scope in scopes:
        scope.received += 1
        scope.routed += bool(agency_ids)
        scope.excluded += bool((case.get("exclusion") or {}).get("confirmed_at")) and case.get("state") == "excluded"
        scope.dismissed += case.get("state") == "dismissed"
        scope.open_at_end += finished_at is None or finished_at >= end
        scope.repeats += bool(case.get("repeat_of"))
    for ret in case.get("returns") or ():
        for scope in (figures.overall, figures.agencies.setdefault(str(ret.get("agency_id")), Scope())):
            scope.returned_not_competent += 1
    if finals:
        first = min(a["at"] for a in finals)
        minutes = working_minutes_between(calendar, case["detected_at"], first)
        for scope in scopes:
            scope.answered += 1
            scope.answer_minutes.append(minutes)
    _drafts(case, scopes)
    _deadlines(figures, case, calendar, now)


def _finished_at(case: Mapping[str, Any], finals: list[Mapping[str, Any]]) -> datetime | None:
    if case.get("state") not in FINISHED_STATES:
        return None
    moments = [a["at"] for a in finals]
    exclusion = case.get("exclusion") or {}
    if exclusion.get("confirmed_at"):
        moments.append(exclusion["confirmed_at"])
    if case.get("state") == "dismissed" and (case.get("dismissal") or {}).get("at"):
        moments.append(case["dismissal"]["at"])
    return min(moments) if moments else case.get("updated_at")


def _drafts(case: Mapping[str, Any], scopes: list[Scope]) -> None:
    drafts = list(case.get("drafts") or ())
    final_drafts = [d for d in drafts if not d.get("intermediate")]
    approved = [d for d in final_drafts if d.get("status") in ("approved", "published")]
    returned = sum(1 for d in drafts if d.get("status") == "returned")
    for scope in scopes:
        scope.reworks += returned
        scope.intermediate += sum(1 for a in case.get("answers") or () if a.get("intermediate"))
        if approved:
            scope.approved += 1
            scope.first_pass += final_drafts[0].get("status") in ("approved", "published")
            scope.ratings += [int(d["rating"]) for d in approved if d.get("rating") is not None]
        if case.get("repeat_of") and any(d.get("measures_taken") for d in approved):
            scope.repeats_with_measures += 1


def _deadlines(figures: MonthFigures, case: Mapping[str, Any], calendar: Calendar, now: datetime) -> None:
    for deadline in (case.get("deadlines") or {}).values():
        state, stage = deadline.get("state"), str(deadline.get("stage"))
        agency = deadline.get("agency_id")
        scopes = [figures.overall, *([figures.agencies.setdefault(agency, Scope())] if agency else [])]
        # A pending deadline past its due is late (the escalation's mark may not have come yet).
        late = (state == "missed" or (state == "met" and deadline.get("met_late"))
                or (state == "pending" and deadline["due"] <= now))
        for scope in scopes:
            count = scope.stage(stage)
            if late:
                count.late += 1
            elif state == "pending":
                count.running += 1
            elif state == "met":
                count.on_time += 1
            if stage == "final_answer" and state in ("met", "missed"):
                scope.finals_due += 1
                scope.finals_on_time += not late
        if late:
            until = deadline.get("met_at") if state == "met" and deadline.get("met_at") else now
            overdue = Overdue(working_minutes_between(calendar, deadline["due"], max(until, deadline["due"])),
                              str(case["id"]), stage, agency, deadline["due"])
            if len(figures._overdue) < TOP_OVERDUE:
                heapq.heappush(figures._overdue, overdue)
            else:
                heapq.heappushpop(figures._overdue, overdue)
