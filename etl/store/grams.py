"""The keyword index: which articles' texts hold a keyword, without reading every text.

Chinese keywords are mostly two characters (义诊, 消防), which trigram indexes cannot look up.
So each text is indexed by its character bigrams, each written as a token of hex code points
(平城 -> "00005e73000057ce"; the last character also alone), which every tokenizer keeps
whole, with no case folding and no character left out (punctuation, emoji, ASCII):

- a keyword of two characters is one token: the articles holding it are exactly those;
- of one character: the tokens that start with it (a prefix query);
- of three or more: the articles holding all its bigrams, then the substring test on those.

SQLite: an FTS5 table without content (the tokens are not stored twice), whose rows are
taken out with the same tokens when an article goes. PostgreSQL: a tsvector of the distinct
tokens with a GIN index; a text with too many distinct bigrams for a tsvector is left
unindexed (NULL) and always tested. Kept in the transaction of the bulletin's write, its new
texts added at the transaction's end (`Pending`).
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import (Column, ForeignKey, Integer, MetaData, Table, cast, column, delete, insert, literal, select,
                        text, union)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection, Engine

from .events import lock
from .schema import ArticleText, StoreMeta
from .upkeep import Upkeep

VERSION = "2:utf32-hex-bigrams"
PG_MAX_TOKENS = 40_000  # distinct bigrams; a tsvector holds at most 1 MB
BATCH = 2000

# PostgreSQL's table, made by create_index (SQLite's is an FTS5 table). Its rows go with their
# articles (the foreign key cascades).
PG_METADATA = MetaData()
PG_TABLE = Table("article_grams_pg", PG_METADATA,
                 Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
                 Column("grams", TSVECTOR, nullable=True))
Table("articles", PG_METADATA, Column("id", Integer, primary_key=True))  # what the foreign key names
SQLITE_TABLE = "article_grams"
PG_GIN = "ix_article_grams_pg"
GIN_INDEX = f"CREATE INDEX IF NOT EXISTS {PG_GIN} ON article_grams_pg USING gin (grams)"


def token_line(words: str) -> str:
    """The distinct bigram tokens of a text, sorted and separated by spaces (the same line
    every time: SQLite takes a row out of the index with the tokens it went in with). Each
    character is 8 hex digits of its UTF-32 code, so a bigram is 16 and the last character
    alone 8. The bigrams are sorted and written as numbers (a character's code in the high
    half), a few numpy calls for any text; the last character's token goes where its hex
    sorts: before the bigrams it starts, after those of lower characters."""
    chars = np.frombuffer(words.encode("utf-32-be"), dtype=">u4").astype(np.uint64)
    if not len(chars):
        return ""
    pairs = np.sort((chars[:-1] << np.uint64(32)) | chars[1:])
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) > 1 else pairs
    last = int(chars[-1])
    at = int(np.searchsorted(pairs, np.uint64(last << 32)))
    parts = (pairs[:at].astype(">u8").tobytes().hex(" ", 8), f"{last:08x}",
             pairs[at:].astype(">u8").tobytes().hex(" ", 8))
    return " ".join(part for part in parts if part)


def tokens(words: str) -> list[str]:
    """The tokens of `token_line`, as a list."""
    return token_line(words).split()


def create_index(engine: Engine) -> None:
    """SQLite's FTS5 table (PostgreSQL's is a plain table of the schema)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
                                 "grams, content='', detail=none, tokenize='ascii')")
    else:
        PG_TABLE.create(engine, checkfirst=True)
        with engine.begin() as conn:
            conn.exec_driver_sql(GIN_INDEX)
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_article_grams_pg_unindexed ON article_grams_pg "
                                 "(article_id) WHERE grams IS NULL")


def add(conn: Connection, texts: list[tuple[int, str]]) -> None:
    """Index these (article id, text) pairs."""
    if not texts:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {SQLITE_TABLE} (rowid, grams) VALUES (?, ?)",
                             [(i, token_line(t)) for i, t in texts])
        return
    rows = [(i, grams if len(grams) <= PG_MAX_TOKENS else None) for i, grams in ((i, tokens(t)) for i, t in texts)]
    conn.exec_driver_sql("INSERT INTO article_grams_pg (article_id, grams) VALUES (%s, array_to_tsvector(%s))",
                         rows)


def remove(conn: Connection, article_ids: list[int]) -> None:
    """Take these articles out of the index, before their texts are deleted (PostgreSQL's
    rows go with the articles; SQLite's must be taken out with their tokens)."""
    if conn.dialect.name != "sqlite" or not article_ids:
        return
    for chunk in range(0, len(article_ids), BATCH):
        texts = conn.execute(select(ArticleText.article_id, ArticleText.text)
                             .where(ArticleText.article_id.in_(article_ids[chunk:chunk + BATCH]))).all()
        conn.exec_driver_sql(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}, rowid, grams) VALUES ('delete', ?, ?)",
                             [(i, token_line(t)) for i, t in texts])


# Kept by every write; switched off only to measure what keeping it costs (tools/bench.py).
UPKEEP = Upkeep()


class Pending:
    """The texts a transaction's writes index, added at its end (`flush`) in one insert: a
    batch of bulletins is written in savepoints, and SQLite's full-text index writes a segment
    at the end of each one it changed (a fifth of the time storing took)."""

    def __init__(self):
        self.texts: dict[int, str] = {}  # article id -> text

    def add(self, texts: list[tuple[int, str]]) -> None:
        if UPKEEP.on:
            self.texts.update(texts)

    def remove(self, conn: Connection, article_ids: list[int]) -> None:
        """These articles go: those indexed already are taken out, the others not added."""
        if UPKEEP.on:
            with UPKEEP.timed():
                remove(conn, [i for i in article_ids if self.texts.pop(i, None) is None])

    def flush(self, conn: Connection) -> None:
        with UPKEEP.timed():
            add(conn, sorted(self.texts.items()))
        self.texts = {}


def _query(keyword: str, sqlite: bool) -> str:
    """The index query for a keyword: its bigrams all present, or (one character) a token
    starting with it (a bigram it starts, or itself ending a text)."""
    if len(keyword) == 1:
        token = tokens(keyword)[0]
        return f'"{token}" *' if sqlite else f"'{token}':*"
    grams = [g for g in tokens(keyword) if len(g) == 16]  # the keyword's own end is not the text's
    return " AND ".join(f'"{g}"' for g in grams) if sqlite else " & ".join(f"'{g}'" for g in grams)


def matching(conn: Connection, keyword: str, contains):
    """A selectable of the ids of the articles whose text holds the keyword (a non-empty
    string): the same articles as `contains(text, keyword)` over every text. `contains` is the
    substring test (analytics/sql.py), applied where the index only narrows the candidates: a
    keyword of three or more characters, and PostgreSQL's unindexed texts."""
    query = _query(keyword, conn.dialect.name == "sqlite")
    if conn.dialect.name == "sqlite":
        found = text(f"SELECT rowid AS article_id FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :grams_query"
                     ).bindparams(grams_query=query).columns(column("article_id", Integer))
        found = select(found.subquery().c.article_id)
    else:
        found = select(PG_TABLE.c.article_id).where(PG_TABLE.c.grams.op("@@")(cast(literal(query), TSQUERY)))
    if len(keyword) >= 3:
        found = select(ArticleText.article_id).where(ArticleText.article_id.in_(found),
                                                     contains(ArticleText.text, keyword))
    if conn.dialect.name == "sqlite":
        return found
    unindexed = select(ArticleText.article_id).where(
        ArticleText.article_id.in_(select(PG_TABLE.c.article_id).where(PG_TABLE.c.grams.is_(None))),
        contains(ArticleText.text, keyword))
    return union(found, unindexed)


def is_current(conn: Connection) -> bool:
    return conn.scalar(select(StoreMeta.value).where(StoreMeta.key == "keyword_index")) == VERSION


def rebuild(conn: Connection) -> None:
    """Index every article again, in the caller's transaction (a store made before the index,
    or bulk-loaded)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES ('delete-all')")
    else:
        conn.execute(delete(PG_TABLE))
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_GIN}")  # made once at the end: far faster than row by row
    after = 0
    while True:
        texts = conn.execute(select(ArticleText.article_id, ArticleText.text).where(ArticleText.article_id > after)
                             .order_by(ArticleText.article_id).limit(BATCH)).all()
        if not texts:
            break
        add(conn, [tuple(t) for t in texts])
        after = texts[-1][0]
    if conn.dialect.name != "sqlite":
        _create_gin(conn)
    _mark_current(conn)


def add_copies(conn: Connection, sources: list[tuple[int, str]], copies: str) -> None:
    """Index a new store's articles whose texts are copies of others (a bulk load), in the
    caller's transaction: `copies` names a table of (article_id, base_id), `sources` holds
    the (id, text) of every base. Each base is tokenised once; its copies get its tokens in
    one INSERT … SELECT (PostgreSQL's GIN index made after them)."""
    sqlite = conn.dialect.name == "sqlite"
    kind = "TEXT" if sqlite else "TSVECTOR"
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE base_grams (id INTEGER PRIMARY KEY, grams {kind})")
    if sqlite:
        conn.exec_driver_sql("INSERT INTO base_grams (id, grams) VALUES (?, ?)",
                             [(i, " ".join(tokens(t))) for i, t in sources])
        conn.exec_driver_sql(f"INSERT INTO {SQLITE_TABLE} (rowid, grams) SELECT c.article_id, g.grams "
                             f"FROM {copies} c JOIN base_grams g ON g.id = c.base_id ORDER BY c.article_id")
    else:
        rows = [(i, grams if len(grams) <= PG_MAX_TOKENS else None)
                for i, grams in ((i, tokens(t)) for i, t in sources)]
        conn.exec_driver_sql("INSERT INTO base_grams (id, grams) VALUES (%s, array_to_tsvector(%s))", rows)
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_GIN}")
        conn.exec_driver_sql(f"INSERT INTO article_grams_pg (article_id, grams) SELECT c.article_id, g.grams "
                             f"FROM {copies} c JOIN base_grams g ON g.id = c.base_id")
        _create_gin(conn)
    conn.exec_driver_sql("DROP TABLE base_grams")
    _mark_current(conn)


def _create_gin(conn: Connection) -> None:
    # A GIN build gathers entries in memory up to maintenance_work_mem (64 MB by default) and
    # writes them to the index each time it fills: a million texts hold 450 million bigrams.
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    conn.exec_driver_sql(GIN_INDEX)


def _mark_current(conn: Connection) -> None:
    conn.execute(delete(StoreMeta.__table__).where(StoreMeta.key == "keyword_index"))
    conn.execute(insert(StoreMeta.__table__), dict(key="keyword_index", value=VERSION))


def ensure(engine: Engine) -> bool:
    """Make the index, and fill it for a store made before it; True when it was filled."""
    create_index(engine)
    with engine.connect() as conn:
        if is_current(conn):
            return False
    # On SQLite the write lock is taken first: two processes opening a new store read, then
    # write; the second to write would fail on its stale read instead of waiting.
    with engine.connect().execution_options(begin="immediate") as conn, conn.begin():
        lock(conn)
        if is_current(conn):
            return False
        rebuild(conn)
    return True
