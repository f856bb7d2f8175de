"""The senders' event ids seen once: the ``IntakeStore`` port and its Firestore adapter
(``intake_deliveries/{id}``).

VK and Telegram redeliver an event until they get their answer; its id (VK ``event_id``, Telegram
``update_id``) is remembered so that an edit or a deletion is applied once. A new message's marker is
created in the same commit as its case (``cases.ports.SideDocument``). Every call has a short explicit
deadline, and every way Firestore can fail to answer becomes ``StoreUnavailable`` (503, the sender retries).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import grpc
from google.api_core import exceptions as gexc
from google.api_core.retry import Retry, if_exception_type

from intake.documents import Delivery
from intake.errors import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client

DELIVERIES = "intake_deliveries"

_TRANSIENT = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.InternalServerError, gexc.Aborted,
              gexc.Unknown, gexc.ResourceExhausted, gexc.RetryError, grpc.RpcError)


class IntakeStore(Protocol):
    def seen(self, delivery: Delivery) -> bool:
        """Whether this sender's event was handled already."""

    def remember(self, delivery: Delivery) -> None:
        """Mark it handled (once: a second mark changes nothing)."""


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

    def seen(self, delivery: Delivery) -> bool:
        with firestore_errors():
            return bool(self._client().collection(DELIVERIES).document(delivery.id).get(**self._rpc()).exists)

    def remember(self, delivery: Delivery) -> None:
        with firestore_errors():
            try:
                self._client().collection(DELIVERIES).document(delivery.id).create(delivery.doc, **self._rpc())
            except gexc.AlreadyExists:
                pass
