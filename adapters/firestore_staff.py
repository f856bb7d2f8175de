"""The staff directory on Firestore (``cases.ports.StaffDirectory``): ``staff/{uid}`` mirrors each
person's claims (role, agency); people marked ``active: false`` are left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cases.ports import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client


class FirestoreStaff:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def curators(self) -> list[str]:
        return self._with("curator")

    def leads(self, agency_id: str) -> list[str]:
        return self._with("agency_lead", agency_id)

    def admins(self) -> list[str]:
        return self._with("admin")

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
