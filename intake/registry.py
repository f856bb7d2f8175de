"""Who may deliver: monitoring sources, VK communities, Telegram bots (registered by the admin CLI).

Monitoring keys are kept in clear in ``source_secrets/{id}`` because an HMAC can only be checked by
recomputing it with the key; no client reads that collection (firestore.rules). The VK secret and the
Telegram token are only ever compared, so only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from infra.clock import Clock


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(given: str | None, stored_sha256: str | None) -> bool:
    """An empty secret, given or stored, never matches."""
    if not given or not stored_sha256:
        return False
    return hmac.compare_digest(sha256_hex(given).encode(), stored_sha256.encode())


@dataclass(frozen=True)
class MonitoringSource:
    id: str
    name: str
    active: bool
    keys: tuple[str, ...]  # several while a key is rotated


@dataclass(frozen=True)
class VkCommunity:
    group_id: int
    confirmation: str
    secret_sha256: str | None
    agency_id: str | None = None
    name: str = ""


@dataclass(frozen=True)
class TelegramBot:
    name: str
    secret_token_sha256: str
    agency_id: str | None = None


class Registry(Protocol):
    def monitoring_source(self, source_id: str) -> MonitoringSource | None: ...

    def vk_community(self, group_id: int) -> VkCommunity | None: ...

    def telegram_bot(self, name: str) -> TelegramBot | None: ...

    def telegram_bot_by_token(self, token_sha256: str) -> TelegramBot | None: ...


class InMemoryRegistry:
    """For unit tests and the benchmark's no-store runs."""

    def __init__(self) -> None:
        self.sources: dict[str, MonitoringSource] = {}
        self.vk: dict[int, VkCommunity] = {}
        self.bots: dict[str, TelegramBot] = {}

    def monitoring_source(self, source_id: str) -> MonitoringSource | None:
        return self.sources.get(source_id)

    def vk_community(self, group_id: int) -> VkCommunity | None:
        return self.vk.get(group_id)

    def telegram_bot(self, name: str) -> TelegramBot | None:
        return self.bots.get(name)

    def telegram_bot_by_token(self, token_sha256: str) -> TelegramBot | None:
        return next((b for b in self.bots.values() if b.secret_token_sha256 == token_sha256), None)


class CachedRegistry:
    """Keeps found entries for ``ttl_s`` seconds: a registry read per request would halve throughput.

    A revoked source or a changed secret therefore takes effect within ``ttl_s`` on each instance; a new
    registration at once (misses are not kept).
    """

    def __init__(self, inner: Registry, clock: Clock, ttl_s: float = 30.0) -> None:
        self._inner = inner
        self._clock = clock
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, object], tuple[datetime, object]] = {}

    def _get(self, kind: str, key: object, load: Callable[[], object]) -> object:
        now = self._clock()
        with self._lock:
            hit = self._cache.get((kind, key))
        if hit is not None and (now - hit[0]).total_seconds() < self._ttl_s:
            return hit[1]
        value = load()
        if value is not None:
            with self._lock:
                self._cache[(kind, key)] = (now, value)
        return value

    def monitoring_source(self, source_id: str) -> MonitoringSource | None:
        value = self._get("source", source_id, lambda: self._inner.monitoring_source(source_id))
        return value if isinstance(value, MonitoringSource) else None

    def vk_community(self, group_id: int) -> VkCommunity | None:
        value = self._get("vk", group_id, lambda: self._inner.vk_community(group_id))
        return value if isinstance(value, VkCommunity) else None

    def telegram_bot(self, name: str) -> TelegramBot | None:
        value = self._get("bot", name, lambda: self._inner.telegram_bot(name))
        return value if isinstance(value, TelegramBot) else None

    def telegram_bot_by_token(self, token_sha256: str) -> TelegramBot | None:
        value = self._get("bot_token", token_sha256, lambda: self._inner.telegram_bot_by_token(token_sha256))
        return value if isinstance(value, TelegramBot) else None
