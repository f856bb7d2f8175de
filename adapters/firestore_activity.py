"""The surge detector's store on Firestore (``oversight.surge.ActivityStore``) and the recent messages a
§22 report compares against.

    activity/{k}                 {key, dimension, label, surge: <the key's latest episode id>}
    activity/{k}/days/{YYYYMMDD} {entries: ["MMMM|case_id", ...]}   (minute of the day, Izhevsk time)
    activity_meta/since          {day: "YYYYMMDD"}                  (the first day counted)
    surges/{id}                  the episode (oversight.surge.Episode.document)

``k`` is a hash of the key (keys hold ':' and any community id). An entry is added with ``ArrayUnion``:
a message counted twice is counted once. Days before today do not change (but for a late backlog), so
they are kept ten minutes per instance: a surging key reads its 14 baseline days once, not per message.
An episode changes in a transaction over its key's document (two instances seeing the same surge start
one episode).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cases.ports import StoreUnavailable
from oversight.surge import Episode, Key, Outcome

if TYPE_CHECKING:
    from google.cloud.firestore import Client

SETTLED_TTL_S = 600.0


def key_doc_id(key_id: str) -> str:
    return hashlib.sha256(key_id.encode()).hexdigest()[:32]


class FirestoreActivity:
    def __init__(self, client: Callable[[], Client], quiet: Callable[[], timedelta], timeout_s: float = 10.0) -> None:
        self._client = client
        self._quiet = quiet
        self._timeout_s = timeout_s
        self._settled: dict[tuple[str, str], tuple[float, list[str]]] = {}
        self._since: str | None = None

    def record(self, key: Key, day: str, entry: str) -> None:
        from google.cloud.firestore import ArrayUnion

        root = self._client().collection("activity").document(key_doc_id(key.id))
        with _outages():
            root.collection("days").document(day).set({"entries": ArrayUnion([entry])}, merge=True,
                                                      timeout=self._timeout_s)
            if self._since is None:
                self._mark_since(day)

    def _mark_since(self, day: str) -> None:
        from google.api_core.exceptions import AlreadyExists

        ref = self._client().collection("activity_meta").document("since")
        try:
            ref.create({"day": day}, timeout=self._timeout_s)
            self._since = day
        except AlreadyExists:
            self._since = str((ref.get(timeout=self._timeout_s).to_dict() or {}).get("day") or day)

    def since(self) -> str | None:
        if self._since is None:
            with _outages():
                snap = self._client().collection("activity_meta").document("since").get(timeout=self._timeout_s)
            self._since = str((snap.to_dict() or {})["day"]) if snap.exists else None
        return self._since

    def days(self, key: Key, days: Sequence[str], *, settled: bool) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        wanted = []
        for day in days:
            cached = self._settled.get((key.id, day)) if settled else None
            if cached is not None and time.monotonic() - cached[0] < SETTLED_TTL_S:
                if cached[1]:
                    found[day] = cached[1]
            else:
                wanted.append(day)
        if wanted:
            root = self._client().collection("activity").document(key_doc_id(key.id))
            refs = [root.collection("days").document(day) for day in wanted]
            with _outages():
                snaps = {snap.id: snap for snap in self._client().get_all(refs, timeout=self._timeout_s)}
            for day in wanted:
                snap = snaps.get(day)
                entries = list((snap.to_dict() or {}).get("entries") or []) if snap is not None and snap.exists else []
                if settled:
                    self._settled[(key.id, day)] = (time.monotonic(), entries)
                if entries:
                    found[day] = entries
        return found

    def recent_episodes(self, since: datetime) -> list[Episode]:
        from google.cloud.firestore import FieldFilter

        query = self._client().collection("surges").where(filter=FieldFilter("last_at", ">=", since)).limit(100)
        with _outages():
            return [episode_from(snap.id, snap.to_dict() or {}) for snap in query.stream(timeout=self._timeout_s)]

    def change(self, key: Key, decide: Callable[[Episode | None], tuple[Outcome, Episode | None]]
               ) -> tuple[Outcome, Episode | None]:
        from google.cloud import firestore

        client = self._client()
        root = client.collection("activity").document(key_doc_id(key.id))
        quiet = self._quiet()

        @firestore.transactional
        def run(transaction: Any) -> tuple[Outcome, Episode | None]:
            current = root.get(transaction=transaction)
            pointer = (current.to_dict() or {}).get("surge") if current.exists else None
            previous = None
            if pointer:
                snap = client.collection("surges").document(pointer).get(transaction=transaction)
                previous = episode_from(snap.id, snap.to_dict() or {}) if snap.exists else None
            outcome, episode = decide(previous)
            if episode is not None:
                transaction.set(client.collection("surges").document(episode.id), episode.document(quiet), merge=True)
                transaction.set(root, {"key": key.id, "dimension": key.dimension, "label": key.label,
                                       "surge": episode.id}, merge=True)
            return outcome, episode

        with _outages():
            return run(client.transaction(max_attempts=10))  # type: ignore[no-any-return]


def episode_from(the_id: str, doc: dict[str, Any]) -> Episode:
    return Episode(the_id, tuple(doc.get("keys") or ()), tuple(doc.get("labels") or ()), doc["started_at"],
                   doc["last_at"], int(doc.get("peak") or 0), float(doc.get("baseline") or 0.0),
                   tuple(doc.get("case_ids") or ()))


class FirestoreRecentCases:
    """The messages detected since a moment, newest first, as much of them as a comparison needs (the §22
    report's similar messages, triage's repeats)."""

    def __init__(self, client: Callable[[], Client], timeout_s: float = 10.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def recent(self, since: datetime, limit: int, where: tuple[str, Any] | None = None) -> list[dict[str, Any]]:
        from google.cloud.firestore import FieldFilter, Query

        query = self._client().collection("cases").where(filter=FieldFilter("detected_at", ">=", since))
        if where is not None:
            query = query.where(filter=FieldFilter(where[0], "==", where[1]))
        query = (query.order_by("detected_at", direction=Query.DESCENDING).limit(limit)
                 .select(["detected_at", "message.text", "message.author", "state", "agency_ids", "number",
                          "municipality_id", "significant", "triage.significant"]))
        with _outages():
            return [{**(snap.to_dict() or {}), "id": snap.id} for snap in query.stream(timeout=self._timeout_s)]


def _outages() -> Any:
    from infra.firestore import outages_as

    return outages_as(StoreUnavailable)
