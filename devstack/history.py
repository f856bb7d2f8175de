"""Past months of cases for the demo and the report benchmark, made by the real workflow.

Each case is opened and worked through ``CaseService`` over the in-memory repository at moments drawn
from a seeded generator: routed (now and then late, or returned as not competent and routed again, or
excluded under §19), accepted, drafted (sometimes returned for rework, sometimes with an intermediate
answer first), approved with a rating, published (which closes it). Every case ends finished, so its
deadlines and facts are what the workflow stored, and the sweep finds nothing to do with them. Written
to Firestore as intake and the workflow write (the case and its audit events, the events already
delivered: old months notify nobody).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cases.memory import InMemoryCases
from cases.model import Actor
from deadlines.policy import default_policy
from infra.tasks import TaskRequest
from reports.figures import month_bounds
from workflow.service import CaseService

DATA = Path(__file__).resolve().parent / "data"
CURATOR = Actor(uid="history-curator", role="curator")
COMMUNITIES = [("218000001", "Ижевск — обратная связь"), ("218000002", "Глазов live"),
               ("218000003", "Сарапул сегодня"), ("218000004", "Воткинск. Новости")]


class _Later(Exception):  # noqa: N818 - the case's next step is after ``until``: it stays where it is
    pass


class _NoQueue:
    def create(self, task: TaskRequest) -> bool:
        return True


def _texts() -> list[str]:
    return [m["text"] for m in json.loads((DATA / "demo_messages.json").read_text(encoding="utf-8"))["messages"]]


def _agencies() -> list[str]:
    return [a["id"] for a in json.loads((DATA / "agencies.json").read_text(encoding="utf-8"))["agencies"]]


class History:
    """Cases of past months, worked through the workflow in memory (``repo``)."""

    def __init__(self, seed: int = 21, agencies: list[str] | None = None, until: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.until = until
        self.repo = InMemoryCases()
        self.agencies = agencies or _agencies()
        self.texts = _texts()
        self.now = datetime.now().astimezone()
        self.service = CaseService(self.repo, default_policy, _NoQueue(), lambda: self.now, "http://history.invalid",
                                   lambda: set(self.agencies))

    def month(self, month: str, count: int) -> list[str]:
        """``count`` cases detected in ``month`` (Izhevsk time), each worked to its end; their ids."""
        start, end = month_bounds(month)
        seconds = (end - start).total_seconds()
        ids = []
        for i in range(count):
            detected = start + timedelta(seconds=self.rng.uniform(0, seconds - 3 * 24 * 3600))
            case_id = f"vk-h{month.replace('-', '')}_{i}"
            try:
                self._work(case_id, detected)
            except _Later:
                pass
            ids.append(case_id)
        return ids

    def _open(self, case_id: str, at: datetime) -> None:
        group, name = self.rng.choice(COMMUNITIES)
        self.now = at
        doc = {"id": case_id, "detected_at": at, "received_at": at, "updated_at": at,
               "message": {"network": "vk", "external_id": f"-{group}_{case_id}", "text": self.rng.choice(self.texts),
                           "author": {"name": "Житель"}},
               "source": {"kind": "vk", "id": group, "name": name}}
        assert self.service.open_case(doc, case_id, at) is not None

    def _do(self, case_id: str, who: Actor, command: str, at: datetime, **body: Any) -> datetime:
        if self.until is not None and at > self.until:
            raise _Later
        self.now = at
        version = self.repo.docs[case_id]["version"]
        self.service.execute(case_id, who, command, {"version": version, **body})
        return at

    def _after(self, at: datetime, low_min: float, high_min: float) -> datetime:
        return at + timedelta(minutes=self.rng.uniform(low_min, high_min))

    def _work(self, case_id: str, detected: datetime) -> None:
        rng, do = self.rng, self._do
        self._open(case_id, detected)
        if rng.random() < 0.04:  # §19: obscene or threatening, excluded
            at = do(case_id, CURATOR, "flag_exclusion", self._after(detected, 5, 50), reason="obscenity")
            do(case_id, CURATOR, "confirm_exclusion", self._after(at, 2, 20))
            return
        late = rng.random() < 0.12
        agency = self.agencies[min(int(rng.expovariate(0.25)), len(self.agencies) - 1)]
        executor = Actor(uid=f"history-{agency}", role="executor", agency_id=agency)
        at = do(case_id, CURATOR, "route", self._after(detected, 90, 400) if late else self._after(detected, 5, 50),
                agency_ids=[agency])
        if rng.random() < 0.06:  # not theirs: back to the curator, to another agency
            at = do(case_id, executor, "return_not_competent", self._after(at, 10, 50), reason="Не наша компетенция")
            agency = rng.choice([a for a in self.agencies if a != agency])
            executor = Actor(uid=f"history-{agency}", role="executor", agency_id=agency)
            at = do(case_id, CURATOR, "route", self._after(at, 5, 40), agency_ids=[agency])
        at = do(case_id, executor, "accept", self._after(at, 5, 80))
        if rng.random() < 0.05:  # §15: an intermediate answer first
            at = do(case_id, executor, "submit_draft", self._after(at, 30, 200), text="Промежуточный ответ",
                    intermediate=True)
            at = do(case_id, CURATOR, "approve", self._after(at, 10, 50))
            at = do(case_id, executor, "publish", self._after(at, 10, 50), url="https://vk.com/wall-1_1")
            at = self._after(at, 24 * 60, 8 * 24 * 60)
        draft_after = (24 * 60, 5 * 24 * 60) if late else (60, 20 * 60)
        at = do(case_id, executor, "submit_draft", self._after(at, *draft_after), text="Проект ответа",
                measures_taken="Проведён осмотр, работы запланированы" if rng.random() < 0.3 else None)
        for _ in range(2 if rng.random() < 0.05 else 1 if rng.random() < 0.22 else 0):
            at = do(case_id, CURATOR, "return_for_rework", self._after(at, 10, 80), comment="Уточните сроки работ")
            at = do(case_id, executor, "submit_draft", self._after(at, 30, 300), text="Проект ответа, доработанный")
        rating = rng.choices([5, 4, 3, 2], weights=[55, 30, 11, 4])[0]
        at = do(case_id, CURATOR, "approve", self._after(at, 10, 90), rating=rating)
        do(case_id, executor, "publish", self._after(at, 10, 70), url=f"https://vk.com/wall-1_{case_id}")

    def documents(self) -> Iterator[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]:
        """(id, case document, its events by id) of every case made."""
        for case_id, doc in self.repo.docs.items():
            yield case_id, doc, self.repo.trails.get(case_id, {})


def shifted(value: Any, by: timedelta) -> Any:
    """A document with every moment in it moved by ``by`` (the benchmark's copies of a made case)."""
    if isinstance(value, datetime):
        return value + by
    if isinstance(value, dict):
        return {k: shifted(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [shifted(v, by) for v in value]
    return value


def write(db: Any, cases: Iterator[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]],
          with_events: bool = True, on_batch: Callable[[int], None] = lambda n: None) -> int:
    """Write cases (and their events, delivered) to Firestore in batches; how many cases."""
    batch, pending, written = db.batch(), 0, 0
    for case_id, doc, events in cases:
        ref = db.collection("cases").document(case_id)
        batch.set(ref, doc)
        pending += 1
        if with_events:
            for event_id, event in events.items():
                batch.set(ref.collection("events").document(event_id), {**event, "dispatched": True})
                pending += 1
        written += 1
        if pending >= 400:
            batch.commit()
            on_batch(written)
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()
    return written
