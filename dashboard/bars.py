"""A horizontal bar chart drawn in the browser without plotly.js: the overview's first charts.

plotly.js is a 4.7 MB script that every new tab compiles before its first chart shows (1–2 s);
the overview's two bar charts need none of it. A chart still has one plotly figure
(figures.label_bar), which the exports draw; `chart_data` reads what the browser draws from
that same figure (title, filters line, axis title, bars, colour, tooltips), and `draw` shows it
as plain HTML bars (dashboard/static/bars.js, bars.css): each bar a button, so a click, or
Enter on a focused bar, filters by it."""
from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

STATIC = Path(__file__).resolve().parent / "static"
_PLACEHOLDER = re.compile(r"%\{([xy])(:,)?\}")


def _number(value: float, grouped: bool) -> str:
    return f"{value:,.0f}" if grouped else f"{value:g}"


def tooltip(template: str, x: float, y: str) -> str:
    """A bar's hover text from its trace's hovertemplate, as plotly writes it (%{y}, %{x},
    %{x:,}); the <extra> box plotly would add beside it is dropped."""
    text = template.replace("<extra></extra>", "")
    return _PLACEHOLDER.sub(lambda m: y if m.group(1) == "y" else _number(x, bool(m.group(2))), text)


def chart_data(fig: go.Figure) -> dict:
    """What the browser draws of a horizontal bar figure: everything read from the figure the
    exports draw, so that the two never say different things."""
    bar, layout = fig.data[0], fig.layout
    labels, values, texts = list(bar.y or ()), list(bar.x or ()), list(bar.text or ())
    keys = [row[0] for row in bar.customdata or ()]  # what a click on the bar filters by
    return {
        "title": layout.title.text or "",
        "subtitle": layout.title.subtitle.text or "",
        "axis": layout.xaxis.title.text or "",
        "color": bar.marker.color,
        "empty": "当前筛选下没有可显示的类别。",
        "hint": "点击或按回车键，按此筛选全部页面",
        "bars": [{"key": str(k), "label": str(label), "value": float(v), "text": str(t),
                  "tip": tooltip(bar.hovertemplate, float(v), str(label))}
                 for k, label, v, t in zip(keys, labels, values, texts)],
    }


_component = st.components.v2.component(
    "pingcheng_bars", html='<div class="bar-chart"></div>',
    css=(STATIC / "bars.css").read_text(encoding="utf-8"), js=(STATIC / "bars.js").read_text(encoding="utf-8"))


def draw(fig: go.Figure, key: str) -> str | None:
    """Show the figure as bars; the key (the figure's customdata) of a bar just clicked, if any."""
    # The callback, though empty, makes `clicked` a value of the result (None until a click).
    return _component(data=chart_data(fig), key=key, on_clicked_change=lambda: None).clicked
