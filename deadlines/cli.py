"""Admin CLI for the working-time engine. Prints JSON on stdout; errors on stderr with exit code 2.

    python -m deadlines due --detected 2024-04-26T17:30:00+04:00
    python -m deadlines add --from 2024-04-26T17:30:00+04:00 --hours 4
    python -m deadlines add --from 2024-04-26T17:30:00+04:00 --working-days 2 --policy end_of_day
    python -m deadlines subtract --from 2024-04-27T12:00:00+04:00 --hours 4
    python -m deadlines year 2024
    python -m deadlines import-calendar 2027.xml [--out PATH]

Imports stay light: pydantic is loaded only for `due` and `--settings`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deadlines.calendar import DEFAULT_OVERRIDES_DIR, Calendar, load_calendar

if TYPE_CHECKING:
    from deadlines.worktime import DaysPolicy


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result = args.handler(args)
    except (ValueError, OSError) as exc:  # CalendarError and PolicyError are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deadlines", description="Working time and deadlines.")
    parser.add_argument("--overrides-dir", type=Path, default=DEFAULT_OVERRIDES_DIR,
                        help=f"imported calendars and overrides (default {DEFAULT_OVERRIDES_DIR})")
    parser.add_argument("--settings", type=Path, help="a JSON file with the settings/sla document")
    commands = parser.add_subparsers(dest="command", required=True)

    due = commands.add_parser("due", help="every deadline derivable from a detection")
    due.add_argument("--detected", required=True, type=_instant, help="ISO-8601 with an offset")
    due.set_defaults(handler=_due)

    _amount_commands(commands)

    year = commands.add_parser("year", help="working days, days off and hours of a year")
    year.add_argument("year", type=int)
    year.set_defaults(handler=_year)

    imp = commands.add_parser("import-calendar", help="import an official xmlcalendar file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--out", type=Path, help="default: <overrides-dir>/<YEAR>.json")
    imp.set_defaults(handler=_import)
    return parser


def _amount_commands(commands: Any) -> None:
    for name, handler in (("add", _add), ("subtract", _subtract)):
        cmd = commands.add_parser(name, help=f"{name} working time")
        cmd.add_argument("--from", dest="start", required=True, type=_instant, help="ISO-8601 with an offset")
        amount = cmd.add_mutually_exclusive_group(required=True)
        amount.add_argument("--hours", type=float)
        amount.add_argument("--minutes", type=float)
        if name == "add":
            amount.add_argument("--working-days", type=int)
            cmd.add_argument("--policy", choices=("clock_time", "end_of_day"), default=None)
        cmd.add_argument("--calendar", choices=("agency", "curator"), default="agency",
                         help="which calendar of --settings to use (default agency)")
        cmd.set_defaults(handler=handler)


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO-8601 date-time") from exc
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset (e.g. +04:00 or Z)")
    return moment


def _policy(args: argparse.Namespace) -> Any:
    from deadlines.policy import default_policy
    from deadlines.settings import policy_from_settings

    base = load_calendar(args.overrides_dir)
    if args.settings is None:
        return default_policy(base)
    return policy_from_settings(json.loads(args.settings.read_text(encoding="utf-8")), base)


def _calendar(args: argparse.Namespace) -> tuple[Calendar, DaysPolicy]:
    if args.settings is None:
        return load_calendar(args.overrides_dir), "clock_time"
    policy = _policy(args)
    cal = policy.curator_calendar if args.calendar == "curator" else policy.agency_calendar
    return cal, policy.days_policy


def _due(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.policy import due_dates_for_detection

    policy = _policy(args)
    due = due_dates_for_detection(policy, args.detected)
    return {
        "detected": args.detected.astimezone(policy.agency_calendar.tz).isoformat(),
        "days_policy": policy.days_policy,
        "due": {str(stage): moment.isoformat() for stage, moment in due.items()},
        "warning": {str(stage): policy.warning_at(stage, moment).isoformat() for stage, moment in due.items()},
    }


def _add(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.worktime import add_working, add_working_days

    cal, days_policy = _calendar(args)
    if args.working_days is not None:
        policy: DaysPolicy = args.policy or days_policy
        result = add_working_days(cal, args.start, args.working_days, policy)
        return _moved(args, cal, result, {"working_days": args.working_days, "policy": policy})
    minutes = args.minutes if args.minutes is not None else args.hours * 60
    return _moved(args, cal, add_working(cal, args.start, minutes), {"minutes": minutes})


def _subtract(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.worktime import subtract_working

    cal, _ = _calendar(args)
    minutes = args.minutes if args.minutes is not None else args.hours * 60
    return _moved(args, cal, subtract_working(cal, args.start, minutes), {"minutes": minutes})


def _moved(args: argparse.Namespace, cal: Calendar, result: datetime, amount: dict[str, Any]) -> dict[str, Any]:
    return {"from": args.start.astimezone(cal.tz).isoformat(), **amount, "result": result.isoformat(),
            "zone": cal.zone}


def _year(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.yearstats import year_summary

    return year_summary(load_calendar(args.overrides_dir), args.year)


def _import(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.xmlcalendar import facts_to_json, load_xmlcalendar
    from deadlines.yearstats import count_days

    facts = load_xmlcalendar(args.file)
    out: Path = args.out or args.overrides_dir / f"{facts.year}.json"
    cal = Calendar(imported=(facts,), use_builtin=False).validate()  # trial computation before writing
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(facts_to_json(facts), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    counts = count_days(cal.facts(facts.year))
    return {
        "year": facts.year,
        "written": str(out),
        "working_days": counts["working"],
        "days_off": counts["off"],
        "shortened_days": counts["shortened"],
        "working_hours_40h_week": 8 * counts["working"] - counts["shortened"],
        "working_weekend_days": sorted(d.isoformat() for d in facts.working),
    }


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
