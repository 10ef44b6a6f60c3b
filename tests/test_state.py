"""Filters in the URL: one definition each, read back exactly, hostile values dropped with no
traceback (on SQLite and PostgreSQL)."""
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analytics.filters import FILTERS, Filters
from etl.ingest import ingest_paths
from support import ROOT, SAMPLES, page_failures


def test_every_filter_field_has_one_definition():
    from dataclasses import fields
    assert [spec.field for spec in FILTERS] == [f.name for f in fields(Filters)]
    assert len({spec.url_key for spec in FILTERS}) == len(FILTERS)


def test_filters_round_trip_through_url_params():
    f = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 5, 31), streets=("开源街道", "新华街道"),
                themes=("elderly",), q="义诊", include_undated=False)
    assert Filters.from_params(f.to_params()) == f
    assert Filters().to_params() == {}


@pytest.mark.parametrize("params", [
    {"from": "not-a-date"}, {"from": "2025-13-45"}, {"to": "²⁰²⁵-01-01"}, {"q": "\x00"}, {"q": "a" * 5000},
    {"streets": "," * 1000}, {"undated": "maybe"}])
def test_unreadable_url_values_fall_back_to_the_default(params):
    f = Filters.from_params(params)
    assert f.date_from is None and f.date_to is None and "\x00" not in f.q and len(f.q) <= 100
    assert len(f.streets) <= 50


def test_filters_in_words():
    f = Filters(date_from=date(2025, 5, 1), date_to=date(2025, 5, 31), themes=("elderly",), streets=("开源街道",))
    assert f.describe({"theme": {"elderly": "为老服务"}}) == "2025-05-01至2025-05-31 · 开源街道 · 为老服务"
    assert Filters().describe() == "全部"


@pytest.mark.parametrize("params", [
    {"article": "99999999999999999999"}, {"article": "²"}, {"article": "-1"}, {"article": "1e9"},
    {"q": "\x00"}, {"q": "%00"}, {"themes": "no_such_theme", "streets": "北关街道", "from": "2025-13-45", "q": "<b>"}])
def test_hostile_url_parameters_show_no_traceback(engine, monkeypatch, params):
    ingest_paths(engine, sorted(SAMPLES.glob("*.txt")))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not page_failures(at)
    at.switch_page("dashboard/app_pages/articles.py").run()
    assert not page_failures(at)
    assert at.sidebar.multiselect(key="f_themes").value == []
