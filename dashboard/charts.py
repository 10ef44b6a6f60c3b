"""Every chart of the dashboard, one entry each: where its data comes from, how it is drawn,
what a click on it filters, and the table exported with it. Pages name the charts they show;
`show` draws one with its toolbar, its export menu and its click-to-filter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import queries
from analytics.filters import Filters
from etl.knowledge import load_knowledge

from . import data, downloads, exports, figures, state
from .geo import read_features
from .vocabulary import district, label_names, service_names, theme_names


@dataclass(frozen=True)
class Chart:
    key: str  # the widget key, unique in the app
    title: str  # what it shows, in words (also the exported file's name)
    data: Callable[[Filters, dict], object]  # the figure's data, for the filters and the page's options
    draw: Callable[[object, dict], go.Figure]
    click: Callable[[dict, object], dict] | None = None  # a clicked point -> filter changes
    table: Callable[[object], pd.DataFrame] | None = None  # the figure's numbers, for export


def _labels(kind: str, top: int | None = None):
    def load(f: Filters, options: dict) -> pd.DataFrame:
        frame = data.figure(queries.label_counts, f, kind)
        return frame.head(top) if top else frame
    return load


def _label_table(kind: str, value: str = "articles"):
    names = theme_names if kind == "theme" else service_names
    column = {"articles": "文章数", "participants": "参与人数（下限）"}[value]

    def table(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"主题" if kind == "theme" else "服务类型": frame["key"].map(lambda k: names().get(k, k)),
                             column: frame[value]})
    return table


def _first_key(field: str):
    def click(point: dict, _data) -> dict:
        return {field: (point["customdata"][0],)}
    return click


def _coverage(f: Filters, options: dict) -> pd.DataFrame:
    return data.figure(queries.coverage, f)


def _street_click(point: dict, _data) -> dict:
    return {"streets": (point["customdata"][0],), "communities": ()}


def _map(f: Filters, options: dict) -> tuple[pd.DataFrame, dict | None]:
    return _coverage(f, options), options.get("boundaries")  # read once by the page, which warns


def _map_figure(frame_and_shapes, options: dict) -> go.Figure:
    coverage, boundaries = frame_and_shapes
    outline, _ = read_features(load_knowledge().outline_path)
    return figures.district_map(outline, coverage, boundaries, district())


def _map_click(point: dict, frame_and_shapes) -> dict:
    coverage = frame_and_shapes[0]
    name = point.get("location")
    levels = dict(zip(coverage["name"], coverage["level"]))
    if name not in levels:
        return {}
    return {"streets": (name,), "communities": ()} if levels[name] == "street" else {"communities": (name,)}


def _coverage_table(coverage: pd.DataFrame) -> pd.DataFrame:
    return coverage.rename(columns={"level": "类型", "name": "名称", "street": "街道", "code": "统计区划代码",
                                    "articles": "文章数"})


def _heatmap_click(point: dict, _data) -> dict:
    return {"themes": (point["customdata"],), "streets": (point["x"],), "communities": ()}


def _timeline(f: Filters, options: dict) -> pd.DataFrame:
    return data.figure(queries.timeline, f, options["period"], options["by"])


def _timeline_click(point: dict, _data) -> dict:
    key = point["customdata"][0]
    return {"themes": (key,)} if key in theme_names() else {"streets": (key,)}


CHARTS: dict[str, Chart] = {c.key: c for c in (
    Chart("ov_themes", "主要主题", _labels("theme", 8),
          lambda frame, o: figures.label_bar(frame, theme_names(), "主要主题"), _first_key("themes"),
          _label_table("theme")),
    Chart("ov_services", "主要服务类型", _labels("service", 8),
          lambda frame, o: figures.label_bar(frame, service_names(), "主要服务类型"), _first_key("services"),
          _label_table("service")),
    Chart("cov_streets", "各街道活动文章数", _coverage, lambda cov, o: figures.street_bar(cov), _street_click,
          _coverage_table),
    Chart("cov_tree", "覆盖层级", _coverage, lambda cov, o: figures.coverage_treemap(cov, district()), None,
          _coverage_table),
    Chart("cov_map", "地图", _map, _map_figure, _map_click, lambda d: _coverage_table(d[0])),
    Chart("th_heat", "主题街道热力图", lambda f, o: data.figure(queries.theme_street_matrix, f),
          lambda m, o: figures.theme_heatmap(m, theme_names(), [s.name for s in load_knowledge().gazetteer.streets]),
          _heatmap_click,
          lambda m: m.assign(theme=m["theme"].map(lambda k: theme_names().get(k, k)))
          .rename(columns={"theme": "主题", "street": "街道", "articles": "文章数"})),
    Chart("th_services", "服务类型", _labels("service"),
          lambda frame, o: figures.label_bar(frame, service_names(), "服务类型"), _first_key("services"),
          _label_table("service")),
    Chart("th_people", "各主题参与人数", _labels("theme"),
          lambda frame, o: figures.label_bar(frame, theme_names(), "各主题参与人数（下限）", value="participants"),
          _first_key("themes"), _label_table("theme", "participants")),
    Chart("tl_bars", "趋势", _timeline,
          lambda frame, o: figures.timeline_bars(frame, theme_names() if o["by"] == "theme" else {}, "活动文章数"),
          _timeline_click,
          lambda frame: frame.rename(columns={"period": "时间", "group": "分组", "precision": "日期精度",
                                              "articles": "文章数"})),
)}


def chart_data(key: str, f: Filters, **options):
    return CHARTS[key].data(f, options)


def show(key: str, **options) -> None:
    """Draw a chart for the current filters; a click on it filters every page."""
    chart = CHARTS[key]
    f = state.current()
    frame = chart.data(f, options)
    fig = chart.draw(frame, options)
    view = f.describe(label_names())
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points",), width="stretch",
                            config=exports.chart_config(exports.safe_name(district(), chart.title, view)))
    downloads.page_figures()[chart.title] = fig
    if chart.table is not None:
        downloads.page_tables()[chart.title] = chart.table(frame)
    with st.popover("导出图表", icon=":material/download:"):
        st.caption("工具栏相机按钮保存屏幕上的图；这里由服务器生成可直接粘贴的 PNG 或 SVG：带标题、筛选条件和数据来源。")
        downloads.image_downloads(fig, chart.title, key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points and chart.click is not None:
        changes = chart.click(points[0], frame)
        if changes:
            state.request(**changes)


