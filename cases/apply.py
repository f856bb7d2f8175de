"""What every command shares: checking its input, and turning a decision into a new case and its event."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cases.errors import Invalid
from cases.events import CaseEvent
from cases.model import Actor, Case, CaseState
from cases.schedule import Ledger

Result = tuple[Case, list[CaseEvent]]


def aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("commands need a timezone-aware 'now'")
    return now


def required_text(value: str | None, code: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(message, code=code)
    return text


def https_url(value: str, code: str, message: str) -> str:
    url = (value or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise Invalid(message, code=code)
    return url


def commit(
    case: Case,
    actor: Actor | None,
    event_type: type[CaseEvent],
    now: datetime,
    *,
    to_state: CaseState | None = None,
    payload: dict[str, Any] | None = None,
    ledger: Ledger | None = None,
    **updates: Any,
) -> Result:
    """The new case (version + 1) and the one event that explains the change."""
    state = to_state or case.state
    changes: dict[str, Any] = {**updates, "state": state, "version": case.version + 1}
    if ledger is not None:
        changes["deadlines"] = ledger.deadlines
    new_case = case.model_copy(update=changes)
    event = event_type(
        type=event_type.__name__,
        case_id=case.id,
        version=new_case.version,
        at=now,
        actor_uid=actor.uid if actor else "system",
        actor_name=(actor.name or None) if actor else None,
        actor_role=actor.role if actor else None,
        actor_agency_id=actor.agency_id if actor else None,
        from_state=case.state,
        to_state=state,
        payload=payload or {},
        deadlines=ledger.changes if ledger else [],
    )
    return new_case, [event]
