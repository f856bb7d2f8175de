"""What the admin sets for the Administration's oversight (``settings/oversight``): who "the Head" is for
§22 reports and surge alerts, who receives the §21 monthly report, and the surge detector's thresholds
(docs/oversight.md, decision 11). Absent: the defaults below."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SurgeSettings(BaseModel):
    """A surge: in the last ``window_minutes`` at least ``min_count`` messages of one community, agency,
    municipality or topic, at least ``factor`` times the mean of the same window on each of the previous
    ``baseline_days`` days (those since counting began, at least ``min_history_days``), and improbable
    given the baseline (a conditional binomial tail ≤ ``p_value``: small, because every message is a test)."""

    model_config = ConfigDict(extra="forbid")
    window_minutes: int = Field(default=60, ge=10, le=24 * 60)
    baseline_days: int = Field(default=14, ge=1, le=60)
    min_count: int = Field(default=10, ge=2, le=10_000)
    factor: float = Field(default=3.0, ge=1.0, le=100.0)
    p_value: float = Field(default=1e-6, gt=0.0, lt=0.5)
    min_history_days: int = Field(default=7, ge=1, le=60)  # a new installation learns its baseline first
    quiet_minutes: int = Field(default=120, ge=10, le=7 * 24 * 60)  # an episode ends after this long below
    recent_hours: int = Field(default=6, ge=1, le=72)  # older messages (a backlog) are counted, never alerted on


class OversightSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    head_uids: list[str] = Field(default_factory=list, description="§22 and surges; empty: every supervisor")
    report_uids: list[str] = Field(default_factory=list, description="§21 monthly report; empty: the supervisors")
    surge: SurgeSettings = SurgeSettings()


def oversight_from(document: dict[str, Any] | None) -> OversightSettings:
    """The settings document as stored (``None``: never set)."""
    return OversightSettings.model_validate(document or {})
