"""The benchmark command runs end to end (on a tiny corpus; its figures are not judged here), and
its bulk load makes the store it says, whose summaries and keyword index agree with its rows."""
import json
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from support import ROOT
from summary_checks import assert_same_figures, figures

from analytics.filters import Filters
from analytics.sql import contains
from analytics.summary import from_rows
from etl.ingest import ingest_paths
from etl.store import Article, ArticleText, Bulletin, Dimension, Event, Place, bits_of, grams, make_engine
from tools.bench import bulk_load, first_quarter_in_time
from tools.synth import write_corpus

PAGES = ("overview", "coverage", "themes", "timeline", "articles", "compare")
KEYS = {"etl_articles_per_s", "jieba_only_articles_per_s", "etl_vs_jieba_time_ratio", "parallel_speedup_2",
        "reingest_ratio", "query_p95_ms", "query_p95_ms_postgres", "peak_rss_mb", "overview_rerun_s",
        "briefing_docx_s", "briefing_pdf_s", "briefing_pptx_s",
        "worst_case_s", "worst_case_peak_mb", "worst_zip_bomb_docx_s", "worst_deep_html_s", "worst_big_html_s",
        "worst_single_line_txt_s", "worst_corrupt_pdf_s", "cluster_share_of_ingest", "cluster_growth_per_article",
        "query_p95_ms_keyword", "query_p95_ms_keyword_postgres", "overview_rerun_s_postgres", "app_peak_rss_mb",
        "app_peak_rss_mb_postgres", "summaries_share_of_ingest", "summaries_ingest_ratio", "summaries_ingest_cpu_ratio",
        "index_share_of_ingest", "cells_totals",
        "cells_months_by_street_postgres"} | {
    f"{figure}_{what}_ms{keyword}{db}" for figure in ("overview", "coverage", "label_counts", "theme_street_matrix",
                                                     "timeline") for what in ("p95", "max")
    for keyword in ("", "_keyword") for db in ("", "_postgres")} | {
    f"{what}_{store}_{page}" for what in ("page_s", "filter_change_s") for store in ("sample", "large")
    for page in PAGES} | {f"{what}_{store}" for what in ("session_first_run_s", "new_session_s", "filter_change_max_s")
                          for store in ("sample", "large")}


def test_bench_prints_a_table_and_a_json_line(postgres_server):
    run = subprocess.run([sys.executable, "-m", "etl", "bench", "--articles", "40", "--query-articles", "300",
                          "--repeat", "1", "--pg-url", postgres_server, "--json",
                          "--hostile-scale", "0.01"],  # small hostile files: the figures at full size are the README's
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert KEYS <= set(figures)
    assert all(figures[k] > 0 for k in KEYS - {"reingest_ratio"})
    compared = [k for k in figures if k.startswith("cluster_events_compared_per_report_")]
    assert len(compared) == 2  # the corpus's first quarter of days, and all of it
    assert "etl_vs_jieba_time_ratio" in run.stdout.split(lines[-1])[0]  # the table came first
    assert "zip bomb .docx" in run.stdout and "peak MB" in run.stdout  # the worst case, file by file


def test_clustering_growth_compares_the_archive_when_it_was_a_quarter_as_old():
    # Bulletins in the corpus's order (dates drawn at random); the first quarter of days keeps
    # that order and leaves out every later day.
    names = ["2016-05-01_synthetic_000000.txt", "2024-01-09_synthetic_000001.txt", "2016-01-03_synthetic_000002.txt",
             "2019-07-07_synthetic_000003.txt", "2016-01-05_synthetic_000002_b.txt", "2021-03-03_synthetic_000004.txt",
             "2017-02-02_synthetic_000005.txt", "2023-12-12_synthetic_000006.txt"]
    quarter = first_quarter_in_time([Path(n) for n in names])
    assert [p.name for p in quarter] == ["2016-01-03_synthetic_000002.txt", "2016-01-05_synthetic_000002_b.txt"]


def test_a_bulk_load_copies_the_articles_to_other_days_and_places_with_their_summaries_and_index(db_url, tmp_path,
                                                                                                 kb):
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    ingest_paths(source, write_corpus(tmp_path / "corpus", 30), synthetic=True)
    target = make_engine(db_url)
    bulk_load(source, target, 250)
    with source.connect() as conn:
        texts = list(conn.execute(select(ArticleText.text).order_by(ArticleText.article_id)).scalars())
    units = {(u.name, u.street) for u in kb.gazetteer.units}
    with target.connect() as conn:
        assert list(conn.execute(select(ArticleText.text).order_by(ArticleText.article_id)).scalars()) == [
            texts[i % len(texts)] for i in range(250)]
        assert conn.scalar(select(func.count(Event.id))) == 250  # each copy an event of its own
        for activity, issue in conn.execute(select(Article.activity_date, Bulletin.issue_date).join(Bulletin)):
            assert 0 <= (date.fromisoformat(issue) - activity).days < 20
        street_bit = dict(conn.execute(select(Dimension.key, Dimension.bit).where(Dimension.kind == "street")).all())
        streets_of = defaultdict(set)
        for article_id, street, level, status, name in conn.execute(
                select(Place.article_id, Place.street, Place.level, Place.status, Place.name)):
            streets_of[article_id].add(street)
            if status == "ours" and level in ("community", "village") and kb.gazetteer.units_of(street):
                assert (name, street) in units  # a unit of its new street
        for article_id, bits in conn.execute(select(Article.id, Article.street_bits)):
            assert bits == bits_of(streets_of[article_id] - {None}, street_bit)
        for word in ("社区", "义诊", "居民参加"):
            found = set(conn.execute(grams.matching(conn, word, contains)).scalars())
            assert found == set(conn.execute(select(ArticleText.article_id)
                                             .where(contains(ArticleText.text, word))).scalars()), word
    for f in (Filters(), Filters(date_from=date(2020, 1, 1), date_to=date(2021, 6, 30))):
        summarised = figures(target, f)
        with from_rows():
            assert_same_figures(summarised, figures(target, f))
    source.dispose()
    target.dispose()
