"""Demo data for `make run`: reference data, registered senders, staff, and messages replayed through the
real webhooks (VK Callback API, Telegram Bot API updates, signed monitoring batches).
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from devstack.stack import Stack

DATA = Path(__file__).resolve().parent / "data"
VK_GROUP_ID = 218_000_001  # the demo community «Ижевск — обратная связь» (invented id)
VK_SECRET = "demo-vk-secret"
VK_CONFIRMATION = "d3m0c0nf"
TG_BOT = "otklik_demo_bot"
TG_TOKEN = "demo-telegram-secret-token"
TG_CHAT = {"id": -1001987654321, "type": "supergroup", "title": "Ижевск онлайн — обсуждение",
           "username": "izhevsk_online_chat"}
MONITORING_SOURCE = "demo-monitoring"


def _load(name: str, key: str) -> list[dict[str, Any]]:
    return list(json.loads((DATA / name).read_text(encoding="utf-8"))[key])


def load_reference_data(now: datetime) -> tuple[int, int]:
    from infra.firestore import firestore_client

    db = firestore_client()
    batch = db.batch()
    agencies = _load("agencies.json", "agencies")
    municipalities = _load("municipalities.json", "municipalities")
    for agency in agencies:
        batch.set(db.collection("agencies").document(agency["id"]), {**agency, "updated_at": now})
    for municipality in municipalities:
        batch.set(db.collection("municipalities").document(municipality["id"]), {**municipality, "updated_at": now})
    batch.commit()
    return len(agencies), len(municipalities)


def register_senders(now: datetime) -> str:
    """The VK community, the Telegram bot and the monitoring source; returns the monitoring key."""
    from infra.firestore import firestore_client
    from intake.firestore_registry import FirestoreRegistry

    registry = FirestoreRegistry(firestore_client)
    key = secrets.token_urlsafe(32)
    registry.add_source(MONITORING_SOURCE, "Демо: система мониторинга соцсетей", key, now=now)
    registry.add_vk_community(VK_GROUP_ID, VK_SECRET, VK_CONFIRMATION, agency_id=None,
                              name="Ижевск — обратная связь", now=now)
    registry.add_telegram_bot(TG_BOT, TG_TOKEN, agency_id=None, now=now)
    return key


def _vk_payload(n: int, msg: dict[str, Any], posted: datetime) -> dict[str, Any]:
    return {"type": "wall_reply_new", "event_id": secrets.token_hex(20), "v": "5.199",
            "group_id": VK_GROUP_ID, "secret": VK_SECRET,
            "object": {"id": 5000 + n, "from_id": 700_000 + n, "post_id": 1201, "owner_id": -VK_GROUP_ID,
                       "date": int(posted.timestamp()), "text": msg["text"], "parents_stack": [],
                       "thread": {"count": 0}, "likes": {"count": n % 7, "user_likes": 0, "can_like": 1}}}


def _telegram_update(n: int, msg: dict[str, Any], posted: datetime) -> dict[str, Any]:
    first, _, last = msg["author"].partition(" ")
    user = {"id": 500_000_000 + n, "is_bot": False, "first_name": first, "language_code": "ru",
            **({"last_name": last} if last else {})}
    return {"update_id": 800_000 + n, "message": {"message_id": 3000 + n, "from": user, "chat": TG_CHAT,
                                                   "date": int(posted.timestamp()), "text": msg["text"]}}


def _monitoring_item(n: int, msg: dict[str, Any], posted: datetime) -> dict[str, Any]:
    return {"network": "ok", "external_id": f"ok-topic-{9_100_000 + n}",
            "url": f"https://ok.ru/group/70000000000001/topic/{9_100_000 + n}",
            "author": {"name": msg["author"], "url": f"https://ok.ru/profile/5800000{n:05d}"},
            "text": msg["text"], "posted_at": posted.isoformat(), "engagement": {"likes": n % 5},
            # detected when posted: the older ones are overdue at once, so escalation shows in the demo
            "detected_at": posted.isoformat()}


def replay_messages(stack: Stack, key: str, now: datetime) -> dict[str, int]:
    """Each demo message through its real webhook; the monitoring ones as one signed batch."""
    from intake.monitoring import SOURCE_HEADER
    from intake.service import TELEGRAM_TOKEN_HEADER
    from intake.signature import HEADER, sign

    counts = {"vk": 0, "telegram": 0, "monitoring": 0}
    batch: list[dict[str, Any]] = []
    for n, msg in enumerate(_load("demo_messages.json", "messages")):
        posted = now - timedelta(minutes=msg["ago_min"])
        if msg["net"] == "vk":
            r = requests.post(f"{stack.base_url}/intake/vk", json=_vk_payload(n, msg, posted), timeout=30)
            _expect(r, "VK", lambda r: r.text == "ok")
        elif msg["net"] == "telegram":
            r = requests.post(f"{stack.base_url}/intake/telegram", json=_telegram_update(n, msg, posted),
                              headers={TELEGRAM_TOKEN_HEADER: TG_TOKEN}, timeout=30)
            _expect(r, "Telegram", lambda r: True)
        else:
            batch.append(_monitoring_item(n, msg, posted))
            continue
        counts[msg["net"]] += 1
    body = json.dumps({"source": MONITORING_SOURCE, "messages": batch}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", SOURCE_HEADER: MONITORING_SOURCE,
               HEADER: sign(key, int(time.time()), body)}
    r = requests.post(f"{stack.base_url}/intake/monitoring", data=body, headers=headers, timeout=60)
    _expect(r, "monitoring", lambda r: True)
    counts["monitoring"] = len(batch)
    return counts


SURGE_TEXTS = [
    "На Пушкинской опять нет горячей воды, уже третий день!",
    "Пушкинская, 150 — горячей воды нет, дети моются из чайника",
    "Когда дадут горячую воду на Пушкинской? Никто ничего не объясняет",
    "Нет горячей воды во всём квартале у Пушкинской, звонили в управляющую — без толку",
    "Горячую воду отключили без предупреждения, Пушкинская улица",
    "У нас на Пушкинской тоже нет горячей воды. Сколько можно?",
]
SURGE_SIZE = 12
VK_DEMO_MESSAGES = sum(1 for m in _load("demo_messages.json", "messages") if m["net"] == "vk")


def replay_surge(stack: Stack, now: datetime) -> int:
    """A dozen comments on one post of the demo community within minutes (docs/oversight.md). The demo's
    other messages arrive within the same minute too (VK and Telegram detect at receipt): the detector
    sees one surge in the VK community and one in the Telegram chat, as it would in production."""
    for i in range(SURGE_SIZE):
        msg = {"text": SURGE_TEXTS[i % len(SURGE_TEXTS)]}
        payload = _vk_payload(200 + i, msg, now - timedelta(minutes=SURGE_SIZE - i))
        payload["object"]["post_id"] = 1777
        r = requests.post(f"{stack.base_url}/intake/vk", json=payload, timeout=30)
        _expect(r, "VK", lambda r: r.text == "ok")
    return SURGE_SIZE


def mark_counting_begun(now: datetime) -> None:
    """The surge detector's counting is marked as begun two weeks ago (before any message is counted:
    the functions keep the first day once read), so its baseline — no such comments at these hours — is
    known; a new installation would learn a week before it alerts."""
    from zoneinfo import ZoneInfo

    from infra.firestore import firestore_client
    from vocabulary import ZONE

    since = (now - timedelta(days=14)).astimezone(ZoneInfo(ZONE)).strftime("%Y%m%d")
    firestore_client().collection("activity_meta").document("since").set({"day": since})


HISTORY_PER_MONTH = (18, 2)  # a past month's cases: 18 a year ago, two more each month since


def load_history(now: datetime) -> str:
    """The twelve months before this one, worked through the workflow (``devstack.history``), their briefs
    kept as the monthly report keeps them, and last month's report made (the dashboard's and the
    dynamics' data). The local scheduler's monthly run then mails that month's report as Cloud Scheduler
    would on the first working day."""
    from zoneinfo import ZoneInfo

    from adapters.firestore_reports import FirestoreReports
    from deadlines.policy import default_policy
    from devstack.history import History, write
    from infra.firestore import firestore_client
    from reports.dynamics import month_brief, previous_month
    from reports.figures import month_figures
    from reports.monthly import make_report
    from vocabulary import ZONE

    current = now.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m")
    months = [previous_month(current, back) for back in range(12, 0, -1)]
    history = History(agencies=[a["id"] for a in _load("agencies.json", "agencies")], until=now)
    made = {m: history.month(m, HISTORY_PER_MONTH[0] + HISTORY_PER_MONTH[1] * i) for i, m in enumerate(months)}
    written = write(firestore_client(), history.documents())
    store, calendar = FirestoreReports(firestore_client), default_policy().curator_calendar
    for month in months[:-1]:
        figures = month_figures((history.repo.docs[i] for i in made[month]), month, calendar, now)
        store.save_brief(month, month_brief(figures, now))
    names = {a["id"]: a["short_name"] for a in _load("agencies.json", "agencies")}
    make_report(months[-1], store.month_cases, store, calendar, now, names)
    return f"{written} cases over {months[0]}..{months[-1]}, the monthly report of {months[-1]}"


def _expect(response: requests.Response, what: str, ok: Any) -> None:
    if response.status_code != 200 or not ok(response):
        raise RuntimeError(f"demo {what} delivery failed: {response.status_code} {response.text[:300]}")


def load(stack: Stack, with_messages: bool = True) -> dict[str, object]:
    now = datetime.now(UTC)
    agencies, municipalities = load_reference_data(now)
    key = register_senders(now)
    summary: dict[str, object] = {
        "agencies": agencies, "municipalities": municipalities,
        "VK community": f"group_id {VK_GROUP_ID}, secret {VK_SECRET!r}, confirmation {VK_CONFIRMATION!r}",
        "Telegram bot": f"{TG_BOT}, secret token {TG_TOKEN!r}",
        "monitoring source": f"{MONITORING_SOURCE}, HMAC key {key}",
    }
    from devstack import demo_staff

    summary.update(demo_staff.create(stack, now))
    if with_messages:
        mark_counting_begun(now)
        counts = replay_messages(stack, key, now)
        summary["demo messages replayed"] = ", ".join(f"{k} {v}" for k, v in counts.items())
        summary["demo surge"] = f"{replay_surge(stack, now)} VK comments on one post within minutes"
        summary["demo history"] = load_history(now)
    return summary
