"""The competent agency (the rubricator), significance, repeats and `python -m triage classify`, on
examples written for this project (development examples: the held-out measurements of issue 13 are not
built yet)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ROOT
from triage.repeats import THRESHOLD, Earlier, repeat_of
from triage.rubric import agencies
from triage.significance import significance


@pytest.mark.parametrize(("text", "agency"), [
    ("Когда отремонтируют дорогу на Пушкинской? Ямы по колено.", "mintrans"),
    ("Нет горячей воды третий день, управляющая компания молчит", "minstroy"),
    ("В поликлинике не записаться к педиатру", "minzdrav"),
    ("Бездомные собаки бегают стаей у дома", "vet"),
    ("В детском саду холодно, воспитатели разводят руками", "minobr"),
    ("Пенсию по инвалидности задерживают второй месяц", "minsoc"),
    ("Нет мобильной связи в деревне, вышку обещали год назад", "mincifra"),
])
def test_the_rubricator_puts_the_competent_agency_first(text: str, agency: str) -> None:
    ranked = agencies(text)
    assert ranked and ranked[0].agency_id == agency and ranked[0].words
    assert sum(s.score for s in ranked) <= 1.0
    assert agencies(text, known={"minfin"}) == [] or agencies(text, known={"minfin"})[0].agency_id == "minfin"


def test_significance_has_its_reasons() -> None:
    danger = significance("Обрушился балкон, пострадал ребенок")
    assert danger.significant and "угроза жизни или здоровью" in danger.reasons and "дети" in danger.reasons
    assert significance("Весь район без отопления третий день").significant
    assert not significance("Спасибо за новую остановку").significant
    viral = significance("Когда уберут мусор во дворе?", {"likes": 900, "reposts": 80, "comments": 40})
    assert viral.score == 0.5 and viral.significant and viral.reasons == ("много откликов (1020)",)
    assert significance("Собрали 300 подписей: верните автобус").significant  # a collective appeal


def test_a_repeat_is_found_by_its_words_within_the_window() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    first = Earlier("a", "Нет горячей воды в доме на Пушкинской, 154", "Иван", at=now - timedelta(days=10))
    other = Earlier("c", "Яма на дороге у школы", at=now - timedelta(days=1))
    old = Earlier("d", "Нет горячей воды на Пушкинской 154", at=now - timedelta(days=400))
    again = Earlier("b", "Опять нет горячей воды на Пушкинской 154", "Иван", at=now)
    # the words they share, the same author and topic, and «опять»; the one a year old is out of the window
    found = repeat_of(again, [old, first, other])
    assert found is not None and found[0] == "a" and THRESHOLD <= found[1] <= 1
    assert repeat_of(Earlier("e", "Спасибо дорожникам за ремонт", at=now), [first, other]) is None


def test_neighbours_at_one_spot_repeat_and_one_author_at_two_spots_does_not() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    collapse = Earlier("a", "СРОЧНО. Удмуртская 255, 2 подъезд — обрушился лестничный пролёт, люди не могут выйти",
                       "Ольга", "izhevsk", now - timedelta(days=30))
    # another resident, other words: the same house makes it the same issue
    stairs = Earlier("b", "Удмуртская 255 — лестницу так и не восстановили, бабушки месяц не выходят", "Пётр", "izhevsk", now)
    assert repeat_of(stairs, [collapse]) == ("a", 0.75)
    elsewhere = Earlier("b", "Пушкинская 12 — лестницу так и не восстановили, бабушки месяц не выходят", "Пётр", "izhevsk", now)
    assert repeat_of(elsewhere, [collapse]) is None  # the same words at another house
    road = Earlier("c", "на Кирова опять яма у остановки, колесо пробил", "Ольга", "izhevsk", now - timedelta(days=5))
    # the same author, the same topic and «опять», but another street: not the same issue
    other_road = Earlier("d", "на Ленина опять ямы по всей дороге, асфальт кусками", "Ольга", "izhevsk", now)
    assert repeat_of(other_road, [road]) is None
    assert repeat_of(Earlier("e", "на Кирова всё та же яма, колесо пробил", "Ольга", "izhevsk", now), [road]) is not None
    thanks = Earlier("f", "спасибо, яму на Кирова у остановки наконец заделали", "Ольга", "izhevsk", now)
    assert repeat_of(thanks, [road]) is None  # the issue closed, not raised again
    still = Earlier("g", "спасибо, конечно, но яма на Кирова у остановки так и не заделана", "Ольга", "izhevsk", now)
    assert repeat_of(still, [road]) is not None
    other = Earlier("h", "опять в поликлинике нет талонов к врачу", "Ольга", "izhevsk", now)
    assert repeat_of(other, [road]) is None  # no word in common, no spot


def test_a_repeat_of_a_significant_message_is_significant_with_its_reason() -> None:
    from triage.cli import classify_line

    earlier: list[Earlier] = []
    ids: dict[str, object] = {}
    lines = [{"id": 1, "text": "Глазов, Кирова 12: весь дом без отопления, на улице -20, дети мёрзнут", "author": "Иван"},
             {"id": 2, "text": "Кирова 12 в Глазове, батареи так и холодные", "author": "Пётр"},
             {"id": 3, "text": "Глазов, Ленина 7: в подъезде не горит лампочка", "author": "Анна"},
             {"id": 4, "text": "Ленина 7 в Глазове, лампочка так и не горит", "author": "Олег"}]
    out = [classify_line(line, earlier, None, ids) for line in lines]
    assert out[0]["significant"] and out[1]["repeat_of"] == 1 and out[1]["significant"]
    assert out[1]["significance_reasons"][-1] == "повтор значимого сообщения" and out[1]["significance"] >= 0.5
    assert out[3]["repeat_of"] == 3 and not out[3]["significant"]  # a repeat of a minor issue stays minor


def test_classify_reads_json_lines_and_writes_one_line_each() -> None:
    lines = [{"id": 1, "text": "В Глазове весь район без отопления, дети мерзнут", "author": "Иван"},
             {"id": 2, "text": "Опять весь район в Глазове без отопления, дети мёрзнут!", "author": "Иван"},
             {"id": 3, "text": "Я вас убью, если не сделаете дорогу"}]
    run = subprocess.run([sys.executable, "-m", "triage", "classify"], cwd=ROOT, capture_output=True, text=True,
                         input="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", timeout=60)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[0]["municipality"] == "город Глазов" and out[0]["agencies"][0] == "minstroy" and out[0]["significant"]
    assert out[1]["repeat_of"] == 1 and out[0]["repeat_of"] is None
    assert out[2]["exclusion"] == "threat" and out[2]["agencies"][0] == "mintrans"
    bad = subprocess.run([sys.executable, "-m", "triage", "classify"], cwd=ROOT, capture_output=True, text=True,
                         input='{"text": "без id"}\n', timeout=60)
    assert bad.returncode == 1 and "id and text" in bad.stdout


def test_train_writes_a_model_that_classify_uses(tmp_path: Path) -> None:
    from tests.triage.routing_replay import routed_messages

    routed = "\n".join(json.dumps({"text": m.text, "agency": m.agency_id}, ensure_ascii=False)
                       for m in routed_messages(300)) + "\n"
    model = tmp_path / "model.json"
    trained = subprocess.run([sys.executable, "-m", "triage", "train", "--out", str(model), "--version", "m-1"],
                             cwd=ROOT, capture_output=True, text=True, input=routed, timeout=120)
    assert trained.returncode == 0, trained.stderr
    assert "точность на последних 60 направлениях" in trained.stderr and model.exists()
    message = json.dumps({"id": "x", "text": "Батареи еле тёплые, дома холодно"}, ensure_ascii=False) + "\n"
    run = subprocess.run([sys.executable, "-m", "triage", "classify", "--model", str(model)], cwd=ROOT,
                         capture_output=True, text=True, input=message, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["agencies"][0] == "minstroy"
    broken = subprocess.run([sys.executable, "-m", "triage", "classify", "--model", str(tmp_path / "none.json")],
                            cwd=ROOT, capture_output=True, text=True, input=message, timeout=60)
    assert broken.returncode == 2 and "not a model" in broken.stderr
    bad = subprocess.run([sys.executable, "-m", "triage", "train", "--out", str(tmp_path / "m2.json")], cwd=ROOT,
                         capture_output=True, text=True, input='{"text": "без органа"}\n', timeout=60)
    assert bad.returncode == 1 and "text and agency" in bad.stderr and not (tmp_path / "m2.json").exists()
