"""An in-memory ``IntakeStore`` (the senders' event ids), for the service's unit tests."""

from __future__ import annotations

from typing import Any

from intake.documents import Delivery
from intake.errors import StoreUnavailable


class InMemoryIntakeStore:
    def __init__(self) -> None:
        self.deliveries: dict[str, dict[str, Any]] = {}
        self.available = True

    def seen(self, delivery: Delivery) -> bool:
        self._check()
        return delivery.id in self.deliveries

    def remember(self, delivery: Delivery) -> None:
        self._check()
        self.deliveries.setdefault(delivery.id, dict(delivery.doc))

    def _check(self) -> None:
        if not self.available:
            raise StoreUnavailable("in-memory store switched off")
