"""The composition root of the escalation entry points: built lazily, once per instance.

Nothing happens at import time (import time is cold-start time); the first request builds the
Firestore client and the Cloud Tasks adapter from the one settings object.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from infra.clock import Clock, system_clock
from infra.tasks import TaskQueue

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@dataclass(frozen=True)
class Escalation:
    db: Client
    queue: TaskQueue
    base_url: str
    zone: str
    clock: Clock


@lru_cache(maxsize=1)
def escalation() -> Escalation:
    from infra.firestore import firestore_client
    from infra.settings import get_settings
    from infra.tasks import CloudTaskQueue

    settings = get_settings()
    return Escalation(db=firestore_client(), queue=CloudTaskQueue(), base_url=settings.base_url,
                      zone=settings.timezone, clock=system_clock)


def reset() -> None:
    """For tests that point the process at other emulators."""
    escalation.cache_clear()
