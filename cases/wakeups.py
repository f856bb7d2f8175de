"""When a case next needs waking up: the one rule for ``next_due`` and for the names of the Cloud Tasks.

A pending deadline wakes the case twice: at ``warn_at`` (while not ``warned``) and at ``due``. The
earliest of these over all pending deadlines is the case's ``next_due``, the field the sweep queries;
it is absent when nothing is pending. A wake-up's task is named after (case, key, due, kind), so the
same wake-up always has the same name and Cloud Tasks refuses a second one. Pure: no Firestore, no clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Kind = Literal["due", "warning"]
PENDING = "pending"


@dataclass(frozen=True)
class Wakeup:
    key: str
    kind: Kind
    at: datetime  # when to wake: warn_at or due
    due: datetime  # the deadline itself (a warning's task carries it to detect a moved deadline)


def field(deadline: Any, name: str) -> Any:
    """A deadline's field, from a Firestore map or from an object with attributes (the workflow's model)."""
    if isinstance(deadline, Mapping):
        return deadline.get(name)
    return getattr(deadline, name, None)


def is_pending(deadline: Any) -> bool:
    return str(field(deadline, "state") or PENDING) == PENDING


def wakeups(deadlines: Mapping[str, Any]) -> list[Wakeup]:
    """Every wake-up still owed by the pending deadlines, earliest first."""
    result: list[Wakeup] = []
    for key, deadline in deadlines.items():
        due = field(deadline, "due")
        if not is_pending(deadline) or due is None:
            continue
        due = _aware(due)
        warn_at = field(deadline, "warn_at")
        if warn_at is not None and not field(deadline, "warned"):
            result.append(Wakeup(str(key), "warning", _aware(warn_at), due))
        result.append(Wakeup(str(key), "due", due, due))
    return sorted(result, key=lambda w: (w.at, w.key, w.kind))


def next_wakeup(deadlines: Mapping[str, Any]) -> datetime | None:
    """``next_due``: the earliest pending due or unsent warning; None when nothing is pending."""
    owed = wakeups(deadlines)
    return owed[0].at if owed else None


def stage_of(key: str, deadline: Any) -> str:
    """The stage of a deadline: its ``stage`` field, else the key without the agency suffix."""
    return str(field(deadline, "stage") or key.split(":", 1)[0])


def iso(moment: datetime) -> str:
    """The canonical text of an instant (UTC, microseconds): the same instant always gives the same text."""
    utc = _aware(moment).astimezone(UTC)
    return datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond,
                    tzinfo=UTC).isoformat(timespec="microseconds")


def _aware(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: deadlines need a UTC offset")
    return moment


def task_name(*parts: str) -> str:
    """A task id from its identity: the same (case, key, due, kind) always gives the same name."""
    return "t-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def wakeup_task_name(case_id: str, wakeup: Wakeup, *retry: str) -> str:
    """The name of one wake-up's task; `retry` parts name a later attempt (an early delivery re-queued)."""
    return task_name(case_id, wakeup.key, iso(wakeup.due), wakeup.kind, *retry)
