"""A month's figures in brief, kept per month (``report_months/{YYYY-MM}``), and the dynamics read from them:
the change against the previous month and the trend over twelve months.

A brief is a few hundred numbers (the region, each agency, each network and municipality, the largest
communities), written when the month's report is made. The comparison and the trend read the earlier
months' briefs, one document a month, instead of scanning their cases again; a month without a brief (the
first reports of an installation) gets one from its cases once. A brief is the month as it stood when its
report was made, as the Head received it: later events do not rewrite an earlier month's report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reports.figures import MonthFigures, Scope

TREND_MONTHS = 12
TOP_COMMUNITIES = 30
# The headline figures compared with the previous month, with their Russian labels.
HEADLINE = (
    ("received", "Поступило"),
    ("routed", "Направлено в органы"),
    ("answered", "Дан ответ"),
    ("open_at_end", "Не завершено на конец месяца"),
    ("late", "Сроков с нарушением"),
    ("on_time_share", "Доля сроков, соблюдённых вовремя"),
    ("median_answer_hours", "Медиана до ответа, рабочих часов"),
    ("first_pass_share", "Согласовано с первого раза"),
    ("mean_rating", "Средняя оценка куратора"),
)
SHARES = frozenset({"on_time_share", "first_pass_share"})


def scope_brief(scope: Scope) -> dict[str, Any]:
    on_time = sum(c.on_time for c in scope.stages.values())
    late = sum(c.late for c in scope.stages.values())
    return {
        "received": scope.received, "routed": scope.routed, "returned_not_competent": scope.returned_not_competent,
        "excluded": scope.excluded, "dismissed": scope.dismissed, "answered": scope.answered, "open_at_end": scope.open_at_end,
        "on_time": on_time, "late": late, "running": sum(c.running for c in scope.stages.values()),
        "on_time_share": round(on_time / (on_time + late), 4) if on_time + late else None,
        "median_answer_hours": scope.median_answer_hours, "first_pass_share": scope.first_pass_share,
        "reworks_per_answer": scope.reworks_per_answer, "mean_rating": scope.mean_rating,
        "intermediate": scope.intermediate, "finals_on_time": scope.finals_on_time, "repeats": scope.repeats,
    }


def month_brief(figures: MonthFigures, made_at: datetime) -> dict[str, Any]:
    """What ``report_months/{month}`` keeps of the month's figures."""
    return {
        "month": figures.month, "made_at": made_at, "overall": scope_brief(figures.overall),
        "agencies": {agency: scope_brief(scope) for agency, scope in figures.agencies.items()},
        "by_network": dict(figures.by_network), "by_municipality": dict(figures.by_municipality),
        "by_topic": dict(figures.by_topic),
        "by_community": dict(figures.by_community.most_common(TOP_COMMUNITIES)),
    }


def previous_month(month: str, back: int = 1) -> str:
    year, mon = (int(part) for part in month.split("-"))
    index = year * 12 + mon - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    now: float | None
    before: float | None

    @property
    def delta(self) -> float | None:
        return None if self.now is None or self.before is None else round(self.now - self.before, 4)

    @property
    def percent(self) -> float | None:
        """The relative change of a count (shares and means are compared by their difference)."""
        if self.key in SHARES or self.delta is None or not self.before:
            return None
        return round(self.delta / self.before, 4)


@dataclass(frozen=True)
class Dynamics:
    month: str
    briefs: dict[str, dict[str, Any]]  # month → brief, the twelve months up to ``month``, where known

    @property
    def trend(self) -> list[tuple[str, dict[str, Any] | None]]:
        """The twelve months, oldest first, each with its region's figures (None: no data for it)."""
        months = [previous_month(self.month, back) for back in range(TREND_MONTHS - 1, -1, -1)]
        return [(m, (self.briefs.get(m) or {}).get("overall")) for m in months]

    def changes(self, agency_id: str | None = None) -> list[Change]:
        """The headline figures of the month against the previous one (region, or one agency)."""
        def scope(month: str) -> Mapping[str, Any]:
            brief = self.briefs.get(month) or {}
            return (brief.get("agencies") or {}).get(agency_id) or {} if agency_id else brief.get("overall") or {}

        now, before = scope(self.month), scope(previous_month(self.month))
        return [Change(key, label, now.get(key), before.get(key)) for key, label in HEADLINE]


def dynamics(month: str, brief: dict[str, Any], stored: Callable[[list[str]], dict[str, dict[str, Any]]],
             rebuild: Callable[[str], dict[str, Any] | None]) -> Dynamics:
    """The month's brief beside the eleven before it: read from ``stored`` (one call, a document each);
    a month missing there is rebuilt from its cases (``rebuild``, which also keeps it; None when the
    month had no cases at all)."""
    earlier = [previous_month(month, back) for back in range(1, TREND_MONTHS)]
    briefs = dict(stored(earlier))
    for missing in (m for m in earlier if m not in briefs):
        rebuilt = rebuild(missing)
        if rebuilt is not None:
            briefs[missing] = rebuilt
    briefs[month] = brief
    return Dynamics(month, briefs)
