"""The case workflow's ports: where cases live, and who works here. Pure: no Firestore, no clock.

One writer: only a ``CaseRepository`` writes a case's workflow fields and its events, whoever asks
(the staff API, intake, escalation, the sweep). Each write is one atomic commit of the case and the
events that explain it; the events are left undispatched for the outbox (``outbox/``), which hands
each to its handlers once, in order per case. Two implementations pass one contract test suite
(``tests/cases/test_repository_contract.py``): ``adapters.firestore_cases.FirestoreCases`` and
``cases.memory.InMemoryCases``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from cases.errors import DomainError
from cases.events import CaseEvent
from cases.model import Case

Apply = Callable[[Case], tuple[Case, list[CaseEvent]]]
Authorize = Callable[[Case], None]


class StoreUnavailable(Exception):
    """The store did not answer in time (→ 503, the caller retries)."""


class Unchanged(Exception):  # noqa: N818 - a signal that ends a command without a write, not an error
    """The command found nothing to change: nothing is written. ``reason`` says why, ``detail`` carries
    what the caller may need (escalation: its decision)."""

    def __init__(self, reason: str = "", detail: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class VersionConflict(DomainError):
    code = "version_conflict"

    def __init__(self, case: Case, seen: int) -> None:
        super().__init__(
            f"Обращение уже изменено (версия {case.version}, у вас — {seen}): обновите карточку и повторите.")
        self.state = case.state.value
        self.version = case.version

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "state": self.state, "version": self.version}


@dataclass(frozen=True)
class Committed:
    case: Case
    events: list[CaseEvent]
    fields: dict[str, Any]  # what was written on the case document


@dataclass(frozen=True)
class SideDocument:
    """A document created in the same commit as a new case (intake's delivery marker, the sender's raw
    payload)."""

    collection: str
    id: str
    doc: dict[str, Any]


class CaseRepository(ABC):
    """Cases and their audit trails. Reads return stored documents (plain dicts, as the API shows them)."""

    # -- writes: the only ones ----------------------------------------------------------------------
    @abstractmethod
    def create(self, document: dict[str, Any], case: Case, events: list[CaseEvent],
               sides: Sequence[SideDocument] = ()) -> bool:
        """A new case: `document` (the message and whatever else is not the workflow's) with the
        workflow's fields of `case`, its events, and the `sides`, in one commit. False when the case (or a
        side document) exists already; True also when a retry finds this very write in place (the
        document's ``raw.write_id``)."""

    @abstractmethod
    def execute(self, case_id: str, seen_version: int | None, apply: Apply,
                authorize: Authorize | None = None) -> Committed:
        """Read the case, ``authorize`` it (the actor may act on it at all), compare ``seen_version``
        (``VersionConflict``), ``apply`` the command, write the case and its events; all or nothing.
        Domain errors and ``Unchanged`` from `apply` write nothing; ``NotFound`` for no such case."""

    @abstractmethod
    def give_numbers(self, limit: int) -> int:
        """Give up to `limit` cases created ``unnumbered`` their short numbers ("2026-01234"), the earliest
        detected first, each the next of its year (never twice, never skipped): how many were numbered.
        Off the intake's path: the outbox's task after each write and the sweep call it."""

    @abstractmethod
    def redact_events(self, case_id: str, keys: frozenset[str], replacement: str) -> int:
        """152-FZ: in every event of the case, each payload value under one of `keys` becomes `replacement`
        (the audit trail keeps who did what and when, not what a citizen wrote); how many events changed."""

    @abstractmethod
    def delete_side(self, collection: str, doc_id: str) -> None:
        """Delete a document created beside a case (the sender's raw payload, when personal data go)."""

    @abstractmethod
    def by_author(self, *, url: str | None = None, name: str | None = None, limit: int = 500) -> list[str]:
        """Cases whose message's author has this profile link, or this name (152-FZ: a subject's request)."""

    @abstractmethod
    def confirm_scheduled(self, case_id: str, created: Iterable[str]) -> bool:
        """The Cloud Tasks named in `created` exist: clear ``unscheduled`` if every pending wake-up of the
        case has its task now (a wake-up's task name is fixed by the write that made it). True if so."""

    @abstractmethod
    def mark_dispatched(self, case_id: str, version: int) -> None:
        """The outbox has handed event `version` of the case to every handler."""

    # -- reads --------------------------------------------------------------------------------------
    @abstractmethod
    def get(self, case_id: str) -> dict[str, Any]:
        """The stored case document; ``NotFound`` if there is none."""

    @abstractmethod
    def exists(self, case_id: str) -> bool: ...

    @abstractmethod
    def events(self, case_id: str) -> list[dict[str, Any]]:
        """The audit trail, in order."""

    @abstractmethod
    def undispatched(self, case_id: str) -> list[dict[str, Any]]:
        """Events of the case not yet dispatched, in order."""

    # -- what the sweep looks for (each through an index, never a scan) -----------------------------
    @abstractmethod
    def due(self, now: datetime, limit: int) -> list[str]:
        """Cases whose ``next_due`` has come, earliest first."""

    @abstractmethod
    def unscheduled(self, limit: int) -> list[str]:
        """Cases whose wake-ups may lack their Cloud Tasks."""

    @abstractmethod
    def erasable(self, before: datetime, limit: int) -> list[str]:
        """Cases closed, excluded or set aside, last written before `before`, still holding personal data
        (``personal_data``), the oldest first: what the retention job erases."""

    @abstractmethod
    def with_provisional_years(self, years: list[int], limit: int) -> list[str]:
        """Cases with a pending deadline provisional in one of `years`."""

    @abstractmethod
    def without_deadlines(self, limit: int) -> list[tuple[str, str]]:
        """Cases stored with ``deadlines_error`` (before provisional years): (id, the error)."""

    @abstractmethod
    def with_undispatched_events(self, limit: int) -> list[str]:
        """Cases with an event the outbox has not dispatched."""


NotifyBy = Literal["email", "digest", "inapp"]


@dataclass(frozen=True)
class Person:
    """A member of staff as the notifications need them; ``notify_by`` is their own choice: every
    notification by e-mail too (the default), a daily digest, or in the web client only."""

    uid: str
    email: str = ""
    name: str = ""
    role: str = ""
    agency_id: str | None = None
    notify_by: NotifyBy = "email"


class StaffDirectory(Protocol):
    """Who works here: the active staff by role (``staff/{uid}`` mirrors the identity's claims)."""

    def curators(self) -> list[str]: ...

    def leads(self, agency_id: str) -> list[str]: ...

    def executors(self, agency_id: str) -> list[str]: ...

    def supervisors(self) -> list[str]: ...

    def admins(self) -> list[str]: ...

    def person(self, uid: str) -> Person | None:
        """The active person with this uid, or None."""
        ...

    def directory(self, agency_id: str | None = None) -> list[Person]:
        """The active staff (of one agency, when given), by name."""
        ...
