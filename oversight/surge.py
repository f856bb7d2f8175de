"""Surges of social activity ("повышенная социальная активность", §22): detection and episodes. Pure.

Every new message is counted by the minute of its *detection* (Izhevsk time) under each of its keys: the
community it was published in, the agency its community suggests, its municipality and topic once triage
sets them. The message's key is in a surge when, over the window ending at its detection:

    count >= min_count  and  count >= factor * mean  and  P(Binomial(count + sum, 1/(n+1)) >= count) <= p_value

where ``sum`` and ``mean`` are the total and the mean of the counts of the same window on each of the
previous ``n`` days (``baseline_days``, only days since counting began: the same hours, so a community that
is busy every evening is not surging every evening). A surge opens an *episode*
(one alert); later messages of the key grow it (no new alert) until the key has been quiet for
``quiet_minutes``, and another key surging mostly on the episode's messages (the community's agency, its
topic) joins it instead of alerting again. A message detected more than
``recent_hours`` before it is processed (a backlog, a replay) is counted but never alerts.
See docs/oversight.md and decision 11.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from oversight.settings import SurgeSettings
from vocabulary import ZONE

Dimension = Literal["topic", "community", "municipality", "agency"]
MAX_LISTED = 1000  # the messages an episode lists (its count goes on)


@dataclass(frozen=True)
class Key:
    dimension: Dimension
    id: str  # e.g. "community:vk:-123", "agency:mintrans"
    label: str  # Russian, for the alert


@dataclass(frozen=True)
class Episode:
    id: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    started_at: datetime
    last_at: datetime
    peak: int  # the largest window count seen
    baseline: float  # the mean the first alert was measured against
    case_ids: tuple[str, ...] = ()

    def open_at(self, at: datetime, quiet: timedelta) -> bool:
        return at <= self.last_at + quiet

    def document(self, quiet: timedelta) -> dict[str, Any]:
        return {"keys": list(self.keys), "labels": list(self.labels), "label": self.labels[0],
                "started_at": self.started_at, "last_at": self.last_at, "quiet_until": self.last_at + quiet,
                "peak": self.peak, "baseline": round(self.baseline, 2), "case_ids": list(self.case_ids),
                "count": len(self.case_ids)}


Outcome = Literal["started", "grown", "attached", "none"]


class ActivityStore(Protocol):
    """Where the counts and the episodes live (Firestore ``activity``/``surges``, or memory)."""

    def record(self, key: Key, day: str, entry: str) -> None:
        """Add ``entry`` ("MMMM|case_id", minute of the day) to the key's day; idempotent."""
        ...

    def days(self, key: Key, days: Sequence[str], *, settled: bool) -> dict[str, list[str]]:
        """The entries of those days; ``settled`` days (before today) may come from a cache."""
        ...

    def since(self) -> str | None:
        """The first day anything was counted ("YYYYMMDD"): the baseline has no days before it."""
        ...

    def recent_episodes(self, since: datetime) -> list[Episode]:
        """The episodes whose last message was detected at or after ``since``."""
        ...

    def change(self, key: Key, decide: Callable[[Episode | None], tuple[Outcome, Episode | None]]
               ) -> tuple[Outcome, Episode | None]:
        """Atomically: read the key's latest episode, let ``decide`` return the outcome and the episode to
        store (the key then points at it), write both."""
        ...


@dataclass(frozen=True)
class Alert:
    episode: Episode
    window_count: int
    case: Mapping[str, Any] = field(default_factory=dict)


def keys_of(case: Mapping[str, Any], names: Callable[[str, str], str]) -> list[Key]:
    """The keys a message counts under, most specific first. ``names(kind, id)`` gives a Russian name."""
    found: list[Key] = []
    if case.get("topic"):
        found.append(Key("topic", f"topic:{case['topic']}", f"тема «{names('topic', str(case['topic']))}»"))
    community = community_of(case)
    if community is not None:
        found.append(Key("community", f"community:{community[0]}", community[1]))
    if case.get("municipality_id"):
        mid = str(case["municipality_id"])
        found.append(Key("municipality", f"municipality:{mid}", names("municipality", mid)))
    agency = case.get("agency_id") or (case.get("source") or {}).get("agency_id")
    if agency:
        found.append(Key("agency", f"agency:{agency}", f"адресовано: {names('agency', str(agency))}"))
    return found


def community_of(case: Mapping[str, Any]) -> tuple[str, str] | None:
    """(id, Russian label) of where the message was published: the VK community or wall, the Telegram
    chat; None when the sender does not say (another network's message without a known place)."""
    message, source = case.get("message") or {}, case.get("source") or {}
    network, external = message.get("network"), str(message.get("external_id") or "")
    if source.get("kind") == "vk":
        return f"vk:{source.get('id')}", f"сообщество ВКонтакте «{source.get('name') or source.get('id')}»"
    if network == "vk" and "_" in external:  # "<owner>_<post>[...]": a community's owner id is negative
        owner = external.split("_", 1)[0]
        return f"vk:{owner.lstrip('-')}", f"ВКонтакте, {'сообщество' if owner.startswith('-') else 'страница'} {owner}"
    if network == "telegram" and ":" in external:
        chat = external.split(":", 1)[0]
        title = (message.get("author") or {}).get("name") if (message.get("author") or {}).get("external_id") == chat else ""
        return f"telegram:{chat}", f"Telegram-чат «{title}»" if title else f"Telegram-чат {chat}"
    return None


def local_minute(at: datetime, zone: str = ZONE) -> tuple[str, int]:
    """("YYYYMMDD", minute of the day) in local time."""
    local = at.astimezone(ZoneInfo(zone))
    return local.strftime("%Y%m%d"), local.hour * 60 + local.minute


def entry(at: datetime, case_id: str, zone: str = ZONE) -> tuple[str, str]:
    day, minute = local_minute(at, zone)
    return day, f"{minute:04d}|{case_id}"


def window_days(at: datetime, settings: SurgeSettings, zone: str = ZONE) -> tuple[list[str], list[str]]:
    """(the days the current window touches, the days the baseline windows touch)."""
    local = at.astimezone(ZoneInfo(zone))
    window = timedelta(minutes=settings.window_minutes)

    def span(shift: int) -> list[str]:
        end = local - timedelta(days=shift)
        first, last = (end - window).date(), end.date()
        return [(first + timedelta(days=i)).strftime("%Y%m%d") for i in range((last - first).days + 1)]

    baseline = sorted({d for shift in range(1, settings.baseline_days + 1) for d in span(shift)})
    return span(0), baseline


def in_window(days: Mapping[str, list[str]], at: datetime, settings: SurgeSettings, shift_days: int = 0,
              zone: str = ZONE) -> list[str]:
    """The case ids counted in the window ending at ``at`` (minute resolution), ``shift_days`` earlier."""
    day, minute = local_minute(at, zone)
    end = _ordinal(day) * 1440 + minute - shift_days * 1440
    start = end - settings.window_minutes  # exclusive
    found = []
    for d, entries in days.items():
        base = _ordinal(d) * 1440
        if base + 1440 <= start or base > end:
            continue
        for item in entries:
            m, _, case_id = item.partition("|")
            if start < base + int(m) <= end:
                found.append(case_id)
    return found


def _ordinal(day: str) -> int:
    return date(int(day[:4]), int(day[4:6]), int(day[6:])).toordinal()


def binomial_tail(count: int, trials: int, p: float) -> float:
    """P(X >= count) for X ~ Binomial(trials, p)."""
    if count <= 0:
        return 1.0
    if count > trials:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [math.lgamma(trials + 1) - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p
             + (trials - k) * log_q for k in range(count, trials + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def is_surge(count: int, baseline: Sequence[int], settings: SurgeSettings) -> tuple[bool, float]:
    """(a surge?, the baseline mean). The test is the exact conditional test of two Poisson rates: if the
    window and the ``n`` baseline windows share one rate, then given their total ``N = count + sum``, the
    window's share is Binomial(N, 1/(n+1)); a surge is a share that improbable (≤ ``p_value``). Unlike a
    Poisson tail against the baseline's mean, it knows that a mean of a few days is itself uncertain."""
    n = len(baseline)
    mean = sum(baseline) / n if n else 0.0
    if n == 0 or count < settings.min_count or count < settings.factor * mean:
        return False, mean
    return binomial_tail(count, count + sum(baseline), 1 / (n + 1)) <= settings.p_value, mean


def episode_id(key: Key, at: datetime) -> str:
    return "s-" + hashlib.sha256(f"{key.id}|{at.isoformat()}".encode()).hexdigest()[:32]


def observe(case: Mapping[str, Any], now: datetime, store: ActivityStore, settings: SurgeSettings,
            names: Callable[[str, str], str], zone: str = ZONE) -> list[Alert]:
    """Count a new message under its keys and say which surges it starts (the alerts to send)."""
    case_id, at = str(case["id"]), case["detected_at"]
    keys = keys_of(case, names)
    if not keys:
        return []
    day, item = entry(at, case_id, zone)
    for key in keys:
        store.record(key, day, item)
    if now - at > timedelta(hours=settings.recent_hours):
        return []
    quiet = timedelta(minutes=settings.quiet_minutes)
    current, baseline_days = window_days(at, settings, zone)
    alerts: list[Alert] = []
    recent: list[Episode] | None = None
    for key in keys:
        window = in_window(store.days(key, current, settled=False), at, settings, zone=zone)
        if len(window) < settings.min_count:
            continue
        history = _history_days(store.since(), at, settings, zone)
        if history < settings.min_history_days:
            continue
        past = store.days(key, baseline_days, settled=True)
        counts = [len(in_window(past, at, settings, shift, zone)) for shift in range(1, history + 1)]
        surging, mean = is_surge(len(window), counts, settings)
        if not surging:
            continue
        if recent is None:
            recent = store.recent_episodes(at - quiet)
        overlapping = _overlapping(recent, window, at, quiet)
        outcome, episode = store.change(key, partial(_decide, overlapping=overlapping, key=key, at=at,
                                                     window=window, mean=mean, quiet=quiet))
        if episode is not None:
            recent = [episode, *(e for e in recent if e.id != episode.id)]
        if outcome == "started" and episode is not None:
            alerts.append(Alert(episode, len(window), case))
    return alerts


def _history_days(since: str | None, at: datetime, settings: SurgeSettings, zone: str) -> int:
    """How many of the baseline's days lie wholly after the first day of counting (itself perhaps partial)."""
    if since is None:
        return 0
    window_start = at.astimezone(ZoneInfo(zone)) - timedelta(minutes=settings.window_minutes)
    return max(0, min(settings.baseline_days, window_start.date().toordinal() - _ordinal(since) - 1))


def _overlapping(episodes: list[Episode], window: list[str], at: datetime, quiet: timedelta) -> Episode | None:
    """An open episode that already lists at least half the window's messages."""
    ids = set(window)
    best = max(((len(ids & set(e.case_ids)), e) for e in episodes if e.open_at(at, quiet)),
               key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[1] is not None and 2 * best[0] >= len(ids) else None


def _decide(previous: Episode | None, overlapping: Episode | None, key: Key, at: datetime, window: list[str],
            mean: float, quiet: timedelta) -> tuple[Outcome, Episode | None]:
    if previous is not None and previous.open_at(at, quiet) and at >= previous.started_at - quiet:
        return "grown", _grow(previous, at, window)
    if overlapping is not None:
        grown = _grow(overlapping, at, window)
        if key.id in grown.keys:
            return "grown", grown
        return "attached", replace(grown, keys=(*grown.keys, key.id), labels=(*grown.labels, key.label))
    started = Episode(episode_id(key, at), (key.id,), (key.label,), started_at=at, last_at=at, peak=len(window),
                      baseline=mean, case_ids=tuple(dict.fromkeys(window))[:MAX_LISTED])
    return "started", started


def _grow(episode: Episode, at: datetime, window: list[str]) -> Episode:
    listed = tuple(dict.fromkeys((*episode.case_ids, *window)))[:MAX_LISTED]
    return replace(episode, last_at=max(episode.last_at, at), peak=max(episode.peak, len(window)), case_ids=listed)
