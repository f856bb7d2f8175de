"""Admin CLI for the working-time engine. Prints JSON on stdout; errors on stderr with exit code 2.

    python -m deadlines due --detected 2024-04-26T17:30:00+04:00
    python -m deadlines add --from 2024-04-26T17:30:00+04:00 --hours 4
    python -m deadlines add --from 2024-04-26T17:30:00+04:00 --working-days 2 --policy end_of_day
    python -m deadlines subtract --from 2024-04-27T12:00:00+04:00 --hours 4
    python -m deadlines year 2028
    python -m deadlines import-calendar 2028.xml [--out PATH]
    python -m deadlines decrees [--write]

The calendar directory is ``--calendar-dir``, else ``$OTKLIK_CALENDAR_DIR``, else `.state/calendar-overrides`;
the SLA policy is ``--settings``, else ``$OTKLIK_SLA_FILE``, else the regulation's table. A deadline or a
year computed without a government decree is reported as provisional, with the reason.
Imports stay light: pydantic is loaded only for `due` and `--settings`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deadlines.calendar import CALENDAR_DIR_ENV, DEFAULT_OVERRIDES_DIR, Calendar, calendar_dir, load_calendar

if TYPE_CHECKING:
    from deadlines.worktime import DaysPolicy

SLA_FILE_ENV = "OTKLIK_SLA_FILE"  # the same setting as ``infra.settings.Settings.sla_file``


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
    parser.add_argument("--calendar-dir", "--overrides-dir", dest="overrides_dir", type=Path, default=None,
                        help=f"imported calendars and overrides (default ${CALENDAR_DIR_ENV}, "
                             f"else {DEFAULT_OVERRIDES_DIR})")
    parser.add_argument("--settings", type=Path, default=os.environ.get(SLA_FILE_ENV) or None,
                        help=f"a JSON file with the settings/sla document (default ${SLA_FILE_ENV})")
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

    decrees = commands.add_parser("decrees", help="the holidays package's decrees against the shipped data")
    decrees.add_argument("--write", action="store_true", help="regenerate deadlines/data/decrees.json")
    decrees.set_defaults(handler=_decrees)
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
    from deadlines.policy import detection_deadlines

    policy = _policy(args)
    due = detection_deadlines(policy, args.detected)
    years = sorted({y for _, stage_years in due.values() for y in stage_years})
    result = {
        "detected": args.detected.astimezone(policy.agency_calendar.tz).isoformat(),
        "days_policy": policy.days_policy,
        "due": {str(stage): moment.isoformat() for stage, (moment, _) in due.items()},
        "warning": {str(stage): policy.warning_at(stage, moment).isoformat() for stage, (moment, _) in due.items()},
        "provisional": {str(stage): bool(stage_years) for stage, (_, stage_years) in due.items()},
    }
    if years:
        result["provisional_years"] = years
        result["why"] = provisional_reason(years)
    return result


def provisional_reason(years: list[int]) -> str:
    """Why a year or a deadline is provisional, and what to do about it."""
    named = ", ".join(map(str, years))
    first = years[0]
    return (f"no government decree on days off is known for {named} (neither in the installed holidays package "
            f"nor imported): computed by the Labour Code alone (art. 112 holidays, a weekend holiday moved to "
            f"the next working day, art. 95 pre-holiday days); the decree may move days off. Import the official "
            f"calendar when it is published: python -m deadlines import-calendar {first}.xml; pending deadlines "
            f"are then recomputed by the sweep")


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

    summary = year_summary(load_calendar(args.overrides_dir), args.year)
    if summary["provisional"]:
        summary["why"] = provisional_reason([args.year])
    return summary


def _import(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.xmlcalendar import facts_to_json, load_xmlcalendar
    from deadlines.yearstats import count_days

    facts = load_xmlcalendar(args.file)
    out: Path = args.out or calendar_dir(args.overrides_dir) / f"{facts.year}.json"
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


def _decrees(args: argparse.Namespace) -> dict[str, Any]:
    from deadlines.decrees import DATA, dumps, generate

    content = generate()
    shipped = json.loads(DATA.read_text(encoding="utf-8"))
    result = {"installed_holidays": content["holidays_version"], "installed_years": [int(y) for y in content["years"]],
              "shipped_holidays": shipped["holidays_version"], "same": shipped["years"] == content["years"]}
    if args.write:
        DATA.write_text(dumps(content), encoding="utf-8")
        result["written"] = str(DATA)
    return result


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
