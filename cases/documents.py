"""The Firestore shape of a case and its events, and the way back. Pure: no client, no clock.

The stored deadline entries are what the escalation handler reads (deadlines/wakeups.py): each newly
started one gets its warning moment from the SLA policy and the deterministic names of its Cloud Tasks,
written in the same write as the transition (no second write after the tasks are created).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from cases.events import CaseEvent
from cases.model import Case, provisional_years
from cases.routing import detect
from cases.schedule import DuePlanner
from deadlines.schedule import wakeup_task
from deadlines.wakeups import WarningPlanner, deadline_entry, wakeups

EVENTS = "events"


def event_id(version: int) -> str:
    return f"{version:06d}"


def case_from_doc(doc: Mapping[str, Any]) -> Case:
    return Case.model_validate(dict(doc))


def started_keys(events: list[CaseEvent]) -> set[str]:
    """The deadlines these events started, restarted or moved: the ones that need new Cloud Tasks."""
    return {change.key for event in events for change in event.deadlines if change.change in ("started", "recomputed")}


def stored_deadlines(case: Case, events: list[CaseEvent], policy: WarningPlanner) -> dict[str, dict[str, Any]]:
    """The case's deadlines as stored; deadlines the events started get ``warn_at`` and a fresh ``warned``."""
    started = started_keys(events)
    stored: dict[str, dict[str, Any]] = {}
    for key, deadline in case.deadlines.items():
        entry = deadline.model_dump(mode="python", exclude_none=True)
        if not entry.get("provisional_years"):
            entry.pop("provisional_years", None)  # absent: final
        if key in started:
            fresh = deadline_entry(entry["stage"], deadline.due, policy, deadline.agency_id, deadline.started_at)
            for stale in ("warn_at", "warned", "warned_at", "warn_task", "task", "missed_at", "escalation"):
                entry.pop(stale, None)
            entry.update({k: v for k, v in fresh.items() if k in ("warn_at", "warned")})
        stored[key] = entry
    return stored


def case_fields(case: Case, events: list[CaseEvent], policy: WarningPlanner, base_url: str) -> dict[str, Any]:
    """Everything the workflow owns on the case document, ready for one merged write.

    The deadlines these events started get the deterministic names of their tasks (case, key, due, kind);
    the others keep the names they were stored with. Until the sweep has confirmed the new tasks, the
    case is marked ``unscheduled``; a transition that starts nothing leaves the mark as it was."""
    doc = case.model_dump(mode="python", include=set(Case.model_fields))  # not the document's other fields
    deadlines = stored_deadlines(case, events, policy)
    started = started_keys(events)
    owed = wakeups(deadlines)
    for wakeup in owed:
        if wakeup.key in started:
            field = "task" if wakeup.kind == "due" else "warn_task"
            deadlines[wakeup.key][field] = wakeup_task(case.id, wakeup, base_url).name
    doc["deadlines"] = deadlines
    doc["next_due"] = owed[0].at if owed else None  # deadlines.wakeups.next_wakeup, computed once
    doc["provisional_years"] = provisional_years(case) or None  # what the recomputation queries
    doc["state"] = case.state.value
    if any(wakeup.key in started for wakeup in owed):
        doc["unscheduled"] = True
    return doc


class SlaPlanner(DuePlanner, WarningPlanner, Protocol):
    """Due moments and warning moments: ``deadlines.policy.SlaPolicy``."""


def new_case_fields(case_id: str, detected_at: datetime, policy: SlaPlanner,
                    base_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new case (§6): the workflow's fields to create with the message (state ``detected``, version 1,
    the §8/§10/§11 deadlines with their task names, ``next_due``, ``unscheduled``) and its first event."""
    case, events = detect(case_id, detected_at, policy)
    fields = {k: v for k, v in case_fields(case, events, policy, base_url).items()
              if v is not None or k != "provisional_years"}
    return fields, event_doc(events[0], case.agency_ids)


def firestore_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Absent rather than null where the sweep's queries look (``next_due``, ``provisional_years``)."""
    from google.cloud.firestore import DELETE_FIELD

    out = dict(fields)
    for name in ("next_due", "provisional_years"):
        if out.get(name) is None:
            out[name] = DELETE_FIELD
    return out


def event_doc(event: CaseEvent, agency_ids: list[str]) -> dict[str, Any]:
    """An audit event (§20); ``agency_ids`` is copied so agency staff can query events under the rules."""
    return {**event.to_dict(), "agency_ids": list(agency_ids)}
