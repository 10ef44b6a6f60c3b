"""Plotly figure builders (Chinese labels). Pure functions of frames: tested without Streamlit."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .vocabulary import PRECISION_ZH

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"


def _style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(title=title, font_family=FONT, margin=dict(l=10, r=10, t=50, b=10),
                      template="plotly_white", clickmode="event+select")
    return fig


def label_bar(frame: pd.DataFrame, names: dict[str, str], title: str, value: str = "articles") -> go.Figure:
    data = frame.assign(名称=frame["key"].map(lambda k: names.get(k, k)))
    fig = px.bar(data, x=value, y="名称", orientation="h", custom_data=["key"],
                 labels={"articles": "文章数", "participants": "参与人数（下限）", "名称": ""})
    fig.update_yaxes(autorange="reversed")
    return _style(fig, title)


def street_bar(coverage: pd.DataFrame, title: str = "各街道活动文章数") -> go.Figure:
    streets = coverage[coverage["level"] == "street"].sort_values("articles", ascending=False)
    fig = px.bar(streets, x="name", y="articles", custom_data=["name"], color="articles",
                 color_continuous_scale="Blues", labels={"name": "街道", "articles": "文章数"})
    fig.update_coloraxes(showscale=False)
    return _style(fig, title)


def coverage_treemap(coverage: pd.DataFrame, district: str) -> go.Figure:
    """District → streets → communities and villages; every unit has the same area, so the
    ones with no activity show as plainly as the busy ones; colour is the article count."""
    units = coverage[coverage["level"] != "street"]
    streets = coverage[coverage["level"] == "street"]
    ids = [district] + [f"{district}/{s}" for s in streets["name"]] + \
          [f"{district}/{u.street}/{u.name}" for u in units.itertuples()]
    labels = [district] + list(streets["name"]) + list(units["name"])
    parents = [""] + [district] * len(streets) + [f"{district}/{u.street}" for u in units.itertuples()]
    street_sizes = units.groupby("street").size()
    values = [len(units)] + [int(street_sizes.get(s, 1)) for s in streets["name"]] + [1] * len(units)
    counts = [int(streets["articles"].sum())] + list(streets["articles"]) + list(units["articles"])
    top = max(counts[1:], default=0) or 1
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        # The district's own total would dwarf every street on the scale: it is drawn at the top colour.
        marker=dict(colors=[top] + counts[1:], colorscale="Blues", cmin=0, cmax=top, showscale=True,
                    colorbar=dict(title="文章数")),
        customdata=counts, hovertemplate="%{label}<br>文章数 %{customdata}<extra></extra>",
        maxdepth=2))
    return _style(fig, "覆盖层级：点击街道下钻到社区和村")


def theme_heatmap(matrix: pd.DataFrame, theme_names: dict[str, str], streets: list[str]) -> go.Figure:
    pivot = matrix.pivot_table(index="theme", columns="street", values="articles", fill_value=0)
    pivot = pivot.reindex(columns=streets, fill_value=0)  # every street, the empty ones too
    fig = go.Figure(go.Heatmap(
        z=pivot.values, x=list(pivot.columns), y=[theme_names.get(k, k) for k in pivot.index],
        customdata=[[k] * len(pivot.columns) for k in pivot.index], colorscale="Blues",
        hovertemplate="%{y} × %{x}: %{z} 篇<extra></extra>", colorbar=dict(title="文章数")))
    return _style(fig, "主题 × 街道")


def timeline_bars(frame: pd.DataFrame, names: dict[str, str], title: str) -> go.Figure:
    data = frame.assign(分组=frame["group"].map(lambda k: names.get(k, k)),
                        日期精度=frame["precision"].map(lambda p: PRECISION_ZH.get(p, p)))
    fig = px.bar(data, x="period", y="articles", color="分组", pattern_shape="日期精度",
                 pattern_shape_map={"确切日期": "", "见报日期": "", "推断日期": "/", "日期不明": "x"},
                 labels={"period": "时间", "articles": "文章数"}, custom_data=["group"])
    fig.update_xaxes(type="category")
    return _style(fig, title)


def district_map(outline: dict | None, coverage: pd.DataFrame, boundaries: dict | None, district: str
                 ) -> go.Figure:
    """The district outline and, where a deployer supplied boundaries (GeoJSON features with a
    `name` property holding the official name), a choropleth of article counts. No tiles."""
    outline = outline or {"type": "FeatureCollection", "features": []}
    fig = go.Figure(go.Choropleth(
        geojson=outline, locations=[f["properties"].get("name", "") for f in outline["features"]],
        featureidkey="properties.name", z=[0] * len(outline["features"]), showscale=False,
        colorscale=[[0, "#eef3fb"], [1, "#eef3fb"]], marker_line_color="#335", hoverinfo="location"))
    if boundaries:
        names = [f["properties"].get("name") for f in boundaries.get("features", [])]
        counts = coverage.set_index("name")["articles"].to_dict()
        fig.add_trace(go.Choropleth(
            geojson=boundaries, locations=names, featureidkey="properties.name",
            z=[counts.get(n, 0) for n in names], colorscale="Blues", zmin=0,
            colorbar=dict(title="文章数"), customdata=names,
            hovertemplate="%{location}: %{z} 篇<extra></extra>"))
    fig.update_geos(fitbounds="locations", visible=False)
    return _style(fig, district + ("" if boundaries else "（未提供街道边界：仅显示区界）"))
