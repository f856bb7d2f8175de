"""The staff directory on Firestore (``cases.ports.StaffDirectory``): ``staff/{uid}`` mirrors each
person's claims (role, agency) and holds their e-mail and notification choice; people marked
``active: false`` are left out. A person read is kept a minute (staff change rarely; an event may name
several people)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cases.documents import valid_document_id
from cases.ports import NotifyBy, Person, StoreUnavailable

PERSON_TTL_S = 60.0

if TYPE_CHECKING:
    from google.cloud.firestore import Client


class FirestoreStaff:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s
        self._people: dict[str, tuple[float, Person | None]] = {}

    def curators(self) -> list[str]:
        return self._with("curator")

    def leads(self, agency_id: str) -> list[str]:
        return self._with("agency_lead", agency_id)

    def admins(self) -> list[str]:
        return self._with("admin")

    def executors(self, agency_id: str) -> list[str]:
        return self._with("executor", agency_id)

    def supervisors(self) -> list[str]:
        return self._with("supervisor")

    def person(self, uid: str) -> Person | None:
        from google.api_core import exceptions

        if not valid_document_id(uid):
            return None  # an id from a request (an executor to assign): never a path
        cached = self._people.get(uid)
        if cached is not None and time.monotonic() - cached[0] < PERSON_TTL_S:
            return cached[1]
        try:
            snap = self._client().collection("staff").document(uid).get(timeout=self._timeout_s)
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
            raise StoreUnavailable(f"firestore: staff: {err}") from err
        found = person_from(uid, snap.to_dict()) if snap.exists else None
        self._people[uid] = (time.monotonic(), found)
        return found

    def directory(self, agency_id: str | None = None) -> list[Person]:
        from google.api_core import exceptions
        from google.cloud.firestore import FieldFilter

        query = self._client().collection("staff")
        if agency_id is not None:
            query = query.where(filter=FieldFilter("agency_id", "==", agency_id))  # type: ignore[assignment]
        try:
            docs = list(query.stream(timeout=self._timeout_s))
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
            raise StoreUnavailable(f"firestore: staff: {err}") from err
        people = [p for p in (person_from(doc.id, doc.to_dict()) for doc in docs) if p is not None]
        return sorted(people, key=lambda p: (p.name or p.email or p.uid).lower())

    def _with(self, role: str, agency_id: str | None = None) -> list[str]:
        from google.api_core import exceptions
        from google.cloud.firestore import FieldFilter

        query = self._client().collection("staff").where(filter=FieldFilter("role", "==", role))
        if agency_id is not None:
            query = query.where(filter=FieldFilter("agency_id", "==", agency_id))
        try:
            docs = list(query.stream(timeout=self._timeout_s))
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
            raise StoreUnavailable(f"firestore: staff: {err}") from err
        return sorted(doc.id for doc in docs if (doc.to_dict() or {}).get("active", True) is not False)


def person_from(uid: str, doc: dict[str, Any] | None) -> Person | None:
    if not doc or doc.get("active", True) is False:
        return None
    chosen = doc.get("notify_by")
    notify_by: NotifyBy = chosen if chosen in ("email", "digest", "inapp") else "email"
    return Person(uid=uid, email=str(doc.get("email") or ""), name=str(doc.get("name") or ""),
                  role=str(doc.get("role") or ""), agency_id=doc.get("agency_id"), notify_by=notify_by)
