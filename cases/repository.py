"""Cases in Firestore: one transaction per command — read the case, apply, write the case and its event.

Two document writes per transition (the case, merged; the event, created) and one read. The version the
person saw travels with the command: if the case has moved on since, the command is refused with the
current state (409), so of two concurrent commands on one case exactly one wins.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.documents import EVENTS, case_fields, case_from_doc, event_doc, event_id, firestore_fields
from cases.errors import DomainError, NotFound
from cases.events import CaseEvent
from cases.model import Case
from deadlines.wakeups import WarningPlanner

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

CASES = "cases"
Apply = Callable[[Case], tuple[Case, list[CaseEvent]]]


class StoreUnavailable(Exception):
    """Firestore did not answer in time (→ 503, the client retries)."""


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


@contextlib.contextmanager
def firestore_errors() -> Iterator[None]:
    from google.api_core import exceptions

    try:
        yield
    except (exceptions.ServiceUnavailable, exceptions.DeadlineExceeded, exceptions.RetryError,
            exceptions.InternalServerError, exceptions.Aborted) as err:
        raise StoreUnavailable(str(err)) from err


class FirestoreCases:
    def __init__(self, client: Callable[[], Client], policy: Callable[[], WarningPlanner], base_url: str,
                 timeout_s: float = 10.0) -> None:
        self._client = client
        self._policy = policy
        self._base_url = base_url
        self._timeout_s = timeout_s

    def get(self, case_id: str) -> dict[str, Any]:
        with firestore_errors():
            snap = self._client().collection(CASES).document(case_id).get(timeout=self._timeout_s)
        if not snap.exists:
            raise NotFound(f"Обращение {case_id} не найдено.")
        return snap.to_dict() or {}

    def events(self, case_id: str) -> list[dict[str, Any]]:
        query = self._client().collection(CASES).document(case_id).collection(EVENTS).order_by("version")
        with firestore_errors():
            return [snap.to_dict() or {} for snap in query.stream(timeout=self._timeout_s)]

    def exists(self, case_id: str) -> bool:
        with firestore_errors():
            return bool(self._client().collection(CASES).document(case_id).get(
                field_paths=["state"], timeout=self._timeout_s).exists)

    def execute(self, case_id: str, seen_version: int | None, apply: Apply,
                authorize: Callable[[Case], None] | None = None) -> Committed:
        """Run one command in a transaction; domain errors and conflicts change nothing. ``authorize``
        runs before the version is compared (a refusal must not depend on, or reveal, the version)."""
        from google.cloud import firestore

        db = self._client()
        ref = db.collection(CASES).document(case_id)

        @firestore.transactional
        def run(transaction: Transaction) -> Committed:
            snap = ref.get(transaction=transaction)
            if not snap.exists:
                raise NotFound(f"Обращение {case_id} не найдено.")
            case = case_from_doc(snap.to_dict() or {})
            if authorize is not None:
                authorize(case)
            if seen_version is not None and seen_version != case.version:
                raise VersionConflict(case, seen_version)
            new_case, events = apply(case)
            fields = case_fields(new_case, events, self._policy(), self._base_url)
            fields["updated_at"] = events[-1].at
            # merge= a list of fields: each one is replaced whole (a restarted deadline keeps no stale task)
            transaction.set(ref, firestore_fields(fields), merge=list(fields))
            for event in events:
                transaction.create(ref.collection(EVENTS).document(event_id(event.version)),
                                   event_doc(event, new_case.agency_ids))
            return Committed(new_case, events, fields)

        with firestore_errors():
            return run(db.transaction(max_attempts=5))  # type: ignore[no-any-return]
