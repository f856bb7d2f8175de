"""bench/triage.py's figures on the development sets (tests/data/triage_set_a to _ae and triage_threats_a to
_t), kept from falling back when the lexicon, the places, the rubricator or the threat model are edited. The
threat model was trained on these sets, so its figures here say that it learnt them, not how it does on new
messages. The held-out sets are the bench's alone: a test that asserted on them would invite tuning on them."""

from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench.triage import SPLITS, classify, load, measure  # noqa: E402


def test_the_development_sets_stay_at_what_they_were_tuned_to() -> None:
    pairs = []
    for name in SPLITS["dev"]:
        lines = load(name)
        pairs += list(zip(lines, classify(lines), strict=True))
    figures = measure(pairs)
    assert figures["messages"] == 5458 and figures["fully labelled"] == 3058
    for kind in ("threat", "obscenity", "insult"):
        precision, recall, _, count = figures[kind]
        assert count >= 65 and precision >= 0.97 and recall >= 0.97, (kind, figures[kind])
    assert figures["agency top-1"] >= 0.89 and figures["agency top-3"] >= 0.97, figures
    assert figures["municipality"] >= 0.95, figures
    assert figures["repeats"][2] >= 0.93 and figures["significance"][2] >= 0.86, figures
