"""Intake throughput and latency against the Firestore emulator, beside raw create() and a no-op handler.

    .venv/bin/python bench/ingest.py [--messages 2000] [--threads 8]

In one run: a Firestore emulator, the intake function in a functions-framework server, and a second
server whose handler does nothing; N signed one-message batches through intake, N raw commits of the
same documents intake writes (the case and its first audit event) from as many threads, N requests to
the no-op handler; then the import time of the intake entry point beside bare functions-framework +
Firestore. Targets (the issue): intake ≥ 0.5× raw create throughput; intake p95 ≤ 3× the no-op p95;
import time ≤ 1.3×. The targets' intake has no Cloud Tasks (new cases are left to the sweep); a second
intake server with the Cloud Tasks emulator shows the whole path beside them, N/4 messages, no target.
Everything started is stopped.
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


def report_batches(name: str, n_messages: int, wall: float, latencies: list[float]) -> None:
    print(f"  {name:<38} {n_messages / wall:9.0f} msg/s   p50 {pct(latencies, 0.5) * 1000:7.2f} ms   "
          f"p95 {pct(latencies, 0.95) * 1000:7.2f} ms per batch")


def item(external_id: str) -> dict[str, object]:
    return {"network": "vk", "external_id": external_id, "url": f"https://vk.com/{external_id}",
            "author": {"name": "Иван Петров", "url": "https://vk.com/id1"},
            "text": "Во дворе дома 5 по улице Ленина третью неделю не вывозят мусор.",
            "posted_at": "2024-03-01T10:00:00+04:00", "engagement": {"likes": 3, "views": 120}}


def import_time_ms(code: str, env: dict[str, str] | None = None) -> float:
    """The summed cumulative time of the top-level imports (-X importtime) of one cold process. An import
    made lazily while the code runs (on the first request) is a top-level line too, so it counts."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})})
    err = done.stderr
    if done.returncode != 0:
        raise RuntimeError("the import-time probe failed: " + "\n".join(
            line for line in err.splitlines() if not line.startswith("import time:"))[-2000:])
    return sum(int(m.group(1)) for m in re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \| [^ ]", err, re.M)) / 1000


def interleaved(codes: dict[str, str], env: dict[str, str], runs: int = 9) -> dict[str, list[float]]:
    """Each probe ``runs`` times, taking turns, so that a burst of load on this noisy machine hits all of
    them alike rather than one block of runs."""
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            times[name].append(import_time_ms(code, env))
    return times


# A cold instance serving its first request, for the import-time comparison: bare functions-framework
# writing one document with the Firestore client, beside the intake function taking one signed message.
# Both run inside the same Flask request context (the harness costs both alike).
BARE_FIRST_REQUEST = """
import functions_framework
import flask
from google.cloud import firestore
app = flask.Flask("x")
with app.test_request_context("/", method="POST", data=b"{{}}"):
    firestore.Client(project={project!r}).collection("bench_import").document().create({{"a": 1}})
"""
INTAKE_FIRST_REQUEST = """
import functions_framework, json, time, uuid
import functions.intake_http
import flask
from intake import signature
body = json.dumps({{"messages": [json.loads({item})]}}).encode()
body = body.replace(b"EXTERNAL_ID", uuid.uuid4().hex.encode())
headers = {{"X-Otklik-Source": "bench", "Content-Type": "application/json",
            signature.HEADER: signature.sign({key!r}, int(time.time()), body)}}
app = flask.Flask("x")
with app.test_request_context("/intake/monitoring", method="POST", data=body, headers=headers):
    answer = flask.make_response(functions.intake_http.monitoring(flask.request))
assert answer.status_code == 200 and b'"created"' in answer.get_data(), answer.get_data()
"""


def bench(messages: int, threads: int, workdir: Path) -> None:
    import json

    from cases.documents import created_document, event_doc, event_id
    from cases.routing import detect
    from deadlines.calendar import load_calendar
    from deadlines.policy import default_policy
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

        # The targets' run: intake against the Firestore emulator alone. Without Cloud Tasks the after-create
        # step fails fast and leaves the new cases to the sweep (they are stored ``unscheduled``).
        env = {"FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{fs_port}", "OTKLIK_PROJECT_ID": PROJECT,
               "OTKLIK_ENV": "test", **SERVER_ENV}
        intake = procs.functions_server(procs.free_port(), env, log_path=workdir / "intake.log").start()
        started.append(intake)
        # The whole path besides: the same function with the Cloud Tasks emulator, so each new case also
        # gets its 6 tasks: 5 wake-ups (they fall due after the run) and the outbox's (its target is a closed port).
        tasks_port = procs.free_port()
        queue = f"projects/{PROJECT}/locations/europe-west1/queues/deadlines"
        started.append(procs.tasks_emulator(tasks_port, queue, log_path=workdir / "tasks.log").start())
        full = procs.functions_server(procs.free_port(), {
            **env, "CLOUD_TASKS_EMULATOR_HOST": f"127.0.0.1:{tasks_port}", "OTKLIK_LOCATION": "europe-west1",
            "OTKLIK_TASKS_QUEUE": "deadlines", "OTKLIK_BASE_URL": f"http://127.0.0.1:{procs.free_port()}"},
            log_path=workdir / "intake-full.log").start()
        started.append(full)
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

        full_url = f"http://127.0.0.1:{full.port}/intake/monitoring"

        def post(body: bytes, session: requests.Session, url: str = intake_url) -> None:
            headers = {"X-Otklik-Source": "bench", "Content-Type": "application/json",
                       signature.HEADER: signature.sign(key, int(time.time()), body)}
            resp = session.post(url, data=body, headers=headers, timeout=120)
            if resp.status_code != 200 or '"created"' not in resp.text:
                raise RuntimeError(f"intake answered {resp.status_code}: {resp.text[:200]}")

        # warm-up: the first request builds the service and the gRPC channel in each worker
        run_threads(50, threads, lambda n, s: post(body_for([f"warm-{run_id}-{n}"]), s))
        run_threads(50, threads, lambda n, s: s.post(f"http://127.0.0.1:{noop_port}/", data=b"{}", timeout=30))

        source = SourceRef(kind=SourceKind.monitoring, id="bench", name="Бенчмарк")

        policy = default_policy(load_calendar())

        def raw_create(n: int, session: requests.Session) -> None:
            """What intake commits for a new message, built and written directly: the case (message and
            workflow fields with its deadlines) and its first audit event, in one commit."""
            raw = item(f"raw-{run_id}-{n}")
            message = Message.model_validate(raw)
            doc = new_case(message, source, received_at=datetime.now(UTC), sender_detected_at=None,
                           raw=json.dumps(raw, ensure_ascii=False), raw_max_bytes=64 * 1024, write_id=uuid.uuid4().hex)
            case, events = detect(doc["id"], doc["detected_at"], policy)
            ref = db.collection("cases").document(doc["id"])
            batch = db.batch()
            batch.create(ref, created_document(doc, case, events))
            batch.create(ref.collection("events").document(event_id(1)), event_doc(events[0], []))
            batch.commit()

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
        report_batches("intake, batches of 50 (per message)", messages, wall, lat)

        few = max(messages // 4, 50)
        run_threads(20, threads, lambda n, s: post(body_for([f"fwarm-{run_id}-{n}"]), s, full_url))
        full_rate, _, full_p95 = report("with Cloud Tasks (6 tasks per case)", few, *run_threads(
            few, threads, lambda n, s: post(body_for([f"full-{run_id}-{n}"]), s, full_url)))
        batches = max(few // size, 2)
        wall, lat = run_threads(batches, threads, lambda n, s: post(
            body_for([f"fb{size}-{run_id}-{n}-{i}" for i in range(size)]), s, full_url))
        report_batches("with Cloud Tasks, batches of 50", batches * size, wall, lat)
        print(f"  (not targets: {full_rate / results['raw'][0]:.2f}x raw create, p95 {full_p95 / results['noop'][2]:.1f}x "
              "no-op; the local Tasks emulator's create slows as its in-memory queue grows)")

        throughput = results["intake"][0] / results["raw"][0]
        tail = results["intake"][2] / results["noop"][2]
        print(f"  throughput intake / raw create: {throughput:.2f}x  (target >= 0.5x) "
              f"{'OK' if throughput >= 0.5 else 'MISSED'}")
        print(f"  p95 intake / no-op:             {tail:.2f}x  (target <= 3x)   {'OK' if tail <= 3 else 'MISSED'}")
        print(f"    (for scale: p95 of the raw commit alone / no-op {results['raw'][2] / results['noop'][2]:.2f}x; "
              f"p95 intake / raw commit {results['intake'][2] / results['raw'][2]:.2f}x)")
        import_times(env, key)
    finally:
        for svc in reversed(started):
            svc.stop()


def compile_sources() -> None:
    """Byte-compile the project as a deployment's build step does: the libraries beside it were compiled
    when pip installed them, and this machine sets PYTHONDONTWRITEBYTECODE, so without this step every
    probe would compile the project's sources afresh and measure the compiler, not the cold start."""
    packages = [str(ROOT / p) for p in ("functions", "intake", "cases", "deadlines", "notify", "infra", "reports")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True, capture_output=True)


def import_times(env: dict[str, str], key: str) -> None:
    import json

    compile_sources()
    bare = BARE_FIRST_REQUEST.format(project=PROJECT)
    first = INTAKE_FIRST_REQUEST.format(item=repr(json.dumps(item("EXTERNAL_ID"))), key=key)
    times = interleaved({"base": bare, "entry": "import functions_framework; import functions.intake_http",
                         "full": first}, env)
    base, entry, full = (statistics.median(times[k]) for k in ("base", "entry", "full"))
    ratio = statistics.median(f / b for f, b in zip(times["full"], times["base"], strict=True))
    print("import time (-X importtime, median of 9 interleaved runs, sum of top-level cumulative, lazy imports "
          "included):")
    print(f"  functions-framework + firestore, one create  {base:6.0f} ms")
    print(f"  intake entry point (module import only)      {entry:6.0f} ms   {entry / base:.2f}x")
    print(f"  intake entry point + its first request       {full:6.0f} ms   {full / base:.2f}x; median of the "
          f"runs' ratios {ratio:.2f}x  (target <= 1.3x) {'OK' if ratio <= 1.3 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otklik-bench-") as tmp:
        bench(args.messages, args.threads, Path(tmp))


if __name__ == "__main__":
    main()
