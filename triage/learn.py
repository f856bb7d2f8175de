"""Learning the routing from the curators' decisions (issue 13): train a model on the routed messages,
measure it on the most recent ones it was not trained on, and adopt it only if it beats the ranking in use
(the rubricator, or the model before it). scikit-learn is imported here only: the scheduled retraining
runs this, the first read never does (triage/model.py). Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage.model import Model, features
from triage.rubric import agencies

HELD_OUT = 0.2  # the most recent share of the routings the candidate is measured on
MIN_EXAMPLES = 50  # fewer routed messages than this: no training (the rubricator goes on)
MIN_HELD_OUT = 20
C = 10.0  # the classifier's inverse regularisation (chosen on the replay of tests/triage/routing_replay.py)
THREAT_C = 10.0  # the threat model's (chosen on the development sets, each scored by a model trained on the others)


@dataclass(frozen=True)
class Example:
    text: str
    agency_id: str  # where the curator routed it (the first agency of the routing)
    at: datetime | None = None  # when: the most recent examples are held out


@dataclass(frozen=True)
class Accuracy:
    top1: float
    top3: float
    examples: int

    def document(self) -> dict[str, Any]:
        return {"top1": round(self.top1, 4), "top3": round(self.top3, 4), "examples": self.examples}


@dataclass(frozen=True)
class Outcome:
    model: Model | None  # the candidate refit on every example (None: too few to train)
    accuracy: Accuracy | None  # the candidate's, on the held-out routings (trained without them)
    baseline: Accuracy | None  # the ranking in use, on the same routings
    baseline_name: str
    adopted: bool
    reason: str  # Russian, for the admin


Ranker = Callable[[str], list[str]]


def rubricator(known: set[str] | None = None) -> Ranker:
    return lambda text: [s.agency_id for s in agencies(text, known)]


def measure(rank: Ranker, examples: Sequence[Example]) -> Accuracy:
    ranked = [rank(e.text) for e in examples]
    first = sum(1 for r, e in zip(ranked, examples, strict=True) if r[:1] == [e.agency_id])
    three = sum(1 for r, e in zip(ranked, examples, strict=True) if e.agency_id in r[:3])
    n = len(examples) or 1
    return Accuracy(first / n, three / n, len(examples))


def train(examples: Sequence[Example], version: str, facts: dict[str, Any] | None = None) -> Model:
    """TF-IDF over `triage.model.features` and a multinomial logistic regression, as plain data."""
    return fit([e.text for e in examples], [e.agency_id for e in examples], version, features, C, facts)


def train_threats(texts: Sequence[str], threats: Sequence[bool], version: str,
                  facts: dict[str, Any] | None = None) -> Model:
    """The threat model of `triage.threats`: the same kind of model over `triage.threats.features`, two
    classes, the rarer one (threats) weighted up to balance them."""
    from triage.threats import NONE, THREAT
    from triage.threats import features as threat_features

    labels = [THREAT if threat else NONE for threat in threats]
    return fit(texts, labels, version, threat_features, THREAT_C, facts, balanced=True, min_df=2)


def fit(texts: Sequence[str], labels: Sequence[str], version: str, analyzer: Callable[[str], list[str]],
        c: float, facts: dict[str, Any] | None = None, balanced: bool = False, min_df: int = 1) -> Model:
    """TF-IDF over the analyzer's terms (sublinear tf) and a logistic regression, as plain data
    (`triage.model.Model`); `balanced` weights the classes to count alike, `min_df` drops rarer terms."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=min_df)
    matrix = vectorizer.fit_transform(list(texts))
    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
    classifier.fit(matrix, list(labels))
    coef, intercept = classifier.coef_, classifier.intercept_
    if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row; softmax of (-z/2, z/2) is its sigmoid
        coef, intercept = [-coef[0] / 2, coef[0] / 2], [-intercept[0] / 2, intercept[0] / 2]
    idf = vectorizer.idf_
    terms = {term: (_round(idf[i]), tuple(_round(row[i]) for row in coef))
             for term, i in vectorizer.vocabulary_.items()}
    return Model(version, tuple(str(c) for c in classifier.classes_), tuple(_round(x) for x in intercept), terms,
                 facts or {})


def _round(x: Any) -> float:
    return float(f"{float(x):.7g}")


def retrain(examples: Sequence[Example], current: Model | None, version: str, now: datetime,
            known: set[str] | None = None) -> Outcome:
    """Train on all but the most recent routings, measure on those against the ranking in use, and refit on
    all of them; the new model is adopted only if it ranks the held-out routings better (top-1, then top-3)."""
    ordered = sorted(examples, key=lambda e: (e.at is None, e.at or now))
    baseline_name = f"модель {current.version}" if current else "рубрикатор"
    in_use: Ranker = ((lambda text: [s.agency_id for s in current.rank(text, known)]) if current
                      else rubricator(known))
    if len(ordered) < MIN_EXAMPLES or len({e.agency_id for e in ordered}) < 2:
        return Outcome(None, None, None, baseline_name, False,
                       f"мало направленных сообщений для обучения: {len(ordered)} (нужно не меньше {MIN_EXAMPLES})")
    cut = len(ordered) - max(MIN_HELD_OUT, round(len(ordered) * HELD_OUT))
    older, recent = ordered[:cut], ordered[cut:]
    if len({e.agency_id for e in older}) < 2:
        return Outcome(None, None, None, baseline_name, False, "в обучающей части сообщения одного органа власти")
    candidate = train(older, version + "-check")
    accuracy = measure(lambda text: [s.agency_id for s in candidate.rank(text, known)], recent)
    baseline = measure(in_use, recent)
    adopted = (accuracy.top1, accuracy.top3) > (baseline.top1, baseline.top3)
    facts = {"trained_at": now.isoformat(), "examples": len(ordered), "accuracy": accuracy.document(),
             "baseline": {"name": baseline_name, **baseline.document()}}
    model = train(ordered, version, facts)
    reason = (f"точность на последних {len(recent)} направлениях: {accuracy.top1:.0%} против {baseline.top1:.0%} "
              f"({baseline_name})")
    return Outcome(model, accuracy, baseline, baseline_name, adopted,
                   ("принята: " if adopted else "не принята, не лучше действующей: ") + reason)
