"""The municipality on the labelled examples of tests/data/triage_municipality.jsonl (the development set)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.places import municipality, places

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
