"""``python -m reports``: the §21 monthly report made by hand, from the Firestore the settings point at
(``FIRESTORE_EMULATOR_HOST`` locally), with a progress bar over the month's cases.

    python -m reports monthly [--month YYYY-MM] --out DIR [--send]

writes ``DIR/otklik-YYYY-MM.xlsx`` and ``DIR/otklik-YYYY-MM.pdf`` (the month: the previous one by
default), keeps the month's brief for the dashboard and the dynamics, and with ``--send`` mails both files
to the report's recipients (``settings/oversight.report_uids``, or the supervisors) as the monthly run
does: a person who already has this month's letter does not get it again.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def _month(value: str) -> str:
    if not re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {value!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports", description="The §21 monthly report of Otklik")
    sub = parser.add_subparsers(dest="command", required=True)
    monthly = sub.add_parser("monthly", help="make a month's XLSX and PDF (and mail them with --send)")
    monthly.add_argument("--month", type=_month, default=None, help="YYYY-MM (default: the previous month)")
    monthly.add_argument("--out", type=Path, required=True, help="the directory for the files")
    monthly.add_argument("--send", action="store_true", help="mail both files to the report's recipients")
    return parser


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    import bootstrap
    from cases.ports import StoreUnavailable
    from reports.dynamics import previous_month
    from reports.figures import month_bounds
    from reports.monthly import make_report, report_recipients, send_report

    args = _parser().parse_args(argv)
    now, zone = bootstrap.clock()(), bootstrap.zone()
    month = args.month or previous_month(now.astimezone(bootstrap.policy()().curator_calendar.tz).strftime("%Y-%m"))
    store = bootstrap.reports()
    try:
        total = store.count(*month_bounds(month, zone))

        def progress(cases: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
            return tqdm(cases, total=total, desc=f"Обращения за {month}", unit=" обр.", file=sys.stderr)

        report = make_report(month, store.month_cases, store, bootstrap.policy()().curator_calendar, now,
                             bootstrap.agency_names(), zone, wrap=progress)
        args.out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, _, data in report.files():
            (args.out / name).write_bytes(data)
            written.append(str(args.out / name))
        done: dict[str, Any] = {"month": month, "cases": report.figures.overall.received, "files": written}
        if args.send:
            if bootstrap.mailer() is None:
                print("error: e-mail is off (OTKLIK_SMTP_HOST is not set)", file=sys.stderr)
                return 2
            recipients = report_recipients(bootstrap.staff(), bootstrap.oversight().settings().report_uids)
            done["letters"] = send_report(report, recipients, bootstrap.staff(), bootstrap.ports().inbox,
                                          bootstrap.mailer(), now)
            done["recipients"] = len(recipients)
    except StoreUnavailable as err:
        print(f"error: Firestore unavailable, try again: {err}", file=sys.stderr)
        return 1
    print(json.dumps(done, ensure_ascii=False))
    return 0
