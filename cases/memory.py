"""The case repository in memory: the Firestore adapter's semantics without Firestore, for the unit tests
of the workflow, escalation, the sweep and the outbox (``tests/cases/test_repository_contract.py`` holds
both to one contract). Also an in-memory staff directory."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cases.documents import (
    RETAINED_AFTER,
    all_scheduled,
    case_number,
    command_write,
    created_document,
    event_doc,
    event_id,
    number_year,
    numbered_fields,
)
from cases.errors import NotFound
from cases.events import CaseEvent
from cases.model import Case
from cases.ports import (
    Apply,
    Authorize,
    CaseRepository,
    Committed,
    Person,
    SideDocument,
    StoreUnavailable,
)


class InMemoryCases(CaseRepository):
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.trails: dict[str, dict[str, dict[str, Any]]] = {}  # case -> event id -> event
        self.side: dict[str, dict[str, dict[str, Any]]] = {}  # collection -> id -> document
        self.available = True
        self.writes = 0  # commits, for tests that count them
        self.numbers: dict[str, int] = {}  # year -> the last short number given
        self._lock = threading.RLock()

    def _check(self) -> None:
        if not self.available:
            raise StoreUnavailable("the in-memory store is switched off")

    # -- writes -------------------------------------------------------------------------------------
    def create(self, document: dict[str, Any], case: Case, events: list[CaseEvent],
               sides: Sequence[SideDocument] = ()) -> bool:
        with self._lock:
            self._check()
            if case.id in self.docs:
                mine = (document.get("raw") or {}).get("write_id")
                return bool(mine) and (self.docs[case.id].get("raw") or {}).get("write_id") == mine
            if any(side.id in self.side.get(side.collection, {}) for side in sides):
                return False
            self.docs[case.id] = copy.deepcopy(created_document(document, case, events))
            self.trails[case.id] = {event_id(e.version): event_doc(e, case.agency_ids) for e in events}
            for side in sides:
                self.side.setdefault(side.collection, {})[side.id] = copy.deepcopy(side.doc)
            self.writes += 1
            return True

    def give_numbers(self, limit: int) -> int:
        with self._lock:
            self._check()
            waiting = sorted((d["detected_at"], i) for i, d in self.docs.items() if d.get("unnumbered"))[:limit]
            for detected_at, case_id in waiting:
                year = number_year(detected_at)
                self.numbers[year] = self.numbers.get(year, 0) + 1
                doc = self.docs[case_id]
                doc.update(numbered_fields(doc, case_number(year, self.numbers[year])))
                del doc["unnumbered"]
            return len(waiting)

    def execute(self, case_id: str, seen_version: int | None, apply: Apply,
                authorize: Authorize | None = None) -> Committed:
        with self._lock:
            self._check()
            doc = self.docs.get(case_id)
            if doc is None:
                raise NotFound(f"Обращение {case_id} не найдено.")
            committed, updates, removed, events = command_write(copy.deepcopy(doc), seen_version, apply, authorize)
            trail = self.trails.setdefault(case_id, {})
            if any(eid in trail for eid, _ in events):
                raise RuntimeError(f"case {case_id}: event ids {[e for e, _ in events]} taken")  # a bug, not a race
            doc.update(copy.deepcopy(updates))
            for name in removed:
                doc.pop(name, None)
            trail.update({eid: copy.deepcopy(event) for eid, event in events})
            self.writes += 1
            return committed

    def confirm_scheduled(self, case_id: str, created: Iterable[str]) -> bool:
        with self._lock:
            self._check()
            doc = self.docs.get(case_id)
            if doc is None or not all_scheduled(doc, set(created)):
                return False
            doc.pop("unscheduled", None)
            return True

    def mark_dispatched(self, case_id: str, version: int) -> None:
        with self._lock:
            self._check()
            event = self.trails.get(case_id, {}).get(event_id(version))
            if event is not None:
                event["dispatched"] = True

    # -- reads --------------------------------------------------------------------------------------
    def get(self, case_id: str) -> dict[str, Any]:
        with self._lock:
            self._check()
            if case_id not in self.docs:
                raise NotFound(f"Обращение {case_id} не найдено.")
            return copy.deepcopy(self.docs[case_id])

    def exists(self, case_id: str) -> bool:
        with self._lock:
            self._check()
            return case_id in self.docs

    def events(self, case_id: str) -> list[dict[str, Any]]:
        with self._lock:
            self._check()
            return [copy.deepcopy(e) for _, e in sorted(self.trails.get(case_id, {}).items())]

    def undispatched(self, case_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events(case_id) if e.get("dispatched") is False]

    # -- the sweep's queries ------------------------------------------------------------------------
    def due(self, now: datetime, limit: int) -> list[str]:
        with self._lock:
            found = sorted((d["next_due"], i) for i, d in self.docs.items() if d.get("next_due") and d["next_due"] <= now)
            return [i for _, i in found][:limit]

    def unscheduled(self, limit: int) -> list[str]:
        return self._where(lambda d: d.get("unscheduled") is True, limit)

    def erasable(self, before: datetime, limit: int) -> list[str]:
        with self._lock:
            found = sorted((d["updated_at"], i) for i, d in self.docs.items()
                           if d.get("personal_data", True) and d.get("state") in RETAINED_AFTER and d.get("updated_at")
                           and d["updated_at"] < before)
            return [i for _, i in found[:limit]]

    def delete_side(self, collection: str, doc_id: str) -> None:
        with self._lock:
            self._check()
            self.side.get(collection, {}).pop(doc_id, None)

    def by_author(self, *, url: str | None = None, name: str | None = None, limit: int = 500) -> list[str]:
        def match(d: dict[str, Any]) -> bool:
            author = (d.get("message") or {}).get("author") or {}
            return bool((url and author.get("url") == url) or (name and author.get("name") == name))

        return self._where(match, limit)

    def redact_events(self, case_id: str, keys: frozenset[str], replacement: str) -> int:
        with self._lock:
            self._check()
            changed = 0
            for event in self.trails.get(case_id, {}).values():
                payload = event.get("payload") or {}
                hit = [k for k in payload if k in keys and payload[k] not in (None, "", replacement)]
                for key in hit:
                    payload[key] = replacement
                changed += bool(hit)
            return changed

    def with_provisional_years(self, years: list[int], limit: int) -> list[str]:
        return self._where(lambda d: bool(set(d.get("provisional_years") or []) & set(years)), limit)

    def without_deadlines(self, limit: int) -> list[tuple[str, str]]:
        ids = self._where(lambda d: bool(d.get("deadlines_error")), limit)
        return [(i, str(self.docs[i]["deadlines_error"])) for i in ids]

    def with_undispatched_events(self, limit: int) -> list[str]:
        with self._lock:
            return sorted(i for i, trail in self.trails.items()
                          if any(e.get("dispatched") is False for e in trail.values()))[:limit]

    def _where(self, match: Any, limit: int) -> list[str]:
        with self._lock:
            self._check()
            return sorted(i for i, d in self.docs.items() if match(d))[:limit]


@dataclass
class InMemoryStaff:
    """A ``StaffDirectory``: uid -> (role, agency) or a ``Person``, all active."""

    people: dict[str, tuple[str, str | None] | Person] = field(default_factory=dict)

    def _all(self) -> list[Person]:
        return [p if isinstance(p, Person) else Person(uid, f"{uid}@example.ru", uid, p[0], p[1])
                for uid, p in sorted(self.people.items())]

    def _with(self, role: str, agency_id: str | None = None) -> list[str]:
        return [p.uid for p in self._all() if p.role == role and (agency_id is None or p.agency_id == agency_id)]

    def curators(self) -> list[str]:
        return self._with("curator")

    def leads(self, agency_id: str) -> list[str]:
        return self._with("agency_lead", agency_id)

    def executors(self, agency_id: str) -> list[str]:
        return self._with("executor", agency_id)

    def supervisors(self) -> list[str]:
        return self._with("supervisor")

    def admins(self) -> list[str]:
        return self._with("admin")

    def person(self, uid: str) -> Person | None:
        return next((p for p in self._all() if p.uid == uid), None)

    def directory(self, agency_id: str | None = None) -> list[Person]:
        found = [p for p in self._all() if agency_id is None or p.agency_id == agency_id]
        return sorted(found, key=lambda p: (p.name or p.uid).lower())
