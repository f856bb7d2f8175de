"""The §21 monthly report's cost on the Firestore emulator, beside a naive full scan measured in the same run.

    .venv/bin/python bench/reports.py [--cases 15000] [--history 5000] [--pool 300]

A month of ``--cases`` cases and the twelve months before it with ``--history`` cases each (about the
region's real volume: ~1,200 messages a week) are written to an emulator started for the run. The cases
are the workflow's own (``devstack.history``: a pool of ``--pool`` cases worked through the workflow,
copied with their moments shifted into place). Then, with documents read counted on the wire:

- the report as the monthly run makes it (figures streamed in pages with a projection, the brief kept,
  the dynamics from the eleven earlier months' briefs, both files) against a naive full scan of the
  month (every field of every case loaded into a list); targets: ≤ 60 s, memory bounded;
- the trend: the earlier months' briefs read, against scanning their cases again; target: reads ≤ 1/10;
- memory (tracemalloc peak) of the figures streamed against the naive list.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lifecycle import Counting, counting_client  # noqa: E402
from devstack import procs  # noqa: E402

PROJECT = "demo-otklik-bench"
MONTH = "2026-11"
TIME_TARGET_S, READS_TARGET = 60.0, 0.1


def populate(db: Any, months: dict[str, int], pool_size: int, seed: int = 7) -> None:
    """``months``: month → how many cases; copies of a pool worked through the workflow, shifted in."""
    from devstack.history import History, shifted, write
    from reports.figures import month_bounds

    history = History(seed=seed)
    pool_ids = history.month("2026-06", pool_size)
    pool = [history.repo.docs[i] for i in pool_ids]
    rng = random.Random(seed)

    def copies() -> Any:
        for month, count in months.items():
            start, end = month_bounds(month)
            span = (end - start).total_seconds() - 3 * 24 * 3600
            for n in range(count):
                template = pool[n % len(pool)]
                at = start + timedelta(seconds=rng.uniform(0, span))
                doc = shifted(template, at - template["detected_at"])
                case_id = f"vk-b{month.replace('-', '')}_{n}"
                yield case_id, {**doc, "id": case_id}, {}

    total = sum(months.values())
    started = time.perf_counter()
    write(db, copies(), with_events=False,
          on_batch=lambda n: print(f"\r  writing cases: {n}/{total}", end="", file=sys.stderr, flush=True))
    print(f"\r  wrote {total} cases in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=15_000)
    parser.add_argument("--history", type=int, default=5_000)
    parser.add_argument("--pool", type=int, default=300)
    args = parser.parse_args()

    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"otklik-bench-reports-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    fs = procs.firestore_emulator(procs.free_port(), ROOT / "firestore.rules", tmp / "firestore.log")
    try:
        fs.start()
        os.environ.update(FIRESTORE_EMULATOR_HOST=f"127.0.0.1:{fs.port}", OTKLIK_PROJECT_ID=PROJECT, OTKLIK_ENV="test")
        run(args)
    finally:
        fs.stop()
    return 0


def run(args: argparse.Namespace) -> None:
    from google.cloud.firestore import FieldFilter

    from adapters.firestore_reports import FirestoreReports
    from deadlines.policy import default_policy
    from reports.dynamics import month_brief, previous_month
    from reports.figures import month_bounds, month_figures
    from reports.monthly import make_report

    counter = Counting()
    db = counting_client(counter)
    earlier = [previous_month(MONTH, back) for back in range(12, 0, -1)]
    populate(db, {**dict.fromkeys(earlier, args.history), MONTH: args.cases}, args.pool)
    calendar = default_policy().curator_calendar
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    store = FirestoreReports(lambda: db)
    start, end = month_bounds(MONTH)

    def measured(work: Any) -> tuple[Any, float, int]:
        before = counter.counts["reads"]
        began = time.perf_counter()
        result = work()
        return result, time.perf_counter() - began, counter.counts["reads"] - before

    # The months before: their briefs, as the earlier monthly runs kept them (not timed).
    for month in earlier:
        store.save_brief(month, month_brief(month_figures(store.month_cases(*month_bounds(month)), month, calendar, now),
                                            now))

    def between(begin: datetime, finish: datetime) -> Any:
        return (db.collection("cases").where(filter=FieldFilter("detected_at", ">=", begin))
                .where(filter=FieldFilter("detected_at", "<", finish)))

    naive_query = between(start, end)

    def naive_figures() -> Any:
        docs = [snap.to_dict() | {"id": snap.id} for snap in naive_query.stream()]
        return month_figures(docs, MONTH, calendar, now)

    naive, naive_s, naive_reads = measured(naive_figures)
    report, report_s, report_reads = measured(lambda: make_report(MONTH, store.month_cases, store, calendar, now, {}))
    assert report.figures.overall.received == naive.overall.received == args.cases

    briefs, trend_s, trend_reads = measured(lambda: store.briefs(earlier[1:]))
    assert len(briefs) == 11
    trend_scan_reads = 0
    scan_began = time.perf_counter()
    for month in earlier[1:]:
        for _ in between(*month_bounds(month)).stream():
            trend_scan_reads += 1
    trend_scan_s = time.perf_counter() - scan_began

    tracemalloc.start()
    month_figures(store.month_cases(start, end), MONTH, calendar, now)
    streamed_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    naive_figures()
    naive_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(f"§21 monthly report: {args.cases} cases in {MONTH}, {args.history} in each of the 12 months before")
    print(f"{'':44}{'time, s':>9}{'reads':>9}{'memory, MB':>12}")
    print(f"{'naive: full scan of the month (figures only)':44}{naive_s:>9.1f}{naive_reads:>9}{naive_peak / 1e6:>12.1f}")
    print(f"{'the report (figures, brief, dynamics, XLSX, PDF)':44}{report_s:>9.1f}{report_reads:>9}"
          f"{streamed_peak / 1e6:>12.1f}")
    print(f"{'ratio report / naive':44}{report_s / naive_s:>8.2f}x{report_reads / naive_reads:>8.2f}x"
          f"{streamed_peak / naive_peak:>11.2f}x")
    print(f"{'trend: 11 earlier months by their briefs':44}{trend_s:>9.2f}{trend_reads:>9}")
    print(f"{'trend: naive scan of those months':44}{trend_scan_s:>9.1f}{trend_scan_reads:>9}")
    ratio = trend_reads / trend_scan_reads
    print(f"{'ratio':44}{trend_s / trend_scan_s:>8.3f}x{ratio:>8.4f}x")
    ok_time, ok_reads = report_s <= TIME_TARGET_S, ratio <= READS_TARGET
    print(f"report {report_s:.1f} s (target <= {TIME_TARGET_S:.0f} s) {'OK' if ok_time else 'MISSED'}; "
          f"trend reads {ratio:.4f} of the scan (target <= {READS_TARGET}) {'OK' if ok_reads else 'MISSED'}; "
          f"memory streamed {streamed_peak / 1e6:.1f} MB against {naive_peak / 1e6:.1f} MB loaded")


if __name__ == "__main__":
    sys.exit(main())
