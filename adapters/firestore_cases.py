"""The case repository on Firestore (``cases.ports.CaseRepository``).

Every write is one atomic commit of the case (merged: each workflow field replaced whole) and the events
that explain it (created: ``cases/{id}/events/{version:06d}``). A command reads the case, decides, and
commits with the case's ``update_time`` as precondition: if anyone wrote the case in between (another
command, an escalation, a source's edit), the commit is refused and the command runs again on what is
there now, up to a few times. For one document that is exactly what a transaction gives, with every RPC
under our own short deadline (a server transaction's begin would use the library's 60 s one), so an
outage is a prompt ``StoreUnavailable`` (503 and a retry by the sender).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from google.api_core import exceptions as gexc

from cases.documents import (
    EVENTS,
    NUMBER_CHUNK,
    NUMBERS,
    RETAINED_AFTER,
    all_scheduled,
    case_number,
    command_write,
    created_document,
    event_doc,
    event_id,
    number_year,
    numbered_fields,
    valid_document_id,
)
from cases.errors import NotFound
from cases.events import CaseEvent
from cases.model import Case
from cases.ports import Apply, Authorize, CaseRepository, Committed, SideDocument, StoreUnavailable
from infra.firestore import bounded, outages_as

if TYPE_CHECKING:
    from google.cloud.firestore import Client, DocumentReference, DocumentSnapshot

CASES = "cases"
ATTEMPTS = 8  # a case written by someone else meanwhile: read again and decide again
NUMBER_ATTEMPTS = 8  # commits per numbering run (numbered chunks and refused ones together)


def firestore_errors() -> Any:
    return outages_as(StoreUnavailable)


class FirestoreCases(CaseRepository):
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client  # a getter: the client is built on first use, never at import
        self._timeout_s = timeout_s

    def _rpc(self) -> dict[str, Any]:
        return bounded(self._timeout_s)

    def _ref(self, case_id: str) -> DocumentReference:
        if not valid_document_id(case_id):  # an id from a request or a task: never a path, never a 5xx
            raise NotFound(f"Обращение {case_id[:100]} не найдено.")
        return self._client().collection(CASES).document(case_id)

    def _snap(self, case_id: str) -> DocumentSnapshot:
        with firestore_errors():
            return self._ref(case_id).get(**self._rpc())

    # -- writes -------------------------------------------------------------------------------------
    def create(self, document: dict[str, Any], case: Case, events: list[CaseEvent],
               sides: Sequence[SideDocument] = ()) -> bool:
        db, ref = self._client(), self._ref(case.id)
        batch = db.batch()
        batch.create(ref, created_document(document, case, events))
        for event in events:
            batch.create(ref.collection(EVENTS).document(event_id(event.version)), event_doc(event, case.agency_ids))
        for side in sides:
            batch.create(db.collection(side.collection).document(side.id), side.doc)
        with firestore_errors():
            try:
                batch.commit(**self._rpc())
                return True
            except gexc.AlreadyExists:
                pass
            # Our own commit may have landed before a retried attempt was refused: recognise it.
            mine = (document.get("raw") or {}).get("write_id")
            there = self._ref(case.id).get(**self._rpc())
            return bool(mine) and there.exists and ((there.to_dict() or {}).get("raw") or {}).get("write_id") == mine

    def give_numbers(self, limit: int) -> int:
        """Up to `limit` unnumbered cases, the earliest detected first, get the next numbers of their year: the
        cases and the year's counter in one commit, each on the condition that nobody wrote it meanwhile.
        A commit refused (another numbering run, or a command on one of the cases) reads again, a few times;
        what is left is the next call's."""
        from google.cloud.firestore import DELETE_FIELD

        db, given = self._client(), 0
        for _ in range(NUMBER_ATTEMPTS):
            query = self._where("unnumbered", "==", True).order_by("detected_at").limit(min(NUMBER_CHUNK, limit - given))
            with firestore_errors():
                snaps = list(query.stream(timeout=self._timeout_s))
            if not snaps:
                return given
            year = number_year(snaps[0].get("detected_at"))
            chunk = [snap for snap in snaps if number_year(snap.get("detected_at")) == year]
            counter = db.collection(NUMBERS).document(year)
            with firestore_errors():
                seen = counter.get(**self._rpc())
            last = int((seen.to_dict() or {}).get("last", 0))
            batch = db.batch()
            for offset, snap in enumerate(chunk, 1):
                fields = numbered_fields(snap.to_dict() or {}, case_number(year, last + offset))
                batch.update(snap.reference, {**fields, "unnumbered": DELETE_FIELD},
                             option=db.write_option(last_update_time=snap.update_time))
            if seen.exists:
                batch.update(counter, {"last": last + len(chunk)}, option=db.write_option(last_update_time=seen.update_time))
            else:
                batch.create(counter, {"last": last + len(chunk)})
            with firestore_errors():
                try:
                    batch.commit(**self._rpc())
                except (gexc.FailedPrecondition, gexc.AlreadyExists):
                    continue
            given += len(chunk)
            if given >= limit:
                break
        return given

    def execute(self, case_id: str, seen_version: int | None, apply: Apply,
                authorize: Authorize | None = None) -> Committed:
        from google.cloud.firestore import DELETE_FIELD

        db, ref = self._client(), self._ref(case_id)
        for _ in range(ATTEMPTS):
            snap = self._snap(case_id)
            if not snap.exists:
                raise NotFound(f"Обращение {case_id} не найдено.")
            committed, updates, removed, events = command_write(snap.to_dict() or {}, seen_version, apply, authorize)
            batch = db.batch()
            batch.update(ref, {**updates, **{name: DELETE_FIELD for name in removed}},
                         option=db.write_option(last_update_time=snap.update_time))
            for eid, event in events:
                batch.create(ref.collection(EVENTS).document(eid), event)
            with firestore_errors():
                try:
                    batch.commit(**self._rpc())
                except (gexc.FailedPrecondition, gexc.AlreadyExists):
                    continue  # written meanwhile: decide again on what is there now
            return committed
        raise StoreUnavailable(f"case {case_id} kept changing under {ATTEMPTS} attempts")

    def confirm_scheduled(self, case_id: str, created: Iterable[str]) -> bool:
        from google.cloud.firestore import DELETE_FIELD

        names = set(created)
        for _ in range(ATTEMPTS):
            snap = self._snap(case_id)
            if not snap.exists or not all_scheduled(snap.to_dict() or {}, names):
                return False
            if "unscheduled" not in (snap.to_dict() or {}):
                return True
            db = self._client()
            with firestore_errors():
                try:
                    self._ref(case_id).update({"unscheduled": DELETE_FIELD},
                                              option=db.write_option(last_update_time=snap.update_time),
                                              **self._rpc())
                except gexc.FailedPrecondition:
                    continue
            return True
        return False

    def mark_dispatched(self, case_id: str, version: int) -> None:
        with firestore_errors():
            self._ref(case_id).collection(EVENTS).document(event_id(version)).update(
                {"dispatched": True}, **self._rpc())

    # -- reads --------------------------------------------------------------------------------------
    def get(self, case_id: str) -> dict[str, Any]:
        snap = self._snap(case_id)
        if not snap.exists:
            raise NotFound(f"Обращение {case_id} не найдено.")
        return snap.to_dict() or {}

    def exists(self, case_id: str) -> bool:
        if not valid_document_id(case_id):
            return False
        with firestore_errors():
            return bool(self._ref(case_id).get(field_paths=["state"], **self._rpc()).exists)

    def events(self, case_id: str) -> list[dict[str, Any]]:
        query = self._ref(case_id).collection(EVENTS).order_by("version")
        with firestore_errors():
            return [snap.to_dict() or {} for snap in query.stream(timeout=self._timeout_s)]

    def undispatched(self, case_id: str) -> list[dict[str, Any]]:
        from google.cloud.firestore import FieldFilter

        query = self._ref(case_id).collection(EVENTS).where(filter=FieldFilter("dispatched", "==", False))
        with firestore_errors():
            found = [snap.to_dict() or {} for snap in query.stream(timeout=self._timeout_s)]
        return sorted(found, key=lambda e: int(e.get("version", 0)))

    # -- the sweep's queries: each through a single-field index (firestore.indexes.json) -------------
    def due(self, now: datetime, limit: int) -> list[str]:
        from google.cloud.firestore import FieldFilter, Query

        query = (self._client().collection(CASES).where(filter=FieldFilter("next_due", "<=", now))
                 .order_by("next_due", direction=Query.ASCENDING).limit(limit))
        return self._ids(query)

    def unscheduled(self, limit: int) -> list[str]:
        return self._ids(self._where("unscheduled", "==", True).limit(limit))

    def erasable(self, before: datetime, limit: int) -> list[str]:
        from google.cloud.firestore import FieldFilter

        query = (self._where("personal_data", "==", True).where(filter=FieldFilter("state", "in", list(RETAINED_AFTER)))
                 .where(filter=FieldFilter("updated_at", "<", before)).order_by("updated_at").limit(limit))
        return self._ids(query)

    def delete_side(self, collection: str, doc_id: str) -> None:
        if valid_document_id(doc_id):
            with firestore_errors():
                self._client().collection(collection).document(doc_id).delete(**self._rpc())

    def by_author(self, *, url: str | None = None, name: str | None = None, limit: int = 500) -> list[str]:
        found: list[str] = []
        for field, value in (("message.author.url", url), ("message.author.name", name)):
            if value:
                found += [i for i in self._ids(self._where(field, "==", value).limit(limit)) if i not in found]
        return found[:limit]

    def redact_events(self, case_id: str, keys: frozenset[str], replacement: str) -> int:
        db, changed = self._client(), 0
        with firestore_errors():
            snaps = list(self._ref(case_id).collection(EVENTS).stream(timeout=self._timeout_s))
            batch = db.batch()
            for snap in snaps:
                payload = (snap.to_dict() or {}).get("payload") or {}
                hit = {f"payload.{k}": replacement for k in payload if k in keys and payload[k] not in (None, "", replacement)}
                if hit:
                    batch.update(snap.reference, hit)
                    changed += 1
            if changed:
                batch.commit(**self._rpc())
        return changed

    def with_provisional_years(self, years: list[int], limit: int) -> list[str]:
        return self._ids(self._where("provisional_years", "array_contains_any", years).limit(limit))

    def without_deadlines(self, limit: int) -> list[tuple[str, str]]:
        query = self._where("deadlines_error", ">", "").limit(limit)
        with firestore_errors():
            return [(snap.id, str((snap.to_dict() or {}).get("deadlines_error", "")))
                    for snap in query.stream(timeout=self._timeout_s)]

    def with_undispatched_events(self, limit: int) -> list[str]:
        from google.cloud.firestore import FieldFilter

        query = (self._client().collection_group(EVENTS).where(filter=FieldFilter("dispatched", "==", False))
                 .limit(limit))
        with firestore_errors():
            parents = {snap.reference.parent.parent for snap in query.stream(timeout=self._timeout_s)}
        return sorted(ref.id for ref in parents if ref is not None and ref.parent.id == CASES)

    def _where(self, name: str, op: str, value: Any) -> Any:
        from google.cloud.firestore import FieldFilter

        return self._client().collection(CASES).where(filter=FieldFilter(name, op, value))

    def _ids(self, query: Any) -> list[str]:
        with firestore_errors():
            return [snap.id for snap in query.select([]).stream(timeout=self._timeout_s)]
