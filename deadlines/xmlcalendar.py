"""The official production-calendar format (xmlcalendar `ru/YEAR/calendar.xml`) and the project's
overrides files.

In xmlcalendar, `t="1"` is a day off, `t="2"` a working day shortened by one hour, `t="3"` a working
Saturday or Sunday; every other Saturday and Sunday is off, every other weekday a working day.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from deadlines.errors import CalendarError
from deadlines.facts import DayKind, DayOverride, YearFacts

OVERRIDES_FORMAT = "otklik-calendar/1"
_KINDS = {"1": DayKind.off, "2": DayKind.shortened, "3": DayKind.working}


def load_xmlcalendar(path: str | Path) -> YearFacts:
    """Read an official xmlcalendar file: the complete production calendar of its year."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise CalendarError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_xmlcalendar(text, source=str(path))


def parse_xmlcalendar(text: str | bytes, source: str = "xmlcalendar") -> YearFacts:
    """Parse xmlcalendar text; raise CalendarError with the reason if it is not a valid calendar."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise CalendarError(f"{source}: not well-formed XML: {exc}") from exc
    if root.tag != "calendar":
        raise CalendarError(f"{source}: root element is <{root.tag}>, expected <calendar>")
    year = _year(root.get("year"), source)
    days: dict[date, DayKind] = {}
    for node in root.iter("day"):
        day, kind = _day(node, year, source)
        if day in days:
            raise CalendarError(f"{source}: {day} is listed twice")
        days[day] = kind
    return facts_from_days(year, days, source="xmlcalendar")


def _year(value: str | None, source: str) -> int:
    if value is None or not value.isdigit() or not 1900 < int(value) < 2200:
        raise CalendarError(f"{source}: <calendar year=...> is missing or not a year: {value!r}")
    return int(value)


def _day(node: ET.Element, year: int, source: str) -> tuple[date, DayKind]:
    raw, kind = node.get("d", ""), _KINDS.get(node.get("t", ""))
    if kind is None:
        raise CalendarError(f"{source}: day {raw!r} has type t={node.get('t')!r}, expected 1, 2 or 3")
    try:
        month, day_of_month = (int(part) for part in raw.split("."))
        day = date(year, month, day_of_month)
    except ValueError as exc:
        raise CalendarError(f"{source}: {raw!r} is not a date MM.DD of {year}") from exc
    if kind is DayKind.working and day.weekday() < 5:
        raise CalendarError(f"{source}: {day} is a weekday but marked t=3 (working weekend day)")
    return day, kind


def facts_from_days(year: int, days: dict[date, DayKind], source: str) -> YearFacts:
    """Complete facts of a year from its listed exceptional days."""
    off = frozenset(d for d, k in days.items() if k is DayKind.off)
    short = frozenset(d for d, k in days.items() if k is DayKind.shortened)
    working = frozenset(d for d, k in days.items() if k is not DayKind.off and d.weekday() >= 5)
    return YearFacts(year, off, working, short, source)


def facts_to_json(facts: YearFacts) -> dict[str, Any]:
    """A complete year as an overrides file: every date that is not an ordinary weekday/weekend."""
    days = {d: DayKind.off for d in facts.off}
    days.update({d: DayKind.working for d in facts.working})
    days.update({d: DayKind.shortened for d in facts.shortened})
    return {
        "format": OVERRIDES_FORMAT,
        "year": facts.year,
        "complete": True,
        "source": facts.source,
        "days": {d.isoformat(): str(days[d]) for d in sorted(days)},
    }


def overrides_to_json(year: int, overrides: Iterable[DayOverride], source: str) -> dict[str, Any]:
    """Ad-hoc overrides (regional holidays, transfers) as a file on top of a year's calendar."""
    return {
        "format": OVERRIDES_FORMAT,
        "year": year,
        "complete": False,
        "source": source,
        "days": {o.day.isoformat(): str(o.kind) for o in sorted(overrides, key=lambda o: o.day)},
    }


def read_overrides_file(path: Path) -> YearFacts | tuple[DayOverride, ...]:
    """A complete year (YearFacts) or ad-hoc overrides, from a file written by the functions above."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalendarError(f"{path}: cannot read calendar overrides: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != OVERRIDES_FORMAT:
        raise CalendarError(f"{path}: not a calendar overrides file (format {OVERRIDES_FORMAT!r})")
    year = _year(str(doc.get("year")), str(path))
    days = parse_day_kinds(doc.get("days", {}), str(path))
    if doc.get("complete"):
        return facts_from_days(year, days, source=str(doc.get("source", "imported")))
    return tuple(DayOverride(d, k) for d, k in sorted(days.items()))


def parse_day_kinds(raw: Any, where: str) -> dict[date, DayKind]:
    """{"2024-06-04": "off", ...} → dates and kinds, with a clear error for bad entries."""
    if not isinstance(raw, dict):
        raise CalendarError(f"{where}: 'days' must map ISO dates to off/working/shortened")
    days: dict[date, DayKind] = {}
    for key, value in raw.items():
        try:
            days[date.fromisoformat(key)] = DayKind(value)
        except ValueError as exc:
            raise CalendarError(
                f"{where}: {key!r}: {value!r} is not a date with kind off, working or shortened"
            ) from exc
    return days
