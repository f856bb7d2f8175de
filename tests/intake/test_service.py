"""The intake service against the in-memory stores (the case repository, the senders' event ids) and
registry, through the real case workflow: fast, no emulator, a fixed clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cases.memory import InMemoryCases
from cases.ports import StoreUnavailable
from deadlines.policy import default_policy
from infra.clock import fixed_clock
from intake.errors import NotAllowed, NotAuthenticated
from intake.events import (
    BadPayload,
    DeletedMessage,
    EditedMessage,
    Ignored,
    NewMessage,
    VkConfirmation,
    VkEnvelope,
)
from intake.memory import InMemoryIntakeStore
from intake.models import Author, Message, Network, Outcome, case_id_for
from intake.registry import InMemoryRegistry, MonitoringSource, TelegramBot, VkCommunity, sha256_hex
from intake.service import IntakeService
from tests.escalation.world import FakeQueue
from tests.intake.helpers import batch, item, signed_headers
from workflow.service import CaseService

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
T = int(NOW.timestamp())
KEY = "monitoring-key"


class Env:
    def __init__(self) -> None:
        self.store = InMemoryIntakeStore()
        self.cases = InMemoryCases()
        self.workflow = CaseService(cases=self.cases, policy=default_policy, queue=FakeQueue(),
                                    clock=fixed_clock(NOW), base_url="http://127.0.0.1:9", agencies=set)
        self.registry = InMemoryRegistry()
        self.registry.sources["mon"] = MonitoringSource("mon", "Медиалогия", True, (KEY,))
        self.registry.vk[7] = VkCommunity(7, "c0nf1rm", sha256_hex("vk-secret"), "minzdrav", "Минздрав УР")
        self.registry.bots["otklik_bot"] = TelegramBot("otklik_bot", sha256_hex("tg-token"))
        self.created: list[tuple[str, datetime]] = []
        self.vk_event: VkConfirmation | VkEnvelope = VkConfirmation(7)
        self.tg_event: NewMessage | EditedMessage | Ignored = Ignored("poll")
        self.service = IntakeService(self.store, fixed_clock(NOW), self.registry, self.workflow, raw_max_bytes=200,
                                     on_created=lambda cid, at: self.created.append((cid, at)),
                                     parse_vk=lambda body: self.vk_event, parse_telegram=lambda body: self.tg_event)

    def post(self, body: bytes, t: int = T, key: str = KEY, source: str = "mon"):  # type: ignore[no-untyped-def]
        return self.service.ingest_monitoring(body, signed_headers(source, key, body, t))

    def vk(self, event: VkConfirmation | VkEnvelope):  # type: ignore[no-untyped-def]
        self.vk_event = event
        return self.service.ingest_vk(b"{}")


@pytest.fixture
def env() -> Env:
    return Env()


def message(external_id: str = "wall-7_1_r5", text: str = "Нет воды третий день") -> Message:
    return Message(network=Network.vk, external_id=external_id, text=text,
                   posted_at=NOW - timedelta(hours=1))


def envelope(event, secret: str | None = "vk-secret") -> VkEnvelope:  # type: ignore[no-untyped-def]
    return VkEnvelope(group_id=7, secret=secret, event=event)


# -- monitoring ---------------------------------------------------------------------------------------
def test_a_new_message_makes_one_case_in_state_detected(env: Env) -> None:
    result = env.post(batch(item("wall-1_1")))
    (only,) = result.results
    assert only.outcome is Outcome.created and only.index == 0
    case = env.cases.docs[case_id_for("vk", "wall-1_1")]
    assert case["state"] == "detected" and case["version"] == 1
    assert case["detected_at"] == NOW == case["received_at"]
    assert case["source"] == {"kind": "monitoring", "id": "mon", "name": "Медиалогия"}
    assert case["message"]["text"] == "Во дворе не убран снег"
    assert case["message"]["author"] == {"name": "Иван Петров", "url": "https://vk.com/id1", "external_id": None}
    assert case["message"]["engagement"]["views"] == 120
    assert case["message"]["edits"] == [] and case["message"]["deleted_at_source"] is False
    assert case["agency_ids"] == [] and set(case["deadlines"]) == {"route", "answer", "draft"}  # §8, §10, §11
    assert [e["type"] for e in env.cases.events(case["id"])] == ["CaseDetected"]
    assert env.created == [(case["id"], NOW)]


def test_the_raw_payload_is_kept_beside_the_case_capped(env: Env) -> None:
    env.post(batch(item("wall-1_1", text="я" * 500)))
    case_id = case_id_for("vk", "wall-1_1")
    raw = env.cases.side["raw_payloads"][case_id]
    assert raw["truncated"] is True and len(raw["payload"].encode()) <= 200
    assert set(env.cases.docs[case_id]["raw"]) == {"write_id"}


def test_a_senders_secret_is_dropped_from_the_kept_payload() -> None:
    from intake.documents import minimised

    body = json.dumps({"type": "wall_reply_new", "group_id": 7, "secret": "vk-secret", "object": {"id": 1}})
    assert json.loads(minimised(body)) == {"type": "wall_reply_new", "group_id": 7, "object": {"id": 1}}
    assert minimised("not json") == "not json" and minimised("[1]") == "[1]"


def test_the_senders_detection_time_is_kept_unless_it_is_in_the_future(env: Env) -> None:
    env.post(batch(item("a", detected_at="2024-03-01T08:30:00Z"), item("b", detected_at="2024-03-01T09:30:00Z")))
    assert env.cases.docs[case_id_for("vk", "a")]["detected_at"] == NOW - timedelta(minutes=30)
    assert env.cases.docs[case_id_for("vk", "b")]["detected_at"] == NOW


def test_a_mixed_batch_gets_a_result_per_item(env: Env) -> None:
    env.post(batch(item("old")))
    result = env.post(batch(item("new"), item("old"), item("bad", posted_at="yesterday"), item("new")))
    assert [r.outcome for r in result.results] == [Outcome.created, Outcome.duplicate, Outcome.rejected,
                                                  Outcome.duplicate]
    assert "posted_at" in (result.results[2].reason or "")
    assert len(env.cases.docs) == 2


def test_the_same_id_on_another_network_is_another_case(env: Env) -> None:
    env.post(batch(item("42"), item("42", network="ok")))
    assert len(env.cases.docs) == 2


@pytest.mark.parametrize("headers, code", [
    ({}, "source_missing"),
    ({"X-Otklik-Source": "nobody"}, "unknown_source"),
    ({"X-Otklik-Source": "mon"}, "signature_missing"),
])
def test_an_unidentified_sender_is_refused(env: Env, headers: dict[str, str], code: str) -> None:
    with pytest.raises(NotAuthenticated) as err:
        env.service.ingest_monitoring(batch(item()), headers)
    assert err.value.code == code


def test_bad_signature_replay_and_future_are_refused_and_nothing_is_stored(env: Env) -> None:
    for t, key, code in [(T, "wrong", "signature_mismatch"), (T - 301, KEY, "signature_expired"),
                         (T + 301, KEY, "signature_from_future")]:
        with pytest.raises(NotAuthenticated) as err:
            env.post(batch(item()), t=t, key=key)
        assert err.value.code == code
    assert env.cases.docs == {}


def test_the_signature_is_checked_before_the_body_is_parsed(env: Env) -> None:
    with pytest.raises(NotAuthenticated):
        env.post(b"{garbage", key="wrong")
    with pytest.raises(BadPayload):
        env.post(b"{garbage")


def test_an_inactive_source_is_refused(env: Env) -> None:
    env.registry.sources["mon"] = MonitoringSource("mon", "x", False, (KEY,))
    with pytest.raises(NotAllowed):
        env.post(batch(item()))


def test_the_body_source_must_agree_with_the_header(env: Env) -> None:
    with pytest.raises(BadPayload) as err:
        env.post(batch(item(), source="someone-else"))
    assert err.value.code == "source_mismatch"


def test_a_store_outage_is_an_error_not_a_result(env: Env) -> None:
    env.cases.available = False
    with pytest.raises(StoreUnavailable):
        env.post(batch(item()))
    env.cases.available, env.store.available = True, False  # the senders' event ids, for an edit
    with pytest.raises(StoreUnavailable):
        env.vk(envelope(EditedMessage(message(text="v2"), delivery_id="e9")))
    assert env.cases.docs == {}


def test_a_failing_hook_does_not_fail_the_delivery(env: Env) -> None:
    def boom(case_id: str, at: datetime) -> None:
        raise RuntimeError("tasks down")

    service = IntakeService(env.store, fixed_clock(NOW), env.registry, env.workflow, on_created=boom)
    body = batch(item())
    assert service.ingest_monitoring(body, signed_headers("mon", KEY, body, T)).results[0].outcome is Outcome.created


# -- VK -----------------------------------------------------------------------------------------------
def test_vk_confirmation_answers_the_configured_string(env: Env) -> None:
    assert env.vk(VkConfirmation(7)).text == "c0nf1rm"
    with pytest.raises(NotAllowed):
        env.vk(VkConfirmation(8))


def test_vk_secret_is_checked(env: Env) -> None:
    for secret in ["wrong", None]:
        with pytest.raises(NotAllowed) as err:
            env.vk(envelope(NewMessage(message()), secret=secret))
        assert err.value.code == "vk_secret_mismatch"
    assert env.cases.docs == {}


def test_vk_dedupes_by_event_id_and_by_object(env: Env) -> None:
    assert env.vk(envelope(NewMessage(message(), delivery_id="e1"))).result.outcome is Outcome.created
    assert env.vk(envelope(NewMessage(message(), delivery_id="e1"))).result.outcome is Outcome.duplicate
    assert env.vk(envelope(NewMessage(message(), delivery_id="e2"))).result.outcome is Outcome.duplicate
    assert len(env.cases.docs) == 1 and len(env.created) == 1
    case = next(iter(env.cases.docs.values()))
    assert case["source"] == {"kind": "vk", "id": "7", "name": "Минздрав УР", "agency_id": "minzdrav"}


def test_vk_edit_keeps_the_earlier_version(env: Env) -> None:
    env.vk(envelope(NewMessage(message(text="v1"), delivery_id="e1")))
    edited_at = NOW - timedelta(minutes=5)
    reply = env.vk(envelope(EditedMessage(message(text="v2"), edited_at=edited_at, delivery_id="e2")))
    assert reply.text == "ok" and reply.result.outcome is Outcome.updated
    # a redelivered edit and an edit to the same text change nothing
    assert env.vk(envelope(EditedMessage(message(text="v2"), delivery_id="e2"))).result.outcome is Outcome.duplicate
    assert env.vk(envelope(EditedMessage(message(text="v2"), delivery_id="e3"))).result.outcome is Outcome.duplicate
    env.vk(envelope(EditedMessage(message(text="v3"), delivery_id="e4")))
    msg = next(iter(env.cases.docs.values()))["message"]
    assert msg["text"] == "v3"
    assert [(e["text"], e["edited_at"], e["replaced_at"]) for e in msg["edits"]] == [
        ("v1", edited_at, NOW), ("v2", None, NOW)]


def test_an_edit_of_an_unknown_message_creates_its_case(env: Env) -> None:
    assert env.vk(envelope(EditedMessage(message(text="v2")))).result.outcome is Outcome.created
    assert env.created and next(iter(env.cases.docs.values()))["message"]["text"] == "v2"


def test_vk_delete_marks_the_case_and_never_removes_it(env: Env) -> None:
    env.vk(envelope(NewMessage(message())))
    gone = DeletedMessage(Network.vk, "wall-7_1_r5", delivery_id="d1", deleted_by="-7")
    assert env.vk(envelope(gone)).result.outcome is Outcome.updated
    msg = env.cases.docs[case_id_for("vk", "wall-7_1_r5")]["message"]
    assert msg["deleted_at_source"] is True and msg["deleted_at"] == NOW and msg["deleted_by"] == "-7"
    assert msg["text"] == "Нет воды третий день"
    assert env.vk(envelope(DeletedMessage(Network.vk, "wall-7_1_r5"))).result.outcome is Outcome.duplicate


def test_vk_delete_of_an_unknown_message_records_nothing(env: Env) -> None:
    reply = env.vk(envelope(DeletedMessage(Network.vk, "wall-7_9_r9", delivery_id="d1")))
    assert reply.text == "ok" and reply.result.outcome is Outcome.ignored
    assert env.cases.docs == {} and env.store.deliveries == {}


def test_a_communitys_secret_cannot_edit_or_delete_another_communitys_messages(env: Env) -> None:
    env.registry.vk[8] = VkCommunity(8, "c0nf1rm8", sha256_hex("vk-secret-8"), None, "Другое сообщество")
    env.vk(envelope(NewMessage(message("wall-8_1_r5", "Текст жителя"), delivery_id="e1")))
    case_id = case_id_for("vk", "wall-8_1_r5")
    before = dict(env.cases.docs[case_id]["message"])
    for event in (EditedMessage(message("wall-8_1_r5", "Подменённый текст"), delivery_id="e2"),
                  DeletedMessage(Network.vk, "wall-8_1_r5", delivery_id="e3")):
        with pytest.raises(NotAllowed) as refused:
            env.vk(envelope(event))  # community 7's secret, community 8's object
        assert refused.value.code == "vk_foreign_object"
    assert env.cases.docs[case_id]["message"] == before and env.cases.docs[case_id]["version"] == 1
    own = VkEnvelope(group_id=8, secret="vk-secret-8",
                     event=EditedMessage(message("wall-8_1_r5", "Исправленный текст"), delivery_id="e4"))
    assert env.vk(own).result.outcome is Outcome.updated  # its own community may


def test_other_vk_events_are_acknowledged_and_ignored(env: Env) -> None:
    reply = env.vk(envelope(Ignored("group_join", delivery_id="e9")))
    assert reply.text == "ok" and reply.result.outcome is Outcome.ignored
    assert env.cases.docs == {} and env.store.deliveries == {}


def test_the_communitys_own_posts_make_no_case(env: Env) -> None:
    own = message("wall-7_12").model_copy(update={"author": Author(name="Минздрав УР", external_id="-7")})
    reply = env.vk(envelope(NewMessage(own, delivery_id="e10")))
    assert reply.text == "ok" and reply.result.outcome is Outcome.ignored
    assert env.cases.docs == {}
    citizen = message("wall-7_13").model_copy(update={"author": Author(name="Житель", external_id="42")})
    assert env.vk(envelope(NewMessage(citizen, delivery_id="e11"))).result.outcome is Outcome.created


# -- Telegram -----------------------------------------------------------------------------------------
def tg(env: Env, event, token: str | None = "tg-token", bot: str | None = "otklik_bot"):  # type: ignore[no-untyped-def]
    env.tg_event = event
    headers = {} if token is None else {"x-telegram-bot-api-secret-token": token}
    return env.service.ingest_telegram(b"{}", headers, bot)


def tg_message(text: str = "Когда починят дорогу?") -> Message:
    return Message(network=Network.telegram, external_id="-100123:45", text=text, posted_at=NOW)


def test_telegram_token_is_checked(env: Env) -> None:
    with pytest.raises(NotAuthenticated):
        tg(env, NewMessage(tg_message()), token=None)
    with pytest.raises(NotAllowed):
        tg(env, NewMessage(tg_message()), token="wrong")
    with pytest.raises(NotAllowed):
        tg(env, NewMessage(tg_message()), bot="unknown_bot")
    with pytest.raises(NotAllowed):
        tg(env, NewMessage(tg_message()), token="wrong", bot=None)
    assert env.cases.docs == {}


def test_telegram_message_then_edit(env: Env) -> None:
    assert tg(env, NewMessage(tg_message(), delivery_id="1")).outcome is Outcome.created
    assert tg(env, NewMessage(tg_message(), delivery_id="1")).outcome is Outcome.duplicate
    assert tg(env, EditedMessage(tg_message("v2"), delivery_id="2"), bot=None).outcome is Outcome.updated
    case = next(iter(env.cases.docs.values()))
    assert case["source"] == {"kind": "telegram", "id": "otklik_bot", "name": "otklik_bot"}
    assert case["message"]["edits"][0]["text"] == "Когда починят дорогу?"


def test_a_bot_edits_only_the_messages_it_delivered(env: Env) -> None:
    env.registry.bots["other_bot"] = TelegramBot("other_bot", sha256_hex("other-token"))
    assert tg(env, NewMessage(tg_message(), delivery_id="1")).outcome is Outcome.created
    with pytest.raises(NotAllowed) as refused:
        tg(env, EditedMessage(tg_message("Подменённый текст"), delivery_id="2"), token="other-token", bot="other_bot")
    assert refused.value.code == "foreign_source"
    case = next(iter(env.cases.docs.values()))
    assert case["message"]["text"] == "Когда починят дорогу?" and case["version"] == 1


# -- the after-create step of a batch ------------------------------------------------------------------
def test_a_batchs_new_cases_get_their_after_create_step_once_each(env: Env) -> None:
    body = batch(*[item(f"wall-7_1_r{n}") for n in range(30)], item("wall-7_1_r0"))
    results = env.post(body).results
    assert [r.outcome for r in results].count(Outcome.created) == 30
    assert sorted(cid for cid, _ in env.created) == sorted(r.case_id for r in results[:30])


def test_a_slow_after_create_step_is_cut_at_the_budget_and_left_to_the_sweep(env: Env) -> None:
    import threading
    import time

    release = threading.Event()
    done: list[str] = []

    def slow(case_id: str, at: datetime) -> None:
        release.wait(5)
        done.append(case_id)

    service = IntakeService(env.store, fixed_clock(NOW), env.registry, env.workflow, on_created=slow,
                            schedule_budget_s=0.2)
    body = batch(*[item(f"wall-7_2_r{n}") for n in range(40)])
    started = time.perf_counter()
    results = service.ingest_monitoring(body, signed_headers("mon", KEY, body, T)).results
    elapsed = time.perf_counter() - started
    release.set()
    assert [r.outcome for r in results] == [Outcome.created] * 40  # every message is stored all the same
    assert elapsed < 2  # not 40 slow steps one after another
    time.sleep(0.2)
    assert len(done) < 40  # queued steps past the budget were cancelled: the sweep's part


def test_edits_and_deletions_at_the_source_are_events_of_the_case(env: Env) -> None:
    """The one writer: intake asks the workflow, which writes each change with an audit entry."""
    env.vk(envelope(NewMessage(message(text="v1"), delivery_id="e1")))
    env.vk(envelope(EditedMessage(message(text="v2"), edited_at=NOW, delivery_id="e2")))
    env.vk(envelope(EditedMessage(message(text="v2"), delivery_id="e3")))  # the same text: no event
    env.vk(envelope(DeletedMessage(Network.vk, "wall-7_1_r5", delivery_id="d1", deleted_by="-7")))
    case_id = case_id_for("vk", "wall-7_1_r5")
    trail = env.cases.events(case_id)
    assert [(e["type"], e["version"], e["actor_uid"]) for e in trail] == [
        ("CaseDetected", 1, "system"), ("MessageEdited", 2, "system"), ("MessageDeletedAtSource", 3, "system")]
    assert trail[1]["payload"] == {"text": "v2", "previous_text": "v1", "edited_at": NOW}
    assert trail[2]["payload"] == {"deleted_by": "-7"} and env.cases.docs[case_id]["version"] == 3
