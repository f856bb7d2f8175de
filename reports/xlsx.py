"""The §21 figures as an XLSX workbook (openpyxl), in Russian: a summary sheet (the region and each agency),
one sheet per dimension, real numbers with number formats, frozen headers, filters.

With the dynamics (``reports.dynamics``): a sheet «Динамика», the headline figures against the previous
month and the region's twelve months.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from reports.dynamics import SHARES, Dynamics, previous_month
from reports.figures import MonthFigures
from vocabulary import NETWORK_LABELS, STAGE_TITLES, Network, Stage

PERCENT, HOURS, DECIMAL, STAMP = "0.0%", "0.0", "0.00", "DD.MM.YYYY HH:MM"
SUMMARY = [  # (header, value of a scope, number format)
    ("Поступило", lambda s: s.received, None),
    ("Направлено в органы", lambda s: s.routed, None),
    ("Возвращено как не относящееся к компетенции (п. 9)", lambda s: s.returned_not_competent, None),
    ("Исключено (п. 19)", lambda s: s.excluded, None),
    ("Не требует реагирования", lambda s: s.dismissed, None),
    ("Дан ответ", lambda s: s.answered, None),
    ("Не завершено на конец месяца", lambda s: s.open_at_end, None),
    ("Медиана до ответа, рабочих часов", lambda s: s.median_answer_hours, HOURS),
    ("Согласовано с первого раза", lambda s: s.first_pass_share, PERCENT),
    ("Доработок на ответ", lambda s: s.reworks_per_answer, DECIMAL),
    ("Средняя оценка куратора", lambda s: s.mean_rating, DECIMAL),
    ("Промежуточных ответов (п. 15)", lambda s: s.intermediate, None),
    ("Окончательных ответов в срок (п. 15)", lambda s: s.finals_on_time, None),
    ("Повторных (п. 17)", lambda s: s.repeats, None),
    ("Повторных с информацией о мерах", lambda s: s.repeats_with_measures, None),
]


TREND = [  # the trend's columns: (header, key of the region's brief, number format)
    ("Поступило", "received", None), ("Направлено в органы", "routed", None), ("Дан ответ", "answered", None),
    ("Не завершено на конец месяца", "open_at_end", None), ("Сроков с нарушением", "late", None),
    ("Доля сроков в срок", "on_time_share", PERCENT), ("Медиана до ответа, рабочих часов", "median_answer_hours", HOURS),
    ("Средняя оценка куратора", "mean_rating", DECIMAL),
]


def municipality_name(key: str) -> str:
    """A municipality's Russian name (triage/places.json), the id if unknown, «не определено» for none."""
    from triage.places import places

    return "не определено" if key == "—" else str(places()["municipalities"].get(key, {}).get("name", key))


def topic_name(key: str) -> str:
    """A topic's Russian name (triage/rubric.json), the id if unknown, «не определена» for none."""
    from triage.rubric import topic_names

    return "не определена" if key == "—" else topic_names().get(key, key)


def workbook(figures: MonthFigures, agency_names: dict[str, str], title: str,
             dynamics: Dynamics | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Сводка"
    scopes = [("Всего по Удмуртской Республике", figures.overall),
              *sorted(((agency_names.get(a, a), s) for a, s in figures.agencies.items()), key=lambda p: p[0])]
    _table(summary, title, ["Исполнительный орган", *(h for h, _, _ in SUMMARY)],
           [[name, *(get(scope) for _, get, _ in SUMMARY)] for name, scope in scopes],
           [None, *(fmt for _, _, fmt in SUMMARY)])

    stages = book.create_sheet("Сроки")
    rows = []
    for name, scope in scopes:
        for stage in Stage:
            count = scope.stages.get(stage.value)
            if count is None:
                continue
            closed = count.on_time + count.late
            rows.append([name, STAGE_TITLES[stage], count.on_time, count.late, count.running,
                         count.on_time / closed if closed else None])
    _table(stages, f"{title}: соблюдение сроков", ["Исполнительный орган", "Этап", "В срок", "С нарушением срока",
                                                   "В работе", "Доля в срок"], rows,
           [None, None, None, None, None, PERCENT])

    def network(key: str) -> str:
        return NETWORK_LABELS.get(Network(key), key) if key in set(Network) else key

    before = (dynamics.briefs.get(previous_month(figures.month)) or {}) if dynamics else {}
    for sheet, header, field, counter, label in (
            ("Сети", "Социальная сеть", "by_network", figures.by_network, network),
            ("Сообщества", "Сообщество", "by_community", figures.by_community, str),
            ("Муниципалитеты", "Муниципальное образование", "by_municipality", figures.by_municipality,
             municipality_name),
            ("Темы", "Тема", "by_topic", figures.by_topic, topic_name)):
        if dynamics is None:
            _table(book.create_sheet(sheet), f"{title}: по измерению «{header}»", [header, "Сообщений"],
                   [[label(k), v] for k, v in counter.most_common()], [None, None])
            continue
        earlier = before.get(field) or {}  # the previous month's counts, where its brief has them
        _table(book.create_sheet(sheet), f"{title}: по измерению «{header}»",
               [header, "Сообщений", "Предыдущий месяц", "Изменение"],
               [[label(k), v, earlier.get(k), v - earlier[k] if k in earlier else None]
                for k, v in counter.most_common()], [None, None, None, None])

    overdue = book.create_sheet("Просрочки")
    _table(overdue, f"{title}: десять наиболее просроченных", ["Обращение", "Этап", "Исполнительный орган",
                                                              "Срок", "Просрочено, рабочих часов"],
           [[o.case_id, STAGE_TITLES.get(Stage(o.stage), o.stage) if o.stage in set(Stage) else o.stage,
             agency_names.get(o.agency_id or "", o.agency_id or "—"), o.due.replace(tzinfo=None),
             round(o.overdue_minutes / 60, 1)] for o in figures.most_overdue],
           [None, None, None, STAMP, HOURS])
    if dynamics is not None:
        _dynamics(book.create_sheet("Динамика", 1), title, dynamics)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _dynamics(sheet: Any, title: str, dynamics: Dynamics) -> None:
    changes = dynamics.changes()
    _table(sheet, f"{title}: динамика", ["Показатель", "Отчётный месяц", "Предыдущий месяц", "Изменение",
                                         "Изменение, %"],
           [[c.label, c.now, c.before, c.delta, c.percent] for c in changes],
           [None, None, None, None, PERCENT])
    for row, change in enumerate(changes, start=4):  # shares are shown as shares, their change in points
        fmt = PERCENT if change.key in SHARES else DECIMAL if isinstance(change.now, float) else None
        for column in (2, 3, 4):
            if fmt:
                sheet.cell(row=row, column=column).number_format = fmt
    first = 4 + len(changes) + 2
    sheet.cell(row=first, column=1, value="Двенадцать месяцев (всего по республике)").font = _bold()
    sheet.append(["Месяц", *(header for header, _, _ in TREND)])
    for month, brief in dynamics.trend:
        sheet.append([month, *((brief or {}).get(key) for _, key, _ in TREND)])
        for column, (_, _, fmt) in enumerate(TREND, start=2):
            if fmt:
                sheet.cell(row=sheet.max_row, column=column).number_format = fmt
    for cell in sheet[first + 1]:
        cell.font = _bold()


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _table(sheet: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
           formats: Sequence[str | None]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(list(headers))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
        for column, fmt in enumerate(formats, start=1):
            if fmt:
                sheet.cell(row=3 + count, column=column).number_format = fmt
    sheet.freeze_panes = "B4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{3 + count}"
    sheet.column_dimensions["A"].width = 42
    for column in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.row_dimensions[3].height = 45
