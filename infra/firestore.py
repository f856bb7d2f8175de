"""The Firestore client, built once per instance on first use (never at import time)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from infra.settings import get_settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client


@lru_cache(maxsize=1)
def firestore_client() -> Client:
    from google.cloud import firestore

    return firestore.Client(project=get_settings().project_id)


def reset_clients() -> None:
    """For tests that point the process at another emulator."""
    firestore_client.cache_clear()
    get_settings.cache_clear()
