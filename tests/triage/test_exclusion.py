"""§19 flags on the labelled examples of tests/data/triage_exclusion.jsonl (written for this project; the
development set the lexicon was tuned on, so these are not the held-out figures issue 13 asks for)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.exclusion import flags, normalise, obscene

DATA = Path(__file__).resolve().parents[1] / "data" / "triage_exclusion.jsonl"
EXAMPLES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["text"][:40] for e in EXAMPLES])
def test_each_labelled_message(example: dict[str, object]) -> None:
    found = flags(str(example["text"]))
    assert sorted(f.kind for f in found) == sorted(example["exclusion"]), [(f.kind, f.words) for f in found]
    for flag in found:
        assert flag.words and flag.reason  # what decided, and why, for the curator


def test_obfuscation_is_undone_and_innocent_words_stay_innocent() -> None:
    assert normalise("Х.У.Й") == "хуй" and normalise("бляяяя") == "бля" and obscene(normalise("zaebali"))
    assert normalise("пиzдец") == "пиздец" and obscene(normalise("пи3дец"))  # other Latin letters as they sound
    for word in ("застрахуйте", "учеба", "мандарин", "команда", "небо", "потребитель", "хулиган", "себе"):
        assert not obscene(normalise(word)), word
