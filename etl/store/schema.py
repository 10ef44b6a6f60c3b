"""The store's schema (SQLAlchemy 2), created on first use and extended (additively) when a
newer version adds columns."""
from __future__ import annotations

import time
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, inspect)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    # What identifies the text across re-ingests (etl/fingerprint.py); corrections hang on it.
    article_key: Mapped[str | None] = mapped_column(String(40), index=True)
    extracted: Mapped[str | None] = mapped_column(Text)  # the extractor's facts (JSON), before corrections
    reviewed: Mapped[bool | None] = mapped_column(Boolean, default=False, index=True)  # 已核对
    confidence: Mapped[float | None] = mapped_column(Float, index=True)  # 0-1: how much to trust the record
    confidence_reasons: Mapped[str | None] = mapped_column(Text)  # JSON list: what lowered it
    excluded: Mapped[bool | None] = mapped_column(Boolean, default=False, index=True)  # not an article
    bulletin: Mapped[Bulletin] = relationship(back_populates="articles")
    full_text: Mapped[ArticleText] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    places: Mapped[list[Place]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    labels: Mapped[list[Label]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    counts: Mapped[list[CountRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    evidence: Mapped[list[EvidenceRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


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
