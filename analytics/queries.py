"""Every figure the dashboard shows, as SQL aggregates over the store (SQLite or PostgreSQL).

Plain functions of (engine, filters) returning pandas frames or dicts; the pages
cache and lay them out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, and_, case, distinct, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from etl.gazetteer import Gazetteer
from etl.knowledge import load_knowledge
from etl.store import (Article, ArticleText, Bulletin, CorrectionRow, Label, Place, count_bits, keys_in, read_bits,
                       totals_by_key)

from .filters import Filters
from .sql import contains

UNIT_LEVELS = ("community", "village")
BIT_COLUMNS = {"theme": Article.theme_bits, "service": Article.service_bits, "street": Article.street_bits}


NOT_EXCLUDED = Article.excluded.isnot(True)  # reviewers marked it "not an article": it leaves every figure


def _where(conn, f: Filters, excluded_too: bool = False):
    """(WHERE clause, dimensions) for one connection. A keyword is looked for once per figure:
    the matching ids go to a temporary table of this connection, which every statement of
    the figure then reads, instead of scanning all texts again."""
    dims = read_bits(conn)
    hits = None
    if f.q:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS keyword_hits (article_id INTEGER PRIMARY KEY)")
        conn.execute(keyword_hits.delete())
        conn.execute(keyword_hits.insert().from_select(
            ["article_id"], select(ArticleText.article_id).where(contains(ArticleText.text, f.q))))
        hits = select(keyword_hits.c.article_id)
    where = f.condition(dims, hits)
    return (where if excluded_too else and_(where, NOT_EXCLUDED)), dims


keyword_hits = Table("keyword_hits", MetaData(), Column("article_id", Integer, primary_key=True),
                     prefixes=["TEMPORARY"])


@dataclass
class Overview:
    articles: int
    participants_low: float
    participants_approx: bool
    participants_vague: int
    streets_covered: int
    units_covered: int
    date_min: date | None
    date_max: date | None
    dated: int
    undated: int
    reviewed: int  # 已核对 by a person


def overview(engine: Engine, f: Filters) -> Overview:
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        # One scan: the figures per set of streets, added up here (a few hundred groups at most).
        groups = conn.execute(select(
            Article.street_bits, func.count(Article.id), func.sum(Article.participants_low),
            func.max(case((Article.participants_approx, 1), else_=0)), func.sum(Article.participants_vague),
            func.min(Article.activity_date), func.max(Article.activity_date), func.count(Article.activity_date),
            func.sum(case((Article.reviewed.is_(True), 1), else_=0)),
        ).where(where).group_by(Article.street_bits)).all()
        units = conn.scalar(_unit_query(f, where, func.count(distinct(Place.name))))
    covered = 0
    for g in groups:
        covered |= g[0] or 0
    dates_min = [g[5] for g in groups if g[5] is not None]
    dates_max = [g[6] for g in groups if g[6] is not None]
    articles, dated = sum(g[1] for g in groups), sum(g[7] for g in groups)
    return Overview(articles, float(sum(g[2] or 0 for g in groups)), any(g[3] for g in groups),
                    int(sum(g[4] or 0 for g in groups)), count_bits(covered), units or 0,
                    min(dates_min, default=None), max(dates_max, default=None), dated, articles - dated,
                    int(sum(g[8] or 0 for g in groups)))


def _unit_query(f: Filters, where, *columns):
    """Places of communities and villages of ours, in the articles the filters keep."""
    return select(*columns).where(Place.status == "ours", Place.level.in_(UNIT_LEVELS),
                                  Place.article_id.in_(select(Article.id).where(where)))


def label_counts(engine: Engine, f: Filters, kind: str) -> pd.DataFrame:
    """Articles and people (sum of lower bounds) per theme or service type."""
    column = BIT_COLUMNS[kind]
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(column, func.count(), func.sum(Article.participants_low))
                            .where(where).group_by(column)).all()
    totals = totals_by_key(rows, dims[kind])
    frame = pd.DataFrame([(k, int(v[0]), float(v[1])) for k, v in totals.items()],
                         columns=["key", "articles", "participants"])
    return frame.sort_values(["articles", "key"], ascending=[False, True], ignore_index=True)


def _street_counts(conn, where, dims) -> dict[str, int]:
    rows = conn.execute(select(Article.street_bits, func.count()).where(where).group_by(Article.street_bits)).all()
    return {k: int(v[0]) for k, v in totals_by_key(rows, dims["street"]).items()}


def _unit_counts(conn, f: Filters, where) -> dict[str, int]:
    rows = conn.execute(_unit_query(f, where, Place.name, func.count(distinct(Place.article_id)))
                        .group_by(Place.name)).all()
    return dict(rows)


def coverage(engine: Engine, f: Filters, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Every street and every community/village of the official list (the district's own by
    default), with its article count (zero included: the gaps are the point)."""
    gazetteer = gazetteer or load_knowledge().gazetteer
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        streets, units = _street_counts(conn, where, dims), _unit_counts(conn, f, where)
    rows = [{"level": "street", "name": s.name, "street": s.name, "code": s.code,
             "articles": streets.get(s.name, 0)} for s in gazetteer.streets]
    rows += [{"level": u.level, "name": u.name, "street": u.street, "code": u.code,
              "articles": units.get(u.name, 0)} for u in gazetteer.units]
    return pd.DataFrame(rows)


def theme_street_matrix(engine: Engine, f: Filters) -> pd.DataFrame:
    """Articles per (theme, street): grouped by the two bit sets in SQL, the few distinct
    combinations expanded here."""
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(Article.theme_bits, Article.street_bits, func.count())
                            .where(where)
                            .group_by(Article.theme_bits, Article.street_bits)).all()
    cells: dict[tuple[str, str], int] = {}
    for theme_set, street_set, n in rows:
        for theme in keys_in(theme_set, dims["theme"]):
            for street in keys_in(street_set, dims["street"]):
                cells[(theme, street)] = cells.get((theme, street), 0) + n
    return pd.DataFrame([(t, s, n) for (t, s), n in cells.items()], columns=["theme", "street", "articles"])


def _bucket(engine: Engine, period: str):
    if engine.dialect.name == "postgresql":
        fmt = "YYYY-MM" if period == "month" else 'IYYY-"W"IW'
        return func.to_char(Article.activity_date, fmt)
    return func.strftime("%Y-%m" if period == "month" else "%Y-W%W", Article.activity_date)


def timeline(engine: Engine, f: Filters, period: str = "month", by: str = "theme") -> pd.DataFrame:
    """Articles per period and main theme (or street), split by how sure the date is."""
    bucket = _bucket(engine, period).label("period")
    group = Article.primary_theme if by == "theme" else Article.street_bits
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(bucket, group, Article.date_precision, func.count())
                            .where(where, Article.activity_date.is_not(None))
                            .group_by(bucket, group, Article.date_precision).order_by(bucket)).all()
    if by == "theme":
        out = [(p, g, prec, n) for p, g, prec, n in rows if g]
    else:
        out = [(p, street, prec, n) for p, bitset, prec, n in rows for street in keys_in(bitset, dims["street"])]
    return pd.DataFrame(out, columns=["period", "group", "precision", "articles"])


def articles_table(engine: Engine, f: Filters, limit: int = 2000, by: str = "date") -> pd.DataFrame:
    """The filtered articles, latest first (by="date"), or most participants first (by="people")."""
    order = [Article.activity_date.desc().nulls_last(), Bulletin.name, Article.seq]
    if by == "people":
        order.insert(0, Article.participants_low.desc())
    q = (select(Article.id, Bulletin.name.label("bulletin"), Article.seq, Article.title,
                Article.activity_date, Article.date_precision, Article.event_date, Article.district_wide,
                Article.place_precision, Article.participants_low, Article.participants_approx,
                Article.participants_vague, Article.reporters, Article.first_sentence, Article.confidence,
                Article.confidence_reasons, Article.reviewed)
         .join(Bulletin, Bulletin.id == Article.bulletin_id)
         .order_by(*order).limit(limit))
    with engine.connect() as conn:
        q = q.where(_where(conn, f)[0])
        rows = pd.DataFrame(conn.execute(q).mappings().all())
        if rows.empty:
            return rows
        ids = rows["id"].tolist()
        labels = conn.execute(select(Label.article_id, Label.kind, Label.key)
                              .where(Label.article_id.in_(ids)).order_by(Label.article_id, Label.rank)).all()
        places = conn.execute(select(Place.article_id, Place.name, Place.level, Place.status)
                              .where(Place.article_id.in_(ids), Place.status.in_(("ours", "unknown")))).all()
    by_article: dict[int, dict[str, list[str]]] = {i: {"theme": [], "service": [], "street": [], "unit": []}
                                                   for i in ids}
    for article_id, kind, key in labels:
        by_article[article_id][kind].append(key)
    for article_id, name, level, _status in places:
        slot = by_article[article_id]["street" if level == "street" else "unit"]
        if name not in slot:
            slot.append(name)
    for col, slot in (("themes", "theme"), ("services", "service"), ("streets", "street"), ("communities", "unit")):
        rows[col] = [by_article[i][slot] for i in ids]
    rows["reporters"] = rows["reporters"].map(json.loads)
    rows["confidence_reasons"] = rows["confidence_reasons"].map(lambda r: json.loads(r) if r else [])
    return rows


def article_detail(engine: Engine, article_id: int) -> dict | None:
    """One article with its text, evidence spans, counts and places."""
    with Session(engine) as session:
        article = session.get(Article, article_id)
        if article is None:
            return None
        return {
            "id": article.id, "key": article.article_key, "reviewed": bool(article.reviewed),
            "excluded": bool(article.excluded), "confidence": article.confidence,
            "confidence_reasons": json.loads(article.confidence_reasons or "[]"),
            "bulletin": article.bulletin.name, "issue_date": article.bulletin.issue_date,
            "dropped": json.loads(article.bulletin.dropped or "[]"),
            "seq": article.seq, "title": article.title, "text": article.full_text.text,
            "activity_date": article.activity_date, "date_precision": article.date_precision,
            "event_date": article.event_date, "reporters": json.loads(article.reporters),
            "flags": json.loads(article.flags),
            "evidence": [dict(field=e.field, value=e.value, start=e.start, end=e.end)
                         for e in sorted(article.evidence, key=lambda e: e.start)],
            "counts": [dict(participant=c.participant, value=c.value, low=c.low, high=c.high, approx=c.approx,
                            unit=c.unit, what=c.what, raw=c.raw) for c in article.counts],
            "places": [dict(name=p.name, level=p.level, status=p.status, street=p.street, surface=p.surface)
                       for p in article.places],
        }


def unknown_and_other_places(engine: Engine, f: Filters) -> pd.DataFrame:
    with engine.connect() as conn:
        ids = select(Article.id).where(_where(conn, f)[0])
        rows = conn.execute(select(Place.surface, Place.status, func.count(distinct(Place.article_id)))
                            .where(Place.article_id.in_(ids), Place.status.in_(("unknown", "other_district")))
                            .group_by(Place.surface, Place.status)).all()
    return pd.DataFrame(rows, columns=["name", "status", "articles"])


def review_queue(engine: Engine, f: Filters, reason: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Articles to check, most doubtful first: not yet reviewed before reviewed, then by
    confidence; with `reason`, only those whose confidence that reason lowered. Articles
    marked "not an article" stay in the queue (a reviewer may change their mind)."""
    with engine.connect() as conn:
        where, _ = _where(conn, f, excluded_too=True)
        q = (select(Article.id, Article.title, Article.first_sentence, Article.activity_date, Article.confidence,
                    Article.confidence_reasons, Article.reviewed, Article.excluded, Bulletin.name.label("bulletin"))
             .join(Bulletin, Bulletin.id == Article.bulletin_id).where(where)
             .order_by(Article.reviewed.is_(True), Article.confidence.asc().nulls_last(), Article.id))
        if reason:
            q = q.where(contains(Article.confidence_reasons, f'"{reason}"'))
        frame = pd.DataFrame(conn.execute(q.limit(limit)).mappings().all(),
                             columns=["id", "title", "first_sentence", "activity_date", "confidence",
                                      "confidence_reasons", "reviewed", "excluded", "bulletin"])
    frame["confidence_reasons"] = frame["confidence_reasons"].map(lambda r: json.loads(r) if r else [])
    return frame


def store_version(engine: Engine) -> tuple:
    """Changes whenever an ingest or a correction changes the store: the key the pages' caches
    hang on."""
    with engine.connect() as conn:
        return (*conn.execute(select(func.count(Bulletin.id), func.max(Bulletin.ingested_at))).one(),
                conn.scalar(select(func.max(CorrectionRow.id))))


def bulletins_of(engine: Engine, f: Filters) -> tuple[int, str | None, str | None]:
    """How many bulletins the filtered articles come from, and their first and last issue dates."""
    with engine.connect() as conn:
        ids = select(Article.bulletin_id).where(_where(conn, f)[0])
        n, first, last = conn.execute(select(func.count(Bulletin.id), func.min(Bulletin.issue_date),
                                             func.max(Bulletin.issue_date)).where(Bulletin.id.in_(ids))).one()
    return int(n or 0), first, last
