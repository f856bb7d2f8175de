"""The registry in Firestore: ``sources``, ``source_secrets``, ``vk_communities``, ``telegram_bots``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from google.api_core import exceptions as gexc
from google.api_core.retry import Retry, if_exception_type

from cases.documents import valid_document_id
from intake.registry import MonitoringSource, TelegramBot, VkCommunity, sha256_hex
from intake.store import firestore_errors

if TYPE_CHECKING:
    from google.cloud.firestore import Client

SOURCES, SOURCE_SECRETS = "sources", "source_secrets"
VK_COMMUNITIES, TELEGRAM_BOTS = "vk_communities", "telegram_bots"


class AlreadyRegistered(Exception):
    pass


class FirestoreRegistry:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    def _rpc(self) -> dict[str, Any]:
        retry = Retry(predicate=if_exception_type(gexc.ServiceUnavailable, gexc.DeadlineExceeded),
                      initial=0.05, maximum=1.0, timeout=self._timeout_s)
        return {"retry": retry, "timeout": self._timeout_s}

    def _get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        if not valid_document_id(doc_id):
            return None  # no such sender: an id from a request, never a path
        with firestore_errors():
            snap = self._client().collection(collection).document(doc_id).get(**self._rpc())
        return snap.to_dict() if snap.exists else None

    # -- reads, on every request (through CachedRegistry) --------------------------------------
    def monitoring_source(self, source_id: str) -> MonitoringSource | None:
        if not valid_document_id(source_id):
            return None
        db = self._client()
        refs = [db.collection(SOURCES).document(source_id), db.collection(SOURCE_SECRETS).document(source_id)]
        with firestore_errors():
            found = {s.reference.parent.id: s.to_dict() for s in db.get_all(refs, **self._rpc()) if s.exists}
        source, secret = found.get(SOURCES), found.get(SOURCE_SECRETS)
        if source is None or secret is None:
            return None
        return MonitoringSource(source_id, source.get("name", source_id), bool(source.get("active", True)),
                                tuple(secret.get("keys", [])))

    def vk_community(self, group_id: int) -> VkCommunity | None:
        doc = self._get(VK_COMMUNITIES, str(group_id))
        if doc is None:
            return None
        return VkCommunity(group_id, doc["confirmation"], doc.get("secret_sha256"), doc.get("agency_id"),
                           doc.get("name", ""))

    def telegram_bot(self, name: str) -> TelegramBot | None:
        doc = self._get(TELEGRAM_BOTS, name)
        return TelegramBot(name, doc["secret_token_sha256"], doc.get("agency_id")) if doc else None

    def telegram_bot_by_token(self, token_sha256: str) -> TelegramBot | None:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (self._client().collection(TELEGRAM_BOTS)
                 .where(filter=FieldFilter("secret_token_sha256", "==", token_sha256)).limit(1))
        with firestore_errors():
            snaps = list(query.stream(**self._rpc()))
        if not snaps:
            return None
        doc = snaps[0].to_dict() or {}
        return TelegramBot(snaps[0].id, doc["secret_token_sha256"], doc.get("agency_id"))

    # -- registration, by the admin CLI -------------------------------------------------------------
    def add_source(self, source_id: str, name: str, key: str, now: datetime) -> None:
        db = self._client()
        batch = db.batch()
        batch.create(db.collection(SOURCES).document(source_id), {"name": name, "active": True, "created_at": now})
        batch.create(db.collection(SOURCE_SECRETS).document(source_id), {"keys": [key], "created_at": now})
        try:
            with firestore_errors():
                batch.commit(**self._rpc())
        except gexc.AlreadyExists as exc:
            raise AlreadyRegistered(f"source {source_id!r} is already registered") from exc

    def add_vk_community(self, group_id: int, secret: str, confirmation: str, agency_id: str | None,
                         name: str, now: datetime) -> None:
        doc = {"secret_sha256": sha256_hex(secret), "confirmation": confirmation, "agency_id": agency_id,
               "name": name, "updated_at": now}
        with firestore_errors():
            self._client().collection(VK_COMMUNITIES).document(str(group_id)).set(doc, **self._rpc())

    def add_telegram_bot(self, name: str, secret_token: str, agency_id: str | None, now: datetime) -> None:
        doc = {"secret_token_sha256": sha256_hex(secret_token), "agency_id": agency_id, "updated_at": now}
        with firestore_errors():
            self._client().collection(TELEGRAM_BOTS).document(name).set(doc, **self._rpc())
