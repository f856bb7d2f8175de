"""Where in-app notifications go (``notify.inapp.Inbox``): ``notifications/{id}`` on Firestore, or a dict."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cases.ports import StoreUnavailable
from notify.inapp import COLLECTION

# 152-FZ: a notification names a case and quotes what happened; a Firestore TTL policy on `expire_at`
# removes it after this (docs/personal-data.md).
NOTIFICATION_TTL = timedelta(days=180)


def expiring(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "expire_at": doc["created_at"] + NOTIFICATION_TTL} if doc.get("created_at") else doc

if TYPE_CHECKING:
    from google.cloud.firestore import Client


class FirestoreInbox:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def put(self, doc_id: str, doc: dict[str, Any]) -> bool:
        from google.api_core import exceptions

        try:
            self._client().collection(COLLECTION).document(doc_id).create(expiring(doc), timeout=self._timeout_s)
        except exceptions.AlreadyExists:
            return False
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
            raise StoreUnavailable(f"firestore: notifications: {err}") from err
        return True

    def get(self, doc_id: str) -> dict[str, Any] | None:
        snap = self._client().collection(COLLECTION).document(doc_id).get(timeout=self._timeout_s)
        return snap.to_dict() if snap.exists else None


class InMemoryInbox:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    def put(self, doc_id: str, doc: dict[str, Any]) -> bool:
        if doc_id in self.docs:
            return False
        self.docs[doc_id] = copy.deepcopy(expiring(doc))
        return True

    def get(self, doc_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.docs.get(doc_id))
