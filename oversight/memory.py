"""The oversight's stores in memory: the unit tests' and the surge replay's twin of the Firestore adapter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from oversight.surge import Episode, Key, Outcome


class InMemoryActivity:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.pointers: dict[str, str] = {}
        self.episodes: dict[str, Episode] = {}
        self.first_day: str | None = None

    def record(self, key: Key, day: str, entry: str) -> None:
        self.entries[key.id][day].add(entry)
        self.first_day = min(day, self.first_day or day)

    def since(self) -> str | None:
        return self.first_day

    def days(self, key: Key, days: Sequence[str], *, settled: bool) -> dict[str, list[str]]:
        mine = self.entries.get(key.id, {})
        return {d: sorted(mine[d]) for d in days if d in mine}

    def recent_episodes(self, since: datetime) -> list[Episode]:
        return [e for e in self.episodes.values() if e.last_at >= since]

    def change(self, key: Key, decide: Callable[[Episode | None], tuple[Outcome, Episode | None]]
               ) -> tuple[Outcome, Episode | None]:
        pointer = self.pointers.get(key.id)
        outcome, episode = decide(self.episodes.get(pointer) if pointer else None)
        if episode is not None:
            self.episodes[episode.id] = episode
            self.pointers[key.id] = episode.id
        return outcome, episode
