"""Working time and regulatory deadlines (decree §8-§16): a pure engine over one calendar value.

Light on purpose: importing the package loads neither `holidays` nor pydantic nor an XML parser;
`deadlines.policy` (pydantic) and `deadlines.xmlcalendar` (the official file format) are imported on their own.
"""

from deadlines.calendar import Calendar, default_calendar, load_calendar
from deadlines.errors import CalendarError, MissingYearError
from deadlines.facts import DayKind, DayOverride, YearFacts
from deadlines.worktime import (
    add_working,
    add_working_days,
    is_working_time,
    subtract_working,
    working_minutes_between,
)

__all__ = [
    "Calendar",
    "CalendarError",
    "DayKind",
    "DayOverride",
    "MissingYearError",
    "YearFacts",
    "add_working",
    "add_working_days",
    "default_calendar",
    "is_working_time",
    "load_calendar",
    "subtract_working",
    "working_minutes_between",
]
