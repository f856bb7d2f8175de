"""The case aggregate: one per detected message, moved through the §8–§17 workflow by commands.

Models are frozen: a command builds a new case (``model_copy``) and never changes the one it was given.
Only plain values live here; the rules that move a case are in ``cases.transitions`` and the commands.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, computed_field, model_validator

from vocabulary import CaseState, DeadlineState, Role, Stage  # re-exported: the workflow's words


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Actor(_Frozen):
    uid: str = Field(min_length=1)
    role: Role
    agency_id: str | None = None
    name: str = ""


class Escalation(_Frozen):
    """Who answered for a missed deadline when it was missed (§20), and who was told."""

    responsible_uids: list[str] = Field(default_factory=list)
    agency_id: str | None = None
    notified_uids: list[str] = Field(default_factory=list)
    at: AwareDatetime


class Deadline(_Frozen):
    """One regulatory term on the case. ``met_late`` records an action done after ``due``.

    ``warn_at`` is when to warn the responsible person (the SLA policy's working hour before, none when
    that falls at or before the start); ``warned``/``missed_at``/``escalation`` are escalation's, which is
    a command like any other (``cases.escalation``). ``task``/``warn_task`` name the Cloud Tasks that wake
    the case (fixed by the due moment: ``cases.wakeups.task_name``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: Stage
    due: AwareDatetime
    state: DeadlineState = DeadlineState.pending
    agency_id: str | None = None
    started_at: AwareDatetime
    met_at: AwareDatetime | None = None
    met_late: bool = False
    # Years without a government decree that this due moment was computed over: it may still move, and
    # is recomputed when those years are published (``recompute_deadlines``). Empty: final.
    provisional_years: list[int] = Field(default_factory=list)
    warn_at: AwareDatetime | None = None
    warned: bool = False
    warned_at: AwareDatetime | None = None
    missed_at: AwareDatetime | None = None
    escalation: Escalation | None = None
    task: str | None = None
    warn_task: str | None = None


def joint_key(agency_id: str) -> str:
    return f"{Stage.joint_contribution.value}:{agency_id}"


class DraftStatus(StrEnum):
    submitted = "submitted"
    approved = "approved"
    returned = "returned"
    published = "published"
    withdrawn = "withdrawn"  # its agency lost the case (re-routed, withdrawn) before it was published


class Draft(_Frozen):
    text: str
    attachments: list[str] = Field(default_factory=list)
    intermediate: bool = False  # §15
    measures_taken: str | None = None  # §17: required when the case repeats an earlier one
    agency_id: str | None = None
    submitted_by: str
    submitted_at: AwareDatetime
    status: DraftStatus = DraftStatus.submitted
    reviewed_by: str | None = None
    reviewed_at: AwareDatetime | None = None
    review_comment: str | None = None  # §13: why it was returned
    rating: int | None = None  # curator's quality mark on approval, 1–5


class Contribution(_Frozen):
    """One agency's part of a joint answer (§16)."""

    agency_id: str
    text: str
    by: str
    at: AwareDatetime


class PublishedAnswer(_Frozen):
    url: str
    intermediate: bool = False
    at: AwareDatetime
    by: str
    agency_id: str | None = None
    draft_index: int


class NotCompetentReturn(_Frozen):
    """§9: an agency gave the case back to the curator."""

    agency_id: str
    by: str
    reason: str
    at: AwareDatetime


class Exclusion(_Frozen):
    """§19: flagged by anyone, confirmed by a curator; never deleted, only reversed or dismissed."""

    reason: str
    flagged_by: str
    flagged_at: AwareDatetime
    confirmed_by: str | None = None
    confirmed_at: AwareDatetime | None = None
    state_before: CaseState | None = None
    cancelled_deadlines: list[str] = Field(default_factory=list)
    reversed_by: str | None = None
    reversed_at: AwareDatetime | None = None
    dismissed_by: str | None = None
    dismissed_at: AwareDatetime | None = None

    @property
    def open_flag(self) -> bool:
        """Flagged and not yet decided by a curator."""
        return self.confirmed_at is None and self.dismissed_at is None


class Dismissal(_Frozen):
    """§1/§6/§8: a detected message that needs no reaction, with the reason from the admin's list (its code
    and its wording then); its clocks stop. Reopened, the clocks run from the detection again."""

    reason: str
    label: str
    note: str | None = None
    by: str
    at: AwareDatetime
    cancelled_deadlines: list[str] = Field(default_factory=list)
    reopened_by: str | None = None
    reopened_at: AwareDatetime | None = None


class Significance(_Frozen):
    """§22: to be reported to the Head at once."""

    by: str
    at: AwareDatetime
    reason: str


class Case(_Frozen):
    """The workflow's view of a case document. The document's other fields (source, raw, received_at,
    updated_at, unscheduled…) are kept as they are, so the store can write back what it read."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str = Field(min_length=1)
    # The short number people say and search by, e.g. "2026-01234" (the year of detection, Izhevsk time,
    # and the case's place in it): given by the store when it creates the case.
    number: str | None = None
    state: CaseState = CaseState.detected
    version: int = Field(default=1, ge=1)
    detected_at: AwareDatetime
    agency_ids: list[str] = Field(default_factory=list)  # the agencies that may see it
    route_order: list[str] = Field(default_factory=list)  # the agencies of the current routing, in order
    agency_id: str | None = None  # the agency whose turn it is
    executor_uid: str | None = None
    executor_name: str | None = None  # the responsible executor by name (§20)
    drafts: list[Draft] = Field(default_factory=list)
    contributions: dict[str, Contribution] = Field(default_factory=dict)
    rating: int | None = None  # of the last approved draft
    answers: list[PublishedAnswer] = Field(default_factory=list)
    returns: list[NotCompetentReturn] = Field(default_factory=list)
    repeat_of: str | None = None
    exclusion: Exclusion | None = None
    dismissal: Dismissal | None = None
    # §15: the curator asked for one more intermediate answer (one intermediate answer per case otherwise)
    another_intermediate: bool = False
    significant: Significance | None = None
    deadlines: dict[str, Deadline] = Field(default_factory=dict)
    # The message as intake normalised it (docs/data-model.md): changed only by the source's edits and
    # deletions, which are events like any other (``cases.message``).
    message: dict[str, Any] = Field(default_factory=dict)
    # Why the case has no deadlines (stored before provisional years, when a year without calendar data
    # was refused); ``restore_deadlines`` gives them and clears it.
    deadlines_error: str | None = None
    # 152-FZ: when the message's personal data were erased (``cases.message.erase_personal_data``); until
    # then ``personal_data`` is true, which the retention job's query looks for.
    erased_at: AwareDatetime | None = None
    personal_data: bool = True
    # Triage's first read (issue 13): suggestions for the curator, who decides; the municipality it found.
    triage: dict[str, Any] | None = None
    municipality_id: str | None = None
    topic: str | None = None  # the rubricator's topic of the message (triage): surges and the monthly report

    @model_validator(mode="before")
    @classmethod
    def _derived_fields_are_not_input(cls, data: Any) -> Any:
        if isinstance(data, dict) and "next_due" in data:
            return {k: v for k, v in data.items() if k != "next_due"}
        return data

    @property
    def joint(self) -> bool:
        return len(self.route_order) > 1

    def still_to_contribute(self, *, without: str | None = None) -> list[str]:
        """§16: the agencies of a joint answer that have not given their part yet, in the order (``without``
        one of them); the last of them composes the joint draft and gives none."""
        return [a for a in self.route_order if a not in self.contributions and a != without]

    @property
    def last_draft(self) -> Draft | None:
        return self.drafts[-1] if self.drafts else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def next_due(self) -> datetime | None:
        """The earliest pending deadline: what the sweep and the escalation wake-up look at."""
        return next_due(self)


def pending_deadlines(case: Case) -> dict[str, Deadline]:
    """Pending deadlines, earliest first."""
    pending = [(k, d) for k, d in case.deadlines.items() if d.state == DeadlineState.pending]
    return dict(sorted(pending, key=lambda kd: (kd[1].due, kd[0])))


def provisional_years(case: Case) -> list[int]:
    """The years the case's pending deadlines wait for: what the recomputation looks for."""
    return sorted({y for d in case.deadlines.values() if d.state == DeadlineState.pending for y in d.provisional_years})


def next_due(case: Case) -> datetime | None:
    dues = [d.due for d in case.deadlines.values() if d.state == DeadlineState.pending]
    return min(dues, default=None)
