"""The writes of one bulletin, in one transaction."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from operator import itemgetter
from pathlib import PurePath

from sqlalchemy import String, case, delete, insert, or_, select
from sqlalchemy.engine import Engine

from ..extract import ArticleRecord, BulletinRecord
from ..formats import clean
from .bits import bits_of, dimension_bits
from .identity import Candidate, edited
from .schema import NAME_LENGTH, SOURCE_LENGTH, Article, ArticleText, Bulletin, CountRow, EvidenceRow, Label, Place


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


def article_values(record: ArticleRecord, bulletin: BulletinRecord, bulletin_id: int,
                   dims: dict[str, dict[str, int]]) -> dict:
    activity, precision = _activity_date(record, bulletin)
    people = record.participants
    return _fit_values(ARTICLE_LENGTHS, dict(
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
    ))


CHILD_COLUMNS = {
    "article_texts": ("article_id", "text"),
    "places": ("article_id", "name", "level", "status", "street", "code", "surface", "start", "end"),
    "labels": ("article_id", "kind", "key", "rank"),
    "counts": ("article_id", "participant", "value", "low", "high", "approx", "unit", "what", "raw", "start", "end"),
    "evidence": ("article_id", "field", "value", "start", "end", "sentence_start", "sentence_end"),
}
CHILD_TABLES = {"article_texts": ArticleText.__table__, "places": Place.__table__, "labels": Label.__table__, "counts": CountRow.__table__,
                "evidence": EvidenceRow.__table__}


def _lengths(table) -> dict[str, int]:
    return {c.name: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length}


# Strings are cut to their column (PostgreSQL refuses a longer one; SQLite would keep it): the
# extractor's values fit, so only a hostile text reaches these limits.
ARTICLE_LENGTHS = _lengths(Article.__table__)
CHILD_LENGTHS = {name: [(i, _lengths(table)[col]) for i, col in enumerate(CHILD_COLUMNS[name])
                        if col in _lengths(table)] for name, table in CHILD_TABLES.items()}


def _fit_values(lengths: dict[str, int], values: dict) -> dict:
    for column, size in lengths.items():
        value = values.get(column)
        if isinstance(value, str) and len(value) > size:
            values[column] = value[:size]
    return values


def _fit_rows(name: str, rows: list[tuple]) -> list[tuple]:
    """Rows whose strings fit their columns: one C-level pass per bounded column to find out."""
    for i, size in CHILD_LENGTHS[name]:
        if max(map(len, filter(None, map(itemgetter(i), rows))), default=0) > size:
            rows = [row[:i] + (row[i][:size],) + row[i + 1:] if row[i] and len(row[i]) > size else row
                    for row in rows]
    return rows


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
    conn.exec_driver_sql(sql, _fit_rows(name, rows))


def source_of(given: str) -> str:
    """A bulletin's source as stored: the path or name as given (normalised: no ./ or //, no
    control characters), its last SOURCE_LENGTH characters."""
    source = clean(os.path.normpath(given)) if given else ""
    return source[-SOURCE_LENGTH:]


def display_name(source: str) -> str:
    """The file name shown (the source's last part), cut to its column with its suffix kept."""
    name = PurePath(source).name or source
    if len(name) <= NAME_LENGTH:
        return name
    suffix = PurePath(name).suffix[:16]
    return name[:NAME_LENGTH - len(suffix)] + suffix


@dataclass(frozen=True)
class Written:
    """What storing one bulletin did: status 'stored' | 'replaced' | 'unchanged', why, and the
    source of the bulletin it replaced or duplicates."""
    status: str
    reason: str = ""
    other: str = ""


def unchanged_reason(stored_source: str, source: str) -> str:
    if stored_source == source:
        return "内容未变，已跳过 (unchanged since it was stored; skipped)"
    return (f"与已存的 {stored_source} 内容完全相同，未重复存储 "
            f"(a duplicate: identical to {stored_source}, which is stored; not stored twice)")


def store_bulletin(engine: Engine, record: BulletinRecord, content_hash: str, synthetic: bool = False,
                   source: str | None = None) -> Written:
    """Write one bulletin in one transaction: 'stored', 'replaced' (an edited version of a
    stored bulletin, which it replaces: identity.py has the rule) or 'unchanged' (these bytes
    are stored already). `source` is where the file came from (default: its name).
    Rows go in with executemany (SQLAlchemy Core): an article has some fifty child rows."""
    source = source_of(source or record.name)
    name = display_name(source)
    with engine.begin() as conn:
        # One query: a bulletin with these bytes (then nothing to do), and those of the same name
        # (with their texts: one of them may be what this file edits).
        rows = conn.execute(select(Bulletin.id, Bulletin.source, Bulletin.issue_date, Bulletin.issue_precision,
                                   case((Bulletin.name == name, Bulletin.text)), Bulletin.content_hash)
                            .where(or_(Bulletin.content_hash == content_hash, Bulletin.name == name))).all()
        same = next((row for row in rows if row.content_hash == content_hash), None)
        if same is not None:
            return Written("unchanged", unchanged_reason(same.source, source), same.source)
        candidates = [Candidate(*row[:5]) for row in rows]
        old, reason = edited(candidates, record.text, record.issue.value, record.issue.precision)
        if old is not None:
            conn.execute(delete(Bulletin.__table__).where(Bulletin.id == old.id))  # children cascade
        bulletin_id = conn.execute(insert(Bulletin.__table__).returning(Bulletin.id), dict(
            name=name, source=source, content_hash=content_hash, issue_date=record.issue.value,
            issue_precision=record.issue.precision, issue_source=record.issue.source, synthetic=synthetic,
            ingested_at=datetime.now(timezone.utc), text=record.text)).scalar_one()
        if record.articles:
            dims = {kind: dimension_bits(conn, kind, {k for a in record.articles for k in getattr(a, attr)})
                    for kind, attr in (("theme", "themes"), ("service", "services"), ("street", "streets"))}
            ids = conn.execute(insert(Article.__table__).returning(Article.id, sort_by_parameter_order=True),
                               [article_values(a, record, bulletin_id, dims) for a in record.articles]
                               ).scalars().all()
            children: dict[str, list[tuple]] = {table: [] for table in CHILD_TABLES}
            for article_id, article in zip(ids, record.articles):
                for table, rows in child_rows(article, article_id).items():
                    children[table] += rows
            for table, rows in children.items():
                if rows:
                    _insert_many(conn, table, rows)
    if old is None:
        return Written("stored", reason)
    return Written("replaced", reason, old.source)
