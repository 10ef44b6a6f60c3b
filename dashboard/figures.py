"""Plotly figure builders (Chinese labels). Pure functions of frames: tested without Streamlit.

Built from graph objects, not plotly.express: express and a named template cost about 0.2 s
per chart on every rerun, these a few milliseconds. Every count axis has whole-number ticks,
every title, axis, colour bar and hover text says what it counts in the words of the filters'
counting mode (`words`: 项 or 篇, each once; 项次 or 篇次, once for each of its themes or
streets), and nothing needs the network (the map is drawn from the outline in data/, on plain
axes: no geo subplot, so no topojson from a CDN)."""
from __future__ import annotations

import math
from datetime import date
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analytics.periods import period_end, period_range
from .vocabulary import NO_GROUP_ZH, PRECISION_ZH, CountWords, period_label, period_span

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
BLUE = "#2f6db5"
GRID = "#e3e7ee"
# Date precision, drawn so that it is told apart in colour and in black and white alike.
PRECISION_PATTERN = {"day": "", "issue": ".", "inferred": "/", "unknown": "x"}
PRECISION_OPACITY = {"day": 1.0, "issue": 0.85, "inferred": 0.6, "unknown": 0.45}
PALETTE = ["#2f6db5", "#e8833a", "#3a9d5d", "#c8423b", "#8a63b8", "#8c6d4f", "#d46fb0", "#6f7780",
           "#b5b82f", "#2fb5c4", "#1f4e8c", "#f2b36b", "#7fc98f", "#e69590", "#b9a3d6", "#c4a98f"]


def _axis(title: str = "", **extra) -> dict:
    return dict(title=dict(text=title), gridcolor=GRID, zerolinecolor="#c9ced6", automargin=True, **extra)


def count_axis(title: str, top: float) -> dict:
    """An axis of counts: whole numbers only (no 0.2 ticks, no "0.5 项")."""
    axis = _axis(title, rangemode="tozero", tickformat=",d")
    if top <= 10:
        axis.update(dtick=1, tick0=0)
    return axis


def _layout(title: str, **extra) -> dict:
    layout = dict(title=dict(text=title, x=0, xanchor="left"), font=dict(family=FONT, size=13),
                  margin=dict(l=10, r=10, t=60, b=10), paper_bgcolor="white", plot_bgcolor="white",
                  clickmode="event+select", hovermode="closest", hoverlabel=dict(font=dict(family=FONT)),
                  separators=".,", legend=dict(title=dict(text="")))
    layout.update(extra)
    return layout


def stamp(fig: go.Figure, filters_words: str) -> go.Figure:
    """The filters a chart was made for, under its title, so that every copy of it (the
    toolbar's PNG, the server's PNG and SVG, a screenshot) says which view it shows."""
    fig.update_layout(title_subtitle_text=f"筛选：{filters_words}", title_subtitle_font_size=12,
                      title_subtitle_font_color="#555", margin_t=max(fig.layout.margin.t or 0, 80))
    return fig


def label_bar(frame: pd.DataFrame, names: dict[str, str], title: str, value: str = "articles", *,
              words: CountWords) -> go.Figure:
    """Events or articles (or people) per theme or service type; each counts once for each label."""
    labels = [names.get(k, k) for k in frame["key"]]
    values = [float(v) if value == "participants" else int(v) for v in frame[value]]
    if value == "participants":
        axis, hover = "参与人数（下限，人）", "%{y}：至少 %{x:,} 人<extra></extra>"
    else:
        axis, hover = words.axis, f"%{{y}}：%{{x}} {words.unit}<extra></extra>"
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", customdata=[[k] for k in frame["key"]],
                           marker_color=BLUE, hovertemplate=hover, text=[f"{v:,.0f}" for v in values],
                           textposition="auto", cliponaxis=False),
                    layout=_layout(title, xaxis=count_axis(axis, max(values, default=0)),
                                   yaxis=_axis(autorange="reversed"), showlegend=False))
    return fig


def street_bar(coverage: pd.DataFrame, *, words: CountWords) -> go.Figure:
    """Every street in scope, the ones with no activity too (a bar of 0, labelled 0)."""
    streets = coverage[(coverage["level"] == "street") & coverage.get("in_scope", True)]
    streets = streets.sort_values(["articles", "name"], ascending=[False, True])
    counts = [int(n) for n in streets["articles"]]
    colors = [BLUE if n else "#c9ced6" for n in counts]
    fig = go.Figure(go.Bar(x=list(streets["name"]), y=counts, customdata=[[n] for n in streets["name"]],
                           marker_color=colors, text=[str(n) for n in counts], textposition="outside",
                           cliponaxis=False, hovertemplate=f"%{{x}}：%{{y}} {words.unit}<extra></extra>"),
                    layout=_layout(words.per("街道"), xaxis=_axis("街道", type="category"),
                                   yaxis=count_axis(words.axis, max(counts, default=0)), showlegend=False))
    return fig


def coverage_treemap(coverage: pd.DataFrame, district: str, *, words: CountWords) -> go.Figure:
    """District → streets → communities and villages; every unit has the same area, so the
    ones with no activity show as plainly as the busy ones; colour is the count."""
    if "in_scope" in coverage:
        coverage = coverage[coverage["in_scope"]]
    units = coverage[coverage["level"] != "street"]
    streets = coverage[coverage["level"] == "street"]
    ids = [district] + [f"{district}/{s}" for s in streets["name"]] + \
          [f"{district}/{u.street}/{u.name}" for u in units.itertuples()]
    labels = [district] + list(streets["name"]) + list(units["name"])
    parents = [""] + [district] * len(streets) + [f"{district}/{u.street}" for u in units.itertuples()]
    street_sizes = units.groupby("street").size()
    values = [len(units)] + [int(street_sizes.get(s, 1)) for s in streets["name"]] + [1] * len(units)
    counts = [int(streets["articles"].sum())] + [int(n) for n in streets["articles"]] + \
             [int(n) for n in units["articles"]]
    top = max(counts[1:], default=0) or 1
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        # The district's own total would dwarf every street on the scale: it is drawn at the top colour.
        marker=dict(colors=[top] + counts[1:], colorscale="Blues", cmin=0, cmax=top, showscale=True,
                    colorbar=dict(title=dict(text=words.axis), tickformat=",d",
                                  **({"dtick": 1} if top <= 10 else {}))),
        customdata=counts, hovertemplate=f"%{{label}}：%{{customdata}} {words.unit}<extra></extra>",
        texttemplate=f"%{{label}}<br>%{{customdata}} {words.unit}", maxdepth=2),
        layout=_layout("覆盖层级：点击街道下钻到社区和村"))
    return fig


def theme_heatmap(matrix: pd.DataFrame, theme_names: dict[str, str], streets: list[str], *,
                  words: CountWords) -> go.Figure:
    """项次 or 篇次 per theme and street, every street of the scope, the empty ones too. Plotly
    heatmaps send no selection events, so an invisible scatter of the cells' centres lies on top:
    with `hoverdistance=-1` the nearest centre is the cell under the pointer, and a click on a
    cell selects that centre (theme key and street in its customdata), which filters every page."""
    if matrix.empty:
        pivot = pd.DataFrame(index=pd.Index([], name="theme"), columns=streets)
    else:
        pivot = matrix.pivot_table(index="theme", columns="street", values="articles", fill_value=0, aggfunc="sum")
    pivot = pivot.reindex(columns=streets, fill_value=0).fillna(0).astype(int)
    themes = list(pivot.index)
    rows = [theme_names.get(k, k) for k in themes]
    z = pivot.values.tolist()
    top = int(pivot.values.max()) if pivot.size else 0
    cell_x = [s for _ in themes for s in streets]
    cell_y = [row for row in rows for _ in streets]
    cell_data = [[k, s, int(n)] for k, zr in zip(themes, z) for s, n in zip(streets, zr)]
    fig = go.Figure(layout=_layout(
        f"主题 × 街道（{words.mentions}）", hoverdistance=-1, xaxis=_axis("街道", type="category", categoryorder="array",
                                                        categoryarray=streets),
        yaxis=_axis(type="category", autorange="reversed", categoryorder="array", categoryarray=rows),
        showlegend=False))
    fig.add_trace(go.Heatmap(z=z, x=streets, y=rows, colorscale="Blues", zmin=0, zmax=max(top, 1),
                             hoverinfo="skip", texttemplate="%{z}", xgap=1, ygap=1,
                             colorbar=dict(title=dict(text=words.mentions), tickformat=",d",
                                           **({"dtick": 1} if top <= 10 else {}))))
    fig.add_trace(go.Scatter(
        x=cell_x, y=cell_y, customdata=cell_data, mode="markers", name="格子",
        marker=dict(size=18, opacity=0, color=BLUE), selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
        hovertemplate=f"%{{y}} × %{{x}}：%{{customdata[2]}} {words.mentions}<extra>点击按此主题和街道筛选</extra>"))
    return fig


def timeline_bars(frame: pd.DataFrame, period: str, by: str, names: dict[str, str], title: str,
                  first: date | None = None, last: date | None = None, *, words: CountWords) -> go.Figure:
    """Dated events or articles per month or ISO week, every period from the first to the last in order
    (an empty period shows 0), stacked by group, with the date precision as the bars' pattern
    (solid: 确切日期, dots: 见报日期, hatched: 推断日期). Two legends: the groups, and the
    precisions. Ungrouped, a bar counts each once (项 or 篇); grouped, 项次 or 篇次."""
    word = words.unit if by == "none" else words.mentions
    no_group = f"全部{words.noun}" if by == "none" else NO_GROUP_ZH[by]
    data_days = list(frame["period"]) if not frame.empty else []
    lo = first or min(data_days, default=None)
    hi = last or max(data_days, default=None)
    starts = period_range(lo, hi, period) if lo and hi else []
    labels = [period_label(s, period) for s in starts]
    spans = [period_span(s, period) for s in starts]
    bounds = [(s.isoformat(), period_end(s, period).isoformat()) for s in starts]
    index = {s: i for i, s in enumerate(starts)}
    groups = list(dict.fromkeys(frame["group"])) if not frame.empty else []
    # Groups by size (the biggest at the bottom of the stack), the "no group" one last.
    sizes = frame.groupby("group")["articles"].sum().to_dict() if not frame.empty else {}
    groups.sort(key=lambda g: (g == "", -sizes.get(g, 0), names.get(g, g)))
    group_title = {"theme": "主题", "street": "街道", "none": ""}[by]
    fig = go.Figure(layout=_layout(
        title, barmode="stack", bargap=0.25,
        xaxis=_axis("月份" if period == "month" else "周（ISO 周，周一至周日）", type="category",
                    categoryorder="array", categoryarray=labels, tickangle=-45 if len(labels) > 12 else 0),
        legend=dict(title=dict(text=group_title), x=1.02, y=1, xanchor="left", yanchor="top"),
        legend2=dict(title=dict(text="日期精度"), x=1.02, y=0, xanchor="left", yanchor="bottom"),
        showlegend=True, margin=dict(l=10, r=10, t=80, b=10)))
    totals = [0] * len(starts)
    for gi, group in enumerate(groups):
        color = BLUE if by == "none" else ("#9aa3ad" if group == "" else PALETTE[gi % len(PALETTE)])
        name = no_group if group == "" else names.get(group, group)
        rows = frame[frame["group"] == group]
        for precision in ("day", "issue", "inferred"):
            part = rows[rows["precision"] == precision]
            if part.empty:
                continue
            y = [0] * len(starts)
            for p, n in zip(part["period"], part["articles"]):
                if p in index:
                    y[index[p]] += int(n)
            totals = [t + v for t, v in zip(totals, y)]
            fig.add_trace(go.Bar(
                x=labels, y=y, name=name, legendgroup=name, showlegend=False,
                marker=dict(color=color, opacity=PRECISION_OPACITY[precision],
                            pattern=dict(shape=PRECISION_PATTERN[precision], fillmode="overlay", size=6,
                                         solidity=0.35, fgcolor="#333")),
                customdata=[[group, precision, span, a, b] for span, (a, b) in zip(spans, bounds)],
                hovertemplate=(f"{name} · {PRECISION_ZH[precision]}<br>%{{x}}（%{{customdata[2]}}）："
                               f"%{{y}} {word}<extra></extra>")))
        if by != "none":  # one legend entry per group, whatever its precisions
            fig.add_trace(go.Bar(x=[None], y=[None], name=name, legendgroup=name, marker_color=color,
                                 showlegend=True, hoverinfo="skip"))
    for precision in ("day", "issue", "inferred"):  # the second legend: what each pattern means
        fig.add_trace(go.Bar(x=[None], y=[None], name=PRECISION_ZH[precision], legend="legend2",
                             marker=dict(color="#9aa3ad", opacity=PRECISION_OPACITY[precision],
                                         pattern=dict(shape=PRECISION_PATTERN[precision], fillmode="overlay",
                                                      size=6, solidity=0.35, fgcolor="#333")),
                             showlegend=True, hoverinfo="skip"))
    # Totals above the stacks: an empty period says 0, and the categories stay continuous.
    fig.add_trace(go.Scatter(x=labels, y=totals, mode="text" if len(labels) <= 60 else "markers",
                             text=[str(t) for t in totals], textposition="top center", showlegend=False,
                             marker=dict(opacity=0), cliponaxis=False,
                             customdata=[["", "", span, a, b] for span, (a, b) in zip(spans, bounds)],
                             hovertemplate=f"%{{x}}（%{{customdata[2]}}）：合计 %{{y}} {word}<extra></extra>"))
    fig.update_layout(yaxis=count_axis(words.axis if by == "none" else words.mentions_axis,
                                       max(totals, default=0)))
    return fig


# ---- the map ----------------------------------------------------------------------------------

def _rings(geometry: dict) -> Iterable[list]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _path(feature: dict) -> tuple[list, list]:
    """A feature's rings as one path (None between rings) of longitudes and latitudes."""
    xs, ys = [], []
    for ring in _rings(feature["geometry"]):
        xs += [p[0] for p in ring] + [None]
        ys += [p[1] for p in ring] + [None]
    return xs, ys


def _centre(feature: dict) -> tuple[float, float]:
    """The centre of a feature's largest ring (its vertex mean: good enough for a label)."""
    rings = list(_rings(feature["geometry"]))
    ring = max(rings, key=len)
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def district_map(outline: dict | None, coverage: pd.DataFrame, boundaries: dict | None, district: str, *,
                 words: CountWords) -> go.Figure:
    """The district outline and, where a deployer supplied boundaries (GeoJSON features with a
    `name` property holding the official name), each area filled by its count with a
    clickable label at its centre. Longitude and latitude on plain axes, kept to scale (a degree
    of longitude is cos(latitude) of a degree of latitude): no tiles, no geo subplot, nothing
    fetched from the network."""
    outline = outline or {"type": "FeatureCollection", "features": []}
    lats = [p[1] for f in outline["features"] for ring in _rings(f["geometry"]) for p in ring]
    lat0 = sum(lats) / len(lats) if lats else 40.0
    fig = go.Figure(layout=_layout(
        district + ("" if boundaries else "（未提供街道边界：仅显示区界）"), showlegend=False,
        xaxis=dict(visible=False, constrain="domain"),
        yaxis=dict(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(lat0)), constrain="domain"),
        hoverdistance=-1))
    for f in outline["features"]:
        xs, ys = _path(f)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="#eef3fb",
                                 line=dict(color="#335", width=1.5), hoverinfo="skip",
                                 name=f["properties"].get("name", district)))
    if boundaries:
        counts = coverage.set_index("name")["articles"].to_dict()
        features = boundaries.get("features", [])
        names = [f["properties"].get("name") for f in features]
        values = [int(counts.get(n, 0)) for n in names]
        top = max(values, default=0) or 1
        colors = sample_colorscale("Blues", [0.08 + 0.9 * v / top for v in values])
        for f, color in zip(features, colors):
            xs, ys = _path(f)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=color,
                                     line=dict(color="white", width=1), hoverinfo="skip"))
        centres = [_centre(f) for f in features]
        fig.add_trace(go.Scatter(
            x=[c[0] for c in centres], y=[c[1] for c in centres], mode="markers+text", name="区域",
            text=names, textposition="middle center", textfont=dict(size=11, color="#123"),
            customdata=[[n, v] for n, v in zip(names, values)],
            marker=dict(size=14, color=values, colorscale="Blues", cmin=0, cmax=top, opacity=0.01,
                        colorbar=dict(title=dict(text=words.axis), tickformat=",d",
                                      **({"dtick": 1} if top <= 10 else {}))),
            selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
            hovertemplate=f"%{{customdata[0]}}：%{{customdata[1]}} {words.unit}<extra>点击按此筛选</extra>"))
    return fig


# ---- comparison -------------------------------------------------------------------------------

def comparison_bars(frame: pd.DataFrame, title: str, a: str, b: str, *, words: CountWords) -> go.Figure:
    """Two selections side by side per label (frame: name, a, b, with the difference b − a)."""
    colors = ("#2f6db5", "#e8833a")
    fig = go.Figure(layout=_layout(title, barmode="group", yaxis=_axis(autorange="reversed", type="category"),
                                   xaxis=count_axis(words.axis, float(max(frame[["a", "b"]].max(), default=0))
                                                    if not frame.empty else 0),
                                   legend=dict(title=dict(text=""), orientation="h", x=0, y=-0.08,
                                               yanchor="top"), margin=dict(l=10, r=10, t=80, b=10)))
    for col, label, color in (("a", a, colors[0]), ("b", b, colors[1])):
        fig.add_trace(go.Bar(y=list(frame["name"]), x=[int(v) for v in frame[col]], name=label, orientation="h",
                             marker_color=color, customdata=[[label] for _ in range(len(frame))],
                             hovertemplate=f"%{{y}} · %{{customdata[0]}}：%{{x}} {words.unit}<extra></extra>"))
    return fig


def difference_bars(frame: pd.DataFrame, title: str, a: str, b: str, *, words: CountWords) -> go.Figure:
    """The difference b − a per label: above zero where the second selection has more."""
    diff = [int(v) for v in frame["b"] - frame["a"]]
    colors = ["#e8833a" if d > 0 else "#2f6db5" if d < 0 else "#c9ced6" for d in diff]
    top = max((abs(d) for d in diff), default=0)
    axis = _axis(f"差值（{b} − {a}，{words.unit}）", tickformat=",d", zeroline=True, zerolinewidth=2,
                 range=[-(top or 1) * 1.25, (top or 1) * 1.25])  # zero in the middle: more and fewer read alike
    if top <= 10:
        axis.update(dtick=1)
    fig = go.Figure(go.Bar(y=list(frame["name"]), x=diff, orientation="h", marker_color=colors,
                           text=[f"{d:+d}" if d else "0" for d in diff], textposition="outside", cliponaxis=False,
                           hovertemplate=f"%{{y}}：{b} 比 {a} %{{x:+d}} {words.unit}<extra></extra>"),
                    layout=_layout(title, xaxis=axis, yaxis=_axis(autorange="reversed", type="category"),
                                   showlegend=False))
    return fig
