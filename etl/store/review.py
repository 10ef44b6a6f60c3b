"""Reviewers' corrections in the store: save one (refused when the article changed since it was
opened), undo one, read an article's history, list the corrections whose article is gone.
Every save rewrites the article's rows from its facts, so every figure follows at once."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from .. import corrections as overlay
from ..events import MERGE, SPLIT, new_key
from ..facts import Facts
from ..fingerprint import anchor
from ..knowledge import load_knowledge
from .engine import writing
from .events import is_split
from .events import lock as lock_events
from .schema import Article, ArticleText, Bulletin, CorrectionRow
from .write import corrections_for, rewrite_facts


class StaleEdit(Exception):
    """Someone saved this article after it was opened here."""


class ArticleGone(LookupError):
    """The article is no longer in the store."""


@dataclass(frozen=True)
class Opened:
    """An article as a reviewer opens it: its key and version, its facts before and after the
    corrections in force, and its corrections."""
    article_id: int
    key: str
    version: int
    extracted: Facts
    effective: Facts
    corrections: list[overlay.Correction]


def shown_value(facts: Facts, field: str):
    """A field of the facts as a reviewer sees it (and as kept in a correction's `before`)."""
    if field == "places":
        return {"streets": facts.streets, "units": [u for u in facts.units if u not in facts.unknown_places],
                "unknown": facts.unknown_places, "other_district": facts.other_district_places}
    if field in ("participants", "quantities"):
        label = "who" if field == "participants" else "what"
        return [{"value": c.value, "approx": c.approx, label: c.what, "unit": c.unit} for c in getattr(facts, field)]
    if field in ("themes", "services"):
        return list(getattr(facts, field))
    if field == "confirmed":
        return None
    return getattr(facts, field)


def _version(conn, key: str) -> int:
    return conn.scalar(select(func.coalesce(func.max(CorrectionRow.seq), 0)).where(CorrectionRow.article_key == key))


def _opened(conn, article_id: int) -> Opened:
    row = conn.execute(select(Article.article_key, Article.extracted).where(Article.id == article_id)).first()
    if row is None:
        raise ArticleGone(article_id)
    found = corrections_for(conn, [row.article_key]).get(row.article_key, [])
    extracted = Facts.from_json(row.extracted)
    return Opened(article_id, row.article_key, _version(conn, row.article_key), extracted,
                  overlay.apply(extracted, found, load_knowledge().gazetteer), found)


def open_article(engine: Engine, article_id: int) -> Opened:
    with engine.connect() as conn:
        return _opened(conn, article_id)


def save(engine: Engine, article_id: int, changes: dict, reviewer: str, note: str, version: int,
         undoes: int | None = None) -> Facts:
    """Keep one correction per changed field (or the undo of one correction), all in one
    transaction, and rewrite the article. StaleEdit when the article's version is no longer
    `version` (someone saved since it was opened); CorrectionError when a value is not valid.
    Returns the article's new facts."""
    kb = load_knowledge()
    reviewer = _reviewer(reviewer)
    values = {field: overlay.validate(field, after, kb.gazetteer, kb.taxonomy) if undoes is None else None
              for field, after in changes.items()}
    if not values:
        raise overlay.CorrectionError("没有要保存的更正")
    try:
        with writing(engine) as conn:
            lock_events(conn)  # before any row is touched: a save and an ingest never wait on each other
            return _save(conn, article_id, values, reviewer, note, version, undoes)
    except IntegrityError as e:
        _stale_or_raise(engine, [(article_id, version)], e)
        raise


def _reviewer(name: str) -> str:
    name = (name or "").strip()[:64]
    if not name:
        raise overlay.CorrectionError("请先填写审核人姓名")
    return name


def _stale_or_raise(engine: Engine, opened: list[tuple[int, int]], error: IntegrityError) -> None:
    """A second reviewer saved the same version at the same moment: StaleEdit."""
    with engine.connect() as conn:
        for article_id, version in opened:
            key = conn.scalar(select(Article.article_key).where(Article.id == article_id))
            if key is None or _version(conn, key) != version:
                raise StaleEdit(article_id) from error


def _save(conn, article_id: int, values: dict, reviewer: str, note: str, version: int,
          undoes: int | None = None) -> Facts:
    row = conn.execute(select(Article.article_key, Article.title, Bulletin.name, ArticleText.text)
                       .join(Bulletin, Bulletin.id == Article.bulletin_id)
                       .join(ArticleText, ArticleText.article_id == Article.id)
                       .where(Article.id == article_id)).first()
    if row is None:
        raise ArticleGone(article_id)
    if _version(conn, row.article_key) != version:
        raise StaleEdit(article_id)
    current = _opened(conn, article_id).effective
    now = datetime.now(timezone.utc)
    for seq, (field, value) in enumerate(values.items(), version + 1):
        conn.execute(CorrectionRow.__table__.insert().values(
            article_key=row.article_key, seq=seq, field=field,
            before=json.dumps(shown_value(current, field), ensure_ascii=False),
            after=json.dumps(value, ensure_ascii=False), undoes=undoes, reviewer=reviewer,
            note=(note or "")[:2000], created_at=now, bulletin=row.name, title=row.title,
            anchor=anchor(row.text)))
    return rewrite_facts(conn, article_id)


# ---- events: a merge or a split is a correction of the field `event` -------------------------

def version_of(engine: Engine, article_id: int) -> int:
    """The article's version now (the number of corrections saved on it)."""
    with engine.connect() as conn:
        key = conn.scalar(select(Article.article_key).where(Article.id == article_id))
        if key is None:
            raise ArticleGone(article_id)
        return _version(conn, key)


def merge(engine: Engine, article_id: int, other_id: int, reviewer: str, note: str,
          versions: dict[int, int]) -> str:
    """The two reports are one event: both get the same group key (the other's, else this
    one's, else a new one), as corrections of the field `event`, in one transaction. The
    other reports of their events stay where the rules put them. Returns the key. StaleEdit
    when either article changed since `versions` (article id -> version) were read."""
    reviewer = _reviewer(reviewer)
    if article_id == other_id:
        raise overlay.CorrectionError("不能把一篇文章与它自己合并")
    try:
        with writing(engine) as conn:
            lock_events(conn)
            keys = {i: _opened(conn, i).effective.event for i in (article_id, other_id)}
            key = keys[other_id] or (keys[article_id] if not is_split(keys[article_id]) else None) \
                or new_key(MERGE)
            for i in (other_id, article_id):
                # Read again: two stored reports of one article share their corrections, so
                # saving the first may already have moved the second.
                if _opened(conn, i).effective.event != key:
                    _save(conn, i, {"event": key}, reviewer, note, versions.get(i, -1))
            return key
    except IntegrityError as e:
        _stale_or_raise(engine, list(versions.items()), e)
        raise


def split(engine: Engine, article_id: int, reviewer: str, note: str, version: int) -> str:
    """This report is an event of its own: a new closed group key (`s:`), as a correction of
    the field `event`. The event's other reports stay together if the rules say so."""
    key = new_key(SPLIT)
    save(engine, article_id, {"event": key}, reviewer, note, version)
    return key


def undo(engine: Engine, article_id: int, correction_id: int, reviewer: str, note: str, version: int) -> Facts:
    with engine.connect() as conn:
        field = conn.scalar(select(CorrectionRow.field).where(CorrectionRow.id == correction_id))
    if field is None:
        raise overlay.CorrectionError("要撤销的更正不存在")
    return save(engine, article_id, {field: None}, reviewer, note, version, undoes=correction_id)


def history(engine: Engine, key: str) -> list[dict]:
    """Every correction of an article, oldest first, with who, when, what and why."""
    with engine.connect() as conn:
        rows = conn.execute(select(CorrectionRow.__table__).where(CorrectionRow.article_key == key)
                            .order_by(CorrectionRow.id)).mappings().all()
    undone = {r["undoes"] for r in rows if r["undoes"] is not None}
    return [dict(r, before=json.loads(r["before"]) if r["before"] else None,
                 after=json.loads(r["after"]) if r["after"] else None, undone=r["id"] in undone) for r in rows]


def orphans(engine: Engine) -> list[dict]:
    """Corrections whose article no longer exists anywhere: listed, never dropped."""
    with engine.connect() as conn:
        rows = conn.execute(select(CorrectionRow.__table__)
                            .where(CorrectionRow.article_key.not_in(
                                select(Article.article_key).where(Article.article_key.is_not(None))))
                            .order_by(CorrectionRow.id)).mappings().all()
    return [dict(r) for r in rows]


def reviewed_as_gold(engine: Engine) -> tuple[list[dict], dict[str, str]]:
    """The articles a person reviewed, in the gold file's format (../shared/gold/README.md),
    with their corrections applied; and the texts of their bulletins (name -> text), so the
    extractor can be scored against what staff confirmed (`etl evaluate`)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Article.id, Article.seq, Article.title, Article.first_sentence, Article.reporters,
                                   Article.article_key, Article.extracted, Bulletin.name, Bulletin.text)
                            .join(Bulletin, Bulletin.id == Article.bulletin_id)
                            .where(Article.reviewed.is_(True)).order_by(Bulletin.name, Article.seq)).all()
        found = corrections_for(conn, [r.article_key for r in rows])
    gazetteer = load_knowledge().gazetteer
    gold, texts = [], {}
    for r in rows:
        facts = overlay.apply(Facts.from_json(r.extracted), found.get(r.article_key, []), gazetteer)
        if facts.excluded:
            continue  # not an article: the gold file has no entry for it
        texts[r.name] = r.text
        gold.append({
            "bulletin": r.name, "seq": r.seq, "title": r.title, "first_sentence": r.first_sentence,
            "reporters": json.loads(r.reporters), "streets_in_text": facts.streets,
            "communities": [u for u in facts.units if u not in facts.unknown_places],
            "district_wide": facts.district_wide, "event_date": facts.event_date,
            "themes": list(facts.themes), "services": list(facts.services),
            "participants": [{"value": c.value, "approx": c.approx, "who": c.what} for c in facts.participants],
            "quantities": [{"value": c.value, "unit": c.unit, "what": c.what} for c in facts.quantities],
            "notes": "exported from reviewers' corrections"})
    return gold, texts
