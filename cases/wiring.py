"""The composition root of the staff API: built lazily on the first request, once per instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from cases.service import CaseService
from deadlines.policy import SlaPolicy

T = TypeVar("T")
CACHE_TTL_S = 60.0


def ttl_cached(load: Callable[[], T], ttl_s: float = CACHE_TTL_S) -> Callable[[], T]:
    """Reference data and settings: read at most once a minute per instance."""
    state: dict[str, Any] = {}

    def get() -> T:
        if "value" not in state or time.monotonic() - state["at"] > ttl_s:
            state["value"], state["at"] = load(), time.monotonic()
        return state["value"]  # type: ignore[no-any-return]

    return get


def _load_policy() -> SlaPolicy:
    """The SLA policy over the production calendar of the calendar directory (``OTKLIK_CALENDAR_DIR``):
    Firestore's ``settings/sla`` when the admin has set one, else the file ``OTKLIK_SLA_FILE``, else the
    regulation's table (docs/deadlines.md)."""
    import json
    from pathlib import Path

    from deadlines.calendar import load_calendar
    from deadlines.policy import default_policy
    from infra.firestore import firestore_client
    from infra.settings import get_settings

    settings = get_settings()
    calendar = load_calendar(settings.calendar_dir or None)
    snap = firestore_client().collection("settings").document("sla").get(timeout=10)
    if snap.exists:
        document = snap.to_dict() or {}
    elif settings.sla_file:
        document = json.loads(Path(settings.sla_file).read_text(encoding="utf-8"))
    else:
        return default_policy(calendar)
    from deadlines.settings import policy_from_settings  # only when there is a document to read

    return policy_from_settings(document, base=calendar)


def _load_agencies() -> set[str]:
    from infra.firestore import firestore_client

    return {doc.id for doc in firestore_client().collection("agencies").select([]).stream(timeout=10)}


_override: list[CaseService] = []


def service() -> CaseService:
    """The process's case service: the one built from settings, or one a test put in its place."""
    return _override[-1] if _override else _built()


def override(replacement: CaseService | None) -> None:
    """Serve ``replacement`` (a test's clock and queue) instead of the built service; None restores it."""
    _override.clear()
    if replacement is not None:
        _override.append(replacement)


@lru_cache(maxsize=1)
def _built() -> CaseService:
    from cases.repository import FirestoreCases
    from infra.clock import system_clock
    from infra.firestore import firestore_client
    from infra.settings import get_settings
    from infra.tasks import CloudTaskQueue

    settings = get_settings()
    policy = ttl_cached(_load_policy)
    return CaseService(
        cases=FirestoreCases(firestore_client, policy, settings.base_url),
        policy=policy, queue=CloudTaskQueue(), clock=system_clock, base_url=settings.base_url,
        agencies=ttl_cached(_load_agencies),
    )


def build(clock: Any = None, queue: Any = None, policy: Callable[[], SlaPolicy] | None = None) -> CaseService:
    """A service like the built one, with another clock, task queue or policy (tests, benchmarks)."""
    from dataclasses import replace

    from cases.repository import FirestoreCases
    from infra.firestore import firestore_client

    base = _built()
    cases = base.cases if policy is None else FirestoreCases(firestore_client, policy, base.base_url)
    return replace(base, clock=clock or base.clock, queue=queue or base.queue, policy=policy or base.policy,
                   cases=cases)


def reset() -> None:
    _built.cache_clear()
