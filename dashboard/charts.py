"""Every chart of the dashboard, one entry each: where its data comes from, how it is drawn,
what a click on it filters, and the table exported with it. Pages name the charts they show;
`show` draws one with its toolbar, its export menu and its click-to-filter. A chart is drawn,
titled and exported for the filters it shows, in the words of what they count (CountWords)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import queries
from analytics.filters import Filters
from etl.knowledge import load_knowledge

from . import bars, data, downloads, exports, figures, paint, state, tables
from .geo import read_features
from .vocabulary import CountWords, count_words, district, label_names, service_names, theme_names


@dataclass(frozen=True)
class Chart:
    key: str  # the widget key, unique in the app
    # What it shows, in words; a function of the counting words when it names a count.
    title: str | Callable[[CountWords], str]
    data: Callable[[Filters, dict], object]  # the figure's data, for the filters and the page's options
    draw: Callable[[object, dict, Filters], go.Figure]  # (data, options, the filters it shows)
    click: Callable[[dict, object], dict] | None = None  # a clicked point -> filter changes
    table: Callable[[object, dict, Filters], pd.DataFrame] | None = None  # the figure's numbers, for export
    name: str = ""  # a few words for file names (平城区_<name>_<view>.png); the title by default
    # Drawn in the browser without plotly.js (dashboard.bars; horizontal bar figures only): the
    # first page of a session then shows its charts without compiling the 4.7 MB plotly bundle.
    light: bool = False

    def title_in(self, words: CountWords) -> str:
        return self.title(words) if callable(self.title) else self.title

    def file_word(self, words: CountWords) -> str:
        return self.name or self.title_in(words)


def _words(f: Filters) -> CountWords:
    return count_words(f.count)


def _labels(kind: str, top: int | None = None):
    def load(f: Filters, options: dict) -> pd.DataFrame:
        frame = data.figure(queries.label_counts, f, kind)
        return frame.head(top) if top else frame
    return load


def _label_bar(kind: str, title: str, value: str = "articles"):
    names = theme_names if kind == "theme" else service_names

    def draw(frame: pd.DataFrame, options: dict, f: Filters) -> go.Figure:
        return figures.label_bar(frame, names(), title, value, words=_words(f))
    return draw


def _label_table(kind: str, value: str = "articles"):
    names = theme_names if kind == "theme" else service_names

    def table(frame: pd.DataFrame, options: dict, f: Filters) -> pd.DataFrame:
        words = _words(f)
        column = (f"{words.noun}数（{words.unit}，{words.one}可计入多个类别）" if value == "articles"
                  else "参与人数（下限，人）")
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


def _street_table(coverage: pd.DataFrame, options: dict, f: Filters) -> pd.DataFrame:
    streets = tables.streets_in_scope(coverage).sort_values(["articles", "name"], ascending=[False, True])
    return pd.DataFrame({"街道": streets["name"], "统计区划代码": streets["code"],
                         _words(f).axis: streets["articles"].astype(int)})


def _coverage_table(coverage: pd.DataFrame, options: dict, f: Filters) -> pd.DataFrame:
    return tables.coverage_zh(coverage, words=_words(f))


def _map(f: Filters, options: dict) -> tuple[pd.DataFrame, dict | None]:
    return _coverage(f, options), options.get("boundaries")  # read once by the page, which warns


def _map_figure(frame_and_shapes, options: dict, f: Filters) -> go.Figure:
    coverage, boundaries = frame_and_shapes
    outline, _ = read_features(load_knowledge().outline_path)
    return figures.district_map(outline, coverage, boundaries, district(), words=_words(f))


def _map_click(point: dict, frame_and_shapes) -> dict:
    coverage = frame_and_shapes[0]
    name = (point.get("customdata") or [None])[0]
    levels = dict(zip(coverage["name"], coverage["level"]))
    if name not in levels:
        return {}
    return {"streets": (name,), "communities": ()} if levels[name] == "street" else {"communities": (name,)}


def _scope_streets(f: Filters) -> list[str]:
    scope = queries.scope_of(f, load_knowledge().gazetteer)
    return list(scope.streets) if scope.streets is not None else [s.name for s in load_knowledge().gazetteer.streets]


def _heatmap(f: Filters, options: dict) -> pd.DataFrame:
    return data.figure(queries.theme_street_matrix, f)


def _heatmap_figure(matrix: pd.DataFrame, options: dict, f: Filters) -> go.Figure:
    return figures.theme_heatmap(matrix, theme_names(), _scope_streets(f), words=_words(f))


def _heatmap_click(point: dict, _data) -> dict:
    data_ = point.get("customdata")
    if not isinstance(data_, (list, tuple)) or len(data_) < 2:
        return {}  # a click on the colour scale or the heatmap itself: nothing to filter
    return {"themes": (data_[0],), "streets": (data_[1],), "communities": ()}


def _heatmap_table(matrix: pd.DataFrame, options: dict, f: Filters) -> pd.DataFrame:
    """The matrix as people read it: a theme a row, a street a column, the unit of the cells
    (项次 or 篇次) in the corner header, since a table saved alone has no chart title."""
    streets = _scope_streets(f)
    corner = f"主题＼街道（{_words(f).mentions}）"
    if matrix.empty:
        return pd.DataFrame(columns=[corner, *streets])
    pivot = matrix.pivot_table(index="theme", columns="street", values="articles", fill_value=0, aggfunc="sum")
    pivot = pivot.reindex(columns=streets, fill_value=0).fillna(0).astype(int)
    out = pivot.reset_index()
    out.insert(0, corner, out.pop("theme").map(lambda k: theme_names().get(k, k)))
    out.columns.name = None
    return out


def _timeline(f: Filters, options: dict) -> pd.DataFrame:
    return data.figure(queries.timeline, f, options["period"], options["by"])


def _timeline_figure(frame: pd.DataFrame, options: dict, f: Filters) -> go.Figure:
    words = _words(f)
    names = theme_names() if options["by"] == "theme" else {}
    title = words.per("期") if options["by"] == "none" else words.mentions_per("期")
    return figures.timeline_bars(frame, options["period"], options["by"], names, title, f.date_from, f.date_to,
                                 words=words)


def _timeline_click(point: dict, _data) -> dict:
    """A bar: that period (and its theme or street); the total above a bar: that period."""
    data_ = point.get("customdata")
    if not isinstance(data_, (list, tuple)) or len(data_) < 5:
        return {}
    group, _precision, _span, first, last = data_[:5]
    changes = {"date_from": date.fromisoformat(first), "date_to": date.fromisoformat(last)}
    if group:
        changes.update({"themes": (group,)} if group in theme_names() else {"streets": (group,), "communities": ()})
    return changes


def _timeline_table(frame: pd.DataFrame, options: dict, f: Filters) -> pd.DataFrame:
    names = theme_names() if options["by"] == "theme" else {}
    return tables.timeline_zh(frame, options["period"], options["by"], names, words=_words(f))


CHARTS: dict[str, Chart] = {c.key: c for c in (
    Chart("ov_themes", "主要主题", _labels("theme", 8), _label_bar("theme", "主要主题"), _first_key("themes"),
          _label_table("theme"), light=True),
    Chart("ov_services", "主要服务类型", _labels("service", 8), _label_bar("service", "主要服务类型"),
          _first_key("services"), _label_table("service"), light=True),
    Chart("cov_streets", lambda words: words.per("街道"), _coverage,
          lambda cov, o, f: figures.street_bar(cov, words=_words(f)), _street_click, _street_table),
    Chart("cov_tree", "覆盖层级", _coverage,
          lambda cov, o, f: figures.coverage_treemap(cov, district(), words=_words(f)), None, _coverage_table),
    Chart("cov_map", "地图", _map, _map_figure, _map_click, lambda d, o, f: _coverage_table(d[0], o, f), name="地图"),
    Chart("th_heat", "主题街道热力图", _heatmap, _heatmap_figure, _heatmap_click, _heatmap_table),
    Chart("th_services", "服务类型", _labels("service"), _label_bar("service", "服务类型"), _first_key("services"),
          _label_table("service")),
    Chart("th_people", "各主题参与人数", _labels("theme"),
          _label_bar("theme", "各主题参与人数（下限）", "participants"), _first_key("themes"),
          _label_table("theme", "participants")),
    Chart("tl_bars", "趋势", _timeline, _timeline_figure, _timeline_click, _timeline_table, name="趋势"),
)}


def chart_data(key: str, f: Filters, **options):
    return CHARTS[key].data(f, options)


def figure_for(key: str, f: Filters, **options) -> tuple[go.Figure, object]:
    """A chart's figure for these filters, stamped with them (what every export shows)."""
    chart = CHARTS[key]
    frame = chart.data(f, options)
    fig = chart.draw(frame, options, f)
    return figures.stamp(fig, f.describe(label_names())), frame


def _export_menu(chart: Chart, fig: go.Figure, file_word: str) -> None:
    with st.popover("导出图表", icon=":material/download:"):
        st.caption(("" if chart.light else "工具栏相机按钮保存屏幕上的图；")
                   + "这里由服务器生成可直接粘贴的 PNG 或 SVG：带标题、筛选条件和数据来源。")
        downloads.image_downloads(fig, file_word, chart.key)


def show(key: str, **options) -> None:
    """Draw a chart for the current filters; a click on it filters every page."""
    chart = CHARTS[key]
    f = state.current()
    fig, frame = figure_for(key, f, **options)
    file_word = chart.file_word(_words(f))
    if chart.light:
        clicked = bars.draw(fig, key)
        points = [{"customdata": [clicked]}] if clicked else []
    else:
        name = exports.file_name(file_word, f, "png", label_names()).removesuffix(".png")
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points",), width="stretch",
                                config=exports.chart_config(name))
        points = (event or {}).get("selection", {}).get("points", []) if event else []
    downloads.page_figures()[file_word] = fig
    if chart.table is not None:
        downloads.page_tables()[file_word] = chart.table(frame, options, f)
    paint.later(lambda: _export_menu(chart, fig, file_word))
    if points and chart.click is not None:
        changes = chart.click(points[0], frame)
        if changes:
            state.request(**changes)
