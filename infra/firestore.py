"""The Firestore client, built once per instance on first use (never at import time), and the policy every
adapter's calls follow: a short deadline of our own, retries only on transient errors, and every way
Firestore can fail to answer turned into the caller's "store unavailable" (a 503, and a retry)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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


def bounded(timeout_s: float) -> dict[str, Any]:
    """Keyword arguments for one Firestore call: retried on transient errors, never past `timeout_s`."""
    from google.api_core import exceptions as gexc
    from google.api_core.retry import Retry, if_exception_type

    retry = Retry(predicate=if_exception_type(gexc.ServiceUnavailable, gexc.DeadlineExceeded,
                                              gexc.InternalServerError, gexc.ResourceExhausted),
                  initial=0.05, maximum=1.0, multiplier=2.0, timeout=timeout_s)
    return {"retry": retry, "timeout": timeout_s}


@contextlib.contextmanager
def outages_as(unavailable: Callable[[str], Exception]) -> Iterator[None]:
    """Unavailability, deadlines, aborts and gRPC errors raised as ``unavailable(reason)``."""
    import grpc
    from google.api_core import exceptions as gexc

    transient = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.InternalServerError, gexc.Aborted,
                 gexc.Unknown, gexc.ResourceExhausted, gexc.RetryError, grpc.RpcError)
    try:
        yield
    except transient as exc:
        raise unavailable(f"firestore: {type(exc).__name__}: {exc}") from exc
