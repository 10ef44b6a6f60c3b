"""Every page headless with Streamlit's AppTest on the sample data; figures checked against the store."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from analytics import queries
from analytics.filters import Filters
from dashboard import exports, figures
from dashboard.evidence import highlight_html
from dashboard.geo import read_features
from dashboard.vocabulary import count_words
from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES, page_failures

PAGES = [f"dashboard/app_pages/{name}.py" for name in ("coverage", "themes", "timeline", "articles", "compare", "import")]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'app.db'}"
    ingest_paths(make_engine(url), sorted(SAMPLES.glob("*.txt")))
    return url


@pytest.fixture
def app(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not page_failures(at)
    return at


def test_overview_figures_match_the_store(app, store_url, kb):
    o = queries.overview(make_engine(store_url), Filters())
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["活动"] == str(o.articles) == "46"  # the samples report no activity twice
    assert metrics["覆盖街道"] == f"{o.streets_covered} / 18"
    assert metrics["覆盖社区和村"] == f"{o.units_covered} / 202"
    assert metrics["参与人数"].startswith("≥ ")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.switch_page(page)
    app.run()
    assert not page_failures(app)


def _table(at, column: str):
    """The dataframe of the page that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_coverage_counts_gaps_against_the_store(app, store_url, kb):
    app.switch_page("dashboard/app_pages/coverage.py")
    app.run()
    cov = queries.coverage(make_engine(store_url), Filters(), kb.gazetteer)
    units = cov[cov["level"] != "street"]
    streets = cov[cov["level"] == "street"]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["无活动的社区和村"] == str(int((units["articles"] == 0).sum()))
    assert metrics["无活动的街道"] == str(int((streets["articles"] == 0).sum()))
    active, gaps = _table(app, "活动数（项）"), _table(app, "类型")
    assert len(active) == int((units["articles"] > 0).sum()) and len(gaps) == int((units["articles"] == 0).sum())
    assert set(gaps["名称"]) == set(units[units["articles"] == 0]["name"])
    street_gaps = _table(app, "下辖社区和村")
    assert set(street_gaps["街道"]) == set(streets[streets["articles"] == 0]["name"]) != set()


@pytest.mark.parametrize("params", [{"streets": "开源街道"}, {"streets": "开源街道,新华街道", "themes": "safety"},
                                    {"communities": "民和社区"}, {"streets": "古城街道"}])
def test_coverage_metrics_and_tables_agree_under_a_place_filter(store_url, monkeypatch, params):
    """Under a street filter the metrics count what the tables list: the chosen streets and
    their communities and villages (not 178 without activity above a table of 4)."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(params)
    at.run()
    at.switch_page("dashboard/app_pages/coverage.py").run()
    assert not page_failures(at)
    metrics = {m.label: m.value for m in at.metric}
    active, gaps = _table(at, "活动数（项）"), _table(at, "类型")
    units_active, units_total = map(int, metrics["有活动的社区和村"].split(" / "))
    assert units_active == len(active) and int(metrics["无活动的社区和村"]) == len(gaps)
    assert units_total == len(active) + len(gaps)
    streets = [s for s in params.get("streets", "").split(",") if s]
    if streets:
        assert set(active["街道"]) | set(gaps["街道"]) <= set(streets)
        streets_active, streets_total = map(int, metrics["有活动的街道"].split(" / "))
        assert streets_total == len(streets) and int(metrics["无活动的街道"]) == streets_total - streets_active


def test_street_filter_narrows_the_community_list_and_the_url(app):
    app.sidebar.multiselect(key="f_streets").select("开源街道").run()
    options = app.sidebar.multiselect(key="f_communities").options
    assert "民懋社区" in options and "先锋村" not in options
    assert app.query_params["streets"] in ("开源街道", ["开源街道"])
    assert int(app.metric[0].value) < 46


def test_filters_are_read_from_the_url(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["themes"] = "safety"
    at.run()
    expected = queries.overview(make_engine(store_url), Filters(themes=("safety",))).articles
    assert at.sidebar.multiselect(key="f_themes").value == ["safety"]
    assert at.metric[0].value == str(expected)


def test_empty_store_shows_guidance(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("ETL_DATA_DIR", str(_data_without_bulletins(tmp_path)))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not page_failures(at)
    assert any("还没有文章" in i.value for i in at.info)
    assert at.sidebar.multiselect(key="f_streets")  # the page stopped early; its filters are drawn after it


def test_a_view_with_no_articles_keeps_its_filters_and_clear_all_empties_them_in_one_run(store_url, monkeypatch):
    """The filters are drawn after the page (dashboard.app): a page that stops early still has
    them, with the URL's values, and 清除全部筛选 (a callback) clears them for the very next run."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"from": "2031-01-01", "undated": "0", "streets": "开源街道"})
    at.run()
    assert not page_failures(at)
    assert any("没有文章" in w.value for w in at.warning) and not at.metric
    assert at.sidebar.multiselect(key="f_streets").value == ["开源街道"]
    assert str(at.sidebar.date_input(key="f_from").value) == "2031-01-01"
    assert at.sidebar.checkbox(key="f_undated").value is False
    at.sidebar.button[0].click().run()
    assert not page_failures(at) and not at.warning
    assert at.metric[0].value == "46" and at.sidebar.multiselect(key="f_streets").value == []
    assert not any(k in at.query_params for k in ("from", "undated", "streets"))


def test_a_page_that_fails_keeps_its_filters(store_url, monkeypatch):
    """An error in the page is shown in words, and the filters are still there to change."""
    from dashboard import tables

    def broken(*args, **kwargs):
        raise RuntimeError("a page's figure failed")
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setattr(tables, "key_figures", broken)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["themes"] = "safety"
    at.run()
    assert page_failures(at) and not at.exception
    assert at.sidebar.multiselect(key="f_themes").value == ["safety"]


def _data_without_bulletins(tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("bulletins", "*.db*"))
    return data


def test_csv_has_a_bom_and_xlsx_opens(tmp_path):
    import pandas as pd
    frame = pd.DataFrame({"标题": ["社区义诊"], "街道": [["开源街道", "新华街道"]]})
    data = exports.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf") and "开源街道、新华街道".encode() in data
    path = tmp_path / "t.xlsx"
    path.write_bytes(exports.xlsx_bytes(frame))
    assert pd.read_excel(path).iloc[0]["标题"] == "社区义诊"


def test_evidence_is_highlighted_and_markup_escaped():
    text = "近日<script>alert(1)</script>崇仁社区开展义诊"
    start = text.index("崇仁社区")
    out = highlight_html(text, [{"field": "places", "value": "崇仁社区", "start": start, "end": start + 4}])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark style="background:#cfe8ff" title="地点: 崇仁社区">崇仁社区</mark>' in out


def test_map_from_deployer_boundaries_needs_no_network(tmp_path, store_url, kb):
    """Areas filled by their article count with a clickable label at each centre; drawn on plain
    axes from data/ (no geo subplot, so plotly.js fetches no topojson from its CDN)."""
    boundaries = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "开源街道"},
        "geometry": {"type": "Polygon", "coordinates": [[[113.30, 40.08], [113.32, 40.08], [113.32, 40.10],
                                                          [113.30, 40.08]]]}}]}
    cov = queries.coverage(make_engine(store_url), Filters(), kb.gazetteer)
    outline, _ = read_features(kb.outline_path)
    fig = figures.district_map(outline, cov, boundaries, kb.district, words=count_words("events"))
    spec = json.loads(fig.to_json())
    assert {t["type"] for t in spec["data"]} == {"scatter"} and "geo" not in spec["layout"]
    labels = spec["data"][-1]
    assert labels["customdata"] == [["开源街道", int(cov.set_index("name").loc["开源街道", "articles"])]]
    assert "http" not in fig.to_json()
    plain = figures.district_map(outline, cov, None, kb.district, words=count_words("events"))
    assert [t.type for t in plain.data] == ["scatter"] and "未提供街道边界" in plain.layout.title.text


def test_article_view_from_its_url_highlights_evidence(store_url, monkeypatch):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    monkeypatch.setenv("DATABASE_URL", store_url)
    with Session(make_engine(store_url)) as s:
        article_id = s.scalar(select(Article.id).where(Article.title.like("先锋村%")))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["article"] = str(article_id)
    at.run()
    at.switch_page("dashboard/app_pages/articles.py").run()
    assert not page_failures(at)
    html = "".join(m.value for m in at.markdown)
    assert "先锋村170余位老人" in html
    assert 'title="地点: 先锋村"' in html and 'title="参与人数: 170"' in html


def test_first_start_builds_the_store_from_the_sample_data(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not page_failures(at)
    assert {m.label: m.value for m in at.metric}["活动"] == "46"


def test_bundle_of_the_page_is_made_for_the_current_filters(app):
    app.button(key="bundle_make").click().run()
    assert not page_failures(app) and not app.error
    assert len(app.get("download_button")) >= 1
    app.sidebar.multiselect(key="f_themes").select("safety").run()  # another view: the old bundle is not offered
    labels = [b.proto.label for b in app.get("download_button")]
    assert "下载压缩包" not in labels


@pytest.mark.parametrize("content", ["{not json", '{"type": "FeatureCollection", "features": 5}', "[]"])
def test_a_malformed_boundaries_file_is_a_warning_not_a_traceback(store_url, tmp_path, monkeypatch, content):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("bulletins", "*.db*"))
    (data / "gazetteer" / "boundaries.geojson").write_text(content, encoding="utf-8")
    monkeypatch.setenv("ETL_DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("dashboard/app_pages/coverage.py").run()
    assert not page_failures(at)
    assert any("boundaries.geojson" in w.value for w in at.warning)


def test_lines_left_out_of_a_bulletin_are_shown_with_their_reason(tmp_path, monkeypatch):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from etl.store import Article
    page = tmp_path / "2025-06-03_p1.txt"
    page.write_text("当前版：05版 上一版 下一版\n\n社区义诊送健康\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动。\n\n"
                    "上一篇 下一篇\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'dropped.db'}"
    ingest_paths(make_engine(url), [page])
    with Session(make_engine(url)) as s:
        article_id = s.scalar(select(Article.id))
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["article"] = str(article_id)
    at.run()
    at.switch_page("dashboard/app_pages/articles.py").run()
    assert not page_failures(at)
    expander = next(e for e in at.expander if "未计入文章的行" in e.label)
    shown = expander.dataframe[0].value
    assert "上一篇 下一篇" in set(shown["内容"]) and set(shown["原因"]) == {"电子版导航"}
