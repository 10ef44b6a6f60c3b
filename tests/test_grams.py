"""The keyword index (etl/store/grams.py) on SQLite and PostgreSQL: it finds exactly the
articles a substring scan of every text finds, for keywords of one, two and more characters,
ASCII, LIKE's wildcards, quotes and emoji; a replaced bulletin leaves nothing in it; it is
kept or not (to measure what it costs) apart from the summaries."""
import pytest
from sqlalchemy import func, select, text

from analytics import queries
from analytics.filters import Filters, keyword
from analytics.sql import contains
from etl.ingest import ingest_paths
from etl.store import Article, ArticleText, grams, summaries
from support import CLINIC, DRILL

ODD = ("社区WiFi全覆盖 🎉\n\n本报讯 新华街道卫星里社区的公共WiFi已覆盖50%的楼栋，"
       "居民称“A_B方案”好用，'单引号'和\"双引号\"都写进了告示。\n\n")
KEYWORDS = ["义诊", "消防", "社", "区", "。", "%", "_", "50%", "A_B", "'", '"', "“", "🎉", "WiFi", "wifi", "W",
            "平城区新华", "00005e73000057ce", "5e73", "x", "0", "社区义诊送健康", "居民参加", "血糖", "糖", "新华街道卫星里社区联合市三医院",
            "a%b", "%%", "全覆盖 🎉"]


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "2025-05-20_pcb_1.txt"
    path.write_text(DRILL + CLINIC + ODD, encoding="utf-8")
    return path


def _scan(conn, word: str) -> set[int]:
    return set(conn.execute(select(ArticleText.article_id).where(contains(ArticleText.text, word))).scalars())


def test_the_index_finds_what_the_scan_finds(engine, page):
    ingest_paths(engine, [page])
    with engine.connect() as conn:
        for word in KEYWORDS:
            assert set(conn.execute(grams.matching(conn, word, contains)).scalars()) == _scan(conn, word), word
        assert _scan(conn, "义诊") and _scan(conn, "🎉") and _scan(conn, "50%")  # the cases are there


def _indexed(conn) -> int:
    if conn.dialect.name == "sqlite":
        return conn.scalar(text(f"SELECT count(*) FROM {grams.SQLITE_TABLE}_docsize"))
    return conn.scalar(select(func.count()).select_from(grams.PG_TABLE))


def test_a_replaced_bulletin_leaves_nothing_in_the_index(engine, page):
    ingest_paths(engine, [page])
    page.write_text(DRILL + CLINIC.replace("血糖", "血糖等"), encoding="utf-8")  # edited; the WiFi report gave way
    assert ingest_paths(engine, [page]).outcomes[0].status == "replaced"
    with engine.connect() as conn:
        assert _indexed(conn) == conn.scalar(select(func.count(Article.id))) == 2
        for word in ("义诊", "WiFi", "血糖等", "社", "🎉"):
            assert set(conn.execute(grams.matching(conn, word, contains)).scalars()) == _scan(conn, word), word
    assert queries.overview(engine, Filters(q="WiFi")).articles == 0
    assert queries.overview(engine, Filters(q="血糖等")).articles == 1


def test_the_index_and_the_summaries_are_switched_off_apart(engine, page):
    # What the benchmark compares: an ingest without the summaries still keeps the index, and
    # without the index the texts of a write are not kept to be indexed.
    with summaries.UPKEEP.switched(False):
        ingest_paths(engine, [page])
    with engine.connect() as conn:
        assert _indexed(conn) == conn.scalar(select(func.count(Article.id))) == 3
        assert not any(summaries.cell_count(conn).values())
    pending = grams.Pending()
    with grams.UPKEEP.switched(False):
        pending.add([(1, "义诊")])
    assert pending.texts == {}


def test_a_hostile_keyword_is_bounded_and_only_a_parameter(engine, page):
    ingest_paths(engine, [page])
    for word in ("'); DROP TABLE articles; --", "\" OR 1=1", "NEAR(a b)", "*", "a AND b", "x" * 10_000):
        f = Filters.from_params({"q": word})
        assert len(f.q) <= 100 and f.q == keyword(word)
        assert queries.overview(engine, f).articles == 0
    assert queries.overview(engine, Filters()).articles == 3
