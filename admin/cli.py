"""`python -m admin`: agencies and staff, for administrators."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

from infra.clock import system_clock


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m admin", description="Agencies and staff of Otklik")
    sub = parser.add_subparsers(dest="command", required=True)
    agency = sub.add_parser("add-agency", help="add or update an executive agency")
    agency.add_argument("id", help="short latin id, e.g. mintrans")
    agency.add_argument("--name", required=True, help="full name in Russian")
    agency.add_argument("--short-name", required=True)
    agency.add_argument("--kind", default="other", help="ministry | committee | agency | directorate | other")
    imp = sub.add_parser("import-agencies", help="add or update agencies from a JSON file")
    imp.add_argument("file", type=Path)
    staff = sub.add_parser("add-staff", help="create a Firebase user with a role (and agency)")
    staff.add_argument("email")
    staff.add_argument("--role", required=True, help="curator | executor | agency_lead | supervisor | admin")
    staff.add_argument("--agency", default=None, help="agency id, for executor and agency_lead")
    staff.add_argument("--name", default="")
    staff.add_argument("--password", default=None, help="default: a generated one, printed once")
    sub.add_parser("openapi", help="print the staff API's OpenAPI document (JSON)")
    sub.add_parser("move-raw-payloads", help="move the senders' raw payloads of cases stored before 2026-12 out of the "
                                             "case documents (minimised) into raw_payloads, and mark the cases' "
                                             "personal data for the retention job; prints how many")
    erase = sub.add_parser("erase-author", help="152-FZ: erase the personal data of every case whose author has this "
                                                "profile link or name (a subject's request), recorded in each audit trail")
    erase.add_argument("--url", default=None, help="the author's profile link, as the case shows it")
    erase.add_argument("--name", default=None, help="the author's name, exactly as the case shows it")
    erase.add_argument("--request", required=True, help="the request's reference (e.g. its registration number)")
    erase.add_argument("--by", required=True, metavar="EMAIL", help="the admin who carries it out (a staff e-mail)")
    off = sub.add_parser("deactivate-staff", help="end a person's access at once (API and rules), e.g. on leaving")
    off.add_argument("email")
    keep = sub.add_parser("retention", help="152-FZ: how many years a closed case keeps its personal data; prints it")
    keep.add_argument("--case-years", type=int, default=None)
    over = sub.add_parser("oversight", help="who is the Head for §22 and the §21 report; the surge thresholds "
                                            "(docs/oversight.md); prints the settings")
    over.add_argument("--head", nargs="*", metavar="EMAIL", help="the Head's recipients (none given: the supervisors)")
    over.add_argument("--report", nargs="*", metavar="EMAIL", help="the monthly report's recipients")
    reasons = sub.add_parser("dismissal-reasons", help="why a message may need no reaction (the curator's list); "
                                                       "prints the list")
    reasons.add_argument("--set", nargs="*", default=[], metavar="CODE=LABEL", help="add, or reword, a reason")
    reasons.add_argument("--remove", nargs="*", default=[], metavar="CODE")
    reasons.add_argument("--reset", action="store_true", help="back to the built-in list")
    for name, kind in (("window-minutes", int), ("baseline-days", int), ("min-count", int), ("factor", float),
                       ("p-value", float), ("quiet-minutes", int), ("recent-hours", int), ("min-history-days", int)):
        over.add_argument(f"--surge-{name}", type=kind, default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    from admin import operations as admin
    from admin.staff import AgencyRecord, StaffError, StaffMember

    args = _parser().parse_args(argv)
    if args.command == "openapi":
        from cases.openapi import build

        print(json.dumps(build(), ensure_ascii=False, indent=1))
        return 0
    now = system_clock()
    try:
        if args.command == "add-agency":
            record = AgencyRecord(id=args.id, name=args.name, short_name=args.short_name, kind=args.kind)
            admin.add_agency(record, now)
            print(json.dumps({"added": record.model_dump()}, ensure_ascii=False))
        elif args.command == "oversight":
            surge = {name: getattr(args, f"surge_{name}") for name in (
                "window_minutes", "baseline_days", "min_count", "factor", "p_value", "quiet_minutes", "recent_hours",
                "min_history_days") if getattr(args, f"surge_{name}") is not None}
            print(json.dumps(admin.set_oversight(args.head, args.report, surge), ensure_ascii=False))
        elif args.command == "dismissal-reasons":
            print(json.dumps(admin.set_dismissal_reasons(args.set, args.remove, args.reset), ensure_ascii=False))
        elif args.command == "move-raw-payloads":
            print(json.dumps({"moved": admin.move_raw_payloads()}))
        elif args.command == "erase-author":
            import bootstrap  # an entry point: the case store and service of the composition root

            done = admin.erase_author(bootstrap.cases(), bootstrap.case_service(), args.url, args.name, args.request,
                                      args.by)
            print(json.dumps(done, ensure_ascii=False))
        elif args.command == "deactivate-staff":
            from admin.staff import StaffChange

            doc = admin.update_staff(admin.uid_of(args.email), StaffChange(active=False), now)
            print(json.dumps({"uid": doc["uid"], "email": doc["email"], "active": doc["active"]}, ensure_ascii=False))
        elif args.command == "retention":
            print(json.dumps(admin.set_retention(args.case_years)))
        elif args.command == "import-agencies":
            print(json.dumps({"imported": admin.import_agencies(args.file, now)}))
        else:
            password = args.password or secrets.token_urlsafe(12)
            member = StaffMember(args.email, args.role, args.agency, args.name)
            doc = admin.add_staff(member, password, now)
            print(json.dumps({"uid": doc["uid"], "email": doc["email"], "role": doc["role"],
                              "agency_id": doc["agency_id"], "password": password}, ensure_ascii=False))
    except (StaffError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
