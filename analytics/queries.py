"""Every figure the dashboard shows, as SQL aggregates over the store (SQLite or PostgreSQL).

Plain functions of (engine, filters) returning pandas frames or dicts; the pages
cache and lay them out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from etl.gazetteer import Gazetteer
from etl.store import Article, Bulletin, Label, Place

from .filters import Filters

OUR_PLACE = Place.status.in_(("ours", "implied"))
UNIT_LEVELS = ("community", "village")


def article_filter(f: Filters):
    """WHERE clause selecting the articles a filter set keeps."""
    conditions = []
    if f.date_from or f.date_to:
        dated = []
        if f.date_from:
            dated.append(Article.activity_date >= f.date_from)
        if f.date_to:
            dated.append(Article.activity_date <= f.date_to)
        in_range = and_(*dated)
        conditions.append(or_(in_range, Article.activity_date.is_(None)) if f.include_undated else in_range)
    elif not f.include_undated:
        conditions.append(Article.activity_date.is_not(None))
    if f.streets:
        conditions.append(exists().where(Place.article_id == Article.id, OUR_PLACE, Place.street.in_(f.streets)))
    if f.communities:
        conditions.append(exists().where(Place.article_id == Article.id, OUR_PLACE, Place.name.in_(f.communities)))
    for kind, keys in (("theme", f.themes), ("service", f.services)):
        if keys:
            conditions.append(exists().where(Label.article_id == Article.id, Label.kind == kind, Label.key.in_(keys)))
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Article.title.like(pattern, escape="\\"), Article.text.like(pattern, escape="\\")))
    return and_(literal(True), *conditions)


def filtered_ids(f: Filters):
    return select(Article.id).where(article_filter(f))


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


def overview(engine: Engine, f: Filters) -> Overview:
    ids = filtered_ids(f)
    with engine.connect() as conn:
        a = conn.execute(select(
            func.count(Article.id), func.coalesce(func.sum(Article.participants_low), 0),
            func.coalesce(func.max(case((Article.participants_approx, 1), else_=0)), 0),
            func.coalesce(func.sum(Article.participants_vague), 0),
            func.min(Article.activity_date), func.max(Article.activity_date),
            func.count(Article.activity_date),
        ).where(Article.id.in_(ids))).one()
        streets = conn.scalar(select(func.count(distinct(Place.street)))
                              .where(Place.article_id.in_(ids), OUR_PLACE, Place.street.is_not(None)))
        units = conn.scalar(select(func.count(distinct(Place.name)))
                            .where(Place.article_id.in_(ids), Place.status == "ours", Place.level.in_(UNIT_LEVELS)))
    return Overview(a[0], float(a[1]), bool(a[2]), int(a[3]), streets or 0, units or 0,
                    a[4], a[5], a[6], a[0] - a[6])


def label_counts(engine: Engine, f: Filters, kind: str) -> pd.DataFrame:
    """Articles and people per theme or service type."""
    q = (select(Label.key, func.count(distinct(Label.article_id)).label("articles"),
                func.coalesce(func.sum(Article.participants_low), 0).label("participants"))
         .join(Article, Article.id == Label.article_id)
         .where(Label.kind == kind, Label.article_id.in_(filtered_ids(f)))
         .group_by(Label.key).order_by(func.count(distinct(Label.article_id)).desc()))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["key", "articles", "participants"])


def street_counts(engine: Engine, f: Filters) -> pd.DataFrame:
    q = (select(Place.street, func.count(distinct(Place.article_id)).label("articles"))
         .where(Place.article_id.in_(filtered_ids(f)), OUR_PLACE, Place.street.is_not(None))
         .group_by(Place.street))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["street", "articles"])


def unit_counts(engine: Engine, f: Filters) -> pd.DataFrame:
    q = (select(Place.name, func.count(distinct(Place.article_id)).label("articles"))
         .where(Place.article_id.in_(filtered_ids(f)), Place.status == "ours", Place.level.in_(UNIT_LEVELS))
         .group_by(Place.name))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["name", "articles"])


def coverage(engine: Engine, f: Filters, gazetteer: Gazetteer) -> pd.DataFrame:
    """Every street and every community/village of the official list, with its article count
    (zero included: the gaps are the point)."""
    streets = dict(street_counts(engine, f).itertuples(index=False))
    units = dict(unit_counts(engine, f).itertuples(index=False))
    rows = [{"level": "street", "name": s.name, "street": s.name, "code": s.code,
             "articles": int(streets.get(s.name, 0))} for s in gazetteer.streets]
    rows += [{"level": u.level, "name": u.name, "street": u.street, "code": u.code,
              "articles": int(units.get(u.name, 0))} for u in gazetteer.units]
    return pd.DataFrame(rows)


def theme_street_matrix(engine: Engine, f: Filters) -> pd.DataFrame:
    q = (select(Label.key, Place.street, func.count(distinct(Label.article_id)).label("articles"))
         .join(Place, Place.article_id == Label.article_id)
         .where(Label.kind == "theme", Label.article_id.in_(filtered_ids(f)), OUR_PLACE,
                Place.street.is_not(None))
         .group_by(Label.key, Place.street))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["theme", "street", "articles"])


def _bucket(engine: Engine, period: str):
    if engine.dialect.name == "postgresql":
        fmt = "YYYY-MM" if period == "month" else 'IYYY-"W"IW'
        return func.to_char(Article.activity_date, fmt)
    return func.strftime("%Y-%m" if period == "month" else "%Y-W%W", Article.activity_date)


def timeline(engine: Engine, f: Filters, period: str = "month", by: str = "theme") -> pd.DataFrame:
    """Articles per period and theme (or street), split by how sure the date is."""
    bucket = _bucket(engine, period).label("period")
    if by == "street":
        group = Place.street.label("group")
        q = select(bucket, group, Article.date_precision, func.count(distinct(Article.id))) \
            .join(Place, Place.article_id == Article.id).where(OUR_PLACE, Place.street.is_not(None))
    else:
        group = Label.key.label("group")
        q = select(bucket, group, Article.date_precision, func.count(distinct(Article.id))) \
            .join(Label, Label.article_id == Article.id).where(Label.kind == "theme", Label.rank == 0)
    q = q.where(Article.id.in_(filtered_ids(f)), Article.activity_date.is_not(None)) \
        .group_by(bucket, group, Article.date_precision).order_by(bucket)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["period", "group", "precision", "articles"])


def articles_table(engine: Engine, f: Filters, limit: int = 2000) -> pd.DataFrame:
    q = (select(Article.id, Bulletin.name.label("bulletin"), Article.seq, Article.title,
                Article.activity_date, Article.date_precision, Article.event_date, Article.district_wide,
                Article.place_precision, Article.participants_low, Article.participants_approx,
                Article.participants_vague, Article.reporters, Article.first_sentence)
         .join(Bulletin, Bulletin.id == Article.bulletin_id)
         .where(article_filter(f))
         .order_by(Article.activity_date.desc().nulls_last(), Bulletin.name, Article.seq).limit(limit))
    with engine.connect() as conn:
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
    return rows


def article_detail(engine: Engine, article_id: int) -> dict | None:
    """One article with its text, evidence spans, counts and places."""
    with Session(engine) as session:
        article = session.get(Article, article_id)
        if article is None:
            return None
        return {
            "id": article.id, "bulletin": article.bulletin.name, "issue_date": article.bulletin.issue_date,
            "seq": article.seq, "title": article.title, "text": article.text,
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
    q = (select(Place.surface, Place.status, func.count(distinct(Place.article_id)).label("articles"))
         .where(Place.article_id.in_(filtered_ids(f)), Place.status.in_(("unknown", "other_district")))
         .group_by(Place.surface, Place.status))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=["name", "status", "articles"])


def store_version(engine: Engine) -> tuple:
    """Changes whenever an ingest changes the store: the key the pages' caches hang on."""
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count(Bulletin.id), func.max(Bulletin.ingested_at))).one())
