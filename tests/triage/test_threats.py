"""The threat model of triage/threats.py: the built-in model is what `python -m triage train-threats` makes of
the development sets it names (never of a held-out set), it flags threats the lexicon's rules miss, with the
words that weighed, and a first read carries its flag and its version."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from triage.cli import main
from triage.exclusion import flags
from triage.model import Model
from triage.read import first_read
from triage.threats import BUILT_IN, RULES, SAY_NOTHING, THREAT, THRESHOLD, built_in, features, judged

sys.path.insert(0, str(ROOT))

from bench.triage import SPLITS  # noqa: E402

DATA = ROOT / "tests" / "data"
# Threats in words none of the lexicon's rules expect (each checked: `flags` finds no threat in it)
VEILED = ["Машина у тебя красивая, глава. Жалко будет, если с ней что-нибудь случится ночью",
          "ты там поаккуратнее ходи вечерами, директор, у нас народ нервный стал"]
ORDINARY = ["Когда уже отремонтируют дорогу на Пушкинской? Ямы по колено, машину жалко",
            "Спасибо нашему главе за новую детскую площадку во дворе, дети в восторге"]


def test_the_built_in_model_is_the_one_trained_on_the_development_sets_it_names(tmp_path: Path) -> None:
    shipped = built_in()
    trained_on = shipped.facts["trained_on"]
    # the bench's development sets and the lexicon's own examples (tests/triage/test_exclusion.py)
    assert set(trained_on) == {f"{name}.jsonl" for name in (*SPLITS["dev"], "triage_exclusion")}
    assert not set(trained_on) & {f"{name}.jsonl" for name in SPLITS["held-out"]}
    out = tmp_path / "threats.json"
    assert main(["train-threats", "--out", str(out), "--version", shipped.version,
                 *(str(DATA / name) for name in trained_on)]) == 0
    again = Model.from_document(json.loads(out.read_text(encoding="utf-8")))
    assert again.classes == shipped.classes == ("none", THREAT)
    assert again.terms.keys() == shipped.terms.keys()
    texts = [json.loads(line)["text"] for name in trained_on[:3] for line in (DATA / name).read_text("utf-8").splitlines()]
    for text in texts:
        assert again.scores(features(text))[THREAT] == pytest.approx(shipped.scores(features(text))[THREAT], abs=1e-4)


@pytest.mark.parametrize("text", VEILED)
def test_a_threat_the_rules_miss_is_flagged_with_the_words_that_weighed(text: str) -> None:
    assert not any(f.kind == "threat" for f in flags(text))
    (flag,) = judged(text, flags(text))
    assert flag.kind == THREAT and flag.words
    assert all(not word.startswith("#") for word in flag.words)  # grammar marks are not words to show
    # the message's words, not their lemmas, and none that tells a curator nothing («если», «с»)
    assert all(part in text.lower() for word in flag.words for part in word.split())
    assert all(set(word.split()) - SAY_NOTHING for word in flag.words)
    assert "похоже на угрозу" in flag.reason
    read = first_read(text)
    assert read["exclusion"] == THREAT and read["threat_model"] == built_in().version
    assert any(f["kind"] == THREAT and f["reason"] == flag.reason for f in read["flags"])


def test_a_threat_the_rules_find_keeps_their_words_and_reason() -> None:
    text = "Я тебя найду и покалечу, понял?"
    rules = [f for f in flags(text) if f.kind == THREAT]
    assert rules and RULES in features(text) and RULES not in features(ORDINARY[0])
    assert judged(text, flags(text)) == rules  # the model agrees: the rules' flag as it was


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_message_is_not_a_threat(text: str) -> None:
    assert built_in().scores(features(text))[THREAT] < THRESHOLD
    assert judged(text, flags(text)) == [] and first_read(text)["exclusion"] == "none"


def test_obfuscation_is_undone_before_the_model_reads() -> None:
    # inserted dots, a Latin look-alike («мaшину» with a Latin a), repeated letters
    assert features("сожгууу т.в.о.ю мaшину") == features("сожгу твою машину")
    assert {"#1per_futr", "сжечь", "твой машина"} <= set(features("сожгу твою машину"))


def test_train_threats_refuses_a_set_with_a_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"text": "я тебя найду", "exclusion": "threat"}\n{"text": "нет метки"}\n', encoding="utf-8")
    out = tmp_path / "model.json"
    assert main(["train-threats", "--out", str(out), str(bad)]) == 1
    assert not out.exists() and "line 2" in capsys.readouterr().err


def test_the_built_in_file_is_a_model_document() -> None:
    doc = json.loads(BUILT_IN.read_text(encoding="utf-8"))
    assert Model.from_document(doc).version == doc["version"] and doc["facts"]["threats"] > 300
