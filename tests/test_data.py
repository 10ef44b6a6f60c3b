"""The dashboard's figures follow the store: an ingest made elsewhere (the command line) shows
on the next run, without clearing any cache by hand."""
from streamlit.testing.v1 import AppTest

from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES, page_failures

EXTRA = "社区义诊送健康\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。\n"


def _articles(at) -> str:
    return {m.label: m.value for m in at.metric}["活动"]


def test_figures_follow_an_ingest_made_by_another_process(engine, monkeypatch, tmp_path):
    ingest_paths(engine, sorted(SAMPLES.glob("*.txt")))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not page_failures(at) and _articles(at) == "46"
    extra = tmp_path / "2025-06-03_extra.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    ingest_paths(make_engine(engine.url.render_as_string(hide_password=False)), [extra])  # as `etl ingest` would
    at.run()
    assert _articles(at) == "47"
