"""The routing model learnt from the curators' own decisions (issue 13): TF-IDF over the lemmas of a
message (and pairs of them, and the agencies the rubricator names) with a linear classifier over the
agencies. scikit-learn trains it (triage/learn.py); it is kept as plain data, so the first read scores a
message here in pure Python, without scikit-learn (the handler's cold start), and the result is the one
scikit-learn's ``predict_proba`` gives. Pure."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from triage.exclusion import lemma
from triage.rubric import Suggestion, agencies, words_of

RUBRIC_HINT = "@"  # a feature "@minstroy": the rubricator names that agency (the model learns how far to trust it)


def features(text: str) -> list[str]:
    """The terms a message is counted by: the lemmas of its words of 3 letters or more, each pair of
    neighbouring lemmas, and the agencies the rubricator suggests."""
    lemmas = [lemma(w) for w in words_of(text) if len(w) > 2 and not w.isdigit()]
    pairs = [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]
    return lemmas + pairs + [RUBRIC_HINT + s.agency_id for s in agencies(text)]


@dataclass(frozen=True)
class Model:
    """A trained model as data: for each term its idf and its weight for each agency (by index)."""

    version: str
    classes: tuple[str, ...]  # agency ids
    intercepts: tuple[float, ...]
    terms: Mapping[str, tuple[float, tuple[float, ...]]]  # term -> (idf, weight per class)
    facts: Mapping[str, Any] = field(default_factory=dict)  # trained_at, examples, accuracy... (for people)

    def probabilities(self, text: str) -> dict[str, float]:
        """The agencies' probabilities for a message: the TF-IDF vector (sublinear tf, l2 norm) times the
        weights, through softmax."""
        return self.scores(features(text))

    def scores(self, terms: list[str]) -> dict[str, float]:
        """The classes' probabilities for a message's terms (found by the analyzer the model was trained
        with: `features` here, `triage.threats.features` for the threat model)."""
        counts = Counter(t for t in terms if t in self.terms)
        values = {t: (1.0 + math.log(n)) * self.terms[t][0] for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        logits = list(self.intercepts)
        for term, value in values.items():
            for i, weight in enumerate(self.terms[term][1]):
                logits[i] += value / norm * weight
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {agency: e / total for agency, e in zip(self.classes, exps, strict=True)}

    def rank(self, text: str, known: set[str] | None = None, top: int = 3) -> list[Suggestion]:
        """The agencies best first, with their probabilities and the words that weighed most for each;
        the rubricator's suggestions fill the places of agencies the model never learnt (a new agency).
        The message's terms are found once for all of it."""
        terms = features(text)
        probabilities = self.scores(terms)
        ranked = sorted(((p, a) for a, p in probabilities.items() if known is None or a in known), reverse=True)
        found = [Suggestion(a, round(p, 3), self.deciding_words(terms, a)) for p, a in ranked[:top]]
        for suggestion in agencies(text, known, top):
            if len(found) < top and suggestion.agency_id not in probabilities:
                found.append(Suggestion(suggestion.agency_id, 0.0, suggestion.words))
        return found

    def deciding_words(self, terms: list[str], label: str, at_most: int = 3) -> tuple[str, ...]:
        """The terms of a message that weighed most for a class (an agency, or «threat»)."""
        index = self.classes.index(label)
        weights = {t: self.terms[t][0] * self.terms[t][1][index] for t in set(terms) if t in self.terms}
        best = sorted((w, t) for t, w in weights.items() if w > 0 and not t.startswith(RUBRIC_HINT))
        return tuple(t for _, t in reversed(best[-at_most:]))

    def document(self) -> dict[str, Any]:
        """As stored: the weights as one JSON text (their terms are not field names)."""
        return {"version": self.version, "classes": list(self.classes), "intercepts": list(self.intercepts),
                "facts": dict(self.facts),
                "weights": json.dumps({t: [idf, list(w)] for t, (idf, w) in self.terms.items()},
                                      ensure_ascii=False, separators=(",", ":"))}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Model:
        weights = json.loads(doc["weights"])
        return cls(str(doc["version"]), tuple(doc["classes"]), tuple(float(x) for x in doc["intercepts"]),
                   {t: (float(idf), tuple(float(x) for x in w)) for t, (idf, w) in weights.items()},
                   dict(doc.get("facts") or {}))
