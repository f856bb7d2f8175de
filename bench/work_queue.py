"""The curator's «К направлению» queue with 10,000 open cases: how long the web client takes to show its
first page, beside the bare Firestore query of the same page, measured in the same run.

    .venv/bin/python bench/work_queue.py [--cases 10000] [--runs 5]

The whole local stack on free ports (Firestore with the rules, Auth, the functions serving the web client)
with 10,000 detected cases (opened by the workflow, as intake opens them). In Debian's Chromium the
curator signs in, then the queue's tab is clicked `--runs` times (between runs another tab): the time from
the click to 50 rows on the screen (the Firestore SDK may draw them first from its local cache), and to the
page as the server confirmed it (the client's `otklik-list` performance mark with `fromCache: false`), by
`performance.now()` in the page. The baseline: the same query (state == detected, by the nearest
deadline, 50 rows) by the Python client, timed the same number of times. Target: the server-confirmed
first page within 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devstack import demo, demo_staff  # noqa: E402
from devstack.stack import Ports, Stack  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TARGET_S = 1.0
PAGE = 50


def open_cases(count: int) -> None:
    """`count` detected cases, opened by the workflow (its fields, deadlines, search words), written in batches."""
    from cases.documents import created_document
    from cases.routing import detect
    from deadlines.policy import default_policy
    from infra.firestore import firestore_client

    db, policy = firestore_client(), default_policy()
    now = datetime.now(UTC)
    batch, pending = db.batch(), 0
    for i in range(count):
        at = now - timedelta(minutes=i)
        case_id = f"vk-q_{i}"
        case, events = detect(case_id, at, policy)
        message = {"network": "vk", "external_id": case_id, "text": f"Сообщение жителя номер {i} о дороге и освещении"}
        batch.set(db.collection("cases").document(case_id),
                  created_document({"id": case_id, "detected_at": at, "message": message}, case, events))
        pending += 1
        if pending == 400:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()


def bare_query_s(runs: int) -> list[float]:
    from google.cloud.firestore import FieldFilter

    from infra.firestore import firestore_client

    query = (firestore_client().collection("cases").where(filter=FieldFilter("state", "==", "detected"))
             .order_by("next_due").limit(PAGE))
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        assert len(list(query.stream())) == PAGE
        times.append(time.perf_counter() - began)
    return times


def first_page_s(stack: Stack, runs: int) -> list[tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    email = next(e for e, role, _, _ in demo_staff.DEMO_STAFF if role == "curator")
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 950}, locale="ru-RU")
        page.goto(f"{stack.base_url}/web/")
        page.fill("#email", email)
        page.fill("#password", demo_staff.DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("button.queue[data-queue=to_route]", timeout=60_000)
        page.wait_for_function(f"document.querySelectorAll('tr.case-row').length >= {PAGE}", timeout=60_000)
        for _ in range(runs):
            page.click("button.queue[data-queue=to_review]")  # elsewhere first: the queue is queried anew
            page.wait_for_function("document.querySelectorAll('tr.case-row').length === 0", timeout=60_000)
            took = page.evaluate(f"""() => new Promise((done) => {{
                const began = performance.now();
                let shown = null;
                const seen = () => document.querySelectorAll('tr.case-row[data-state=detected]').length >= {PAGE};
                const watch = new MutationObserver(() => {{ if (shown === null && seen()) shown = performance.now() - began; }});
                watch.observe(document.body, {{ childList: true, subtree: true }});
                const marks = new PerformanceObserver((list) => {{
                    for (const m of list.getEntries()) {{
                        const d = m.detail || {{}};
                        if (m.startTime >= began && d.queue === 'to_route' && !d.fromCache && d.rows >= {PAGE}) {{
                            marks.disconnect(); watch.disconnect();
                            done([shown === null ? performance.now() - began : shown, performance.now() - began]);
                        }}
                    }}
                }});
                marks.observe({{ type: 'mark' }});
                document.querySelector('button.queue[data-queue=to_route]').click();
            }})""")
            times.append((took[0] / 1000, took[1] / 1000))
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    stack = Stack(Ports.free(), state_dir=Path(tempfile.mkdtemp(prefix="otklik-bench-queue-")))
    try:
        stack.start()
        os.environ.update(stack.env())
        import bootstrap

        bootstrap.reset()
        now = datetime.now(UTC)
        demo.load_reference_data(now)
        demo_staff.create(stack, now)
        began = time.perf_counter()
        open_cases(args.cases)
        print(f"  {args.cases} detected cases written in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        bare = bare_query_s(args.runs)
        shown = first_page_s(stack, args.runs)
    finally:
        stack.stop()
    b = statistics.median(bare)
    drawn, confirmed = statistics.median(t[0] for t in shown), statistics.median(t[1] for t in shown)
    print(f"«К направлению» with {args.cases} open cases, first page of {PAGE} rows (median of {args.runs}):")
    print(f"  bare Firestore query (Python client)          {b * 1000:8.0f} ms")
    print(f"  web client: click to rows on screen           {drawn * 1000:8.0f} ms   ratio {drawn / b:.2f}x")
    print(f"  web client: click to the server's page        {confirmed * 1000:8.0f} ms   ratio {confirmed / b:.2f}x")
    print(f"first page confirmed in {confirmed:.2f} s (target <= {TARGET_S:.0f} s) "
          f"{'OK' if confirmed <= TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
