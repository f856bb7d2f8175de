"""The append-only audit trail (§20): one event per command, who did what, when, from which state.

``to_dict`` gives plain values (strings, numbers, lists, dicts, aware datetimes) for the store;
``event_from_dict`` reads one back. ``deadlines`` lists every deadline the command started, met or
cancelled, so a deadline's whole history can be rebuilt from the events even though the case keeps
only its latest round under each key.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cases.model import CaseState, Role, Stage


class DeadlineChange(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=True)
    key: str
    stage: Stage
    change: Literal["started", "met", "cancelled", "recomputed", "missed"]
    due: AwareDatetime
    agency_id: str | None = None
    met_late: bool = False  # for "met": done after the due moment
    provisional_years: list[int] = Field(default_factory=list)  # for "started"/"recomputed"


class CaseEvent(BaseModel):
    # defer_build: each event type's validator is built when first used, not when a cold instance
    # imports the module (intake only ever makes CaseDetected)
    model_config = ConfigDict(frozen=True, use_enum_values=True, defer_build=True)
    type: str
    case_id: str
    version: int  # the case version this event produced: the event's sequence number
    at: AwareDatetime
    actor_uid: str
    actor_name: str | None = None  # as the person's token named them (§20: the trail names people)
    actor_role: Role | None = None
    actor_agency_id: str | None = None
    from_state: CaseState | None
    to_state: CaseState
    payload: dict[str, Any] = Field(default_factory=dict)
    deadlines: list[DeadlineChange] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="python")


class CaseDetected(CaseEvent):
    """A message became a case (§6). payload: {}"""

    type: Literal["CaseDetected"] = "CaseDetected"


class Routed(CaseEvent):
    """§8, §16. payload: agency_ids (the order), joint, agency_id (the one receiving first)"""

    type: Literal["Routed"] = "Routed"


class ReturnedNotCompetent(CaseEvent):
    """§9. payload: agency_id, reason"""

    type: Literal["ReturnedNotCompetent"] = "ReturnedNotCompetent"


class Accepted(CaseEvent):
    """payload: agency_id, executor_uid"""

    type: Literal["Accepted"] = "Accepted"


class ExecutorAssigned(CaseEvent):
    """payload: agency_id, executor_uid, previous_executor_uid"""

    type: Literal["ExecutorAssigned"] = "ExecutorAssigned"


class ContributionMade(CaseEvent):
    """§16: an agency's part, sent to the curator. payload: agency_id, text, next_agency_id (the next in the
    order, whom the curator is expected to pass it to)"""

    type: Literal["ContributionMade"] = "ContributionMade"


class PassedOn(CaseEvent):
    """§16: the curator passes a joint answer on to its next agency. payload: agency_id, route_order"""

    type: Literal["PassedOn"] = "PassedOn"


class DraftSubmitted(CaseEvent):
    """§11, §13, §17. payload: draft_index, agency_id, text, attachments, intermediate, measures_taken"""

    type: Literal["DraftSubmitted"] = "DraftSubmitted"


class Approved(CaseEvent):
    """§12. payload: draft_index, rating"""

    type: Literal["Approved"] = "Approved"


class ReturnedForRework(CaseEvent):
    """§13. payload: draft_index, comment"""

    type: Literal["ReturnedForRework"] = "ReturnedForRework"


class Published(CaseEvent):
    """§14, §15. payload: draft_index, url, intermediate"""

    type: Literal["Published"] = "Published"


class Closed(CaseEvent):
    """payload: {}"""

    type: Literal["Closed"] = "Closed"


class RepeatLinked(CaseEvent):
    """§17. payload: earlier_case_id, previous"""

    type: Literal["RepeatLinked"] = "RepeatLinked"


class ExclusionFlagged(CaseEvent):
    """§19. payload: reason"""

    type: Literal["ExclusionFlagged"] = "ExclusionFlagged"


class ExclusionDismissed(CaseEvent):
    """§19. payload: reason (of the dismissed flag)"""

    type: Literal["ExclusionDismissed"] = "ExclusionDismissed"


class ExclusionConfirmed(CaseEvent):
    """§19. payload: reason, state_before, cancelled (deadline keys)"""

    type: Literal["ExclusionConfirmed"] = "ExclusionConfirmed"


class ExclusionReversed(CaseEvent):
    """§19. payload: restored_state, restarted (deadline keys)"""

    type: Literal["ExclusionReversed"] = "ExclusionReversed"


class DeadlinesRecomputed(CaseEvent):
    """Pending deadlines planned again by the system. payload: reason ("calendar_published": their
    provisional years now have a decree or an imported calendar; "deadlines_restored": a case stored
    without deadlines got them), years, calendar (the source of the year's calendar), error (restored:
    why they were missing), changes [{key, stage, old_due, new_due}]"""

    type: Literal["DeadlinesRecomputed"] = "DeadlinesRecomputed"


class DeadlineWarned(CaseEvent):
    """A deadline nears: the responsible person is warned. payload: key, stage, due, agency_id,
    responsible_uids"""

    type: Literal["DeadlineWarned"] = "DeadlineWarned"


class DeadlineMissed(CaseEvent):
    """§20, §21: a deadline passed undone. payload: key, stage, due, agency_id, responsible_uids (who
    answered for it when it was missed), notified_uids (them, the agency's leads, the curators)"""

    type: Literal["DeadlineMissed"] = "DeadlineMissed"


class MessageEdited(CaseEvent):
    """§6: the author edited the message at the source. payload: text, previous_text, edited_at"""

    type: Literal["MessageEdited"] = "MessageEdited"


class MessageDeletedAtSource(CaseEvent):
    """§6: the message was deleted at the source (the case stays). payload: deleted_by"""

    type: Literal["MessageDeletedAtSource"] = "MessageDeletedAtSource"


class Triaged(CaseEvent):
    """Issue 13: triage's first read (suggestions only). payload: the triage result (exclusion, flags,
    agencies, municipality_id, significance, repeat_of, version)"""

    type: Literal["Triaged"] = "Triaged"


class PersonalDataErased(CaseEvent):
    """152-FZ: the message's personal data were erased (its retention period ended, or its author asked).
    payload: reason (retention | subject_request), request (the request's reference, if any)"""

    type: Literal["PersonalDataErased"] = "PersonalDataErased"


class MarkedSignificant(CaseEvent):
    """§22. payload: reason"""

    type: Literal["MarkedSignificant"] = "MarkedSignificant"


class IntermediateRequested(CaseEvent):
    """§15: the curator asks the agency for one more intermediate answer. payload: reason"""

    type: Literal["IntermediateRequested"] = "IntermediateRequested"


class ReRouted(CaseEvent):
    """The curator changed the agencies of a case in work. payload: agency_ids (the new order), agency_id,
    joint, previous (the old order), removed (agencies that lost the case), reason"""

    type: Literal["ReRouted"] = "ReRouted"


class Withdrawn(CaseEvent):
    """The curator took a mis-routed case back. payload: removed (agencies), reason"""

    type: Literal["Withdrawn"] = "Withdrawn"


class Dismissed(CaseEvent):
    """§1/§6/§8: needs no reaction. payload: reason, label, note, cancelled (deadline keys)"""

    type: Literal["Dismissed"] = "Dismissed"


class Reopened(CaseEvent):
    """A dismissed message taken back for routing. payload: restarted (deadline keys, from the detection)"""

    type: Literal["Reopened"] = "Reopened"


EVENT_TYPES: dict[str, type[CaseEvent]] = {
    cls.__name__: cls
    for cls in (
        CaseDetected, Routed, ReturnedNotCompetent, Accepted, ExecutorAssigned, ContributionMade, PassedOn,
        DraftSubmitted, Approved, ReturnedForRework, Published, Closed, RepeatLinked, ExclusionFlagged,
        ExclusionDismissed, ExclusionConfirmed, ExclusionReversed, MarkedSignificant, DeadlinesRecomputed,
        DeadlineWarned, DeadlineMissed, MessageEdited, MessageDeletedAtSource, Dismissed, Reopened,
        ReRouted, Withdrawn, IntermediateRequested, PersonalDataErased, Triaged,
    )
}


def event_from_dict(data: dict[str, Any]) -> CaseEvent:
    return EVENT_TYPES[data["type"]].model_validate(data)
