"""The senders' event ids seen once: the ``IntakeStore`` port and its Firestore adapter
(``intake_deliveries/{id}``).

VK and Telegram redeliver an event until they get their answer; its id (VK ``event_id``, Telegram
``update_id``) is remembered so that an edit or a deletion is applied once. A new message's marker is
created in the same commit as its case (``cases.ports.SideDocument``). Every call has a short explicit
deadline, and every way Firestore can fail to answer becomes ``StoreUnavailable`` (503, the sender retries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from google.api_core import exceptions as gexc

from infra.firestore import bounded, outages_as
from intake.documents import Delivery
from intake.errors import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client

DELIVERIES = "intake_deliveries"


class IntakeStore(Protocol):
    def seen(self, delivery: Delivery) -> bool:
        """Whether this sender's event was handled already."""

    def remember(self, delivery: Delivery) -> None:
        """Mark it handled (once: a second mark changes nothing)."""


def firestore_errors() -> Any:
    """Firestore's outages as intake's ``StoreUnavailable`` (503, the sender retries)."""
    return outages_as(StoreUnavailable)


class FirestoreIntakeStore:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client  # a getter: tests may point the process at another emulator
        self._timeout_s = timeout_s

    def seen(self, delivery: Delivery) -> bool:
        with firestore_errors():
            return bool(self._client().collection(DELIVERIES).document(delivery.id).get(**bounded(self._timeout_s)).exists)

    def remember(self, delivery: Delivery) -> None:
        with firestore_errors():
            try:
                self._client().collection(DELIVERIES).document(delivery.id).create(delivery.doc, **bounded(self._timeout_s))
            except gexc.AlreadyExists:
                pass
