"""The surge detector on a replay (decision 11): a month of ordinary background — 2,000 messages a week from
twenty communities, busier by day than by night, with two weeks of history before it — gives no alert;
a spike of 300 messages in 60 minutes in one community gives exactly one, within 5 minutes of its start;
a backlog imported at once, and the same replay delivered twice, alert on nothing new."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from oversight.memory import InMemoryActivity
from oversight.settings import SurgeSettings
from oversight.surge import Alert, binomial_tail, in_window, is_surge, keys_of, observe
from tests.escalation.world import samara

WEEKLY = 2000
COMMUNITIES = [(f"{1000 + i}", f"Сообщество {i}", "mintrans" if i % 3 == 0 else "minzdrav") for i in range(20)]
WEIGHTS = [1 / (i + 1) for i in range(len(COMMUNITIES))]  # a few big communities, a long tail
# The day's shape in Izhevsk: quiet at night, busiest in the evening (per local hour, relative).
HOURLY = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.4, 1.5, 1.5, 1.5, 1.4, 1.4, 1.5, 1.6, 1.8, 2.0, 2.2,
          2.0, 1.6, 1.0, 0.5]
START = samara(2026, 10, 5, 0, 0)  # two weeks of history, then the month under test
MONTH_FROM, MONTH_TO = START + timedelta(days=14), START + timedelta(days=14 + 30)


def names(kind: str, the_id: str) -> str:
    return {"mintrans": "Минтранс УР", "minzdrav": "Минздрав УР"}.get(the_id, the_id)


def case(n: int, at: datetime, community: tuple[str, str, str], text: str = "") -> dict[str, Any]:
    group, title, agency = community
    return {"id": f"vk-{n}", "detected_at": at, "source": {"kind": "vk", "id": group, "name": title, "agency_id": agency},
            "message": {"network": "vk", "external_id": f"-{group}_{n}", "text": text}}


def background(rng: random.Random, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Poisson arrivals at WEEKLY per week, shaped by the hour of the day, spread over the communities."""
    mean_weight = sum(HOURLY) / 24
    cases, at, n = [], start, 0
    while at < end:
        hour = at.astimezone(START.tzinfo).hour
        rate_per_min = WEEKLY / (7 * 24 * 60) * HOURLY[hour] / mean_weight
        for _ in range(_poisson(rng, rate_per_min)):
            n += 1
            moment = at + timedelta(seconds=rng.uniform(0, 60))
            cases.append(case(n, moment, rng.choices(COMMUNITIES, WEIGHTS)[0]))
        at += timedelta(minutes=1)
    return sorted(cases, key=lambda c: c["detected_at"])


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, pow(2.718281828459045, -mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def spike(start: datetime, community: tuple[str, str, str], size: int = 300) -> list[dict[str, Any]]:
    step = timedelta(minutes=60) / size
    return [case(100_000 + i, start + i * step, community, "Нет воды в микрорайоне") for i in range(size)]


def replay(cases: Iterable[dict[str, Any]], store: InMemoryActivity, settings: SurgeSettings,
           arrival: datetime | None = None) -> list[tuple[datetime, Alert]]:
    """Each message processed as it is detected (or all at ``arrival``, a backlog)."""
    alerts = []
    for c in cases:
        now = arrival or c["detected_at"] + timedelta(seconds=20)
        alerts += [(now, a) for a in observe(c, now, store, settings, names)]
    return alerts


def test_the_background_alone_gives_no_alert_over_a_month() -> None:
    settings, store = SurgeSettings(), InMemoryActivity()
    cases = background(random.Random(7), START, MONTH_TO)
    in_month = [c for c in cases if c["detected_at"] >= MONTH_FROM]
    assert 8000 < len(in_month) < 9300  # ≈ 2,000 a week
    alerts = replay(cases, store, settings)
    assert alerts == []


def test_a_spike_of_300_in_an_hour_gives_one_alert_within_five_minutes() -> None:
    settings, store = SurgeSettings(), InMemoryActivity()
    rng = random.Random(11)
    spike_at = MONTH_FROM + timedelta(days=9, hours=15, minutes=23)  # a weekday afternoon
    target = COMMUNITIES[4]
    cases = sorted(background(rng, START, MONTH_TO) + spike(spike_at, target), key=lambda c: c["detected_at"])
    alerts = replay(cases, store, settings)
    assert len(alerts) == 1, [(a.episode.labels, a.episode.started_at) for _, a in alerts]
    sent_at, alert = alerts[0]
    assert sent_at - spike_at <= timedelta(minutes=5)
    assert alert.episode.labels[0] == f"сообщество ВКонтакте «{target[1]}»"
    # The episode grew with the spike and lists its messages; the community's agency joined it, no new alert.
    [episode] = store.episodes.values()
    spike_ids = {f"vk-{100_000 + i}" for i in range(300)}
    assert spike_ids <= set(episode.case_ids)
    assert episode.peak >= 250 and set(episode.keys) == {"community:vk:1004", "agency:minzdrav"}


def test_a_backlog_imported_at_once_and_a_replay_delivered_twice_alert_on_nothing_new() -> None:
    settings, store = SurgeSettings(), InMemoryActivity()
    rng = random.Random(5)
    history = background(rng, START, MONTH_FROM)
    replay(history, store, settings)
    # A day of messages the monitoring system held back arrives in one minute: counted, never alerted on.
    backlog = background(rng, MONTH_FROM, MONTH_FROM + timedelta(days=1))
    assert replay(backlog, store, settings, arrival=MONTH_FROM + timedelta(days=1, minutes=1)) == []
    # A spike delivered twice: one alert.
    spike_at = MONTH_FROM + timedelta(days=1, hours=10)
    first = replay(spike(spike_at, COMMUNITIES[0]), store, settings)
    again = replay(spike(spike_at, COMMUNITIES[0]), store, settings)
    assert len(first) == 1 and again == []


def test_the_statistic() -> None:
    settings = SurgeSettings()
    assert abs(binomial_tail(2, 3, 0.5) - 0.5) < 1e-12 and binomial_tail(0, 5, 0.1) == 1.0
    assert abs(binomial_tail(10, 10, 1 / 15) - (1 / 15) ** 10) < 1e-20 and binomial_tail(4, 3, 0.5) == 0.0
    assert is_surge(10, [0] * 14, settings)[0]  # ten where there is usually nothing
    assert not is_surge(9, [0] * 14, settings)[0]  # below the minimum
    assert not is_surge(20, [8] * 14, settings)[0]  # 2.5 times a busy key's usual: not yet
    assert is_surge(30, [8] * 14, settings)[0]
    assert not is_surge(30, [8] * 14, SurgeSettings(factor=4))[0]  # the admin's factor
    assert not is_surge(19, [5, 4, 6, 4, 5], settings)[0]  # a few days' mean is uncertain: 19 is not enough


def test_the_window_counts_detection_minutes_across_midnight() -> None:
    settings = SurgeSettings(window_minutes=60)
    days = {"20261201": ["1430|a", "1439|b"], "20261202": ["0000|c", "0020|d", "0021|e"]}
    at = samara(2026, 12, 2, 0, 20)
    assert sorted(in_window(days, at, settings)) == ["a", "b", "c", "d"]  # (23:20, 00:20]
    assert in_window(days, at + timedelta(days=1), settings, shift_days=1) == in_window(days, at, settings)


def test_keys_of_a_message() -> None:
    vk = case(1, START, COMMUNITIES[0])
    assert [k.id for k in keys_of(vk, names)] == ["community:vk:1000", "agency:mintrans"]
    monitored = {"id": "m-1", "detected_at": START, "source": {"kind": "monitoring", "id": "medialogia"},
                 "message": {"network": "telegram", "external_id": "-100777:15", "author": {"name": "Ижевск онлайн",
                                                                                         "external_id": "-100777"}},
                 "municipality_id": "izhevsk", "topic": "water"}
    assert [(k.id, k.label) for k in keys_of(monitored, names)] == [
        ("topic:water", "тема «water»"), ("community:telegram:-100777", "Telegram-чат «Ижевск онлайн»"),
        ("municipality:izhevsk", "izhevsk")]
