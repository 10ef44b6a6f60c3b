"""Store stage: SQLAlchemy 2 schema and the writes of one bulletin, in one transaction.

SQLite file under data/ by default; any SQLAlchemy URL (PostgreSQL for shared
deployments) through --db or DATABASE_URL.
"""
from __future__ import annotations

import json
import os
import time
import weakref
from datetime import date, datetime, timezone

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, create_engine, delete, event, func, insert, inspect, select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from .extract import ArticleRecord, BulletinRecord
from .lexicon import PROJECT_DIR

DEFAULT_DB = PROJECT_DIR / "data" / "pingcheng.db"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


class Base(DeclarativeBase):
    pass


class Bulletin(Base):
    __tablename__ = "bulletins"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    issue_date: Mapped[str | None] = mapped_column(String(10))
    issue_precision: Mapped[str] = mapped_column(String(16))
    issue_source: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    articles: Mapped[list[Article]] = relationship(back_populates="bulletin", cascade="all, delete-orphan",
                                                   passive_deletes=True)


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
    flags: Mapped[str] = mapped_column(Text)  # JSON list
    section: Mapped[str] = mapped_column(String(64))
    # Themes, service types and streets as bit sets (bits from the dimensions table): the
    # dashboard filters and aggregates a hundred thousand articles without joins.
    theme_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    service_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    street_bits: Mapped[int] = mapped_column(BigInteger, default=0)
    primary_theme: Mapped[str | None] = mapped_column(String(32))
    bulletin: Mapped[Bulletin] = relationship(back_populates="articles")
    full_text: Mapped[ArticleText] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    places: Mapped[list[Place]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    labels: Mapped[list[Label]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    counts: Mapped[list[CountRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    evidence: Mapped[list[EvidenceRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class ArticleText(Base):
    """An article's text, apart from its facts: scans of a hundred thousand articles for the
    dashboard's figures read narrow rows."""
    __tablename__ = "article_texts"
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Dimension(Base):
    """The bit each theme, service type and street has in the articles' bit sets. Bits are
    handed out as keys first appear and never change, so stored bit sets stay valid when
    the lexicons or the gazetteer grow."""
    __tablename__ = "dimensions"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # theme | service | street
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    bit: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("kind", "bit"),)


MAX_BITS = 62  # signed 64-bit integers in both databases


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
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never block a writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: still consistent after a crash, fewer fsyncs
    cursor.execute("PRAGMA busy_timeout=30000")  # concurrent ingests wait instead of failing
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)
    # A server connection may have been dropped while pooled; a SQLite file's cannot.
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    create_schema(engine)
    return engine


def create_schema(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables and indexes, then add columns a store made by an older version
    lacks. Two processes starting on a new store race to create it; the loser sees
    'already exists' and tries again, finding it made."""
    for attempt in range(attempts):
        try:
            Base.metadata.create_all(engine)
            add_missing_columns(engine)
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


def _activity_date(record: ArticleRecord, bulletin: BulletinRecord) -> tuple[date | None, str]:
    """The date an activity is placed on, and how sure that is."""
    issue = bulletin.issue
    issue_day = _parse_date(issue.value) if issue.value else None
    if record.event_date and not record.event_date.startswith("--"):
        return _parse_date(record.event_date), "day"
    if record.event_date and issue_day:  # --10-26 in an issue of 2024-11-02
        month, day = int(record.event_date[2:4]), int(record.event_date[5:7])
        year = issue_day.year - (1 if (month, day) > (issue_day.month, issue_day.day) else 0)
        try:
            return date(year, month, day), "inferred"
        except ValueError:
            return None, "unknown"
    if issue_day:
        return issue_day, "issue" if issue.precision == "day" else "inferred"
    return None, "unknown"


def _parse_date(value: str) -> date | None:
    parts = value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


# Bits never change once handed out, so each engine remembers the ones it has seen.
_known_bits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def dimension_bits(conn, kind: str, keys) -> dict[str, int]:
    """key -> bit for this kind, handing out the next free bits to keys not seen before."""
    cache = _known_bits.setdefault(conn.engine, {}).setdefault(kind, {})
    if all(key in cache for key in keys):
        return cache
    known = dict(conn.execute(select(Dimension.key, Dimension.bit).where(Dimension.kind == kind)).all())
    for key in keys:
        if key not in known:
            bit = max(known.values(), default=-1) + 1
            if bit > MAX_BITS:
                raise ValueError(f"more than {MAX_BITS + 1} {kind} keys: widen the bit sets")
            conn.execute(insert(Dimension.__table__), dict(kind=kind, key=key, bit=bit))
            known[key] = bit
    # Remembered only once this transaction commits: a rolled-back bit must not be reused.
    event.listen(conn, "commit", lambda _conn: cache.update(known), once=True)
    return known


def bits_of(keys, bits: dict[str, int]) -> int:
    return sum(1 << bits[k] for k in set(keys))


def article_values(record: ArticleRecord, bulletin: BulletinRecord, bulletin_id: int,
                   dims: dict[str, dict[str, int]]) -> dict:
    activity, precision = _activity_date(record, bulletin)
    people = record.participants
    return dict(
        bulletin_id=bulletin_id, seq=record.seq, title=record.title, first_sentence=record.first_sentence,
        body_offset=record.body_offset, reporters=json.dumps(record.reporters, ensure_ascii=False),
        district_wide=record.district_wide, place_precision=record.precision,
        event_date=record.event_date, activity_date=activity, date_precision=precision,
        participants_low=sum(q.low for q in people if q.low is not None),
        participants_vague=sum(1 for q in people if q.value is None),
        participants_approx=any(q.approx for q in people),
        flags=json.dumps(record.flags, ensure_ascii=False), section=record.section,
        theme_bits=bits_of(record.themes, dims["theme"]), service_bits=bits_of(record.services, dims["service"]),
        street_bits=bits_of(record.streets, dims["street"]), primary_theme=(record.themes or [None])[0],
    )


CHILD_COLUMNS = {
    "article_texts": ("article_id", "text"),
    "places": ("article_id", "name", "level", "status", "street", "code", "surface", "start", "end"),
    "labels": ("article_id", "kind", "key", "rank"),
    "counts": ("article_id", "participant", "value", "low", "high", "approx", "unit", "what", "raw", "start", "end"),
    "evidence": ("article_id", "field", "value", "start", "end", "sentence_start", "sentence_end"),
}
CHILD_TABLES = {"article_texts": ArticleText.__table__, "places": Place.__table__, "labels": Label.__table__, "counts": CountRow.__table__,
                "evidence": EvidenceRow.__table__}


def child_rows(record: ArticleRecord, article_id: int) -> dict[str, list[tuple]]:
    """Places, labels, counts and evidence of one article, as tuples in CHILD_COLUMNS order."""
    places = [(article_id, p.name, p.level, p.status, p.street, p.code, p.surface, p.start, p.end)
              for p in record.places]
    named = {(p.name, p.status) for p in record.places}
    # A street implied by a community gets a row too, so coverage counts it.
    places += [(article_id, street, "street", "implied", street, None, "", None, None)
               for street in record.streets if (street, "ours") not in named]
    labels = [(article_id, kind, key, rank)
              for kind, keys in (("theme", record.themes), ("service", record.services))
              for rank, key in enumerate(keys)]
    counts = [(article_id, q.participant, q.value, q.low, q.high, q.approx, q.unit, q.what, q.raw, q.start, q.end)
              for q in record.participants + record.quantities]
    evidence = [(article_id, e.field, e.value, e.start, e.end, e.sentence_start, e.sentence_end)
                for e in record.evidence]
    return {"article_texts": [(article_id, record.text)], "places": places, "labels": labels, "counts": counts,
            "evidence": evidence}


def _insert_many(conn, name: str, rows: list[tuple]) -> None:
    """executemany straight through the driver: a bulletin has hundreds of child rows, and
    SQLAlchemy's per-row parameter processing would cost more than the inserts. The values
    are plain str/int/float/bool/None, which both drivers take as they are."""
    columns = CHILD_COLUMNS[name]
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}[conn.dialect.paramstyle]
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(CHILD_TABLES[name].name)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    conn.exec_driver_sql(sql, rows)


def store_bulletin(engine: Engine, record: BulletinRecord, content_hash: str, synthetic: bool = False) -> str:
    """Write one bulletin in one transaction: 'stored', 'replaced' or 'unchanged'.
    Rows go in with executemany (SQLAlchemy Core): an article has some fifty child rows."""
    with engine.begin() as conn:
        old = conn.execute(select(Bulletin.id, Bulletin.content_hash).where(Bulletin.name == record.name)).first()
        if old is not None and old.content_hash == content_hash:
            return "unchanged"
        if old is not None:
            conn.execute(delete(Bulletin.__table__).where(Bulletin.id == old.id))  # children cascade
        bulletin_id = conn.execute(insert(Bulletin.__table__).returning(Bulletin.id), dict(
            name=record.name, content_hash=content_hash, issue_date=record.issue.value,
            issue_precision=record.issue.precision, issue_source=record.issue.source, synthetic=synthetic,
            ingested_at=datetime.now(timezone.utc), text=record.text)).scalar_one()
        if record.articles:
            dims = {kind: dimension_bits(conn, kind, {k for a in record.articles for k in getattr(a, attr)})
                    for kind, attr in (("theme", "themes"), ("service", "services"), ("street", "streets"))}
            ids = conn.execute(insert(Article.__table__).returning(Article.id, sort_by_parameter_order=True),
                               [article_values(a, record, bulletin_id, dims) for a in record.articles]
                               ).scalars().all()
            children: dict[str, list[tuple]] = {name: [] for name in CHILD_TABLES}
            for article_id, article in zip(ids, record.articles):
                for name, rows in child_rows(article, article_id).items():
                    children[name] += rows
            for name, rows in children.items():
                if rows:
                    _insert_many(conn, name, rows)
    return "stored" if old is None else "replaced"


def stats(engine: Engine) -> dict:
    with Session(engine) as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        return {
            "bulletins": count(Bulletin),
            "articles": count(Article),
            "places": count(Place, Place.status != "implied"),
            "places_other_district": count(Place, Place.status == "other_district"),
            "places_unknown": count(Place, Place.status == "unknown"),
            "participant_counts": count(CountRow, CountRow.participant.is_(True)),
            "other_counts": count(CountRow, CountRow.participant.is_(False)),
            "labels": count(Label),
            "evidence": count(EvidenceRow),
        }
