"""Benchmark: the working-time engine against businesstimedelta, pandas and holidays, in one run.

    .venv/bin/python bench/deadlines.py

Random instants of 2024 (seeded). Competitors are configured as well as they allow: Mon-Fri
09:00-13:00 and 14:00-18:00 in Europe/Samara with the RU holidays of 2023-2025; none of them knows
working Saturdays or shortened pre-holiday days, and "working days" for them means whole days
(businesstimedelta: 8 working hours per day). "same" is the share of answers equal to ours.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deadlines.calendar import default_calendar  # noqa: E402
from deadlines.worktime import add_working, add_working_days, subtract_working  # noqa: E402

N_OURS = 100_000
N_BTD = 2_000  # businesstimedelta and pandas are too slow for 100,000 within the time budget
N_PANDAS = 10_000
ZONE = ZoneInfo("Europe/Samara")
CAL = default_calendar()
EXAMPLES = [  # docs/deadlines.md: detected, +60 working minutes, +2 working days, answer - 4 working hours
    ("2023-02-22T16:30", "2023-02-27T09:30", "2023-02-28T16:30", "2023-02-28T11:30"),
    ("2023-02-25T11:00", "2023-02-27T10:00", "2023-02-28T18:00", "2023-02-28T14:00"),
    ("2023-02-27T13:30", "2023-02-27T15:00", "2023-03-01T13:00", "2023-03-01T09:00"),
]


def instants(n: int) -> list[datetime]:
    rng = random.Random(20240101)
    start = datetime(2024, 1, 1, tzinfo=ZONE).timestamp()
    span = datetime(2025, 1, 1, tzinfo=ZONE).timestamp() - start
    return [datetime.fromtimestamp(start + rng.randrange(int(span)), ZONE) for _ in range(n)]


def ru_holidays() -> list[date]:
    import holidays

    return sorted(holidays.country_holidays("RU", years=[2023, 2024, 2025]))


def ours() -> dict[str, Callable[[datetime], Any]]:
    return {
        "+1 working hour": lambda t: add_working(CAL, t, 60),
        "+2 working days": lambda t: add_working_days(CAL, t, 2),
        "-4 working hours": lambda t: subtract_working(CAL, t, 240),
        "+7 working days": lambda t: add_working_days(CAL, t, 7),
    }


def businesstimedelta_ops() -> dict[str, Callable[[datetime], Any]]:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("Europe/Samara")
    rules = btd.Rules([
        btd.WorkDayRule(start_time=clock(9), end_time=clock(18),
                        working_days=[0, 1, 2, 3, 4], tz=tz),
        btd.LunchTimeRule(start_time=clock(13),
                          end_time=clock(14), working_days=[0, 1, 2, 3, 4], tz=tz),
        btd.HolidayRule(ru_holidays(), tz=tz),
    ])

    def hours(h: int) -> btd.BusinessTimeDelta:
        return btd.BusinessTimeDelta(rules, hours=h)

    return {
        "+1 working hour": lambda t: t + hours(1),
        "+2 working days": lambda t: t + hours(16),
        "-4 working hours": lambda t: t - hours(4),
        "+7 working days": lambda t: t + hours(56),
    }


def pandas_ops() -> dict[str, Callable[[datetime], Any]]:
    import pandas as pd

    days = [pd.Timestamp(d) for d in ru_holidays()]
    mask = "Mon Tue Wed Thu Fri"
    hour = pd.offsets.CustomBusinessHour(start=["09:00", "14:00"], end=["13:00", "18:00"], holidays=days, weekmask=mask)
    day = pd.offsets.CustomBusinessDay(holidays=days, weekmask=mask)
    return {
        "+1 working hour": lambda t: pd.Timestamp(t) + hour,
        "+2 working days": lambda t: pd.Timestamp(t) + 2 * day,
        "-4 working hours": lambda t: pd.Timestamp(t) - 4 * hour,
        "+7 working days": lambda t: pd.Timestamp(t) + 7 * day,
    }


def holidays_ops() -> dict[str, Callable[[datetime], Any]]:
    import holidays

    ru = holidays.country_holidays("RU", years=[2023, 2024, 2025])
    return {
        "+2 working days": lambda t: ru.get_nth_working_day(t.date(), 2),
        "+7 working days": lambda t: ru.get_nth_working_day(t.date(), 7),
    }


def timed(op: Callable[[datetime], Any], moments: Sequence[datetime]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    results = [op(t) for t in moments]
    return (time.perf_counter() - started) / len(moments) * 1e6, results


def same(theirs: list[Any], mine: list[datetime]) -> float:
    """Share of equal answers: instants compared as instants, whole days (holidays) as local dates."""
    if isinstance(theirs[0], datetime):
        return sum(a.timestamp() == b.timestamp() for a, b in zip(theirs, mine, strict=False)) / len(theirs)
    return sum(a == b.date() for a, b in zip(theirs, mine, strict=False)) / len(theirs)


def examples_exact(ops: dict[str, Callable[[datetime], Any]]) -> str:
    hits = total = 0
    for detected, route, answer, draft in EXAMPLES:
        moment = datetime.fromisoformat(detected).replace(tzinfo=ZONE)
        checks = [("+1 working hour", moment, route), ("+2 working days", moment, answer),
                  ("-4 working hours", datetime.fromisoformat(answer).replace(tzinfo=ZONE), draft)]
        for name, start, expected in checks:
            if name in ops:
                total += 1
                got = ops[name](start)
                hits += isinstance(got, datetime) and got == datetime.fromisoformat(expected).replace(tzinfo=ZONE)
    return f"{hits}/{total} ({100 * hits / total:.0f}%)"


def main() -> None:
    moments = instants(N_OURS)
    mine = ours()
    for op in mine.values():  # build the year tables once, outside the timing
        op(moments[0])
        op(datetime(2024, 12, 28, 12, tzinfo=ZONE))
    rivals = {"businesstimedelta": (businesstimedelta_ops(), N_BTD), "pandas": (pandas_ops(), N_PANDAS),
              "holidays.get_nth_working_day": (holidays_ops(), N_OURS)}
    print(f"instants: {N_OURS:,} random moments of 2024 (seed 20240101) for ours and holidays; "
          f"businesstimedelta timed on the first {N_BTD:,} only, pandas on the first {N_PANDAS:,} (too slow)")
    print(f"{'operation':<18} {'competitor':<30} {'ours µs':>8} {'theirs µs':>10} {'speed-up':>9} {'same':>7}")
    for name, op in mine.items():
        our_us, our_results = timed(op, moments)
        print(f"{name:<18} {'(ours)':<30} {our_us:8.2f}")
        for rival, (ops, count) in rivals.items():
            if name in ops:
                their_us, their_results = timed(ops[name], moments[:count])
                print(f"{'':<18} {rival:<30} {our_us:8.2f} {their_us:10.2f} {their_us / our_us:8.1f}x "
                      f"{100 * same(their_results, our_results):6.1f}%")
    print(f"docs/deadlines.md examples exact: ours {examples_exact(mine)}; "
          f"businesstimedelta {examples_exact(businesstimedelta_ops())}; pandas {examples_exact(pandas_ops())}")


if __name__ == "__main__":
    main()
