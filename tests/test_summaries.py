"""The summaries (etl/store/summaries.py) and the figures read from them (analytics/summary.py),
on SQLite and PostgreSQL: after random ingests (one file, or several in one transaction: a
bulletin and its edit, two reports of one event), re-ingests, edited bulletins, corrections,
merges and splits, every figure read from the summaries (or, with a keyword, from its rows
grouped in memory: analytics/hits.py) equals the same figure counted from the rows, for random
filters; the cells kept write by write equal the cells rebuilt from the rows; the keyword's
rows kept in memory follow each write; an older store gains its summaries when opened."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from analytics import queries
from analytics.filters import Filters
from analytics.summary import from_rows
from etl.corrections import CorrectionError
from etl.ingest import ingest_paths
from etl.store import Article, StoreMeta, make_engine, summaries
from etl.store import review as reviews
from summary_checks import assert_same_figures, figures, stored_cells
from support import BULLETIN_PAGES, fresh_store

CORRECTIONS = (
    {"places": {"streets": ["古城街道"], "units": []}},
    {"places": {"streets": ["开源街道"], "units": ["民和社区", "文兴社区"]}},
    {"participants": [{"value": 95, "approx": False, "who": "居民"}]},
    {"participants": []},
    {"themes": ["safety", "elderly"]},
    {"services": ["lecture"]},
    {"excluded": True},
    {"event_date": "2025-06-01"},
    {"event_date": ""},
    {"district_wide": True},
    {"confirmed": True},
)
PAGE = st.tuples(st.sampled_from(sorted(BULLETIN_PAGES)), st.integers(0, 1))
STEP = st.one_of(
    st.tuples(st.just("ingest"), st.sampled_from(sorted(BULLETIN_PAGES)), st.integers(0, 1)),
    # Files written in one transaction: a bulletin and its edit, reports of one event, duplicates.
    st.tuples(st.just("batch"), st.lists(PAGE, min_size=2, max_size=4), st.just(0)),
    st.tuples(st.just("correct"), st.integers(0, 30), st.sampled_from(range(len(CORRECTIONS)))),
    st.tuples(st.just("merge"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("split"), st.integers(0, 30), st.just(0)),
    st.tuples(st.just("undo"), st.integers(0, 30), st.just(0)),
)
FILTERS = st.builds(
    Filters,
    date_from=st.sampled_from([None, date(2025, 5, 1), date(2025, 5, 19), date(2025, 5, 21), date(2025, 6, 2)]),
    date_to=st.sampled_from([None, date(2025, 5, 18), date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 6)]),
    include_undated=st.booleans(),
    streets=st.sampled_from([(), ("开源街道",), ("新华街道",), ("开源街道", "古城街道"), ("新华街道", "开源街道")]),
    communities=st.sampled_from([(), (), (), ("民和社区",)]),  # chosen communities: the rows
    themes=st.sampled_from([(), ("safety",), ("health", "elderly")]),
    services=st.sampled_from([(), ("free_clinic",), ("drill", "lecture")]),
    q=st.sampled_from(["", "", "", "", "义诊", "演练", "社", "民和社区"]),  # a keyword: its rows in memory
    reviewed=st.sampled_from(["", "yes", "no"]),
    count=st.sampled_from(["events", "reports"]),
)


def _articles(engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(Article.id).order_by(Article.id)).scalars())


def _step(engine, folder, step) -> None:
    what, a, b = step
    if what == "ingest":
        path = folder / a
        path.write_text(BULLETIN_PAGES[a][b], encoding="utf-8")
        ingest_paths(engine, [path])
        return
    if what == "batch":
        batch = folder / f"batch{len(list(folder.glob('batch*')))}"
        items = []
        for i, (name, version) in enumerate(a):  # each file in a folder of its own: a name may come twice
            path = batch / str(i) / name
            path.parent.mkdir(parents=True)
            path.write_text(BULLETIN_PAGES[name][version], encoding="utf-8")
            items.append((path, name))
        ingest_paths(engine, items)
        return
    ids = _articles(engine)
    if not ids:
        return
    article, other = ids[a % len(ids)], ids[b % len(ids)]
    try:
        if what == "correct":
            reviews.save(engine, article, CORRECTIONS[b], "王芳", "", reviews.version_of(engine, article))
        elif what == "merge" and article != other:
            versions = {i: reviews.version_of(engine, i) for i in (article, other)}
            reviews.merge(engine, article, other, "李强", "", versions)
        elif what == "split":
            reviews.split(engine, article, "李强", "", reviews.version_of(engine, article))
        elif what == "undo":
            history = reviews.history(engine, reviews.open_article(engine, article).key)
            live = [h for h in history if not h["undone"] and h["undoes"] is None]
            if live:
                reviews.undo(engine, article, live[-1]["id"], "王芳", "", reviews.version_of(engine, article))
    except CorrectionError:
        pass  # a correction that does not apply to this article (nothing to merge, …)


def check_summaries(engine, folder, steps, filter_sets) -> None:
    for step in steps:
        _step(engine, folder, step)
    for f in filter_sets:
        summarised = figures(engine, f)
        with from_rows():
            counted = figures(engine, f)
        assert_same_figures(summarised, counted)
    kept = stored_cells(engine)
    with engine.begin() as conn:
        summaries.rebuild(conn)
    assert stored_cells(engine) == kept  # kept write by write = counted again from the rows


PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


@PROPERTY
@given(steps=st.lists(STEP, min_size=1, max_size=7), filter_sets=st.lists(FILTERS, min_size=3, max_size=3))
def test_figures_from_the_summaries_equal_the_figures_from_the_rows_sqlite(tmp_path_factory, steps, filter_sets):
    folder = tmp_path_factory.mktemp("store")
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    try:
        check_summaries(engine, folder, steps, filter_sets)
    finally:
        engine.dispose()


@settings(PROPERTY, max_examples=8)  # a database each: slower to make
@given(steps=st.lists(STEP, min_size=1, max_size=7), filter_sets=st.lists(FILTERS, min_size=3, max_size=3))
def test_figures_from_the_summaries_equal_the_figures_from_the_rows_postgres(postgres_server, tmp_path_factory,
                                                                             steps, filter_sets):
    folder = tmp_path_factory.mktemp("store")
    with fresh_store(postgres_server) as engine:
        check_summaries(engine, folder, steps, filter_sets)


def test_a_store_from_before_the_summaries_gains_them(engine, tmp_path):
    path = tmp_path / "2025-05-20_pcb_1.txt"
    path.write_text(BULLETIN_PAGES[path.name][0], encoding="utf-8")
    ingest_paths(engine, [path])
    kept = stored_cells(engine)
    with engine.begin() as conn:  # as a store made before them: no cells, no version
        for table in summaries.TABLES.values():
            conn.execute(table.delete())
        conn.execute(StoreMeta.__table__.delete())
    again = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        assert stored_cells(again) == kept
        assert queries.overview(again, Filters()).articles == 2
        assert len(queries.articles_table(again, Filters(q="义诊"))) == 1  # the keyword index too
    finally:
        again.dispose()


def test_a_keyword_s_figures_follow_each_write(engine, tmp_path):
    """The keyword's rows are kept in memory per store version: an ingest, a replaced bulletin
    and a correction each show in the next figure."""
    f = Filters(q="义诊")

    def same() -> None:
        summarised = figures(engine, f)
        with from_rows():
            assert_same_figures(summarised, figures(engine, f))
    path = tmp_path / "2025-05-20_pcb_1.txt"
    path.write_text(BULLETIN_PAGES[path.name][0], encoding="utf-8")
    ingest_paths(engine, [path])
    same()
    reports = f.with_(count="reports")
    before = queries.overview(engine, reports).articles
    other = tmp_path / "pcb_undated.txt"
    other.write_text(BULLETIN_PAGES[other.name][0], encoding="utf-8")
    ingest_paths(engine, [other])
    same()
    assert queries.overview(engine, reports).articles == before + 1
    path.write_text(BULLETIN_PAGES[path.name][1], encoding="utf-8")  # an edited bulletin
    ingest_paths(engine, [path])
    same()
    hit = min(_articles(engine))
    reviews.save(engine, hit, {"excluded": True}, "王芳", "", reviews.version_of(engine, hit))
    same()
    reviews.save(engine, hit, {"themes": ["safety"]}, "王芳", "", reviews.version_of(engine, hit))
    same()
