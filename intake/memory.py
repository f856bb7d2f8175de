"""An in-memory ``IntakeStore`` with the Firestore adapter's semantics, for the service's unit tests."""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any

from intake.documents import Delivery, Edit, delete_updates, edit_updates
from intake.errors import StoreUnavailable
from intake.models import Outcome


class InMemoryIntakeStore:
    def __init__(self) -> None:
        self.cases: dict[str, dict[str, Any]] = {}
        self.deliveries: dict[str, dict[str, Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.available = True
        self._lock = threading.Lock()

    def _check(self) -> None:
        if not self.available:
            raise StoreUnavailable("in-memory store switched off")

    def create_case(self, case: dict[str, Any], delivery: Delivery | None,
                    first_event: dict[str, Any] | None = None) -> Outcome:
        with self._lock:
            self._check()
            if case["id"] in self.cases or (delivery and delivery.id in self.deliveries):
                return Outcome.duplicate
            self._put(case, delivery, first_event)
            return Outcome.created

    def apply_edit(self, new_case: dict[str, Any], edit: Edit, delivery: Delivery | None,
                   first_event: dict[str, Any] | None = None) -> Outcome:
        with self._lock:
            self._check()
            if delivery and delivery.id in self.deliveries:
                return Outcome.duplicate
            case = self.cases.get(new_case["id"])
            if case is None:
                self._put(new_case, delivery, first_event)
                return Outcome.created
            return self._apply(case, edit_updates(case["message"], edit), delivery)

    def mark_deleted(self, case_id: str, deleted_at: datetime, deleted_by: str | None,
                     delivery: Delivery | None) -> Outcome:
        with self._lock:
            self._check()
            if delivery and delivery.id in self.deliveries:
                return Outcome.duplicate
            case = self.cases.get(case_id)
            if case is None:
                return Outcome.ignored
            return self._apply(case, delete_updates(case["message"], deleted_at, deleted_by), delivery)

    def _put(self, case: dict[str, Any], delivery: Delivery | None, first_event: dict[str, Any] | None) -> None:
        self.cases[case["id"]] = copy.deepcopy(case)
        if first_event is not None:
            self.events[case["id"]] = [copy.deepcopy(first_event)]
        if delivery:
            self.deliveries[delivery.id] = dict(delivery.doc)

    def _apply(self, case: dict[str, Any], updates: dict[str, Any] | None, delivery: Delivery | None) -> Outcome:
        if updates is None:
            return Outcome.duplicate
        for path, value in updates.items():
            *parents, leaf = path.split(".")
            target = case
            for name in parents:
                target = target[name]
            target[leaf] = copy.deepcopy(value)
        if delivery:
            self.deliveries[delivery.id] = dict(delivery.doc)
        return Outcome.updated
