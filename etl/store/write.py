"""The writes of one bulletin (in a transaction of its own, or in the caller's: an ingest
writes several in one), and the rewrite of one article's facts.

An article's rows (its facets on the article row; places, labels and counts) are always
written from its effective facts: the extractor's facts with the reviewers' corrections laid
over them (etl/corrections.py). Ingest and a reviewer's save go through the same function,
so a correction holds after any re-ingest.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from operator import itemgetter
from pathlib import PurePath

from sqlalchemy import String, bindparam, case, delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from .. import corrections as overlay
from ..dates import IssueDate
from ..extract import ArticleRecord, BulletinRecord
from ..facts import Facts
from ..fingerprint import anchor, article_key, similarity
from ..events import Report
from ..formats import clean
from ..knowledge import load_knowledge
from . import grams
from .bits import bits_of, dimension_bits
from .engine import writing
from .events import Placed, made_signature, mark_written
from .events import lock as lock_events
from .events import place as place_events
from .identity import Candidate, edited
from .kept import kept
from .summaries import Changes, written_report
from .schema import (NAME_LENGTH, SOURCE_LENGTH, Article, ArticleText, Bulletin, CorrectionRow, CountRow, EvidenceRow,
                     Label, Place, insert_rows, insert_tuples)

_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes an encoder per call with options
DROPPED_KEPT = 5000  # lines left out of a bulletin that are kept to be shown (a hostile page has more)
REATTACH_SIMILARITY = 0.6  # an orphaned correction finds its article again above this


def activity_date(event_date: str | None, issue: IssueDate, year_inferred: bool = False
                  ) -> tuple[date | None, str]:
    """The date an activity is placed on, and how sure that is. An explicit month and day whose
    year was taken from the publication date is placed, but as inferred."""
    issue_day = _parse_date(issue.value) if issue.value else None
    if event_date and not event_date.startswith("--"):
        return _parse_date(event_date), "inferred" if year_inferred else "day"
    if event_date and issue_day:  # --10-26 in an issue of 2024-11-02
        month, day = int(event_date[2:4]), int(event_date[5:7])
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


def fact_values(facts: Facts, issue: IssueDate, dims: dict[str, dict[str, int]]) -> dict:
    """The article row's columns that come from its (effective) facts."""
    activity, precision = activity_date(facts.event_date, issue, facts.event_year_inferred)
    people = facts.participants
    return dict(
        district_wide=facts.district_wide, place_precision=facts.place_precision,
        event_date=facts.event_date, activity_date=activity, date_precision=precision,
        participants_low=sum(q.low for q in people if q.low is not None),
        participants_vague=sum(1 for q in people if q.value is None),
        participants_approx=any(q.approx for q in people),
        participants_high=None if any(q.high is None for q in people) else sum(q.high for q in people),
        theme_bits=bits_of(facts.themes, dims["theme"]), service_bits=bits_of(facts.services, dims["service"]),
        street_bits=bits_of(facts.streets, dims["street"]), primary_theme=(facts.themes or (None,))[0],
        excluded=facts.excluded, event_key=facts.event,
    )


CHILD_COLUMNS = {
    "article_texts": ("article_id", "text", "signature"),
    "places": ("article_id", "name", "level", "status", "street", "code", "surface", "start", "end"),
    "labels": ("article_id", "kind", "key", "rank"),
    "counts": ("article_id", "participant", "value", "low", "high", "approx", "unit", "what", "raw", "start", "end"),
    "evidence": ("article_id", "field", "value", "start", "end", "sentence_start", "sentence_end"),
}
CHILD_TABLES = {"article_texts": ArticleText.__table__, "places": Place.__table__, "labels": Label.__table__,
                "counts": CountRow.__table__, "evidence": EvidenceRow.__table__}
FACT_TABLES = ("places", "labels", "counts")  # the child rows a correction rewrites


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



def fact_rows(facts: Facts, article_id: int) -> dict[str, list[tuple]]:
    """Places, labels and counts of one article, as tuples in CHILD_COLUMNS order."""
    places = [(article_id, p.name, p.level, p.status, p.street, p.code, p.surface, p.start, p.end)
              for p in facts.places]
    named = {(p.name, p.status) for p in facts.places}
    # A street implied by a community gets a row too, so coverage counts it.
    places += [(article_id, street, "street", "implied", street, None, "", None, None)
               for street in facts.streets if (street, "ours") not in named]
    labels = [(article_id, kind, key, rank)
              for kind, keys in (("theme", facts.themes), ("service", facts.services))
              for rank, key in enumerate(keys)]
    counts = [(article_id, participant, q.value, q.low, q.high, q.approx, q.unit, q.what, q.raw, q.start, q.end)
              for participant, found in ((True, facts.participants), (False, facts.quantities)) for q in found]
    return {"places": places, "labels": labels, "counts": counts}


def child_rows(record: ArticleRecord, facts: Facts, article_id: int, signature: bytes | None = None
               ) -> dict[str, list[tuple]]:
    """Every child row of a newly written article: its text (and its text's signature, when
    placing it in an event made one), its facts, the extractor's evidence."""
    evidence = [(article_id, e.field, e.value, e.start, e.end, e.sentence_start, e.sentence_end)
                for e in record.evidence]
    return {"article_texts": [(article_id, record.text, signature)], **fact_rows(facts, article_id),
            "evidence": evidence}


def _insert_many(conn, name: str, rows: list[tuple]) -> None:
    """A child table's rows (tuples in CHILD_COLUMNS order), cut to fit."""
    insert_tuples(conn, CHILD_TABLES[name], CHILD_COLUMNS[name], _fit_rows(name, rows))


# ---- corrections as the articles are written ------------------------------------------------

# The statements every bulletin's write runs, built once: building them again for each
# bulletin cost more than running them.
CORRECTIONS = (select(CorrectionRow.id, CorrectionRow.article_key, CorrectionRow.field, CorrectionRow.after,
                      CorrectionRow.undoes).where(CorrectionRow.article_key.in_(bindparam("keys", expanding=True)))
               .order_by(CorrectionRow.id))
ORPHANS = (select(CorrectionRow.article_key, CorrectionRow.anchor)
           .where(CorrectionRow.bulletin == bindparam("bulletin"),
                  CorrectionRow.article_key.not_in(select(Article.article_key).where(Article.article_key.is_not(None))))
           .distinct())
STORED = (select(Bulletin.id, Bulletin.source, Bulletin.issue_date, Bulletin.issue_precision,
                 case((Bulletin.name == bindparam("name"), Bulletin.text)), Bulletin.content_hash)
          .where(or_(Bulletin.content_hash == bindparam("content_hash"), Bulletin.name == bindparam("name"))))
INSERT_BULLETIN = insert(Bulletin.__table__).returning(Bulletin.id)


ANY_CORRECTION = select(CorrectionRow.id).limit(1)


def _corrected(conn: Connection) -> bool:
    """Whether the store holds corrections, asked once per transaction under the events' lock:
    only reviewers make them, who take that lock first (an ingest only moves them)."""
    known = kept(conn)
    if "corrected" not in known:
        lock_events(conn)
        known["corrected"] = conn.execute(ANY_CORRECTION).first() is not None
    return known["corrected"]


def corrections_for(conn: Connection, keys) -> dict[str, list[overlay.Correction]]:
    """key -> that article's corrections, oldest first."""
    out: dict[str, list[overlay.Correction]] = {}
    keys = list(set(keys))
    if not keys:
        return out
    rows = conn.execute(CORRECTIONS, {"keys": keys}).all()
    for cid, key, field, after, undoes in rows:
        out.setdefault(key, []).append(overlay.Correction(cid, field, json.loads(after) if after else None, undoes))
    return out


def reattach_orphans(conn: Connection, bulletin: str, texts: dict[str, str]) -> int:
    """Corrections of this bulletin whose article no longer exists (the bulletin was edited, or
    the extractor cuts it differently) move to the most similar of its new articles (key ->
    text), when one is similar enough; the others stay listed as orphaned."""
    orphans = conn.execute(ORPHANS, {"bulletin": bulletin}).all()
    if not orphans:
        return 0
    anchors = {key: anchor(text) for key, text in texts.items()}
    moved = 0
    for old_key, old_anchor in orphans:
        score, new_key = max(((similarity(old_anchor, a), k) for k, a in anchors.items()), default=(0.0, None))
        if new_key is not None and score >= REATTACH_SIMILARITY:
            conn.execute(update(CorrectionRow).where(CorrectionRow.article_key == old_key)
                         .values(article_key=new_key))
            moved += 1
    return moved


# ---- one bulletin -----------------------------------------------------------------------------

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
    """Write one bulletin in a transaction of its own (`write_bulletin` has what it does)."""
    with writing(engine) as conn:
        changes, indexing = Changes(), grams.Pending()
        written = write_bulletin(conn, record, content_hash, changes, indexing, synthetic, source)
        write_pending(conn, changes, indexing)
    return written


def write_pending(conn: Connection, changes: Changes, indexing: grams.Pending) -> None:
    """At the end of a transaction of one or several `write_bulletin`s: what they left to write
    once, the summaries' difference (of the rows they changed, as they are now) and the keyword
    index's new texts."""
    changes.write(conn)
    indexing.flush(conn)


def write_bulletin(conn: Connection, record: BulletinRecord, content_hash: str, changes: Changes,
                   indexing: grams.Pending, synthetic: bool = False, source: str | None = None) -> Written:
    """Write one bulletin in the caller's transaction: 'stored', 'replaced' (an edited version
    of a stored bulletin, which it replaces: identity.py has the rule) or 'unchanged' (these
    bytes are stored already). `source` is where the file came from (default: its name).
    Left for the caller to write at the transaction's end (once for several bulletins): the
    summaries' difference it makes, in `changes` (the rows it changed), and its texts for the
    keyword index, in `indexing`. Rows go in with executemany (SQLAlchemy Core): an article has some fifty
    child rows."""
    source = source_of(source or record.name)
    name = display_name(source)
    kb = load_knowledge()
    # One query: a bulletin with these bytes (then nothing to do), and those of the same name
    # (with their texts: one of them may be what this file edits).
    rows = conn.execute(STORED, {"name": name, "content_hash": content_hash}).all()
    same = next((row for row in rows if row.content_hash == content_hash), None)
    if same is not None:
        return Written("unchanged", unchanged_reason(same.source, source), same.source)
    candidates = [Candidate(*row[:5]) for row in rows]
    old, reason = edited(candidates, record.text, record.issue.value, record.issue.precision)
    stale: set[int] = set()  # the events of the replaced bulletin's reports
    if old is not None:
        replaced = conn.execute(select(Article.id, Article.event_id).where(Article.bulletin_id == old.id)).all()
        stale = {event_id for _, event_id in replaced if event_id is not None}
        # What they counted goes from the summaries, and their texts from the keyword index,
        # while their rows (places, texts) are still there to say what.
        changes.before(conn, "reports", [i for i, _ in replaced])
        changes.before(conn, "events", stale)
        indexing.remove(conn, [i for i, _ in replaced])
        conn.execute(delete(Bulletin.__table__).where(Bulletin.id == old.id))  # children cascade
    bulletin_id = conn.execute(INSERT_BULLETIN, dict(
        name=name, source=source, content_hash=content_hash, issue_date=record.issue.value,
        issue_precision=record.issue.precision, issue_source=record.issue.source, synthetic=synthetic,
        ingested_at=datetime.now(timezone.utc), text=record.text,
        dropped=_json([d.as_dict() for d in record.dropped[:DROPPED_KEPT]])
    )).scalar_one()
    if record.articles:
        keys = [article_key(a.text) for a in record.articles]
        found = {}
        if _corrected(conn):
            reattach_orphans(conn, name, dict(zip(keys, (a.text for a in record.articles))))
            found = corrections_for(conn, keys)
        extracted = [a.facts() for a in record.articles]
        effective = [overlay.apply(f, found.get(k, []), kb.gazetteer) for f, k in zip(extracted, keys)]
        dims = {kind: dimension_bits(conn, kind, {k for f in effective for k in getattr(f, attr)})
                for kind, attr in (("theme", "themes"), ("service", "services"), ("street", "streets"))}
        rows = [_fit_values(ARTICLE_LENGTHS, dict(
            bulletin_id=bulletin_id, seq=a.seq, title=a.title, first_sentence=a.first_sentence,
            body_offset=a.body_offset, reporters=_json(a.reporters),
            flags=_json(a.flags), section=a.section, article_key=key,
            confidence=a.confidence, confidence_reasons=_json(a.confidence_reasons),
            extracted=facts.to_json(), reviewed=overlay.is_reviewed(found.get(key, [])),
            **fact_values(fixed, record.issue, dims)))
            for a, key, facts, fixed in zip(record.articles, keys, extracted, effective)]
        issue = record.issue.value if record.issue.value and len(record.issue.value) == 10 else None
        reports = [Placed(Report(ref=("new", i), source=str(bulletin_id), units=frozenset(fixed.units),
                                 streets=frozenset(fixed.streets), district_wide=fixed.district_wide,
                                 event_date=fixed.event_date, issue_date=issue, text=a.text, group=fixed.event,
                                 excluded=fixed.excluded), row)
                   for i, (a, fixed, row) in enumerate(zip(record.articles, effective, rows))]
        placed = place_events(conn, changes, reports, stale=stale, dims=dims)
        for i, row in enumerate(rows):
            row["event_id"] = placed[("new", i)]
        ids = insert_rows(conn, Article.__table__, rows)
        children: dict[str, list[tuple]] = {table: [] for table in CHILD_TABLES}
        written = []  # the new reports' rows for the summaries
        for article_id, article, fixed, report, row in zip(ids, record.articles, effective, reports, rows):
            rows_of_article = child_rows(article, fixed, article_id)
            signature = made_signature(report.report, kb)
            if signature is not None:  # made while placing it: kept for the next comparison
                rows_of_article["article_texts"] = [(article_id, article.text, signature)]
            places = [place[1:5] for place in _fit_rows("places", rows_of_article["places"])]  # as stored
            written.append(written_report(article_id, row, places))
            mark_written(report, article_id, places, dims["street"], signature)
            for table, child in rows_of_article.items():
                children[table] += child
        for table, child in children.items():
            if child:
                _insert_many(conn, table, child)
        changes.made(written, [row["excluded"] for row in rows])
        indexing.add([(i, a.text) for i, a in zip(ids, record.articles)])
    elif stale:  # an edited bulletin with no articles left: its old events lost reports
        place_events(conn, changes, stale=stale)
    if old is None:
        return Written("stored", reason)
    return Written("replaced", reason, old.source)


def rewrite_facts(conn: Connection, article_id: int) -> Facts:
    """Write one article's rows again from its extracted facts and its corrections (after a
    reviewer's save or undo); returns the effective facts."""
    row = conn.execute(select(Article.article_key, Article.extracted, Article.event_id, Bulletin.issue_date,
                              Bulletin.issue_precision, Bulletin.issue_source)
                       .join(Bulletin, Bulletin.id == Article.bulletin_id).where(Article.id == article_id)).one()
    changes = Changes()  # before its places change: its event counts its units through them
    changes.before(conn, "reports", [article_id])
    changes.before(conn, "events", [row.event_id])
    found = corrections_for(conn, [row.article_key]).get(row.article_key, [])
    fixed = overlay.apply(Facts.from_json(row.extracted), found, load_knowledge().gazetteer)
    dims = {kind: dimension_bits(conn, kind, set(getattr(fixed, attr)))
            for kind, attr in (("theme", "themes"), ("service", "services"), ("street", "streets"))}
    issue = IssueDate(row.issue_date, row.issue_precision, row.issue_source)
    conn.execute(update(Article).where(Article.id == article_id)
                 .values(reviewed=overlay.is_reviewed(found), **fact_values(fixed, issue, dims)))
    for name in FACT_TABLES:
        conn.execute(delete(CHILD_TABLES[name]).where(CHILD_TABLES[name].c.article_id == article_id))
    for name, rows in fact_rows(fixed, article_id).items():
        if rows:
            _insert_many(conn, name, rows)
    place_events(conn, changes, again=[article_id])  # its event (and a merge or split) follow the new facts
    changes.write(conn)
    return fixed

