"""The reliability suite: nothing lost, nothing duplicated, under redelivery, concurrency and a restart.

    .venv/bin/python bench/soak.py [--messages 10000] [--threads 8]

1. Intake: N messages through all three webhooks (signed monitoring batches, VK's Callback API, Telegram's
   webhook) into the functions server on a Firestore emulator; 20% delivered twice, 5% twice at the same
   moment; halfway through, the emulator is restarted (its data exported, the process killed, started
   again from the export: the senders meanwhile get 5xx and retry, as VK, Telegram and a monitoring system
   do). Then: every message is exactly one case with its deadlines and its raw payload; every answer a
   sender got was a success or a retryable 5xx.
2. Deadlines: 1,000 deadline tasks delivered late, early, twice and out of order to the escalation handler
   (in memory): exactly one miss per missed stage, none for a stage not yet due.

Prints the figures; exits non-zero if a check fails. `tests/test_soak.py` runs it reduced in CI.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from devstack import procs  # noqa: E402

PROJECT = "demo-otklik-soak"
VK_GROUP, VK_SECRET, TG_BOT, TG_TOKEN = 7, "soak-vk-secret", "soak_bot", "soak-telegram-token"
RETRYABLE = {500, 502, 503, 504}


class Gate:
    """Lets the senders through, or holds them while the store is restarted (no request in flight)."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.idle = threading.Condition(self.lock)

    def __enter__(self) -> Gate:
        self.open.wait()
        with self.lock:
            self.in_flight += 1
        return self

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.in_flight -= 1
            self.idle.notify_all()

    def drain(self) -> None:
        self.open.clear()
        with self.lock:
            self.idle.wait_for(lambda: self.in_flight == 0, timeout=60)


def messages(n: int, key: str) -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(case id, path, body, headers) for each message: monitoring, VK and Telegram in turn. Monitoring
    bodies are signed when sent (the signature carries the time)."""
    from intake.models import case_id_for

    out = []
    for i in range(n):
        text = f"Сообщение {i}: когда отремонтируют дорогу у дома {i % 200}?"
        if i % 3 == 0:
            external = f"wall-100_{i}"
            item = {"network": "vk", "external_id": external, "text": text, "posted_at": "2026-11-30T10:00:00+04:00",
                    "author": {"name": f"Житель {i}"}}
            out.append((case_id_for("vk", external), "/intake/monitoring",
                        json.dumps({"messages": [item]}, ensure_ascii=False).encode(), {"X-Otklik-Source": "soak"}))
        elif i % 3 == 1:
            obj = {"id": i, "from_id": 1000 + i, "date": 1764482400, "text": text, "owner_id": -VK_GROUP, "post_id": 1}
            body = {"type": "wall_reply_new", "event_id": f"ev{i}", "v": "5.199", "object": obj,
                    "group_id": VK_GROUP, "secret": VK_SECRET}
            out.append((case_id_for("vk", f"wall-{VK_GROUP}_1_r{i}"), "/intake/vk",
                        json.dumps(body, ensure_ascii=False).encode(), {}))
        else:
            msg = {"message_id": i, "date": 1764482400, "text": text,
                   "chat": {"id": -1001234567890, "type": "supergroup", "title": "Ижевск"},
                   "from": {"id": 5000 + i, "first_name": f"Житель {i}"}}
            out.append((case_id_for("telegram", f"-1001234567890:{i}"), f"/intake/telegram?bot={TG_BOT}",
                        json.dumps({"update_id": i, "message": msg}, ensure_ascii=False).encode(),
                        {"X-Telegram-Bot-Api-Secret-Token": TG_TOKEN}))
    return out


def intake_soak(n: int, threads: int, workdir: Path) -> dict[str, object]:
    from intake import signature

    started: list[procs.Service] = []
    fs_port = procs.free_port()
    export = workdir / "export"
    try:
        firestore = procs.firestore_emulator(fs_port, ROOT / "firestore.rules", log_path=workdir / "firestore.log")
        started.append(firestore.start())
        os.environ["FIRESTORE_EMULATOR_HOST"] = f"127.0.0.1:{fs_port}"
        from google.cloud import firestore as gfs

        from intake.firestore_registry import FirestoreRegistry

        db = gfs.Client(project=PROJECT)
        registry, now = FirestoreRegistry(lambda: db), datetime.now(UTC)
        key = secrets.token_urlsafe(32)
        registry.add_source("soak", "Нагрузочный тест", key, now)
        registry.add_vk_community(VK_GROUP, VK_SECRET, "c0nf1rm", None, "Сообщество", now)
        registry.add_telegram_bot(TG_BOT, TG_TOKEN, None, now)
        env = {"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{fs_port}", "OTKLIK_PROJECT_ID": PROJECT, "OTKLIK_ENV": "test",
               "OTKLIK_FIRESTORE_TIMEOUT_S": "3", "WORKERS": "2", "THREADS": "8"}
        server = procs.functions_server(procs.free_port(), env, log_path=workdir / "functions.log").start()
        started.append(server)

        plan = messages(n, key)
        rng = random.Random(20261202)
        deliveries: list[list[int]] = [[i] for i in range(n)]  # each a group sent at the same moment
        for i in rng.sample(range(n), n // 5):
            deliveries.append([i])  # delivered twice, later
        for i in rng.sample(range(n), n // 20):
            deliveries.append([i, i])  # twice at the same moment
        rng.shuffle(deliveries)
        gate, codes, retries, lock = Gate(), Counter[int](), Counter[str](), threading.Lock()
        failures: list[str] = []

        def send(index: int, session: requests.Session) -> None:
            _, path, body, headers = plan[index]
            deadline = time.monotonic() + 120
            pause = 0.2
            while True:
                if path == "/intake/monitoring":
                    headers = {**headers, "Content-Type": "application/json",
                               signature.HEADER: signature.sign(key, int(time.time()), body)}
                try:
                    with gate:
                        status = session.post(server_url + path, data=body, headers=headers, timeout=30).status_code
                except requests.RequestException:
                    status = 599  # no answer at all: the sender retries
                with lock:
                    codes[status] += 1
                if 200 <= status < 300:
                    return
                if status not in RETRYABLE | {599} or time.monotonic() > deadline:
                    with lock:
                        failures.append(f"{path} message {index}: {status}")
                    return
                with lock:
                    retries[path.split("?")[0]] += 1
                time.sleep(pause)
                pause = min(pause * 2, 3.0)

        server_url = f"http://127.0.0.1:{server.port}"
        local = threading.local()

        def session() -> requests.Session:
            if not hasattr(local, "s"):
                local.s = requests.Session()
            return local.s

        def deliver(group: list[int]) -> None:
            if len(group) == 1:
                send(group[0], session())
                return
            together = [threading.Thread(target=send, args=(i, requests.Session())) for i in group]
            for t in together:
                t.start()
            for t in together:
                t.join()

        restart = {"at": len(deliveries) // 2, "done": False, "down_s": 0.0}

        def restart_store() -> None:
            """Halfway: hold the senders, export, kill; let them meet the dead store, then start it again."""
            gate.drain()
            export.mkdir(exist_ok=True)
            requests.post(f"http://127.0.0.1:{fs_port}/emulator/v1/projects/{PROJECT}:export", timeout=120,
                          json={"database": f"projects/{PROJECT}/databases/(default)",
                                "export_directory": str(export)}).raise_for_status()
            firestore.kill()
            down = time.monotonic()
            gate.open.set()
            time.sleep(3)  # the senders' requests fail meanwhile (5xx) and are retried
            meta = next(export.rglob("*.overall_export_metadata"))
            again = procs.firestore_emulator(fs_port, ROOT / "firestore.rules", log_path=workdir / "firestore2.log",
                                             import_dir=meta)
            started.append(again.start())
            restart["down_s"] = time.monotonic() - down

        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            first, second = deliveries[: restart["at"]], deliveries[restart["at"]:]
            list(pool.map(deliver, first))
            restarter = threading.Thread(target=restart_store)
            restarter.start()
            time.sleep(0.5)  # the senders go on while the store is down
            list(pool.map(deliver, second))
            restarter.join()
        wall = time.monotonic() - t0

        db = gfs.Client(project=PROJECT)
        stored = {s.id: s.to_dict() or {} for s in db.collection("cases").select(["deadlines", "state"]).stream()}
        expected = {case_id for case_id, *_ in plan}
        payloads = {s.id for s in db.collection("raw_payloads").select([]).stream()}
        events = Counter(s.reference.parent.parent.id for s in db.collection_group("events").select([]).stream())
        checks = {
            "every message is one case": set(stored) == expected and len(stored) == n,
            "every case has its deadlines": all(set(c.get("deadlines") or {}) >= {"route", "answer", "draft"}
                                               for c in stored.values()),
            "every case has its raw payload": payloads == expected,
            "one CaseDetected each (no event twice)": all(events[c] == 1 for c in expected),
            "every answer a success or a retryable 5xx": not failures and set(codes) <= {200} | RETRYABLE | {599},
        }
        figures = {"messages": n, "deliveries": sum(len(g) for g in deliveries), "delivered twice": n // 5,
                   "twice at once": n // 20, "answers": dict(sorted(codes.items())), "retries": dict(retries),
                   "store down (s)": round(restart["down_s"], 1), "wall (s)": round(wall, 1),
                   "messages/s": round(n / wall, 1), "failures": failures[:5]}
        return {"checks": checks, "figures": figures}
    finally:
        for service in reversed(started):
            service.stop()


def deadline_soak(tasks: int = 1000) -> dict[str, object]:
    """Deadline tasks late, early, twice and out of order: exactly one miss per missed stage."""
    from cases.memory import InMemoryCases, InMemoryStaff
    from deadlines.policy import default_policy
    from escalation.handler import DeadlineTask, handle_deadline_task
    from infra.clock import fixed_clock
    from tests.escalation.world import FakeQueue
    from workflow.service import CaseService

    rng = random.Random(7)
    repo, queue = InMemoryCases(), FakeQueue()
    start = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # a Monday
    service = CaseService(repo, default_policy, queue, fixed_clock(start), "http://127.0.0.1:9", lambda: {"A"})
    cases = [f"vk-soak-{i}" for i in range(tasks // 4)]
    for i, case_id in enumerate(cases):
        committed = service.open_case({"id": case_id, "message": {"text": "..."}}, case_id, start + timedelta(minutes=i))
        assert committed is not None
    now = start + timedelta(days=3)  # §8 (1 h) and §11 (by the next day) long past; §10 too
    wakes = []
    for case_id in cases:
        doc = repo.get(case_id)
        for key, deadline in doc["deadlines"].items():
            due = deadline["due"]
            wakes += [DeadlineTask(case_id=case_id, key=key, due=due, kind="due")] * 2  # twice
            wakes.append(DeadlineTask(case_id=case_id, key=key, due=due - timedelta(hours=5), kind="due"))  # stale
    wakes = wakes[:tasks]
    rng.shuffle(wakes)  # out of order
    staff = InMemoryStaff({})
    times = [now, now - timedelta(days=10), now + timedelta(days=1)]  # late, early, later still
    actions, reached = Counter[str](), set()
    logging.getLogger("escalation").setLevel(logging.ERROR)  # "missed and nobody to tell": no staff here
    for task in wakes:
        at = rng.choice(times)
        actions[str(handle_deadline_task(repo, staff, queue, task, at, "http://127.0.0.1:9").action)] += 1
        if at >= task.due and task.due == repo.get(task.case_id)["deadlines"][task.key]["due"]:
            reached.add((task.case_id, task.key))  # its own wake-up came at or after its due
    misses = Counter((e["case_id"], e["payload"]["key"]) for c in cases for e in repo.events(c)
                     if e["type"] == "DeadlineMissed")
    checks = {
        "never two misses of one stage": all(v == 1 for v in misses.values()),
        "no miss before its due": all(repo.get(c)["deadlines"][k]["due"] <= now + timedelta(days=1) for c, k in misses),
        "every stage whose wake-up came after its due is missed": set(misses) == reached,
    }
    return {"checks": checks, "figures": {"tasks": len(wakes), "cases": len(cases), "actions": dict(actions),
                                          "misses": len(misses)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="otklik-soak-") as tmp:
        results = {"intake": intake_soak(args.messages, args.threads, Path(tmp)), "deadlines": deadline_soak(args.tasks)}
    ok = True
    for part, result in results.items():
        print(f"{part}: {json.dumps(result['figures'], ensure_ascii=False)}")
        for check, passed in result["checks"].items():  # type: ignore[union-attr]
            print(f"  {'OK    ' if passed else 'FAILED'} {check}")
            ok &= bool(passed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
