"""The §21 figures as a PDF in Russian for the Head of the Administration: the summary table, timeliness by
stage, the agencies' timeliness and answers as charts (matplotlib, Agg), the most overdue cases;
laid out from an HTML template (Jinja2) by WeasyPrint.

Work in progress (issue 10): the comparison with the previous month and the 12-month trend come with the
monthly aggregates.
"""

from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path
from typing import Any

from reports.figures import MonthFigures, Scope
from reports.xlsx import SUMMARY
from vocabulary import STAGE_TITLES, Stage

TEMPLATES = Path(__file__).parent / "templates"


def document(figures: MonthFigures, agency_names: dict[str, str], title: str, subtitle: str) -> bytes:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from weasyprint import HTML

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    agencies = sorted(((agency_names.get(a, a), s) for a, s in figures.agencies.items()), key=lambda p: p[0])
    html = env.get_template("monthly.html").render(
        title=title, subtitle=subtitle,
        summary=[(header, _show(get(figures.overall), fmt)) for header, get, fmt in SUMMARY],
        stages=[(STAGE_TITLES[stage], figures.overall.stages[stage.value]) for stage in Stage
                if stage.value in figures.overall.stages],
        agencies=[(name, scope.received, scope.answered, _show(_on_time_share(scope), "0.0%"),
                   _show(scope.mean_rating, None)) for name, scope in agencies],
        overdue=[(o.case_id, STAGE_TITLES.get(Stage(o.stage), o.stage) if o.stage in set(Stage) else o.stage,
                  agency_names.get(o.agency_id or "", o.agency_id or "—"), o.due.strftime("%d.%m.%Y %H:%M"),
                  f"{o.overdue_minutes / 60:.1f}".replace(".", ",")) for o in figures.most_overdue],
        chart=_timeliness_chart(agencies) if agencies else "",
    )
    return bytes(HTML(string=html, base_url=str(TEMPLATES)).write_pdf())


def _show(value: Any, fmt: str | None) -> str:
    if value is None:
        return "—"
    if fmt == "0.0%":
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _on_time_share(scope: Scope) -> float | None:
    on_time = sum(c.on_time for c in scope.stages.values())
    closed = on_time + sum(c.late for c in scope.stages.values())
    return on_time / closed if closed else None


def _timeliness_chart(agencies: list[tuple[str, Scope]]) -> str:
    """A horizontal bar chart of each agency's deadlines met on time and late, as a PNG data URI (WeasyPrint
    draws matplotlib's SVG clip paths as a grey box)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [name for name, _ in agencies]
    on_time = [sum(c.on_time for c in s.stages.values()) for _, s in agencies]
    late = [sum(c.late for c in s.stages.values()) for _, s in agencies]
    fig, ax = plt.subplots(figsize=(7.0, 0.45 * len(names) + 1.2))
    ax.barh(names, on_time, color="#2f7d4f", label="в срок")
    ax.barh(names, late, left=on_time, color="#c0392b", label="с нарушением срока")
    ax.invert_yaxis()
    ax.set_xlabel("сроков (этапов) за месяц")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = BytesIO()
    fig.savefig(out, format="png", dpi=160)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
