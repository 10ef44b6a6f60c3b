"""What each page shows and exports, in AppTest on the sample data: the words people read
(no codes, no English, no None), what a bar counts, the exports of every page, the comparison."""
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import queries
from analytics.filters import Filters
from dashboard import bars, charts, data, figures
from dashboard.vocabulary import count_words
from etl.ingest import ingest_paths
from etl.knowledge import load_knowledge
from etl.store import make_engine
from support import ROOT, SAMPLES, page_failures

PAGES = ["overview", "coverage", "themes", "timeline", "articles", "compare"]
CODES = set(load_knowledge().taxonomy["theme"]) | set(load_knowledge().taxonomy["service"]) | {
    "community", "village", "street", "inferred", "unknown", "issue", "day", "True", "False", "None", "nan",
    "no_headline", "cut_off", "no_lead"}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'app.db'}"
    ingest_paths(make_engine(url), sorted(SAMPLES.glob("*.txt")))
    return url


def _app(store_url, monkeypatch, page="overview", **params):
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params.update(params)
    at.run()
    if page != "overview":
        at.switch_page(f"dashboard/app_pages/{page}.py").run()
    assert not page_failures(at)
    return at


def _no_codes(frame: pd.DataFrame, where: str) -> None:
    for column in frame.columns:
        assert not re.search(r"[A-Za-z]", str(column)), f"{where}: header {column!r}"
        values = {str(x) for v in frame[column] for x in (v if isinstance(v, list) else [v])}
        assert not values & CODES, f"{where}: {column} holds {sorted(values & CODES)}"


@pytest.mark.parametrize("page", PAGES)
def test_every_export_of_every_page_is_in_chinese_and_every_chart_states_its_filters(store_url, monkeypatch, page):
    at = _app(store_url, monkeypatch, page, themes="safety")
    for name, frame in at.session_state["_view_tables"].items():
        assert not re.search(r"[A-Za-z]", name)
        _no_codes(frame() if callable(frame) else frame, f"{page}/{name}")
    figures_ = at.session_state["_view_figures"]
    assert figures_ or page == "articles"
    for name, fig in figures_.items():
        assert fig.layout.title.subtitle.text.startswith("筛选：") and "安全应急" in fig.layout.title.subtitle.text


def test_the_article_table_shows_words_not_codes(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, "articles")
    table = next(d.value for d in at.dataframe if "标题" in d.value.columns)
    assert "id" not in table.columns and not any(re.search(r"[A-Za-z]", c) for c in table.columns)
    assert "None" not in set(map(str, table["日期"])) and "日期不明" in set(table["日期"])
    assert not table["标题"].eq("").any()
    untitled = [t for t in table["标题"] if t.startswith("〔无标题")]
    assert untitled and "为进一步提升" in untitled[0]
    assert not any(re.search(r"\d{3}_[0-9a-f]{8,}", b) for b in table["公报"])  # no hash file names
    flags = {f for v in table["标记"] for f in v}
    assert "无标题" in flags and not flags & CODES


def test_the_article_view_names_its_flags_and_bulletin_in_words(store_url, monkeypatch):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    with Session(make_engine(store_url)) as s:
        article_id = s.scalar(select(Article.id).where(Article.title == ""))
    at = _app(store_url, monkeypatch, "articles", article=str(article_id))
    header = "".join(m.value for m in at.markdown if "<h3>" in m.value)
    assert "〔无标题·首句〕为进一步提升" in header and "标记：无标题" in header and "no_headline" not in header


def test_bars_say_what_they_count(store_url):
    frame = queries.label_counts(make_engine(store_url), Filters(), "theme")
    fig = figures.label_bar(frame, load_knowledge().taxonomy["theme"], "主要主题", words=count_words("events"))
    bar = fig.data[0]
    assert bar.hovertemplate == "%{y}：%{x} 项<extra></extra>" and "=" not in bar.hovertemplate
    assert fig.layout.xaxis.title.text == "活动数（项）" and fig.layout.xaxis.tickformat == ",d"


def test_the_overview_bars_draw_what_their_exported_figure_says(store_url):
    """The overview's bars (dashboard.bars, no plotly.js in the browser) are read from the same
    figure the exports draw: title, filters line, axis, each bar's words, number and tooltip;
    the key a bar sends back is what the chart's click filters by."""
    engine, names = make_engine(store_url), load_knowledge().taxonomy["theme"]
    frame = queries.label_counts(engine, Filters(), "theme")
    fig, _ = charts.figure_for("ov_themes", Filters())
    drawn = bars.chart_data(fig)
    assert (drawn["title"], drawn["subtitle"], drawn["axis"]) == ("主要主题", "筛选：全部", "活动数（项）")
    assert drawn["color"] == figures.BLUE and len(drawn["bars"]) == min(8, len(frame))
    for bar, row in zip(drawn["bars"], frame.itertuples()):
        assert bar == {"key": row.key, "label": names[row.key], "value": row.articles, "text": str(row.articles),
                       "tip": f"{names[row.key]}：{row.articles} 项"}
    clicked = drawn["bars"][0]["key"]
    assert charts.CHARTS["ov_themes"].click({"customdata": [clicked]}, frame) == {"themes": (clicked,)}
    people = bars.chart_data(figures.label_bar(frame.assign(participants=1234.0), names, "参与人数", "participants",
                                               words=count_words("events")))
    assert people["bars"][0]["tip"].endswith("：至少 1,234 人") and people["bars"][0]["text"] == "1,234"
    assert bars.chart_data(figures.label_bar(frame.head(0), names, "主要主题", words=count_words("reports")))["bars"] == []
    assert bars.tooltip("%{y}：%{x} 篇<extra></extra>", 3.0, "为老服务") == "为老服务：3 篇"


def test_the_overview_sends_its_bars_without_plotly(store_url, monkeypatch):
    at = _app(store_url, monkeypatch)
    assert not at.get("plotly_chart")  # a new tab compiles no plotly.js for the first page
    shown = at.get("bidi_component")
    assert len(shown) == 2 and set(at.session_state["_view_figures"]) == {"主要主题", "主要服务类型"}


def test_the_heatmap_has_whole_number_colours_and_a_clickable_centre_in_every_cell(store_url):
    matrix = queries.theme_street_matrix(make_engine(store_url), Filters())
    streets = [s.name for s in load_knowledge().gazetteer.streets]
    fig = figures.theme_heatmap(matrix, load_knowledge().taxonomy["theme"], streets, words=count_words("events"))
    heat, cells = fig.data
    assert heat.type == "heatmap" and heat.hoverinfo == "skip"
    assert heat.colorbar.tickformat == ",d" and heat.colorbar.title.text == "项次"
    assert cells.type == "scatter" and len(cells.x) == len(heat.y) * len(streets) and fig.layout.hoverdistance == -1
    assert "项次" in cells.hovertemplate
    point = {"customdata": list(cells.customdata[0]), "x": cells.x[0], "y": cells.y[0]}
    changes = charts._heatmap_click(point, matrix)
    assert changes == {"themes": (point["customdata"][0],), "streets": (cells.x[0],), "communities": ()}
    assert charts._heatmap_click({"x": "开源街道", "y": "为老服务", "z": 1}, matrix) == {}


@pytest.mark.parametrize("count, unit", [("events", "项次"), ("reports", "篇次")])
def test_the_heatmap_table_names_its_cells_unit(store_url, monkeypatch, count, unit):
    """A table saved alone has no chart title: its corner says what a cell counts."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    f = Filters(count=count)
    table = charts._heatmap_table(charts._heatmap(f, {}), {}, f)
    assert table.columns[0] == f"主题＼街道（{unit}）"
    assert len(table) > 0 and table.iloc[:, 1:].to_numpy().sum() > 0


@pytest.mark.parametrize("by", ["none", "theme", "street"])
def test_the_trend_figure_is_continuous_with_clean_legends(store_url, by):
    from datetime import date
    frame = queries.timeline(make_engine(store_url), Filters(), "week", by)
    names = load_knowledge().taxonomy["theme"] if by == "theme" else {}
    fig = figures.timeline_bars(frame, "week", by, names, "趋势", date(2025, 5, 1), date(2025, 6, 10),
                                words=count_words("events"))
    assert list(fig.layout.xaxis.categoryarray) == [f"2025年第{w}周" for w in range(18, 25)]
    top = max(max(t.y, default=0) for t in fig.data if t.type == "scatter")
    assert fig.layout.yaxis.tickformat == ",d" and (fig.layout.yaxis.dtick == 1 or top > 10)
    assert fig.layout.legend2.title.text == "日期精度"
    assert fig.layout.legend.title.text == {"none": "", "theme": "主题", "street": "街道"}[by]
    shown = [t.name for t in fig.data if t.showlegend]
    assert not any("," in n for n in shown)  # not "分组, 日期精度"
    patterns = {t.marker.pattern.shape for t in fig.data if t.type == "bar" and t.x and t.x[0] is not None}
    assert patterns  # the precisions are drawn
    word = "项" if by == "none" else "项次"
    assert all(word in t.hovertemplate for t in fig.data if t.hovertemplate)


def test_a_trend_bar_click_filters_its_period_and_group(store_url):
    frame = queries.timeline(make_engine(store_url), Filters(), "month", "theme")
    fig = figures.timeline_bars(frame, "month", "theme", load_knowledge().taxonomy["theme"], "趋势",
                                words=count_words("events"))
    bar = next(t for t in fig.data if t.type == "bar" and t.customdata is not None)
    changes = charts._timeline_click({"customdata": list(bar.customdata[0])}, frame)
    assert str(changes["date_from"]) == "2025-05-01" and str(changes["date_to"]) == "2025-05-31"
    assert changes["themes"] == (bar.customdata[0][0],)


def test_the_timeline_page_groups_and_counts_consistently(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, "timeline")
    o = queries.overview(make_engine(store_url), Filters())
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    totals = next(t for t in spec["data"] if t["type"] == "scatter")
    assert sum(totals["y"]) == o.dated  # ungrouped: each dated article once, as the overview counts
    at.radio(key="tl_by").set_value("theme").run()
    assert any("项次" in c.value for c in at.caption)


def test_comparison_of_two_streets_side_by_side_with_the_difference(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, "compare", cmp="streets", a="开源街道", b="新华街道")
    engine = make_engine(store_url)
    a = queries.overview(engine, Filters(streets=("开源街道",)))
    b = queries.overview(engine, Filters(streets=("新华街道",)))
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["活动数（项）"][0] == f"{a.articles} → {b.articles}"
    assert metrics["活动数（项）"][1] == (f"{b.articles - a.articles:+,}" if b.articles != a.articles else "持平")
    table = next(d for name, d in at.session_state["_view_tables"].items() if "主题" in name)
    assert list(table.columns) == ["主题", "甲 开源街道（项）", "乙 新华街道（项）", "差值（乙 新华街道 − 甲 开源街道）"]
    assert (table.iloc[:, 3] == table.iloc[:, 2] - table.iloc[:, 1]).all()
    assert len(at.get("plotly_chart")) == 4
    assert at.query_params["cmp"] in ("streets", ["streets"])


def test_comparison_of_two_periods_counts_dated_articles_only(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, "compare", cmp="periods", a="2025-04-01~2025-04-30", b="2025-05-01~2025-05-31")
    metrics = {m.label: m.value for m in at.metric}
    o = queries.overview(make_engine(store_url), Filters())
    assert metrics["活动数（项）"] == f"0 → {o.dated}"
    at.radio(key="cmp_mode").set_value("streets").run()
    assert not page_failures(at) and at.query_params["cmp"] in ("streets", ["streets"])


def test_a_street_filter_does_not_merge_the_compared_streets(store_url, monkeypatch):
    """Choosing two streets in the sidebar merges them; the comparison keeps them apart and
    says that the sidebar's street filter does not apply to it."""
    at = _app(store_url, monkeypatch, "compare", streets="古城街道", cmp="streets", a="开源街道", b="新华街道")
    assert not at.metric[0].value.startswith("0 → 0")
    assert any("不用于对比" in c.value for c in at.caption)


def test_a_map_area_click_filters_by_that_street_or_community(store_url):
    cov = queries.coverage(make_engine(store_url), Filters())
    assert charts._map_click({"customdata": ["开源街道", 3]}, (cov, None)) == {"streets": ("开源街道",),
                                                                             "communities": ()}
    assert charts._map_click({"customdata": ["民和社区", 1]}, (cov, None)) == {"communities": ("民和社区",)}
    assert charts._map_click({"x": 113.3, "y": 40.1}, (cov, None)) == {}


# One area, so that the map draws its colour bar (the sample data has no boundaries).
BOUNDARIES = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"name": "开源街道"},
    "geometry": {"type": "Polygon", "coordinates": [[[113.30, 40.08], [113.32, 40.08], [113.32, 40.10],
                                                      [113.30, 40.08]]]}}]}
CHART_OPTIONS = {"tl_bars": {"period": "month", "by": "theme"}, "cov_map": {"boundaries": BOUNDARIES}}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, (list, tuple)) else []


def _count_words_shown(fig) -> str:
    """Where a figure states what it counts: its title, axis and colour-bar titles, hover and text templates."""
    shown = [fig.layout.title.text, fig.layout.xaxis.title.text, fig.layout.yaxis.title.text]
    for trace in fig.to_plotly_json()["data"]:
        shown += [trace.get("hovertemplate"), trace.get("texttemplate"),
                  *(_strings(part.get("colorbar", {}).get("title", {})) for part in (trace, trace.get("marker", {})))]
    return " ".join(s for s in _strings(shown) if s)


@pytest.mark.parametrize("key", list(charts.CHARTS))
def test_every_chart_says_what_the_filters_count(store_url, monkeypatch, key):
    """Counting events, a chart, its exported table and its file name say 活动 and 项, never 篇;
    counting reports, 文章 and 篇."""
    engine = make_engine(store_url)
    monkeypatch.setattr(data, "figure", lambda query, f, *args: query(engine, f, *args))
    chart, options = charts.CHARTS[key], CHART_OPTIONS.get(key, {})
    stated, everything = {}, {}
    for count in ("events", "reports"):
        f = Filters(count=count)
        fig, frame = charts.figure_for(key, f, **options)
        stated[count] = _count_words_shown(fig)
        everything[count] = " ".join(_strings(fig.to_plotly_json()) + list(chart.table(frame, options, f).columns)
                                     + [chart.file_word(count_words(count))])
    assert "篇" not in everything["events"] and "文章" not in everything["events"]
    if key == "th_people":  # people, not a count of events or articles: the same either way
        assert stated["events"] == stated["reports"] and "人" in stated["events"]
        return
    assert "项" in stated["events"] and "项" not in stated["reports"] and "篇" in stated["reports"]
    if key in ("ov_themes", "ov_services", "cov_streets", "th_services", "cov_tree", "cov_map"):
        assert "活动数（项）" in stated["events"] and "文章数（篇）" in stated["reports"]
    else:  # grouped counts: an event or article once for each of its themes or streets
        assert "项次" in stated["events"] and "篇次" in stated["reports"]
    if key == "cov_streets":
        assert [chart.file_word(count_words(c)) for c in ("events", "reports")] == ["各街道活动数", "各街道文章数"]


def test_the_coverage_page_says_what_it_counts(store_url, monkeypatch):
    for params, said, not_said in (({}, "活动数（项）", "文章数"), ({"count": "reports"}, "文章数（篇）", "活动数")):
        at = _app(store_url, monkeypatch, "coverage", **params)
        shown = " ".join([json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
                         + [" ".join(d.value.columns) for d in at.dataframe] + [c.value for c in at.caption])
        assert said in shown and not_said not in shown
