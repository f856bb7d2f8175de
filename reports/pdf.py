"""The §21 figures as a PDF in Russian for the Head of the Administration: the summary table, timeliness by
stage, the dynamics (against the previous month, and twelve months as a chart), the agencies' timeliness
as a chart (matplotlib, Agg), the most frequent topics and municipalities (triage's), the most overdue cases; laid out from an HTML template (Jinja2) by WeasyPrint.
"""

from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path
from typing import Any

from reports.dynamics import SHARES, Change, Dynamics
from reports.figures import MonthFigures, Scope
from reports.xlsx import SUMMARY, municipality_name, topic_name
from vocabulary import STAGE_TITLES, Stage

TEMPLATES = Path(__file__).parent / "templates"
TOP_ROWS = 10  # the topics and municipalities listed (the workbook has them all)


def document(figures: MonthFigures, agency_names: dict[str, str], title: str, subtitle: str,
             dynamics: Dynamics | None = None) -> bytes:
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
        topics=[(topic_name(k), n) for k, n in figures.by_topic.most_common(TOP_ROWS)],
        places=[(municipality_name(k), n) for k, n in figures.by_municipality.most_common(TOP_ROWS)],
        changes=[_change_row(c) for c in dynamics.changes()] if dynamics else [],
        trend_chart=_trend_chart(dynamics) if dynamics else "",
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


def _change_row(change: Change) -> tuple[str, str, str, str]:
    fmt = "0.0%" if change.key in SHARES else None
    delta = change.delta
    if delta is None:
        shown = "—"
    elif change.key in SHARES:
        shown = f"{delta * 100:+.1f}".replace(".", ",") + " п. п."
    else:
        shown = (f"{delta:+.2f}".replace(".", ",") if isinstance(delta, float) and not delta.is_integer()
                 else f"{int(delta):+d}")
        if change.percent is not None:
            shown += f" ({change.percent * 100:+.1f} %)".replace(".", ",")
    return change.label, _show(change.now, fmt), _show(change.before, fmt), shown


def _on_time_share(scope: Scope) -> float | None:
    on_time = sum(c.on_time for c in scope.stages.values())
    closed = on_time + sum(c.late for c in scope.stages.values())
    return on_time / closed if closed else None


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    out = BytesIO()
    fig.savefig(out, format="png", dpi=160)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _trend_chart(dynamics: Dynamics) -> str:
    """Twelve months: messages received and answered (bars), the share of deadlines met on time (line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trend = dynamics.trend
    labels = [f"{m[5:]}.{m[2:4]}" for m, _ in trend]
    received = [(b or {}).get("received") or 0 for _, b in trend]
    answered = [(b or {}).get("answered") or 0 for _, b in trend]
    shares = [(b or {}).get("on_time_share") for _, b in trend]
    fig, ax = plt.subplots(figsize=(7.0, 2.8))
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], received, width=0.4, color="#3b6ea8", label="поступило")
    ax.bar([i + 0.2 for i in x], answered, width=0.4, color="#2f7d4f", label="дан ответ")
    ax.set_xticks(list(x), labels, fontsize=8)
    ax.set_ylabel("сообщений")
    ax.spines[["top"]].set_visible(False)
    share_ax = ax.twinx()
    points = [(i, s * 100) for i, s in zip(x, shares, strict=True) if s is not None]
    if points:
        share_ax.plot([p[0] for p in points], [p[1] for p in points], color="#c0392b", marker="o",
                      label="сроков в срок, %")
    share_ax.set_ylim(0, 105)
    share_ax.set_ylabel("% сроков в срок")
    share_ax.spines[["top"]].set_visible(False)
    handles = ax.get_legend_handles_labels()[0] + share_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return _png(fig)


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
    return _png(fig)
