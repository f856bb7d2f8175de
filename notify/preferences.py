"""What a person does with their own notifications: mark them read, and choose how they are told
(``staff/{uid}.notify_by``: e-mail, a daily digest, or the web client only). The staff API's side;
Firestore adapter below (the web client itself writes nothing: firestore.rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from cases.errors import Invalid, NotFound
from cases.ports import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client

NOTIFY_BY = ("email", "digest", "inapp")
READ_ALL_LIMIT = 500


class Notifications(Protocol):
    def mark_read(self, uid: str, notification_id: str) -> None:
        """NotFound if there is no such notification, or it is someone else's (the same answer)."""
        ...

    def mark_all_read(self, uid: str) -> int: ...

    def set_notify_by(self, uid: str, notify_by: str) -> None: ...


def check_notify_by(value: Any) -> str:
    if value not in NOTIFY_BY:
        raise Invalid("Способ уведомлений: email (письмом), digest (сводкой раз в день) или inapp (только в "
                      "веб-клиенте).", code="notify_by_invalid")
    return str(value)


class FirestoreNotifications:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def mark_read(self, uid: str, notification_id: str) -> None:
        ref = self._client().collection("notifications").document(notification_id)
        with _outages():
            snap = ref.get(timeout=self._timeout_s)
            if not snap.exists or (snap.to_dict() or {}).get("recipient_uid") != uid:
                raise NotFound("Уведомление не найдено.")  # someone else's looks the same as none
            ref.update({"read": True}, timeout=self._timeout_s)

    def mark_all_read(self, uid: str) -> int:
        from google.cloud.firestore import FieldFilter

        query = (self._client().collection("notifications").where(filter=FieldFilter("recipient_uid", "==", uid))
                 .where(filter=FieldFilter("read", "==", False)).limit(READ_ALL_LIMIT))
        with _outages():
            refs = [snap.reference for snap in query.stream(timeout=self._timeout_s)]
            batch = self._client().batch()
            for ref in refs:
                batch.update(ref, {"read": True})
            if refs:
                batch.commit(timeout=self._timeout_s)
        return len(refs)

    def set_notify_by(self, uid: str, notify_by: str) -> None:
        with _outages():
            self._client().collection("staff").document(uid).set({"notify_by": check_notify_by(notify_by)},
                                                                 merge=True, timeout=self._timeout_s)


def _outages() -> Any:
    from infra.firestore import outages_as

    return outages_as(StoreUnavailable)
