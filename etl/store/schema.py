"""The store's schema (SQLAlchemy 2), created on first use and extended (additively) when a
newer version adds columns."""
from __future__ import annotations

import functools
import time
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, UniqueConstraint, insert, inspect, text)
from sqlalchemy.schema import CreateTable
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass


SOURCE_LENGTH = 500  # characters of a bulletin's source kept (the end of a longer path)
NAME_LENGTH = 255


class Bulletin(Base):
    """One bulletin file as it was stored. A bulletin is what it holds (content_hash), where it
    came from (source: the path as given, or an upload's own name) and its issue date; `name`
    (the file name) is only shown. Several bulletins may share a name or a source (page2.txt
    of two issues); one source never holds the same content twice (two ingests of one file at
    once store it once). What replaces what: etl/store/identity.py."""
    __tablename__ = "bulletins"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    issue_date: Mapped[str | None] = mapped_column(String(10))
    issue_precision: Mapped[str] = mapped_column(String(16))
    issue_source: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # the store's version
    text: Mapped[str] = mapped_column(Text)
    dropped: Mapped[str | None] = mapped_column(Text)  # JSON: the lines left out of the articles, with why
    articles: Mapped[list[Article]] = relationship(back_populates="bulletin", cascade="all, delete-orphan",
                                                   passive_deletes=True)
    __table_args__ = (Index("uq_bulletins_source_hash", "source", "content_hash", unique=True),)


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    first_sentence: Mapped[str] = mapped_column(Text)
    body_offset: Mapped[int] = mapped_column(Integer)
    reporters: Mapped[str] = mapped_column(Text)  # JSON list
    district_wide: Mapped[bool] = mapped_column(Boolean, index=True)
    place_precision: Mapped[str] = mapped_column(String(16))
    event_date: Mapped[str | None] = mapped_column(String(10))
    activity_date: Mapped[date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(16), index=True)  # day | issue | inferred | unknown
    participants_low: Mapped[float] = mapped_column(Float, default=0)  # sum of lower bounds
    participants_vague: Mapped[int] = mapped_column(Integer, default=0)  # counts with no number (数百名)
    participants_approx: Mapped[bool] = mapped_column(Boolean, default=False)
    participants_high: Mapped[float | None] = mapped_column(Float)  # sum of upper bounds (None: unbounded)
    flags: Mapped[str] = mapped_column(Text)  # JSON list
    section: Mapped[str] = mapped_column(String(64))
    # Themes, service types and streets as bit sets (bits from the dimensions table): the
    # dashboard filters and aggregates a hundred thousand articles without joins.
    theme_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    service_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    street_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    primary_theme: Mapped[str | None] = mapped_column(String(32))
    # What identifies the text across re-ingests (etl/fingerprint.py); corrections hang on it.
    article_key: Mapped[str | None] = mapped_column(String(40), index=True)
    extracted: Mapped[str | None] = mapped_column(Text)  # the extractor's facts (JSON), before corrections
    reviewed: Mapped[bool | None] = mapped_column(Boolean, default=False, index=True)  # 已核对
    confidence: Mapped[float | None] = mapped_column(Float, index=True)  # 0-1: how much to trust the record
    confidence_reasons: Mapped[str | None] = mapped_column(Text)  # JSON list: what lowered it
    excluded: Mapped[bool | None] = mapped_column(Boolean, default=False, index=True)  # not an article
    # The event this report belongs to (etl/store/events.py), and a reviewer's group key for it.
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    event_key: Mapped[str | None] = mapped_column(String(64))
    bulletin: Mapped[Bulletin] = relationship(back_populates="articles")
    full_text: Mapped[ArticleText] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    places: Mapped[list[Place]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    labels: Mapped[list[Label]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    counts: Mapped[list[CountRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    evidence: Mapped[list[EvidenceRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Event(Base):
    """One activity, reported once or more (etl/events.py says which reports are one). Its
    facets have the articles' names and shapes, so a figure counts events with the same SQL as
    reports: the most precise date of its reports, the union of their places (streets as bits;
    communities through its reports' place rows) and labels, and the most precise participant
    count of one report (never the sum)."""
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    place_precision: Mapped[str] = mapped_column(String(16), default="none")
    event_date: Mapped[str | None] = mapped_column(String(10))
    activity_date: Mapped[date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(16), default="unknown")
    participants_low: Mapped[float] = mapped_column(Float, default=0)
    participants_vague: Mapped[int] = mapped_column(Integer, default=0)
    participants_approx: Mapped[bool] = mapped_column(Boolean, default=False)
    participants_high: Mapped[float | None] = mapped_column(Float)
    theme_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    service_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    street_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    primary_theme: Mapped[str | None] = mapped_column(String(32))
    reviewed: Mapped[bool | None] = mapped_column(Boolean, default=False)  # every report 已核对
    confidence: Mapped[float | None] = mapped_column(Float)  # the best report's
    excluded: Mapped[bool | None] = mapped_column(Boolean, default=False, index=True)  # no report is an article
    # Events only: how many reports (articles) it merges, a reviewer's group key, and the days
    # it may have happened on (the index a new report is compared with).
    reports: Mapped[int] = mapped_column(Integer, default=1)
    group_key: Mapped[str | None] = mapped_column(String(64), index=True)
    window_start: Mapped[date | None] = mapped_column(Date, index=True)
    window_end: Mapped[date | None] = mapped_column(Date)
    month_day: Mapped[str | None] = mapped_column(String(5), index=True)


class CorrectionRow(Base):
    """A reviewer's correction of one field of one article, kept for good: applied over the
    extractor's facts wherever the article is written, listed as orphaned when no article has
    its key any more, undone by a later row that names it."""
    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_key: Mapped[str] = mapped_column(String(40), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # the article's version this correction made
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str | None] = mapped_column(Text)  # JSON, as shown to the reviewer
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    undoes: Mapped[int | None] = mapped_column(Integer)  # the correction this one undoes
    reviewer: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    bulletin: Mapped[str] = mapped_column(String(255), default="")  # for listing an orphaned correction
    title: Mapped[str] = mapped_column(Text, default="")
    anchor: Mapped[str] = mapped_column(Text, default="")  # the text's opening, to find it again
    # Two reviewers saving the same version of an article: the second is refused.
    __table_args__ = (UniqueConstraint("article_key", "seq"),)


class ArticleText(Base):
    """An article's text, apart from its facts: scans of a hundred thousand articles for the
    dashboard's figures read narrow rows."""
    __tablename__ = "article_texts"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # MinHash of the text, made when first compared


class Dimension(Base):
    """The bit each theme, service type and street has in the articles' bit sets. Bits are
    handed out as keys first appear and never change, so stored bit sets stay valid when
    the lexicons or the gazetteer grow."""
    __tablename__ = "dimensions"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # theme | service | street
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    bit: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("kind", "bit"),)


class Place(Base):
    __tablename__ = "places"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # ours | other_district | unknown | implied
    street: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(16))
    surface: Mapped[str] = mapped_column(String(64))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    # Coverage of communities and villages is counted from this index alone, in name order.
    __table_args__ = (Index("ix_places_name_unit", "name", "status", "level", "article_id"),)


class Label(Base):
    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # theme | service
    key: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_labels_kind_key", "kind", "key"),)


class CountRow(Base):
    __tablename__ = "counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    participant: Mapped[bool] = mapped_column(Boolean)
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    approx: Mapped[bool] = mapped_column(Boolean)
    unit: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(String(64))
    start: Mapped[int | None] = mapped_column(Integer)  # None for a count a reviewer added
    end: Mapped[int | None] = mapped_column(Integer)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)


class StoreMeta(Base):
    """What a store was built with: the version of its summaries and of its keyword index (a
    store opened by a version that builds them otherwise rebuilds them)."""
    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def create_schema(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables and indexes, then add columns a store made by an older version
    lacks, and the indexes a newer version adds. Two processes starting on a new store race to
    create it; the loser sees 'already exists' and tries again, finding it made."""
    for attempt in range(attempts):
        try:
            Base.metadata.create_all(engine)
            add_missing_columns(engine)
            migrate_bulletin_identity(engine)
            add_missing_indexes(engine)
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def add_missing_columns(engine: Engine) -> list[str]:
    """Additive migration: every model column missing from its table is added (nullable, no
    default), so an older store opens without manual steps. Returns what was added."""
    inspector = inspect(engine)
    added = []
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    kind = column.type.compile(dialect=engine.dialect)
                    quote = engine.dialect.identifier_preparer.quote
                    conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}")
                    added.append(f"{table.name}.{column.name}")
    return added


def add_missing_indexes(engine: Engine) -> list[str]:
    """Indexes of the models that an older store's tables lack (create_all skips existing tables)."""
    inspector = inspect(engine)
    added = []
    for table in Base.metadata.sorted_tables:
        present = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(engine, checkfirst=True)
                added.append(index.name)
    return added


# ---- bulletins keyed by what they are, not by their file name ---------------------------------

def _name_is_unique(conn) -> str | None:
    """The name of the unique constraint an older store put on bulletins.name ('' when unnamed,
    as SQLite's inline ones are), or None."""
    inspector = inspect(conn)
    for uc in inspector.get_unique_constraints("bulletins"):
        if uc["column_names"] == ["name"]:
            return uc["name"] or ""
    for ix in inspector.get_indexes("bulletins"):
        if ix.get("unique") and ix["column_names"] == ["name"]:
            return ix["name"] or ""
    return None


def migrate_bulletin_identity(engine: Engine) -> bool:
    """An older store kept one bulletin per file name (bulletins.name unique). Its bulletins get
    their name as their source, and the name stops being unique, so page2.txt of two issues can
    both be kept. SQLite cannot drop a table's unique constraint: the table is rebuilt (the
    documented 12-step way, foreign keys off, in one transaction). Idempotent; a second process
    starting at the same time waits for the first and finds nothing left to do."""
    with engine.connect() as conn:
        unique_name = _name_is_unique(conn)
        source = next(c for c in inspect(conn).get_columns("bulletins") if c["name"] == "source")
        unfilled = source["nullable"] and conn.execute(
            text("SELECT 1 FROM bulletins WHERE source IS NULL LIMIT 1")).first() is not None
    if unique_name is None and not unfilled:
        return False
    if engine.dialect.name == "sqlite":
        return _rebuild_sqlite_bulletins(engine)
    with engine.begin() as conn:
        conn.execute(text("LOCK TABLE bulletins IN ACCESS EXCLUSIVE MODE"))
        unique_name = _name_is_unique(conn)  # again, under the lock
        if unique_name:
            quote = engine.dialect.identifier_preparer.quote
            conn.exec_driver_sql(f"ALTER TABLE bulletins DROP CONSTRAINT {quote(unique_name)}")
        elif unique_name == "":
            raise RuntimeError("bulletins.name has an unnamed unique constraint; drop it by hand")
        conn.execute(text("UPDATE bulletins SET source = name WHERE source IS NULL"))
        conn.execute(text("ALTER TABLE bulletins ALTER COLUMN source SET NOT NULL"))
    return True


def _rebuild_sqlite_bulletins(engine: Engine) -> bool:
    table = Bulletin.__table__
    staging = table.to_metadata(MetaData(), name="_bulletins_rebuilt")
    for index in list(staging.indexes):  # the indexes are made on the final table
        staging.indexes.discard(index)
    columns = [c.name for c in table.columns]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # else dropping the old table deletes the articles
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one migrating process at a time
            try:
                present = {c["name"] for c in inspect(conn).get_columns("bulletins")}
                if _name_is_unique(conn) is None and "source" in present and conn.exec_driver_sql(
                        "SELECT 1 FROM bulletins WHERE source IS NULL LIMIT 1").first() is None:
                    conn.exec_driver_sql("ROLLBACK")
                    return False  # another process did it
                conn.exec_driver_sql("DROP TABLE IF EXISTS _bulletins_rebuilt")
                conn.execute(CreateTable(staging))
                values = [("COALESCE(source, name)" if c == "source" else c) if c in present else "NULL"
                          for c in columns]
                conn.exec_driver_sql(f"INSERT INTO _bulletins_rebuilt ({', '.join(columns)}) "
                                     f"SELECT {', '.join(values)} FROM bulletins")
                conn.exec_driver_sql("DROP TABLE bulletins")
                conn.exec_driver_sql("ALTER TABLE _bulletins_rebuilt RENAME TO bulletins")
                for index in table.indexes:
                    index.create(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"rebuilding bulletins would break {len(broken)} references")
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    return True


@functools.lru_cache(maxsize=None)
def _driver_insert(dialect, table: Table, columns: tuple[str, ...]) -> tuple[str, tuple, tuple]:
    """The driver's INSERT of these columns and the columns with a default that are not among
    them; (position, bind processor) of each column whose values SQLAlchemy would convert."""
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    quote = dialect.identifier_preparer.quote
    defaulted = tuple(c.name for c in table.columns if c.name not in columns and c.default is not None)
    names = columns + defaulted
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
           f"VALUES ({', '.join([marker] * len(names))})")
    processors = tuple((i, process) for i, process in enumerate(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names) if process)
    defaults = tuple(table.c[name].default.arg for name in defaulted)
    return sql, processors, defaults


def insert_tuples(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows (tuples of these columns' values) with executemany straight through the
    driver: a bulletin writes hundreds of rows, and SQLAlchemy's handling of each statement
    and parameter would cost more than the inserts. Each value goes as SQLAlchemy would send
    it (its type's bind processor: dates, booleans), columns left out get their defaults."""
    sql, processors, defaults = _driver_insert(conn.dialect, table, tuple(columns))
    if defaults:
        rows = [row + defaults for row in rows]
    if processors and rows:  # column by column, only the columns converted
        values = list(zip(*rows))
        for i, process in processors:
            values[i] = map(process, values[i])
        rows = list(zip(*values))
    conn.exec_driver_sql(sql, rows)


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert rows (of a table with an integer key `id`, each with the same keys); their new
    ids, in the order of the rows. SQLite does not say which id went to which row of a
    multi-row insert, so SQLAlchemy would insert them one by one (most of a bulletin's
    statements): the ids are handed out here instead, the next ones after the highest, as
    SQLite would. SQLite has one writer at a time: another cannot take these ids meanwhile
    (its commit would make this write fail)."""
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        return conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    # Driver SQL: building the select for each write cost more than running it.
    first = (conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0) + 1
    ids = list(range(first, first + len(rows)))
    keys = tuple(rows[0])
    insert_tuples(conn, table, ("id",) + keys, [(i, *map(row.__getitem__, keys)) for row, i in zip(rows, ids)])
    return ids
