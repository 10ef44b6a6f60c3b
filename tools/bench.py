"""`python -m etl bench`: ETL and query speed side by side on this machine.

Everything runs in a temporary folder on a SYNTHETIC corpus (tools/synth.py); nothing
touches data/. Figures printed as a table; with --json the last line is one JSON object.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import jieba
from sqlalchemy import (BigInteger, Column, Date, Integer, MetaData, String, Table, create_engine, func, insert,
                        select, text)
from sqlalchemy.engine import Engine

from analytics import queries
from analytics.filters import Filters
from etl.ingest import ingest_paths
from etl.knowledge import load_knowledge
from etl.pipeline import Refusal, parse_paths
from etl.sources import bulletin_paths
from etl.store import (Article, ArticleText, Bulletin, CountRow, Dimension, Event, Label, Place, bits_of, grams,
                       make_engine, summaries)
from etl.store.events import FACETS
from etl.store.events import Timer as ClusterTimer
from tools.hostile import worst_case
from tools.synth import write_corpus


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def article_texts(paths: list[Path]) -> list[str]:
    records = [r for r in parse_paths(paths) if not isinstance(r, Refusal)]
    return [a.text for r in records for a in r.articles]


def jieba_only_seconds(texts: list[str]) -> float:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # dictionary loading is start-up, not per-article work
    return _timed(lambda: [tokenizer.lcut(t) for t in texts])[0]


def etl_seconds(paths: list[Path], url: str, workers: int) -> tuple[float, Engine]:
    engine = make_engine(url)
    ClusterTimer.seconds = summaries.UPKEEP.seconds = grams.UPKEEP.seconds = 0.0
    ClusterTimer.reports = ClusterTimer.compared = 0
    seconds, report = _timed(lambda: ingest_paths(engine, paths, workers=workers, synthetic=True))
    if report.refused:
        raise RuntimeError("the synthetic corpus was refused: " + report.summary())
    return seconds, engine


def clustering(paths: list[Path], url: str) -> tuple[float, float, int, float]:
    """(ingest seconds, of which placing reports in events, articles, stored events compared
    per report placed) of a 1-worker ingest: placing runs in this process, which times and
    counts it (etl.store.events.Timer)."""
    seconds, engine = etl_seconds(paths, url, 1)
    placing, compared = ClusterTimer.seconds, ClusterTimer.compared / max(1, ClusterTimer.reports)
    with engine.connect() as conn:
        articles = conn.scalar(select(func.count(Article.id)))
    engine.dispose()
    return seconds, placing, articles, compared


def first_quarter_in_time(paths: list[Path]) -> list[Path]:
    """The bulletins of the corpus's first quarter of days (file names start with the date), in
    the corpus's order: the same archive when it was a quarter as old. An archive grows by
    days, not by more reports per day; a quarter of the bulletins drawn across all ten years
    would have a quarter of the reports per day, and fewer to compare each new one with."""
    cutoff = sorted(p.name for p in paths)[len(paths) // 4]
    return [p for p in paths if p.name < cutoff] or paths[:1]


def merged_reports(engine: Engine) -> int:
    """Reports the ingest found to repeat another's activity (articles - events)."""
    with engine.connect() as conn:
        return conn.scalar(select(func.count(Article.id))) - conn.scalar(select(func.count(Event.id)))


# ---- query benchmark on a bulk-loaded store -------------------------------------------------

def bulk_load(source: Engine, target: Engine, n_articles: int, seed: int = 11) -> None:
    """Copy the ingested synthetic articles (without evidence rows) into a new store until it
    holds n_articles: ten copies to a bulletin on a random day, each copy dated up to 20 days
    before it, in other official places of the district (each street it names drawn anew, its
    communities and villages among the new street's), and an event of its own. Copying is SQL:
    the source's rows are staged in the target beside a plan drawn here (which source article
    each copy is, its bulletin, date and streets), and each table is filled by one INSERT …
    SELECT of the two; the keyword index tokenises the source texts only."""
    gazetteer = load_knowledge().gazetteer
    streets = [s.name for s in gazetteer.streets]
    units = {street: [u.name for u in gazetteer.units_of(street)] for street in streets}
    sample = read_sample(source)
    with target.begin() as conn:
        street_bit = copy_dimensions(conn, sample["dimensions"], streets)
        bulletins, copies, remaps = draw_copies(sample, n_articles, units, street_bit, random.Random(seed))
        conn.execute(insert(Bulletin.__table__), [bulk_bulletin(i, issue) for i, issue in bulletins])
        stage(conn, sample, copies, remaps, units)
        copy_rows(conn)
        grams.add_copies(conn, [(t["article_id"], t["text"]) for t in sample["article_texts"]], "bulk_copies")
        for table in reversed(STAGED.sorted_tables):
            table.drop(conn)
    if target.dialect.name == "postgresql":  # later inserts must not collide with the copied ids
        with target.begin() as conn:
            for table in ("bulletins", "articles", "places", "labels", "counts", "events"):  # article_texts: by article
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    _analyze(target)  # the rebuild's joins need the copied rows' statistics
    with target.begin() as conn:  # copied rows: their summaries made from them
        summaries.rebuild(conn)
    _analyze(target)


SAMPLE_TABLES = (Dimension.__table__, Article.__table__, ArticleText.__table__, Place.__table__, Label.__table__,
                 CountRow.__table__)


def read_sample(source: Engine) -> dict[str, list[dict]]:
    """The rows of the ingested store that bulk_load copies, by table name, in id order."""
    with source.connect() as conn:
        return {table.name: [dict(r) for r in conn.execute(select(table).order_by(*table.primary_key)).mappings()]
                for table in SAMPLE_TABLES}


def copy_dimensions(conn, dimensions: list[dict], streets: list[str]) -> dict[str, int]:
    """The source's bits for the same keys, and a bit for every street (any can be drawn, not
    only those the sample named); the street bits."""
    conn.execute(insert(Dimension.__table__), dimensions)
    street_bit = {d["key"]: d["bit"] for d in dimensions if d["kind"] == "street"}
    for street in streets:
        if street not in street_bit:
            street_bit[street] = max(street_bit.values(), default=-1) + 1
            conn.execute(insert(Dimension.__table__), dict(kind="street", key=street, bit=street_bit[street]))
    return street_bit


def draw_copies(sample: dict[str, list[dict]], n_articles: int, units: dict[str, list[str]],
                street_bit: dict[str, int], rng: random.Random) -> tuple[list, list, list]:
    """The plan of the copies: bulletins (id, issue day); copies (article id, source article id,
    bulletin id, activity day, street bits); street remaps (article id, source street, new
    street, a draw that picks the new street's units, how many units it has)."""
    streets_of: dict[int, list[str]] = defaultdict(list)  # each source article's streets, as its places name them
    for place in sample["places"]:
        if place["street"] and place["street"] not in streets_of[place["article_id"]]:
            streets_of[place["article_id"]].append(place["street"])
    bases = [a["id"] for a in sample["articles"]]
    streets = list(units)
    first_day = date(2016, 1, 1)
    bulletins, copies, remaps = [], [], []
    for i in range(n_articles):
        article_id, bulletin_id, base = i + 1, i // 10 + 1, bases[i % len(bases)]
        if i % 10 == 0:
            issue = first_day + timedelta(days=rng.randrange(3650))
            bulletins.append((bulletin_id, issue))
        new_street = {old: rng.choice(streets) for old in streets_of[base]}
        copies.append((article_id, base, bulletin_id, (issue - timedelta(days=rng.randrange(20))).isoformat(),
                       bits_of(new_street.values(), street_bit)))
        remaps += [(article_id, old, new, rng.randrange(1 << 30), len(units[new])) for old, new in new_street.items()]
    return bulletins, copies, remaps


def bulk_bulletin(bulletin_id: int, issue: date) -> dict:
    name = f"{issue}_synthetic_bulk_{bulletin_id:07d}.txt"
    return dict(id=bulletin_id, name=name, source=name, content_hash=uuid.uuid4().hex, issue_date=issue.isoformat(),
                issue_precision="day", issue_source="filename", synthetic=True, ingested_at=_now(), text="")


# bulk_load's staging tables: the source rows (a copy of each table's columns, keyed by article
# for the lookups of each copy's rows) and the plan.
STAGED = MetaData()


def _staged_copy(table: Table, key: tuple[str, ...]) -> Table:
    columns = (Column(c.name, c.type, primary_key=c.name in key) for c in table.columns)
    return Table(f"bulk_{table.name}", STAGED, *columns, prefixes=["TEMPORARY"])


BULK_SOURCE = {table.name: _staged_copy(table, key) for table, key in (
    (Article.__table__, ("id",)), (ArticleText.__table__, ("article_id",)), (Place.__table__, ("article_id", "id")),
    (Label.__table__, ("article_id", "id")), (CountRow.__table__, ("article_id", "id")))}
BULK_COPIES = Table("bulk_copies", STAGED, Column("article_id", Integer, primary_key=True), Column("base_id", Integer),
                    Column("bulletin_id", Integer), Column("activity_date", Date), Column("street_bits", BigInteger),
                    prefixes=["TEMPORARY"])
BULK_STREETS = Table("bulk_streets", STAGED, Column("article_id", Integer, primary_key=True),
                     Column("old_street", String(64), primary_key=True), Column("new_street", String(64)),
                     Column("draw", Integer), Column("units", Integer), prefixes=["TEMPORARY"])
BULK_UNITS = Table("bulk_units", STAGED, Column("street", String(64), primary_key=True),
                   Column("k", Integer, primary_key=True), Column("name", String(64)), prefixes=["TEMPORARY"])


def stage(conn, sample: dict[str, list[dict]], copies: list[tuple], remaps: list[tuple],
          units: dict[str, list[str]]) -> None:
    for table in STAGED.sorted_tables:
        table.create(conn)
    for name, table in BULK_SOURCE.items():
        conn.execute(insert(table), sample[name])
    fill(conn, BULK_COPIES, copies)
    fill(conn, BULK_STREETS, remaps)
    fill(conn, BULK_UNITS, [(street, k, name) for street, names in units.items() for k, name in enumerate(names)])


def fill(conn, table: Table, rows: list[tuple]) -> None:
    """Plain rows into a table through the driver (COPY on PostgreSQL), not a statement per row."""
    columns = ", ".join(c.name for c in table.columns)
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif rows:
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(table.columns))})",
                             rows)


# How a copy's row differs from its source row (s), by column: the plan's copy (c), the new
# street of its source street (m), and that street's unit the draw picks (u).
COPIED = {
    "articles": {"id": "c.article_id", "bulletin_id": "c.bulletin_id", "event_id": "c.article_id",
                 "activity_date": "CASE WHEN s.activity_date IS NOT NULL THEN c.activity_date END",
                 "street_bits": "c.street_bits"},
    "article_texts": {"article_id": "c.article_id", "signature": "NULL"},
    "places": {"article_id": "c.article_id", "street": "COALESCE(m.new_street, s.street)",
               "name": "CASE WHEN m.new_street IS NULL THEN s.name WHEN s.level = 'street' THEN m.new_street "
                       "WHEN s.status = 'ours' THEN COALESCE(u.name, s.name) ELSE s.name END"},
    "labels": {"article_id": "c.article_id"},
    "counts": {"article_id": "c.article_id"},
}
PLACE_JOINS = ("LEFT JOIN bulk_streets m ON m.article_id = c.article_id AND m.old_street = s.street "
               "LEFT JOIN bulk_units u ON u.street = m.new_street AND u.k = (m.draw + s.id) % NULLIF(m.units, 0)")


def copy_rows(conn) -> None:
    """Each table's copies in one INSERT … SELECT, in the copies' order (the children's ids
    handed out by the store); then each article's event, with its facets."""
    quote = conn.dialect.identifier_preparer.quote
    for name, changed in COPIED.items():
        table = BULK_SOURCE[name]
        key = "id" if name == "articles" else "article_id"
        columns = [c.name for c in table.columns if c.name in changed or c.name != "id"]
        values = ", ".join(changed.get(c, f"s.{quote(c)}") for c in columns)
        conn.execute(text(f"INSERT INTO {name} ({', '.join(map(quote, columns))}) SELECT {values} "
                          f"FROM bulk_copies c JOIN {table.name} s ON s.{key} = c.base_id "
                          f"{PLACE_JOINS if name == 'places' else ''} ORDER BY c.article_id"
                          + (", s.id" if key == "article_id" and "id" in table.c else "")))
    facets = ", ".join(FACETS)
    conn.execute(text(f"INSERT INTO events (id, reports, window_start, window_end, {facets}) "
                      f"SELECT id, 1, activity_date, activity_date, {facets} FROM articles ORDER BY id"))


def _analyze(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def filter_sets() -> list[Filters]:
    """Seven views an analyst would open, from the district's own streets and taxonomy (the
    last with a keyword)."""
    kb = load_knowledge()
    streets = [s.name for s in kb.gazetteer.streets]
    themes, services = list(kb.taxonomy["theme"]), list(kb.taxonomy["service"])
    return [
        Filters(),
        Filters(streets=(streets[len(streets) // 2],)),
        Filters(themes=(themes[0],)),
        Filters(services=tuple(services[:2])),
        Filters(date_from=date(2020, 1, 1), date_to=date(2021, 12, 31)),
        Filters(streets=(streets[0], streets[-1]), themes=(themes[-1],), date_from=date(2018, 1, 1)),
        Filters(q=kb.services[0].text),  # the first service keyword, a word reports use
    ]


@contextlib.contextmanager
def environment(**values):
    """Settings for an app run in this process (AppTest reads them), restored afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


FIGURES = ("overview", "coverage", "label_counts", "theme_street_matrix", "timeline")


def query_latencies_ms(engine: Engine, keyword: bool | None = None) -> dict[str, list[float]]:
    """Milliseconds of each figure under each filter set: all of them (keyword None), those
    without a keyword, or each with the keyword of the last set added."""
    gaz = load_knowledge().gazetteer
    calls = {
        "overview": lambda f: queries.overview(engine, f),
        "coverage": lambda f: queries.coverage(engine, f, gaz),
        "label_counts": lambda f: queries.label_counts(engine, f, "theme"),
        "theme_street_matrix": lambda f: queries.theme_street_matrix(engine, f),
        "timeline": lambda f: queries.timeline(engine, f, "month", "theme"),
    }
    sets = filter_sets()
    if keyword is not None:
        word = sets[-1].q
        sets = [f.with_(q=word) if keyword else f for f in sets[:-1]]
    latencies: dict[str, list[float]] = {name: [] for name in calls}
    for f in sets:
        for name, call in calls.items():
            seconds, _ = _timed(lambda: call(f))
            latencies[name].append(seconds * 1000)
    return latencies


def query_figures(engine: Engine, tag: str = "") -> dict[str, float]:
    """p95 and max per figure and over all figures, without and with a keyword (after a pass
    that warms the caches), and the cells each summary holds."""
    query_latencies_ms(engine)
    out: dict[str, float] = {}
    for keyword, label in ((False, ""), (True, "_keyword")):
        by_figure = query_latencies_ms(engine, keyword)
        every = [ms for values in by_figure.values() for ms in values]
        out[f"query_p95_ms{label}{tag}"] = p95(every)
        out[f"query_max_ms{label}{tag}"] = max(every)
        for name, values in by_figure.items():
            out[f"{name}_p95_ms{label}{tag}"] = p95(values)
            out[f"{name}_max_ms{label}{tag}"] = max(values)
    with engine.connect() as conn:
        out.update({f"cells_{name}{tag}": n for name, n in summaries.cell_count(conn).items()})
    return out


def app_peak_rss_mb(url: str) -> float:
    """The app's peak memory: a fresh process that opens the store and draws every figure of
    the benchmark and the overview page in AppTest."""
    import subprocess
    code = ("import resource, tools.bench as b\n"
            "from etl.store import make_engine\n"
            f"e = make_engine({url!r}); b.query_latencies_ms(e); e.dispose(); b.overview_rerun_seconds({url!r})\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def summaries_cost(paths: list[Path], folder: Path, repeat: int) -> dict[str, float]:
    """What keeping the summaries adds to a 1-worker ingest, the keyword index kept on both
    sides: the best of `repeat` ingests keeping them against the best of `repeat` without, run
    in turn (with, without, with, …: a busy spell of the machine falls on both), in seconds and
    in this process's CPU seconds (SQLite writes in it); and the shares of the best ingest's
    time spent inside the summaries and inside the keyword index (timed in the ingest)."""
    best = {kept: {"s": float("inf"), "cpu": float("inf")} for kept in (True, False)}
    for i in range(repeat):
        for kept in (True, False):
            with summaries.UPKEEP.switched(kept):
                cpu = time.process_time()
                seconds, engine = etl_seconds(paths, f"sqlite:///{folder / f'summaries_{kept}_{i}.db'}", 1)
                cpu = time.process_time() - cpu
            engine.dispose()  # a store written without them is thrown away
            run = best[kept]
            run["cpu"] = min(run["cpu"], cpu)
            if seconds < run["s"]:
                run.update(s=seconds, summaries=summaries.UPKEEP.seconds, index=grams.UPKEEP.seconds)
    kept, unkept = best[True], best[False]
    return {"summaries_ingest_ratio": kept["s"] / unkept["s"],
            "summaries_ingest_cpu_ratio": kept["cpu"] / unkept["cpu"],
            "ingest_s_with_summaries": kept["s"], "ingest_s_without_summaries": unkept["s"],
            "summaries_share_of_ingest": kept["summaries"] / kept["s"],
            "index_share_of_ingest": kept["index"] / kept["s"]}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def overview_rerun_seconds(url: str) -> float:
    """The overview page in Streamlit's AppTest: a rerun after a filter change (not cached)."""
    from streamlit.testing.v1 import AppTest
    app = Path(__file__).resolve().parent.parent / "dashboard.py"
    streets = [s.name for s in load_knowledge().gazetteer.streets]
    seconds = []
    with environment(DATABASE_URL=url):
        at = AppTest.from_file(str(app), default_timeout=120)
        at.run()
        for street in streets[:3]:
            at.sidebar.multiselect(key="f_streets").set_value([street])
            seconds.append(_timed(at.run)[0])
            failures = [e.message for e in at.exception] + [e.value for e in at.error]
            if failures:
                raise RuntimeError(failures[0])
    return max(seconds)


def briefing_month(engine: Engine) -> Filters:
    """The month with the most dated articles: a monthly briefing as an office would make it."""
    with engine.connect() as conn:
        days = conn.execute(select(Article.activity_date, func.count()).where(Article.activity_date.is_not(None))
                            .group_by(Article.activity_date)).all()
    months: dict[tuple[int, int], int] = {}
    for day, n in days:
        months[(day.year, day.month)] = months.get((day.year, day.month), 0) + n
    year, month = max(months, key=months.get) if months else (date.today().year, 1)
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return Filters(date_from=date(year, month, 1), date_to=last)


def briefing_seconds(engine: Engine) -> dict[str, float]:
    """A monthly briefing made from nothing in each format: the figures, the charts drawn by
    Chromium, the file written (what 生成简报 and `etl brief` do)."""
    from dashboard import briefing  # the briefing stands on the dashboard's figures and exports
    f = briefing_month(engine)
    out = {}
    for fmt in briefing.FORMATS:
        before = cpu_seconds()
        out[f"briefing_{fmt}_s"], _ = _timed(lambda: briefing.make(engine, f, fmt))
        # CPU seconds of this process and of Chromium (a child, ended by then): what the
        # briefing costs whatever else the machine is doing.
        out[f"briefing_{fmt}_cpu_s"] = cpu_seconds() - before
    return out


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


BENCH_PAGES = ("overview", "coverage", "themes", "timeline", "articles", "compare")


def _app_failures(at) -> list[str]:
    return [e.message for e in at.exception] + [e.value for e in at.error if "页面出错了" in e.value]


def page_render_seconds(url: str, tag: str) -> dict[str, float]:
    """Every page of the dashboard rendered in Streamlit's AppTest on one store (a warm process,
    as a running server is): a new session's first run (the overview, the store's figures not
    yet cached), each page's first render, each page's rerun after a filter change (a street
    chosen: new figures, not cached), and a second new session (figures cached)."""
    from streamlit.testing.v1 import AppTest
    app = Path(__file__).resolve().parent.parent / "dashboard.py"
    streets = [s.name for s in load_knowledge().gazetteer.streets]
    out: dict[str, float] = {}

    def run(at, key: str) -> None:
        out[key] = _timed(at.run)[0]
        failures = _app_failures(at)
        if failures:
            raise RuntimeError(f"{key}: {failures[0]}")

    import streamlit as st
    st.cache_data.clear()  # this store's figures are computed, as on a server's first visit
    with environment(DATABASE_URL=url):
        at = AppTest.from_file(str(app), default_timeout=300)
        run(at, f"session_first_run_s_{tag}")
        for page in BENCH_PAGES:
            at.switch_page(f"dashboard/app_pages/{page}.py")
            run(at, f"page_s_{tag}_{page}")
        for i, page in enumerate(BENCH_PAGES):
            at.switch_page(f"dashboard/app_pages/{page}.py")
            at.run()
            at.sidebar.multiselect(key="f_streets").set_value([streets[-1 - i]])  # a view not seen before
            run(at, f"filter_change_s_{tag}_{page}")
        again = AppTest.from_file(str(app), default_timeout=300)
        run(again, f"new_session_s_{tag}")
    return out


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# No way out to the network, with the browser's HTTP cache working: no host name resolves but the
# local server's, and every other request goes to a proxy that is not there. (Playwright's
# request interception would also block it, but turns the HTTP cache off: every new tab then
# fetched each of Streamlit's 300-odd scripts again from the app's own busy Python process,
# which no user's browser does: Streamlit serves its hashed scripts as cacheable.)
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=127.0.0.1"]
# A chart is drawn: a plotly figure's SVG, or a bar of the overview's light charts (dashboard.bars).
CHART = ".js-plotly-plot .main-svg, .bar-chart .bar"
FILTERS = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'  # the sidebar's filters drawn
# The framework's own floor, measured the same way: a bare Streamlit page with one metric and
# one element (a line of text, or a plotly bar chart). No page of the app can open faster.
BARE_APPS = {
    "text": 'import streamlit as st\nst.metric("活动", 46)\nst.markdown("<p class=\'bare\'>文字</p>", unsafe_allow_html=True)\n',
    "plotly": ('import streamlit as st, plotly.graph_objects as go\nst.metric("活动", 46)\n'
               'st.plotly_chart(go.Figure(go.Bar(x=["甲", "乙"], y=[1, 2])))\n'),
}
BARE_READY = {"text": "p.bare", "plotly": CHART}


@contextlib.contextmanager
def streamlit_server(script: Path, env: dict[str, str]):
    """A Streamlit server running `script` on a free local port; yields its base URL."""
    import socket
    import subprocess
    import urllib.request
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1"],
                              cwd=Path(__file__).resolve().parent.parent, env=dict(os.environ, **env),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def local_context(browser):
    """A browser context of a browser launched with OFFLINE_ARGS: it reaches the local server
    and nothing else, and keeps what it fetched in its HTTP cache, as a user's browser does."""
    return browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")


def new_tab_seconds(context, base: str, ready: str, runs: int) -> list[float]:
    """Seconds from opening a new tab until `ready` shows, `runs` times, after a first visit
    (the server's first visitor pays its start-up, which is not a session's wait)."""
    first = context.new_page()
    first.goto(base)
    first.locator(ready).first.wait_for(timeout=180_000)
    first.close()
    seconds = []
    for _ in range(runs):
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base)
        page.locator(ready).first.wait_for(timeout=180_000)
        seconds.append(time.perf_counter() - start)
        page.close()
    return seconds


def browser_seconds(url: str, chromium: str = "/usr/bin/chromium", runs: int = 3) -> dict[str, float]:
    """What a user waits for in a real browser (Playwright, the system Chromium, no network) on a
    running server with this store: a new session's first chart (a new tab of a browser that has
    the app's scripts cached; the best and the median of `runs`), and a filter change until the
    metrics show the new figures; and, measured the same way, a new tab of a bare Streamlit page
    (one metric and a line of text; one metric and a plotly chart): the framework's floor."""
    from playwright.sync_api import sync_playwright
    root = Path(__file__).resolve().parent.parent
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    out: dict[str, float] = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as bare_dir:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=BROWSER_ARGS + OFFLINE_ARGS)
        for name, code in BARE_APPS.items():
            script = Path(bare_dir) / f"bare_{name}.py"
            script.write_text(code, encoding="utf-8")
            with streamlit_server(script, {}) as base:
                context = local_context(browser)
                out[f"browser_bare_{name}_s_median"] = statistics.median(
                    new_tab_seconds(context, base, BARE_READY[name], runs))
                context.close()
        with streamlit_server(root / "dashboard.py", {"DATABASE_URL": url}) as base:
            context = local_context(browser)
            charts = new_tab_seconds(context, base, CHART, runs)
            out["browser_first_chart_s_best"] = min(charts)
            out["browser_first_chart_s_median"] = statistics.median(charts)
            changes = []
            engine = make_engine(url)
            cov = queries.coverage(engine, Filters())
            engine.dispose()
            busy = cov[(cov["level"] == "street") & (cov["articles"] > 0)].sort_values("articles", ascending=False)
            for street in list(busy["name"])[:runs]:  # streets with articles: the metrics change
                page = context.new_page()  # each change from the unfiltered overview
                page.goto(base)
                # The whole page: a new tab draws its charts first and the filters in a second
                # run (dashboard/paint.py), and the app is idle between the two.
                page.locator(FILTERS).first.wait_for(timeout=180_000)
                page.locator(idle).wait_for(timeout=180_000)
                page.locator(CHART).first.wait_for(timeout=180_000)
                before = page.locator('[data-testid="stMetricValue"]').first.inner_text()
                box = page.locator(FILTERS).first.locator("input")
                box.click()
                box.press_sequentially(street)
                option = page.get_by_role("option", name=street).first
                option.wait_for(timeout=60_000)
                start = time.perf_counter()
                option.click()
                page.locator(idle).wait_for(timeout=60_000)
                page.wait_for_function("b => { const m = document.querySelector('[data-testid=\"stMetricValue\"]');"
                                       " return m && m.innerText !== b; }", arg=before, timeout=60_000)
                changes.append(time.perf_counter() - start)
                page.close()
            out["browser_filter_change_s_median"] = statistics.median(changes)
        browser.close()
    return out


def sample_store(folder: Path) -> str:
    """The district's sample bulletins in a store of their own (the dashboard's first start)."""
    url = f"sqlite:///{folder / 'sample.db'}"
    engine = make_engine(url)
    report = ingest_paths(engine, sorted(p for p in load_knowledge().bulletins_dir.iterdir() if p.is_file()))
    engine.dispose()
    if report.refused:
        raise RuntimeError("the sample bulletins were refused: " + report.summary())
    return url


def postgres_database(server_url: str):
    """A fresh database on the server for the benchmark, dropped afterwards."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"pingcheng_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.rsplit("/", 1)[0] + "/" + name

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url, drop


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def hostile_figures(folder: Path, scale: float, say=print) -> tuple[dict, list[dict]]:
    """The worst case: time and peak memory to refuse or parse each hostile file of issue 9
    (tools/hostile.py), each in a fresh process. Goal: each under 10 s and 1 GB."""
    rows = worst_case(folder, scale, say)
    figures: dict[str, float] = {}
    for row in rows:
        figures[f"worst_{row['key']}_s"] = row["seconds"]
        figures[f"worst_{row['key']}_peak_mb"] = row["peak_mb"]
    figures["worst_case_s"] = max(row["seconds"] for row in rows)
    figures["worst_case_peak_mb"] = max(row["peak_mb"] for row in rows)
    return figures, rows


def format_worst_case(rows: list[dict]) -> str:
    out = [f"{'hostile file':36s} {'MB':>6s} {'seconds':>8s} {'peak MB':>8s}  outcome"]
    for row in rows:
        out.append(f"{row['file']:36s} {row['size_mb']:6.1f} {row['seconds']:8.2f} {row['peak_mb']:8.0f}  "
                   f"{row['outcome']}")
    if rows:
        out.append(f"(peak MB is the whole process's, {rows[0]['baseline_mb']:.0f} MB of it the loaded knowledge "
                   "and jieba before the file)")
    return "\n".join(out)


def run(n_articles: int, query_articles: int, pg_url: str | None, say=print, repeat: int = 2,
        hostile_scale: float = 1.0, browser: str | None = None) -> dict:
    figures: dict[str, float | int | None] = {"articles": n_articles, "query_articles": query_articles,
                                              "cores": os.cpu_count()}
    load_knowledge()
    with tempfile.TemporaryDirectory(prefix="pingcheng-bench-") as tmp:
        tmp = Path(tmp)
        say(f"writing a synthetic corpus of {n_articles} articles…")
        write_corpus(tmp / "corpus", n_articles)
        # The files as `etl ingest FOLDER` takes them: by name, which begins with the day. (In the
        # order they were written, days at random, the events read more: some 5-10 % more.)
        paths = bulletin_paths([tmp / "corpus"])
        texts = article_texts(paths)
        figures["articles"] = len(texts)

        # Best of `repeat` runs for both sides of the ratio: the least disturbed by the machine.
        # The two sides take turns, so a slow minute of the machine falls on both alike.
        jieba_s, etl1_s, engine1, placing_s, compared = float("inf"), float("inf"), None, 0.0, 0.0
        for i in range(repeat):
            say(f"jieba alone, then the ETL with 1 worker: run {i + 1} of {repeat}…")
            jieba_s = min(jieba_s, jieba_only_seconds(texts))
            seconds, engine = etl_seconds(paths, f"sqlite:///{tmp / f'one{i}.db'}", 1)
            if seconds < etl1_s:
                if engine1 is not None:
                    engine1.dispose()
                etl1_s, engine1, placing_s = seconds, engine, ClusterTimer.seconds
                compared = ClusterTimer.compared / max(1, ClusterTimer.reports)
            else:
                engine.dispose()
        say("placing reports in events: a 1-worker ingest of the corpus's first quarter of days…")
        _, q_placing, q_articles, q_compared = clustering(first_quarter_in_time(paths),
                                                          f"sqlite:///{tmp / 'quarter.db'}")
        figures.update({
            "cluster_share_of_ingest": placing_s / etl1_s,
            f"cluster_ms_per_article_{q_articles}": 1000 * q_placing / q_articles,
            f"cluster_ms_per_article_{len(texts)}": 1000 * placing_s / len(texts),
            "cluster_growth_per_article": (placing_s / len(texts)) / (q_placing / q_articles),
            f"cluster_events_compared_per_report_{q_articles}": q_compared,
            f"cluster_events_compared_per_report_{len(texts)}": compared,
            "events_merged_reports": merged_reports(engine1)})
        say("ingest with and without keeping the summaries…")
        figures.update(summaries_cost(paths, tmp, repeat))
        say("re-ingest of the unchanged corpus…")
        reingest_s, _ = _timed(lambda: ingest_paths(engine1, paths))
        say("ETL, 2 workers…")
        etl2_s, engine2 = etl_seconds(paths, f"sqlite:///{tmp / 'two.db'}", 2)
        engine2.dispose()
        figures.update(
            etl_articles_per_s=len(texts) / etl1_s, jieba_only_articles_per_s=len(texts) / jieba_s,
            etl_vs_jieba_time_ratio=etl1_s / jieba_s, parallel_speedup_2=etl1_s / etl2_s,
            reingest_ratio=reingest_s / etl1_s, etl_seconds_1_worker=etl1_s, etl_seconds_2_workers=etl2_s)

        say(f"bulk-loading {query_articles} articles for the query benchmark…")
        query_url = f"sqlite:///{tmp / 'query.db'}"
        query_engine = make_engine(query_url)
        figures["bulk_load_s"], _ = _timed(lambda: bulk_load(engine1, query_engine, query_articles))
        figures.update(query_figures(query_engine))
        say("a monthly briefing in each format…")
        figures.update(briefing_seconds(query_engine))
        say("overview page rerun in AppTest…")
        figures["overview_rerun_s"] = overview_rerun_seconds(query_url)
        figures["app_peak_rss_mb"] = app_peak_rss_mb(query_url)
        say("every page in AppTest, on the sample store and on the bulk-loaded store…")
        sample_url = sample_store(tmp)
        figures.update(page_render_seconds(sample_url, "sample"))
        figures.update(page_render_seconds(query_url, "large"))
        for tag in ("sample", "large"):
            figures[f"filter_change_max_s_{tag}"] = max(
                figures[f"filter_change_s_{tag}_{page}"] for page in BENCH_PAGES)
        if browser:
            say("a real browser on the sample store…")
            figures.update(browser_seconds(sample_url, browser))
        if pg_url:
            say("PostgreSQL…")
            url, drop = postgres_database(pg_url)
            try:
                pg_engine = make_engine(url)
                figures["bulk_load_s_postgres"], _ = _timed(lambda: bulk_load(engine1, pg_engine, query_articles))
                figures.update(query_figures(pg_engine, "_postgres"))
                figures["overview_rerun_s_postgres"] = overview_rerun_seconds(url)
                figures["app_peak_rss_mb_postgres"] = app_peak_rss_mb(url)
                pg_engine.dispose()
            finally:
                drop()
        engine1.dispose()
        query_engine.dispose()
        figures["peak_rss_mb"] = peak_rss_mb()  # before the hostile files' own processes
        if hostile_scale > 0:
            worst, rows = hostile_figures(tmp / "hostile", hostile_scale, say)
            figures.update(worst)
            figures["_worst_case_rows"] = rows
    return figures


def format_table(figures: dict) -> str:
    width = max([len("measure")] + [len(k) for k in figures])
    rows = [f"{'measure':{width}s} {'value':>12s}"]
    for key, value in figures.items():
        shown = "—" if value is None else (f"{value:12.3f}" if isinstance(value, float) else f"{value:12d}")
        rows.append(f"{key:{width}s} {shown:>12s}")
    return "\n".join(rows)


def main(args) -> int:
    def say(message):
        print(message, file=sys.stderr, flush=True)
    # BENCH_BROWSER=/usr/bin/chromium adds what a user waits for in a real browser.
    figures = run(args.articles, args.query_articles, args.pg_url, say, args.repeat, args.hostile_scale,
                  os.environ.get("BENCH_BROWSER") or None)
    rows = figures.pop("_worst_case_rows", [])
    print(format_table(figures))
    if rows:
        print()
        print(format_worst_case(rows))
    if args.json:
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()}))
    return 0
