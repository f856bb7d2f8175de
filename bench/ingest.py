"""Intake throughput and latency against the Firestore emulator, beside raw create() and a no-op handler.

    .venv/bin/python bench/ingest.py [--messages 2000] [--threads 8]

In one run: a Firestore emulator, the intake function in a functions-framework server, and a second
server whose handler does nothing; N signed one-message batches through intake, N raw ``create()`` of
the same documents from as many threads, N requests to the no-op handler; then the import time of the
intake entry point beside bare functions-framework + Firestore. Targets (the issue): intake ≥ 0.5× raw
create throughput; intake p95 ≤ 3× the no-op p95; import time ≤ 1.3×. Everything started is stopped.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from devstack import procs  # noqa: E402

PROJECT = "demo-otklik-bench"
SERVER_ENV = {"WORKERS": "2", "THREADS": "8"}
NOOP_SOURCE = '''import functions_framework


@functions_framework.http
def noop(request):
    request.get_data()
    return "ok"
'''


def run_threads(count: int, threads: int, one: Callable[[int, requests.Session], None]) -> tuple[float, list[float]]:
    """``count`` calls spread over ``threads``; returns (wall seconds, per-call latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        session = requests.Session()
        mine: list[float] = []
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            started = time.perf_counter()
            one(n, session)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started, latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, n_messages: int, wall: float, latencies: list[float]) -> tuple[float, float, float]:
    rate, p50, p95 = n_messages / wall, pct(latencies, 0.5) * 1000, pct(latencies, 0.95) * 1000
    print(f"  {name:<38} {rate:9.0f} msg/s   p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({len(latencies)} calls)")
    return rate, p50, p95


def item(external_id: str) -> dict[str, object]:
    return {"network": "vk", "external_id": external_id, "url": f"https://vk.com/{external_id}",
            "author": {"name": "Иван Петров", "url": "https://vk.com/id1"},
            "text": "Во дворе дома 5 по улице Ленина третью неделю не вывозят мусор.",
            "posted_at": "2024-03-01T10:00:00+04:00", "engagement": {"likes": 3, "views": 120}}


def import_time_ms(code: str, runs: int = 5) -> float:
    """Median over ``runs`` of the summed cumulative time of the top-level imports (-X importtime)."""
    totals = []
    for _ in range(runs):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True).stderr
        totals.append(sum(int(m.group(1)) for m in re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \| [^ ]", err, re.M)))
    return statistics.median(totals) / 1000


def bench(messages: int, threads: int, workdir: Path) -> None:
    import json

    from intake import signature
    from intake.documents import new_case
    from intake.models import Message, SourceKind, SourceRef

    started: list[procs.Service] = []
    try:
        fs_port = procs.free_port()
        started.append(procs.firestore_emulator(fs_port, ROOT / "firestore.rules",
                                                log_path=workdir / "firestore.log").start())
        os.environ["FIRESTORE_EMULATOR_HOST"] = f"127.0.0.1:{fs_port}"
        from google.cloud import firestore

        from intake.firestore_registry import FirestoreRegistry

        db = firestore.Client(project=PROJECT)
        key = secrets.token_urlsafe(32)
        FirestoreRegistry(lambda: db).add_source("bench", "Бенчмарк", key, datetime.now(UTC))

        env = {"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{fs_port}", "OTKLIK_PROJECT_ID": PROJECT,
               "OTKLIK_ENV": "test", **SERVER_ENV}
        intake = procs.functions_server(procs.free_port(), env, log_path=workdir / "intake.log").start()
        started.append(intake)
        (workdir / "noop_main.py").write_text(NOOP_SOURCE)
        noop_port = procs.free_port()
        noop = procs.Service("no-op", [str(ROOT / ".venv" / "bin" / "functions-framework"), "--source",
                                       str(workdir / "noop_main.py"), "--target", "noop", "--host", "127.0.0.1",
                                       "--port", str(noop_port)],
                             noop_port, lambda: procs.http_ok(f"http://127.0.0.1:{noop_port}/"),
                             env=SERVER_ENV, log_path=workdir / "noop.log").start()
        started.append(noop)
        run_id = uuid.uuid4().hex[:6]
        intake_url = f"http://127.0.0.1:{intake.port}/intake/monitoring"

        def body_for(ids: list[str]) -> bytes:
            return json.dumps({"messages": [item(i) for i in ids]}, ensure_ascii=False).encode()

        def post(body: bytes, session: requests.Session) -> None:
            headers = {"X-Otklik-Source": "bench", "Content-Type": "application/json",
                       signature.HEADER: signature.sign(key, int(time.time()), body)}
            resp = session.post(intake_url, data=body, headers=headers, timeout=30)
            if resp.status_code != 200 or '"created"' not in resp.text:
                raise RuntimeError(f"intake answered {resp.status_code}: {resp.text[:200]}")

        # warm-up: the first request builds the service and the gRPC channel in each worker
        run_threads(50, threads, lambda n, s: post(body_for([f"warm-{run_id}-{n}"]), s))
        run_threads(50, threads, lambda n, s: s.post(f"http://127.0.0.1:{noop_port}/", data=b"{}", timeout=30))

        source = SourceRef(kind=SourceKind.monitoring, id="bench", name="Бенчмарк")

        def raw_create(n: int, session: requests.Session) -> None:
            raw = item(f"raw-{run_id}-{n}")
            message = Message.model_validate(raw)
            doc = new_case(message, source, received_at=datetime.now(UTC), sender_detected_at=None,
                           raw=json.dumps(raw, ensure_ascii=False), raw_max_bytes=64 * 1024, write_id=uuid.uuid4().hex)
            db.collection("cases").document(doc["id"]).create(doc)

        print(f"ingest benchmark: {messages} messages, {threads} client threads, server {SERVER_ENV}, "
              f"Firestore emulator on :{fs_port}")
        results = {
            "raw": report("raw create() (same documents)", messages, *run_threads(messages, threads, raw_create)),
            "intake": report("intake /intake/monitoring (1 per batch)", messages, *run_threads(
                messages, threads, lambda n, s: post(body_for([f"one-{run_id}-{n}"]), s))),
            "noop": report("no-op handler", messages, *run_threads(
                messages, threads, lambda n, s: s.post(f"http://127.0.0.1:{noop_port}/", data=b"{}", timeout=30))),
        }
        size = 50
        wall, lat = run_threads(messages // size, threads, lambda n, s: post(
            body_for([f"b{size}-{run_id}-{n}-{i}" for i in range(size)]), s))
        print(f"  {'intake, batches of 50 (per message)':<38} {messages / wall:9.0f} msg/s   "
              f"p50 {pct(lat, 0.5) * 1000:7.2f} ms   p95 {pct(lat, 0.95) * 1000:7.2f} ms per batch")

        throughput = results["intake"][0] / results["raw"][0]
        tail = results["intake"][2] / results["noop"][2]
        print(f"  throughput intake / raw create: {throughput:.2f}x  (target >= 0.5x) "
              f"{'OK' if throughput >= 0.5 else 'MISSED'}")
        print(f"  p95 intake / no-op:             {tail:.2f}x  (target <= 3x)   {'OK' if tail <= 3 else 'MISSED'}")
    finally:
        for svc in reversed(started):
            svc.stop()

    base = import_time_ms("import functions_framework; from google.cloud import firestore")
    entry = import_time_ms("import functions_framework; import functions.intake_http")
    # What the first request adds (the composition root and the Firestore client library): a cold start pays it.
    full = import_time_ms("import functions_framework; import functions.intake_http; import intake.wiring; "
                          "from google.cloud import firestore")
    print("import time (-X importtime, median of 5, sum of top-level cumulative):")
    print(f"  functions-framework + firestore            {base:6.0f} ms")
    print(f"  intake entry point (module import only)    {entry:6.0f} ms   {entry / base:.2f}x")
    print(f"  intake entry point + first-request imports {full:6.0f} ms   {full / base:.2f}x  (target <= 1.3x) "
          f"{'OK' if full / base <= 1.3 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otklik-bench-") as tmp:
        bench(args.messages, args.threads, Path(tmp))


if __name__ == "__main__":
    main()
