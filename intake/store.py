"""Where cases land: the ``IntakeStore`` port and its Firestore adapter.

Every call has a short explicit deadline, and every way Firestore can fail to answer becomes
``StoreUnavailable`` (the entry point answers 503, the sender retries). Every write is one atomic
commit (a create, or a batch of two writes), so a case is either fully there or not at all. Edits and
deletes use optimistic concurrency (an ``update_time`` precondition) instead of a server transaction:
that keeps every RPC under our own deadline (``begin_transaction`` would use the library's 60 s one).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import grpc
from google.api_core import exceptions as gexc
from google.api_core.retry import Retry, if_exception_type

from intake.documents import Delivery, Edit, delete_updates, edit_updates
from intake.errors import StoreUnavailable
from intake.models import Outcome

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference

CASES = "cases"
DELIVERIES = "intake_deliveries"
EVENTS = "events"  # cases/{id}/events/{version:06d}: the audit trail (cases.documents writes the rest)
_CONFLICT_ATTEMPTS = 8

_TRANSIENT = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.InternalServerError, gexc.Aborted,
              gexc.Unknown, gexc.ResourceExhausted, gexc.RetryError, grpc.RpcError)


class IntakeStore(Protocol):
    def create_case(self, case: dict[str, Any], delivery: Delivery | None,
                    first_event: dict[str, Any] | None = None) -> Outcome:
        """``created``, or ``duplicate`` when the case (or the delivery) is already there."""

    def apply_edit(self, new_case: dict[str, Any], edit: Edit, delivery: Delivery | None,
                   first_event: dict[str, Any] | None = None) -> Outcome:
        """Replace the text keeping the earlier one (``updated``); create ``new_case`` if unknown (``created``)."""

    def mark_deleted(self, case_id: str, deleted_at: datetime, deleted_by: str | None,
                     delivery: Delivery | None) -> Outcome:
        """``updated``; ``duplicate`` if already marked; ``ignored`` (nothing stored) if the case is unknown."""


@contextlib.contextmanager
def firestore_errors() -> Iterator[None]:
    try:
        yield
    except _TRANSIENT as exc:
        raise StoreUnavailable(f"firestore: {type(exc).__name__}: {exc}") from exc


class FirestoreIntakeStore:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client  # a getter: tests may point the process at another emulator
        self._timeout_s = timeout_s

    def _rpc(self) -> dict[str, Any]:
        retry = Retry(predicate=if_exception_type(gexc.ServiceUnavailable, gexc.DeadlineExceeded,
                                                  gexc.InternalServerError, gexc.ResourceExhausted),
                      initial=0.05, maximum=1.0, multiplier=2.0, timeout=self._timeout_s)
        return {"retry": retry, "timeout": self._timeout_s}

    def _refs(self, case_id: str, delivery: Delivery | None) -> tuple[DocumentReference, DocumentReference | None]:
        db = self._client()
        return (db.collection(CASES).document(case_id),
                db.collection(DELIVERIES).document(delivery.id) if delivery else None)

    def _create(self, case: dict[str, Any], delivery: Delivery | None,
                first_event: dict[str, Any] | None = None) -> bool:
        """Create the case (with its delivery marker and first audit event) in one commit; False when the
        case or the delivery already exists."""
        case_ref, delivery_ref = self._refs(case["id"], delivery)
        try:
            if delivery_ref is None and first_event is None:
                case_ref.create(case, **self._rpc())
            else:
                batch = self._client().batch()
                batch.create(case_ref, case)
                if delivery_ref is not None and delivery is not None:
                    batch.create(delivery_ref, delivery.doc)
                if first_event is not None:
                    batch.create(case_ref.collection(EVENTS).document(f"{first_event['version']:06d}"), first_event)
                batch.commit(**self._rpc())
        except gexc.AlreadyExists:
            return False
        return True

    def create_case(self, case: dict[str, Any], delivery: Delivery | None,
                    first_event: dict[str, Any] | None = None) -> Outcome:
        with firestore_errors():
            if self._create(case, delivery, first_event):
                return Outcome.created
            # Our own commit may have landed before a retried attempt was refused: recognise it.
            snap = self._refs(case["id"], None)[0].get(**self._rpc())
            existing = snap.to_dict() if snap.exists else None
            if existing and existing.get("raw", {}).get("write_id") == case["raw"]["write_id"]:
                return Outcome.created
            return Outcome.duplicate

    def apply_edit(self, new_case: dict[str, Any], edit: Edit, delivery: Delivery | None,
                   first_event: dict[str, Any] | None = None) -> Outcome:
        def change(message: dict[str, Any]) -> dict[str, Any] | None:
            return edit_updates(message, edit)

        return self._update(new_case["id"], change, delivery, create_if_absent=new_case, first_event=first_event)

    def mark_deleted(self, case_id: str, deleted_at: datetime, deleted_by: str | None,
                     delivery: Delivery | None) -> Outcome:
        def change(message: dict[str, Any]) -> dict[str, Any] | None:
            return delete_updates(message, deleted_at, deleted_by)

        return self._update(case_id, change, delivery, create_if_absent=None)

    def _update(self, case_id: str, change: Callable[[dict[str, Any]], dict[str, Any] | None],
                delivery: Delivery | None, create_if_absent: dict[str, Any] | None,
                first_event: dict[str, Any] | None = None) -> Outcome:
        db = self._client()
        case_ref, delivery_ref = self._refs(case_id, delivery)
        with firestore_errors():
            for _ in range(_CONFLICT_ATTEMPTS):
                refs = [case_ref] if delivery_ref is None else [case_ref, delivery_ref]
                snaps = {s.reference.path: s for s in db.get_all(refs, **self._rpc())}
                if delivery_ref is not None and snaps[delivery_ref.path].exists:
                    return Outcome.duplicate
                snap = snaps[case_ref.path]
                if not snap.exists:
                    if create_if_absent is None:
                        return Outcome.ignored
                    if self._create(create_if_absent, delivery, first_event):
                        return Outcome.created
                    continue  # created meanwhile by someone else: apply the change to theirs
                updates = change((snap.to_dict() or {}).get("message", {}))
                if updates is None:
                    return Outcome.duplicate
                batch = db.batch()
                batch.update(case_ref, updates, option=db.write_option(last_update_time=snap.update_time))
                if delivery_ref is not None and delivery is not None:
                    batch.create(delivery_ref, delivery.doc)
                try:
                    batch.commit(**self._rpc())
                except (gexc.FailedPrecondition, gexc.AlreadyExists):
                    continue  # the case changed (or the event was taken) since we read it: read again
                return Outcome.updated
        raise StoreUnavailable(f"case {case_id} kept changing under {_CONFLICT_ATTEMPTS} attempts")
