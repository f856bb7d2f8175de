"""The §21 figures on a month of cases built through the real workflow (in memory): each figure checked
against the outcomes the test gave the cases; a message detected on 31 October at 23:30 Izhevsk time is
October's."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cases.memory import InMemoryCases
from cases.model import Actor
from deadlines.policy import default_policy
from reports.figures import MonthFigures, month_bounds, month_figures
from tests.escalation.world import BASE, FakeQueue, samara
from workflow.service import CaseService

CURATOR = Actor(uid="cur", role="curator")
EXEC = Actor(uid="ex", role="executor", agency_id="minstroy")


class Month:
    def __init__(self) -> None:
        self.repo, self.now = InMemoryCases(), samara(2026, 10, 1, 9, 0)
        self.service = CaseService(self.repo, default_policy, FakeQueue(), lambda: self.now, BASE,
                                   lambda: {"minstroy", "mintrans"})

    def open(self, case_id: str, at: datetime) -> None:
        self.now = at
        doc = {"id": case_id, "message": {"network": "vk", "text": "Текст"},
               "source": {"kind": "vk", "id": "77", "name": "Ижевск онлайн"}}
        assert self.service.open_case(doc, case_id, at) is not None

    def act(self, case_id: str, who: Actor, command: str, at: datetime, **body: Any) -> None:
        self.now = at
        self.service.execute(case_id, who, command, {"version": self.repo.get(case_id)["version"], **body})

    def answer(self, case_id: str, at: datetime, *, reworks: int = 0, rating: int = 5) -> None:
        """Routed, accepted, drafted (returned ``reworks`` times), approved and published from ``at`` on."""
        step = timedelta(minutes=20)
        self.act(case_id, CURATOR, "route", at, agency_ids=["minstroy"])
        self.act(case_id, EXEC, "accept", at + step)
        self.act(case_id, EXEC, "submit_draft", at + 2 * step, text="Проект")
        for i in range(reworks):
            self.act(case_id, CURATOR, "return_for_rework", at + (3 + 2 * i) * step, comment="Уточните")
            self.act(case_id, EXEC, "submit_draft", at + (4 + 2 * i) * step, text="Проект 2")
        done = at + (3 + 2 * reworks) * step
        self.act(case_id, CURATOR, "approve", done, rating=rating)
        self.act(case_id, EXEC, "publish", done + step, url="https://vk.com/wall-77_1")


NOW = samara(2026, 11, 2, 12, 0)


def october() -> Month:
    m = Month()
    # October: four cases. a, b answered (b after one rework); c returned as not competent, then open;
    # d detected at 23:30 on 31 October (Izhevsk), not routed: its route deadline runs.
    m.open("a", samara(2026, 10, 5, 10, 0))
    m.answer("a", samara(2026, 10, 5, 10, 30), rating=5)
    m.open("b", samara(2026, 10, 6, 11, 0))
    m.answer("b", samara(2026, 10, 6, 11, 30), reworks=1, rating=3)
    m.open("c", samara(2026, 10, 7, 9, 0))
    m.act("c", CURATOR, "route", samara(2026, 10, 7, 9, 30), agency_ids=["minstroy"])
    m.act("c", EXEC, "return_not_competent", samara(2026, 10, 7, 10, 0), reason="Не наша компетенция")
    m.open("d", samara(2026, 10, 31, 23, 30))
    # November's and September's cases are not October's.
    m.open("n", samara(2026, 11, 1, 0, 10))
    m.open("s", samara(2026, 9, 30, 23, 50))
    return m


def figures_of(m: Month) -> MonthFigures:
    return month_figures((m.repo.get(i) for i in "abcdns"), "2026-10", default_policy().agency_calendar, NOW)


def test_the_months_figures_from_cases_built_through_the_workflow() -> None:
    figures = figures_of(october())
    o = figures.overall
    assert (o.received, o.routed, o.returned_not_competent, o.answered, o.excluded) == (4, 3, 1, 2, 0)
    assert o.open_at_end == 2  # c and d
    assert (o.approved, o.first_pass, o.reworks, o.mean_rating) == (2, 1, 1, 4.0)
    assert o.first_pass_share == 0.5 and o.reworks_per_answer == 0.5
    assert o.median_answer_hours is not None and 1.0 <= o.median_answer_hours <= 3.0
    def stage(name: str) -> tuple[int, int, int]:
        count = o.stages[name]
        return count.on_time, count.late, count.running

    # route: a, b on time; c's second routing (after the return) and d's are past due, not yet marked missed.
    assert stage("route") == (2, 2, 0)
    assert stage("answer") == (2, 1, 1)  # c's answer is past due; d's runs
    assert stage("return_not_competent") == (3, 0, 0) and stage("rework") == (1, 0, 0)
    assert stage("review") == (2, 0, 0) and stage("publish") == (2, 0, 0)
    worst = figures.most_overdue
    assert (worst[0].case_id, worst[0].stage) == ("c", "route") and len(worst) == 4  # c: route, answer, draft; d: route
    assert [(w.case_id, w.stage) for w in worst][-1] == ("d", "route")
    minstroy = figures.agencies["minstroy"]
    assert (minstroy.received, minstroy.answered, minstroy.returned_not_competent) == (3, 2, 1)
    assert figures.by_network == {"vk": 4} and figures.by_community == {"сообщество ВКонтакте «Ижевск онлайн»": 4}
    assert month_bounds("2026-10")[1] == samara(2026, 11, 1, 0, 0)
    assert month_bounds("2026-12")[1] == samara(2027, 1, 1, 0, 0)


def test_the_workbook_opens_back_with_the_figures() -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.xlsx import workbook

    m = october()
    triaged = {"topic": "heating", "municipality_id": "glazov"}  # what triage set on case a
    cases = ({**m.repo.get(i), **(triaged if i == "a" else {})} for i in "abcdns")
    figures = month_figures(cases, "2026-10", default_policy().agency_calendar, NOW)
    data = workbook(figures, {"minstroy": "Минстрой УР"}, "Сводная информация за октябрь 2026 г.")
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Сводка", "Сроки", "Сети", "Сообщества", "Муниципалитеты", "Темы", "Просрочки"]
    rows = {sheet: [[c.value for c in row] for row in book[sheet].iter_rows(min_row=4)] for sheet in ("Темы", "Муниципалитеты")}
    assert rows["Темы"] == [["не определена", 3], ["Отопление и горячая вода", 1]]
    assert rows["Муниципалитеты"] == [["не определено", 3], ["город Глазов", 1]]
    summary = book["Сводка"]
    assert summary["A1"].value == "Сводная информация за октябрь 2026 г." and summary.freeze_panes == "B4"
    headers = [c.value for c in summary[3]]
    region = dict(zip(headers, (c.value for c in summary[4]), strict=True))
    assert region["Исполнительный орган"] == "Всего по Удмуртской Республике"
    assert (region["Поступило"], region["Дан ответ"], region["Не завершено на конец месяца"]) == (4, 2, 2)
    assert region["Согласовано с первого раза"] == 0.5
    assert summary.cell(row=4, column=headers.index("Согласовано с первого раза") + 1).number_format == "0.0%"
    assert [c.value for c in summary[5]][:2] == ["Минстрой УР", 3]
    stages = [[c.value for c in row] for row in book["Сроки"].iter_rows(min_row=4)]
    assert ["Всего по Удмуртской Республике", "Направление в исполнительный орган (п. 8)", 2, 2, 0, 0.5] in stages
    overdue = [[c.value for c in row] for row in book["Просрочки"].iter_rows(min_row=4)]
    assert overdue[0][:2] == ["c", "Направление в исполнительный орган (п. 8)"] and len(overdue) == 4
    assert [[c.value for c in row] for row in book["Сети"].iter_rows(min_row=4)] == [["ВКонтакте", 4]]


def test_the_pdf_renders_with_its_cyrillic_title(tmp_path: Any) -> None:
    import pypdfium2

    from reports.pdf import document

    title = "Сводная информация о работе исполнительных органов в социальных сетях за октябрь 2026 г."
    data = document(figures_of(october()), {"minstroy": "Минстрой УР"}, title,
                    "Руководителю Администрации Главы и Правительства Удмуртской Республики")
    (tmp_path / "report.pdf").write_bytes(data)
    pdf = pypdfium2.PdfDocument(data)
    first = " ".join(pdf[0].get_textpage().get_text_range().split())
    everything = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    assert first.startswith(title) and "Минстрой УР" in everything and "Наиболее просроченные" in everything
    image = pdf[0].render(scale=1.5).to_pil().convert("L")
    image.save(tmp_path / "report.png")
    dark = sum(1 for p in image.tobytes() if p < 128)
    assert dark > 0.01 * image.width * image.height  # text, tables and the chart are drawn


def test_a_message_needing_no_reaction_is_counted_apart_from_exclusions() -> None:
    m = october()
    m.open("e", samara(2026, 10, 8, 9, 0))
    m.act("e", CURATOR, "dismiss", samara(2026, 10, 8, 9, 20), reason="spam", note="реклама")
    m.open("f", samara(2026, 10, 9, 9, 0))
    m.act("f", CURATOR, "dismiss", samara(2026, 10, 9, 9, 10), reason="informational")
    m.act("f", CURATOR, "reopen", samara(2026, 10, 9, 15, 0))  # reopened: open again, and late
    figures = month_figures((m.repo.get(i) for i in "abcdefns"), "2026-10", default_policy().agency_calendar, NOW)
    o = figures.overall
    assert (o.received, o.dismissed, o.excluded, o.routed) == (6, 1, 0, 3)
    assert o.open_at_end == 3  # c, d and the reopened f; e is done with
    assert o.stages["route"].late == 3  # c's, d's and f's (its hour ran out while it was set aside)
    assert m.repo.get("e")["dismissal"]["label"] == "Спам или реклама"
