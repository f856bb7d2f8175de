"""The composition root of intake: the service with its Firestore adapters, built once per instance."""

from __future__ import annotations

from infra.clock import system_clock
from infra.firestore import firestore_client
from infra.settings import get_settings
from intake.firestore_registry import FirestoreRegistry
from intake.registry import CachedRegistry
from intake.service import CaseOpener, IntakeService, OnCreated
from intake.store import FirestoreIntakeStore


def build_service(on_created: OnCreated | None = None, opener: CaseOpener | None = None) -> IntakeService:
    """``opener`` is the case workflow: a new case starts its deadlines (§8, §10, §11) as it is created."""
    settings = get_settings()
    timeout_s = settings.firestore_timeout_s
    registry = CachedRegistry(FirestoreRegistry(firestore_client, timeout_s), system_clock)
    store = FirestoreIntakeStore(firestore_client, timeout_s)
    return IntakeService(store, system_clock, registry, raw_max_bytes=settings.raw_payload_max_bytes,
                         on_created=on_created, opener=opener)
