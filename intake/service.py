"""Intake (§6): a sender's request in, cases out. No HTTP here: results and domain errors only.

Order per request: identify the sender and check its credential, then parse, then store. Whatever
fails before the store is touched leaves nothing behind.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cases.errors import NotAllowed as CaseNotAllowed
from cases.errors import NotFound
from cases.ports import Committed, SideDocument
from infra.clock import Clock
from intake import documents, monitoring, signature
from intake.errors import NotAllowed, NotAuthenticated, StoreUnavailable
from intake.events import (
    BadPayload,
    DeletedMessage,
    EditedMessage,
    Ignored,
    IntakeEvent,
    NewMessage,
    VkConfirmation,
    VkEnvelope,
)
from intake.models import ItemResult, Network, Outcome, SourceKind, SourceRef, case_id_for
from intake.registry import Registry, TelegramBot, secret_matches, sha256_hex
from intake.store import DELIVERIES, IntakeStore

log = logging.getLogger(__name__)

TELEGRAM_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
OnCreated = Callable[[str, datetime], None]
# A batch's new cases get their Cloud Tasks from this many threads at once, for at most this long; the
# cases left over keep their ``unscheduled`` mark and the sweep schedules them (nothing is lost).
SCHEDULE_THREADS = 8
SCHEDULE_BUDGET_S = 20.0


class CaseWorkflow(Protocol):
    """The case workflow's side of a message (``workflow.service.CaseService``): opening its case with
    the deadlines (§6, §8, §10, §11) in one write, the source's edits and deletions as the case's events,
    and the Cloud Tasks that follow a write. Raises ``cases.ports.StoreUnavailable`` on an outage."""

    def open_case(self, document: dict[str, Any], case_id: str, detected_at: datetime,
                  sides: Sequence[SideDocument] = ()) -> Committed | None: ...

    def edit_message(self, case_id: str, text: str, edited_at: datetime | None,
                     source: tuple[str, str] | None = None) -> Committed | None: ...

    def delete_at_source(self, case_id: str, deleted_by: str | None) -> Committed | None: ...

    def after_commit(self, committed: Committed) -> None: ...


VkParser = Callable[[bytes], VkConfirmation | VkEnvelope]
TelegramParser = Callable[[bytes], NewMessage | EditedMessage | Ignored]


@dataclass(frozen=True)
class BatchResult:
    source_id: str
    results: list[ItemResult]

    @property
    def all_rejected(self) -> bool:
        return all(r.outcome is Outcome.rejected for r in self.results)


@dataclass(frozen=True)
class VkReply:
    """VK wants this exact text back: the confirmation string, or ``ok`` for any accepted event."""

    text: str
    result: ItemResult | None = None


def _parse_vk(body: bytes) -> VkConfirmation | VkEnvelope:
    from intake.vk import parse_vk

    return parse_vk(body)


def _parse_telegram(body: bytes) -> NewMessage | EditedMessage | Ignored:
    from intake.telegram import parse_telegram

    return parse_telegram(body)


class IntakeService:
    def __init__(self, store: IntakeStore, clock: Clock, registry: Registry, workflow: CaseWorkflow, *,
                 raw_max_bytes: int = 64 * 1024, on_created: OnCreated | None = None,
                 parse_vk: VkParser = _parse_vk,
                 parse_telegram: TelegramParser = _parse_telegram,
                 schedule_budget_s: float = SCHEDULE_BUDGET_S) -> None:
        self._store = store
        self._clock = clock
        self._registry = registry
        self._workflow = workflow
        self._raw_max_bytes = raw_max_bytes
        # A hook after a case is created and its tasks started (tests); called once per case created.
        self._on_created = on_created
        self._parse_vk = parse_vk
        self._parse_telegram = parse_telegram
        self._schedule_budget_s = schedule_budget_s

    # -- the generic monitoring webhook -----------------------------------------------------------
    def ingest_monitoring(self, body: bytes, headers: Mapping[str, str]) -> BatchResult:
        now = self._clock()
        source_id = _header(headers, monitoring.SOURCE_HEADER)
        if not source_id:
            raise NotAuthenticated("source_missing", f"the {monitoring.SOURCE_HEADER} header is missing")
        source = self._registry.monitoring_source(source_id)
        if source is None:
            raise NotAuthenticated("unknown_source", f"no registered source {source_id!r}")
        if not source.active:
            raise NotAllowed("source_inactive", f"source {source_id!r} is switched off")
        signature.verify(_header(headers, signature.HEADER), body, source.keys, now)
        batch = monitoring.parse_batch(body)
        if batch.source_id is not None and batch.source_id != source_id:
            raise BadPayload(f"body source {batch.source_id!r} differs from the header's {source_id!r}",
                             "source_mismatch")
        ref = SourceRef(kind=SourceKind.monitoring, id=source_id, name=source.name)
        results: list[ItemResult] = []
        created: list[Committed] = []
        try:
            for item in batch.items:
                if isinstance(item, monitoring.RejectedItem):
                    results.append(ItemResult(index=item.index, external_id=item.external_id,
                                              outcome=Outcome.rejected, reason=item.reason))
                    continue
                result = self._apply(item.event, ref, item.raw, now, scope=source_id, created=created)
                results.append(result.model_copy(update={"index": item.index}))
        finally:  # an outage mid-batch (503, the sender retries) still schedules what was stored before it
            self._after_create(created)
        return BatchResult(source_id, results)

    # -- VK Callback API ----------------------------------------------------------------------------
    def ingest_vk(self, body: bytes) -> VkReply:
        parsed = self._parse_vk(body)
        community = self._registry.vk_community(parsed.group_id)
        if community is None:
            raise NotAllowed("unknown_vk_community", f"VK community {parsed.group_id} is not registered")
        if isinstance(parsed, VkConfirmation):
            return VkReply(community.confirmation)
        if not secret_matches(parsed.secret, community.secret_sha256):
            raise NotAllowed("vk_secret_mismatch", f"wrong secret for VK community {parsed.group_id}")
        ref = SourceRef(kind=SourceKind.vk, id=str(parsed.group_id), name=community.name)
        raw = body.decode(errors="replace")
        event = _unless_own(parsed.event, parsed.group_id)
        if isinstance(event, EditedMessage | DeletedMessage):
            _check_vk_owner(event, parsed.group_id)
        result = self._apply(event, ref, raw, self._clock(), scope=str(parsed.group_id),
                             agency_id=community.agency_id)
        return VkReply("ok", result)

    # -- Telegram Bot API ---------------------------------------------------------------------------
    def ingest_telegram(self, body: bytes, headers: Mapping[str, str], bot_name: str | None = None) -> ItemResult:
        bot = self._telegram_bot(_header(headers, TELEGRAM_TOKEN_HEADER), bot_name)
        event = self._parse_telegram(body)
        ref = SourceRef(kind=SourceKind.telegram, id=bot.name, name=bot.name)
        return self._apply(event, ref, body.decode(errors="replace"), self._clock(), scope=bot.name,
                           agency_id=bot.agency_id, edits_own=True)

    def _telegram_bot(self, token: str | None, bot_name: str | None) -> TelegramBot:
        if not token:
            raise NotAuthenticated("telegram_token_missing", f"the {TELEGRAM_TOKEN_HEADER} header is missing")
        if bot_name:
            bot = self._registry.telegram_bot(bot_name)
            if bot is None:
                raise NotAllowed("unknown_telegram_bot", f"Telegram bot {bot_name!r} is not registered")
            if not secret_matches(token, bot.secret_token_sha256):
                raise NotAllowed("telegram_token_mismatch", f"wrong secret token for bot {bot_name!r}")
            return bot
        found = self._registry.telegram_bot_by_token(sha256_hex(token))
        if found is None:
            raise NotAllowed("telegram_token_mismatch", "no registered bot has this secret token")
        return found

    # -- one event, whatever the sender ---------------------------------------------------------------
    def _apply(self, event: IntakeEvent, source: SourceRef, raw: str, now: datetime, *, scope: str,
               agency_id: str | None = None, created: list[Committed] | None = None,
               edits_own: bool = False) -> ItemResult:
        """Store one event. A case it creates is handed to ``created`` (a batch's after-create step runs
        once, for all) or, without one, gets its after-create step at once. With `edits_own`, an edit
        changes only a case this very source delivered (a Telegram bot: its own chats' messages)."""
        if isinstance(event, Ignored):
            return ItemResult(outcome=Outcome.ignored, reason=f"event {event.kind!r} is not acted on")
        if isinstance(event, DeletedMessage):
            return self._deleted(event, scope, now)
        message = event.message
        doc = documents.new_case(
            message, source, received_at=now,
            sender_detected_at=event.detected_at if isinstance(event, NewMessage) else None,
            write_id=uuid.uuid4().hex, agency_id=agency_id)
        case_id = message.case_id()
        delivery = self._delivery(message.network, scope, event.delivery_id, case_id,
                                  "new" if isinstance(event, NewMessage) else "edit", now)
        payload = SideDocument(documents.RAW_PAYLOADS, case_id,
                               documents.raw_payload(case_id, source, raw, self._raw_max_bytes, now))
        sides = (payload, *_sides(delivery))
        if isinstance(event, NewMessage):
            committed = self._workflow.open_case(doc, case_id, doc["detected_at"], sides)
            outcome = Outcome.created if committed else Outcome.duplicate
        else:
            owner = (source.kind.value, source.id) if edits_own else None
            committed, outcome = self._edited(event, doc, delivery, sides, owner)
        if outcome is Outcome.created and committed is not None:
            if created is None:
                self._created(committed)
            else:
                created.append(committed)
        return ItemResult(external_id=message.external_id, outcome=outcome, case_id=case_id)

    def _edited(self, event: EditedMessage, doc: dict[str, Any], delivery: documents.Delivery | None,
                sides: tuple[SideDocument, ...], owner: tuple[str, str] | None) -> tuple[Committed | None, Outcome]:
        """A new text for a case (``MessageEdited``), or the case itself if the edit comes first."""
        if delivery is not None and self._store.seen(delivery):
            return None, Outcome.duplicate
        case_id = doc["id"]
        for _ in range(2):  # the case may appear between a refused edit and our create, or the reverse
            try:
                edited = self._workflow.edit_message(case_id, event.message.text, event.edited_at, owner)
            except CaseNotAllowed as err:
                raise NotAllowed("foreign_source", f"case {case_id} was not delivered by this sender") from err
            except NotFound:
                opened = self._workflow.open_case(doc, case_id, doc["detected_at"], sides)
                if opened is not None:
                    return opened, Outcome.created
                continue
            self._remember(delivery)
            return edited, Outcome.updated if edited else Outcome.duplicate
        raise StoreUnavailable(f"case {case_id} could neither be edited nor created")

    def _deleted(self, event: DeletedMessage, scope: str, now: datetime) -> ItemResult:
        case_id = case_id_for(event.network, event.external_id)
        delivery = self._delivery(event.network, scope, event.delivery_id, case_id, "delete", now)
        if delivery is not None and self._store.seen(delivery):
            outcome = Outcome.duplicate
        else:
            try:
                marked = self._workflow.delete_at_source(case_id, event.deleted_by)
            except NotFound:
                return ItemResult(external_id=event.external_id, outcome=Outcome.ignored, case_id=case_id,
                                  reason="unknown message: nothing recorded")
            self._remember(delivery)
            outcome = Outcome.updated if marked else Outcome.duplicate
        return ItemResult(external_id=event.external_id, outcome=outcome, case_id=case_id)

    def _remember(self, delivery: documents.Delivery | None) -> None:
        if delivery is not None:
            self._store.remember(delivery)

    def _delivery(self, network: Network, scope: str, event_id: str | None, case_id: str, kind: str,
                  now: datetime) -> documents.Delivery | None:
        if not event_id:
            return None
        return documents.delivery(network, scope, event_id, case_id=case_id, kind=kind, received_at=now)

    def _after_create(self, cases: list[Committed]) -> None:
        """The after-create step of a batch's new cases: several at once, within the budget. A batch of
        500 would otherwise wait for 500 × 5 Cloud Tasks one after another; what the budget leaves is the
        sweep's (those cases keep ``unscheduled`` and undispatched events)."""
        if len(cases) <= 1:
            for case in cases:
                self._created(case)
            return
        pool = ThreadPoolExecutor(max_workers=min(SCHEDULE_THREADS, len(cases)), thread_name_prefix="schedule")
        try:
            futures = [pool.submit(self._created, case) for case in cases]
            _, late = wait(futures, timeout=self._schedule_budget_s)
            if late:
                log.warning("%d of %d new cases left to the sweep to schedule (budget %.0f s)",
                            len(late), len(cases), self._schedule_budget_s)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _created(self, committed: Committed) -> None:
        try:
            self._workflow.after_commit(committed)
            if self._on_created is not None:
                self._on_created(committed.case.id, committed.case.detected_at)
        except Exception:  # the case is stored (and marked unscheduled): the sweep is the backstop
            log.exception("after-create step failed for case %s", committed.case.id)


def _sides(delivery: documents.Delivery | None) -> tuple[SideDocument, ...]:
    """The delivery marker, created in the same commit as the case."""
    return () if delivery is None else (SideDocument(DELIVERIES, delivery.id, delivery.doc),)


VK_OWNER = re.compile(r"^[a-z]+(-?\d+)_")


def _check_vk_owner(event: EditedMessage | DeletedMessage, group_id: int) -> None:
    """A community's secret changes only the community's own objects (owner ``-group_id``), never
    another community's messages."""
    external_id = event.message.external_id if isinstance(event, EditedMessage) else event.external_id
    found = VK_OWNER.match(external_id)
    if found is None or int(found.group(1)) != -group_id:
        raise NotAllowed("vk_foreign_object", f"{external_id} does not belong to VK community {group_id}")


def _unless_own(event: IntakeEvent, group_id: int) -> IntakeEvent:
    """The community's own posts and replies are not citizens' messages: acknowledged, no case."""
    if isinstance(event, NewMessage | EditedMessage) and event.message.author.external_id == str(-group_id):
        return Ignored("community_own_message", event.delivery_id)
    return event


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value
