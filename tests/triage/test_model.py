"""The routing model learnt from the curators' decisions (triage/model.py, triage/learn.py): scored in pure
Python exactly as scikit-learn scores it, adopted only when it beats the ranking in use, and learning: a
replay of 500 routings ranks the next 200 better than the rubricator alone."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from tests.triage.routing_replay import routed_messages
from triage.learn import MIN_EXAMPLES, Example, measure, retrain, rubricator, train
from triage.model import Model, features

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def examples(count: int, seed: int = 7) -> list[Example]:
    start = NOW - timedelta(days=count)
    return [Example(m.text, m.agency_id, start + timedelta(days=i)) for i, m in enumerate(routed_messages(count, seed))]


@pytest.fixture(scope="module")
def replay() -> tuple[list[Example], list[Example]]:
    routed = examples(700)
    return routed[:500], routed[500:]


def test_replaying_500_routings_ranks_the_next_200_better_than_the_rubricator(replay: tuple[list[Example], list[Example]]) -> None:
    learnt, following = replay
    model = train(learnt, "replay")
    by_model = measure(lambda text: [s.agency_id for s in model.rank(text)], following)
    alone = measure(rubricator(), following)
    # measured: top-1 0.55 by the rubricator, 0.745 by the model; top-3 0.605 and 0.80
    assert by_model.examples == 200
    assert by_model.top1 >= alone.top1 + 0.15 and by_model.top3 > alone.top3, (alone, by_model)
    # the more it has seen, the better it ranks what follows
    fewer = train(learnt[:150], "replay-150")
    assert by_model.top1 > measure(lambda text: [s.agency_id for s in fewer.rank(text)], following).top1


def test_the_first_read_scores_as_scikit_learn_does(replay: tuple[list[Example], list[Example]]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    import triage.learn

    learnt, following = replay
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True)
    classifier = LogisticRegression(C=triage.learn.C, max_iter=2000)
    classifier.fit(vectorizer.fit_transform([e.text for e in learnt]), [e.agency_id for e in learnt])
    model = Model.from_document(train(learnt, "same").document())  # through its stored form
    texts = [e.text for e in following[:40]]
    expected = classifier.predict_proba(vectorizer.transform(texts))
    for text, row in zip(texts, expected, strict=True):
        mine = model.probabilities(text)
        assert all(math.isclose(mine[agency], p, abs_tol=1e-5) for agency, p in zip(classifier.classes_, row, strict=True))
    suggestion = model.rank("Батареи еле тёплые, в квартире холодно")[0]
    assert suggestion.agency_id == "minstroy" and suggestion.words and 0 < suggestion.score <= 1


def test_an_agency_the_model_never_learnt_comes_from_the_rubricator() -> None:
    model = train([Example("Яма на дороге", "mintrans"), Example("Автобус не пришёл", "mintrans"),
                   Example("Батарея холодная", "minstroy"), Example("Нет горячей воды", "minstroy")], "small")
    ranked = model.rank("Бездомные собаки покусали ребёнка, нужен отлов")
    assert "vet" in [s.agency_id for s in ranked] and len(ranked) == 3
    assert [s.agency_id for s in model.rank("Яма на дороге", known={"minstroy", "vet"})] == ["minstroy"]


def test_a_retrained_model_is_adopted_only_if_it_beats_the_one_in_use() -> None:
    routed = examples(500)
    first = retrain(routed, None, "model-1", NOW)
    assert first.adopted and first.model is not None and first.accuracy and first.baseline
    assert first.accuracy.top1 > first.baseline.top1 and first.baseline_name == "рубрикатор"
    assert first.accuracy.examples == 100 and first.model.facts["examples"] == 500
    assert first.reason.startswith("принята")
    # a model learnt from the last 80 routings only ranks worse than the one learnt from 500: it stays
    second = retrain(routed[-80:], first.model, "model-2", NOW)
    assert not second.adopted and second.baseline_name == "модель model-1"
    assert second.reason.startswith("не принята")
    too_few = retrain(routed[:MIN_EXAMPLES - 1], None, "model-3", NOW)
    assert too_few.model is None and not too_few.adopted and "мало" in too_few.reason
