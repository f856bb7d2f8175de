"""The municipality on the labelled examples of tests/data/triage_municipality.jsonl (the development set)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.places import municipality, places, spots

DATA = Path(__file__).resolve().parents[1] / "data" / "triage_municipality.jsonl"
EXAMPLES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["text"][:40] for e in EXAMPLES])
def test_each_labelled_message(example: dict[str, object]) -> None:
    assert municipality(str(example["text"])) == example["municipality"]


def test_every_municipality_of_the_demo_data_is_known() -> None:
    root = Path(__file__).resolve().parents[2]
    listed = json.loads((root / "devstack" / "data" / "municipalities.json").read_text(encoding="utf-8"))
    ids = {m["id"] for m in (listed["municipalities"] if isinstance(listed, dict) else listed)}
    assert set(places()["municipalities"]) == ids


@pytest.mark.parametrize(("text", "keys"), [
    ("Удмуртская 255, 2 подъезд — обрушилась лестница", {"street:удмур", "house:удмур255"}),
    ("Кирова, д. 12 — лифт стоит", {"street:киров", "house:киров12"}),
    ("в Воткинске на Королёва и соседних улицах нет тепла", {"street:корол"}),
    ("на Молодёжной улице темно", {"street:молод"}),
    ("на детской площадке на Малиновой горе", {"quarter:малино"}),  # a playground, not a street
    ("вторые сутки без воды, северный район Можги", {"quarter:север"}),
    ("в нашем районе ничего не меняется", set()),
    ("88 школа мёрзнет, а в садик №14 не берут", {"number:школ88", "number:сад14"}),
    ("29й маршрут опять не пришёл, автобус № 2 тоже", {"number:марш29", "number:авто2"}),
    ("отменили рейс на Ижевск в 6:10.", {"time:6:10"}),
    ("на улице Ленина 40 минут ждали автобус", {"street:ленин"}),  # minutes, not a house
    ("в Италмасе снесли остановку", {"village:италм"}),
    ("Малиновая гора опять без света", {"quarter:малино"}),
])
def test_the_spots_a_message_names(text: str, keys: set[str]) -> None:
    assert spots(text) == keys
