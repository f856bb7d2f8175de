"""Fixtures for the working-time engine: the default calendar and the official calendars beside the repo."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deadlines.calendar import Calendar, default_calendar

SAMARA = ZoneInfo("Europe/Samara")
# CI clones the repository anywhere but puts a copy of shared/ beside it.
OFFICIAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "production-calendar-ru"
OFFICIAL_YEARS = range(2018, 2027)

# A made-up official 2028 calendar: the January weekend holidays moved to Mon 10 Jan and Mon 8 May.
OFFICIAL_2028 = """<?xml version="1.0" encoding="UTF-8"?>
<calendar year="2028" lang="ru" date="2027-09-01"><days>
<day d="01.01" t="1"/><day d="01.02" t="1"/><day d="01.03" t="1"/><day d="01.04" t="1"/><day d="01.05" t="1"/>
<day d="01.06" t="1"/><day d="01.07" t="1"/><day d="01.08" t="1"/><day d="01.10" t="1"/>
<day d="02.22" t="2"/><day d="02.23" t="1"/><day d="03.07" t="2"/><day d="03.08" t="1"/>
<day d="05.01" t="1"/><day d="05.08" t="1"/><day d="05.09" t="1"/>
<day d="06.12" t="1"/><day d="11.03" t="2"/><day d="11.04" t="1"/><day d="11.06" t="1"/>
</days></calendar>"""


def local(*args: int) -> datetime:
    """A wall-clock moment in Izhevsk (Europe/Samara)."""
    return datetime(*args, tzinfo=SAMARA)  # type: ignore[misc]


@pytest.fixture(scope="session")
def cal() -> Calendar:
    return default_calendar()


def official_days(year: int) -> dict[date, str]:
    """Every date of a year as 'off', 'working' or 'shortened', read independently of the project code."""
    root = ET.parse(OFFICIAL / f"{year}.xml").getroot()
    listed = {}
    for node in root.iter("day"):
        month, day = (int(x) for x in node.get("d", "").split("."))
        listed[date(year, month, day)] = {"1": "off", "2": "shortened", "3": "working"}[node.get("t", "")]
    result = {}
    day = date(year, 1, 1)
    while day.year == year:
        result[day] = listed.get(day, "working" if day.weekday() < 5 else "off")
        day += timedelta(days=1)
    return result
