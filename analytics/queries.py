"""Every figure the dashboard shows, as SQL aggregates over the store (SQLite or PostgreSQL).

Plain functions of (engine, filters) returning pandas frames or dicts; the pages
cache and lay them out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, and_, case, distinct, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from etl.gazetteer import Gazetteer
from etl.knowledge import load_knowledge
from etl.store import (Article, ArticleText, Bulletin, CorrectionRow, Event, Label, Place, count_bits, keys_in,
                       read_bits, totals_by_key)
from etl.store.events import other_reports

from .counting import REPORTS, Counted
from .filters import Filters
from .sql import contains

UNIT_LEVELS = ("community", "village")


def _where(conn, f: Filters, excluded_too: bool = False, counted: Counted | None = None):
    """(WHERE clause, dimensions) for one connection, over the events or the articles the
    filters count (`counted` overrides). A keyword is looked for once per figure: the
    matching ids go to a temporary table of this connection, which every statement of the
    figure then reads, instead of scanning all texts again. What reviewers marked "not an
    article" leaves every figure (an event leaves when none of its reports is an article)."""
    counted = counted or f.counted
    dims = read_bits(conn)
    hits = None
    if f.q:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS keyword_hits (article_id INTEGER PRIMARY KEY)")
        conn.execute(keyword_hits.delete())
        conn.execute(keyword_hits.insert().from_select(
            ["article_id"], select(ArticleText.article_id).where(contains(ArticleText.text, f.q))))
        hits = select(keyword_hits.c.article_id)
    where = f.condition(dims, hits, counted)
    return (where if excluded_too else and_(where, counted.c.excluded.isnot(True))), dims


keyword_hits = Table("keyword_hits", MetaData(), Column("article_id", Integer, primary_key=True),
                     prefixes=["TEMPORARY"])


@dataclass
class Overview:
    articles: int  # what the figures count: events, or reports (Filters.count)
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
    reports: int = 0  # the reports of what is counted
    events: int = 0  # the events they report: reports - events were merged as repeats
    counting: str = "events"

    @property
    def merged(self) -> int:
        """Reports that repeat an activity another report of the view gives."""
        return self.reports - self.events


def overview(engine: Engine, f: Filters) -> Overview:
    counted = f.counted
    t = counted.c
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        # One scan: the figures per set of streets, added up here (a few hundred groups at most).
        repeats = func.sum(t.reports) if counted.is_events else func.count(t.id)
        groups = conn.execute(select(
            t.street_bits, func.count(t.id), func.sum(t.participants_low),
            func.max(case((t.participants_approx, 1), else_=0)), func.sum(t.participants_vague),
            func.min(t.activity_date), func.max(t.activity_date), func.count(t.activity_date),
            func.sum(case((t.reviewed.is_(True), 1), else_=0)), repeats,
        ).where(where).group_by(t.street_bits)).all()
        units = conn.scalar(_unit_query(counted, where, func.count(distinct(Place.name))))
        # Counting reports, the events they report (reports of one event may sit in several groups).
        events = None if counted.is_events else conn.scalar(select(func.count(distinct(t.event_id))).where(where))
    covered = 0
    for g in groups:
        covered |= g[0] or 0
    dates_min = [g[5] for g in groups if g[5] is not None]
    dates_max = [g[6] for g in groups if g[6] is not None]
    articles, dated = sum(g[1] for g in groups), sum(g[7] for g in groups)
    reports = int(sum(g[9] or 0 for g in groups))
    return Overview(articles, float(sum(g[2] or 0 for g in groups)), any(g[3] for g in groups),
                    int(sum(g[4] or 0 for g in groups)), count_bits(covered), units or 0,
                    min(dates_min, default=None), max(dates_max, default=None), dated, articles - dated,
                    int(sum(g[8] or 0 for g in groups)), reports, articles if events is None else int(events),
                    counted.name)


def _unit_query(counted: Counted, where, *columns):
    """Places of communities and villages of ours, in the articles of the rows the filters keep."""
    return select(*columns).where(Place.status == "ours", Place.level.in_(UNIT_LEVELS),
                                  Place.article_id.in_(counted.articles(where)))


def label_counts(engine: Engine, f: Filters, kind: str) -> pd.DataFrame:
    """Events (or articles) and people (sum of lower bounds) per theme or service type."""
    t = f.counted.c
    column = t[f"{kind}_bits"]
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(column, func.count(), func.sum(t.participants_low))
                            .where(where).group_by(column)).all()
    totals = totals_by_key(rows, dims[kind])
    frame = pd.DataFrame([(k, int(v[0]), float(v[1])) for k, v in totals.items()],
                         columns=["key", "articles", "participants"])
    return frame.sort_values(["articles", "key"], ascending=[False, True], ignore_index=True)


def _street_counts(conn, counted: Counted, where, dims) -> dict[str, int]:
    t = counted.c
    rows = conn.execute(select(t.street_bits, func.count()).where(where).group_by(t.street_bits)).all()
    return {k: int(v[0]) for k, v in totals_by_key(rows, dims["street"]).items()}


def _unit_counts(conn, counted: Counted, where) -> dict[str, int]:
    owner, places = counted.owner_of_place()
    rows = conn.execute(_unit_query(counted, where, Place.name, func.count(distinct(owner)))
                        .select_from(places).group_by(Place.name)).all()
    return dict(rows)


def coverage(engine: Engine, f: Filters, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Every street and every community/village of the official list (the district's own by
    default), with its count of events or articles (zero included: the gaps are the point)."""
    gazetteer = gazetteer or load_knowledge().gazetteer
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        streets, units = _street_counts(conn, f.counted, where, dims), _unit_counts(conn, f.counted, where)
    rows = [{"level": "street", "name": s.name, "street": s.name, "code": s.code,
             "articles": streets.get(s.name, 0)} for s in gazetteer.streets]
    rows += [{"level": u.level, "name": u.name, "street": u.street, "code": u.code,
              "articles": units.get(u.name, 0)} for u in gazetteer.units]
    return pd.DataFrame(rows)


def theme_street_matrix(engine: Engine, f: Filters) -> pd.DataFrame:
    """Events (or articles) per (theme, street): grouped by the two bit sets in SQL, the few
    distinct combinations expanded here."""
    t = f.counted.c
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(t.theme_bits, t.street_bits, func.count())
                            .where(where)
                            .group_by(t.theme_bits, t.street_bits)).all()
    cells: dict[tuple[str, str], int] = {}
    for theme_set, street_set, n in rows:
        for theme in keys_in(theme_set, dims["theme"]):
            for street in keys_in(street_set, dims["street"]):
                cells[(theme, street)] = cells.get((theme, street), 0) + n
    return pd.DataFrame([(t, s, n) for (t, s), n in cells.items()], columns=["theme", "street", "articles"])


def _bucket(engine: Engine, period: str, column=Article.activity_date):
    if engine.dialect.name == "postgresql":
        fmt = "YYYY-MM" if period == "month" else 'IYYY-"W"IW'
        return func.to_char(column, fmt)
    return func.strftime("%Y-%m" if period == "month" else "%Y-W%W", column)


def timeline(engine: Engine, f: Filters, period: str = "month", by: str = "theme") -> pd.DataFrame:
    """Events (or articles) per period and main theme (or street), split by how sure the date is."""
    t = f.counted.c
    bucket = _bucket(engine, period, t.activity_date).label("period")
    group = t.primary_theme if by == "theme" else t.street_bits
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(bucket, group, t.date_precision, func.count())
                            .where(where, t.activity_date.is_not(None))
                            .group_by(bucket, group, t.date_precision).order_by(bucket)).all()
    if by == "theme":
        out = [(p, g, prec, n) for p, g, prec, n in rows if g]
    else:
        out = [(p, street, prec, n) for p, bitset, prec, n in rows for street in keys_in(bitset, dims["street"])]
    return pd.DataFrame(out, columns=["period", "group", "precision", "articles"])


def articles_table(engine: Engine, f: Filters, limit: int = 2000, by: str = "date") -> pd.DataFrame:
    """The articles the filters keep, latest first (by="date") or most participants first
    (by="people"). Counting events: one article per event (the first stored of its reports);
    `reports` is the number of reports of each one's event."""
    order = [Article.activity_date.desc().nulls_last(), Bulletin.name, Article.seq]
    if by == "people":
        order.insert(0, Article.participants_low.desc())
    q = (select(Article.id, Bulletin.name.label("bulletin"), Article.seq, Article.title,
                Article.activity_date, Article.date_precision, Article.event_date, Article.district_wide,
                Article.place_precision, Article.participants_low, Article.participants_approx,
                Article.participants_vague, Article.reporters, Article.first_sentence, Article.confidence,
                Article.confidence_reasons, Article.reviewed, Article.event_id,
                func.coalesce(Event.reports, 1).label("reports"))
         .join(Bulletin, Bulletin.id == Article.bulletin_id)
         .outerjoin(Event, Event.id == Article.event_id)
         .order_by(*order).limit(limit))
    with engine.connect() as conn:
        where = _where(conn, f)[0]
        if f.counted.is_events:
            q = q.where(Article.id.in_(select(func.min(Article.id)).where(
                Article.event_id.in_(select(Event.id).where(where))).group_by(Article.event_id)))
        else:
            q = q.where(where)
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
            "event_id": article.event_id, "event_key": article.event_key,
            "same_event": other_reports(session.connection(), article.id),
        }


def unknown_and_other_places(engine: Engine, f: Filters) -> pd.DataFrame:
    owner, places = f.counted.owner_of_place()
    with engine.connect() as conn:
        ids = f.counted.articles(_where(conn, f)[0])
        rows = conn.execute(select(Place.surface, Place.status, func.count(distinct(owner))).select_from(places)
                            .where(Place.article_id.in_(ids), Place.status.in_(("unknown", "other_district")))
                            .group_by(Place.surface, Place.status)).all()
    return pd.DataFrame(rows, columns=["name", "status", "articles"])


def review_queue(engine: Engine, f: Filters, reason: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Articles to check, most doubtful first: not yet reviewed before reviewed, then by
    confidence; with `reason`, only those whose confidence that reason lowered. Articles
    marked "not an article" stay in the queue (a reviewer may change their mind)."""
    with engine.connect() as conn:
        where, _ = _where(conn, f, excluded_too=True, counted=REPORTS)  # reviewers check reports
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
        articles = f.counted.articles(_where(conn, f)[0])
        ids = select(Article.bulletin_id).where(Article.id.in_(articles))
        n, first, last = conn.execute(select(func.count(Bulletin.id), func.min(Bulletin.issue_date),
                                             func.max(Bulletin.issue_date)).where(Bulletin.id.in_(ids))).one()
    return int(n or 0), first, last


def merge_candidates(engine: Engine, article_id: int, days: int = 14, limit: int = 50) -> pd.DataFrame:
    """Reports a reviewer might merge with this one: other events' reports within `days` of it
    that share a street with it (or, naming none, none either), nearest in time first."""
    with engine.connect() as conn:
        me = conn.execute(select(Article.activity_date, Article.street_bits, Article.event_id)
                          .where(Article.id == article_id)).first()
        if me is None:
            return pd.DataFrame(columns=["id", "title", "bulletin", "activity_date"])
        q = (select(Article.id, Article.title, Article.first_sentence, Bulletin.name.label("bulletin"),
                    Article.activity_date)
             .join(Bulletin, Bulletin.id == Article.bulletin_id)
             .where(Article.id != article_id, Article.excluded.isnot(True),
                    or_(Article.event_id.is_(None), Article.event_id != me.event_id)))
        q = q.where(Article.street_bits.op("&")(me.street_bits) != 0) if me.street_bits else \
            q.where(Article.street_bits == 0)
        if me.activity_date is not None:
            q = q.where(Article.activity_date.between(me.activity_date - timedelta(days=days),
                                                      me.activity_date + timedelta(days=days)))
        rows = pd.DataFrame(conn.execute(q.order_by(Article.activity_date, Article.id).limit(500)).mappings().all(),
                            columns=["id", "title", "first_sentence", "bulletin", "activity_date"])
    if me.activity_date is not None and not rows.empty:
        rows = rows.assign(_gap=[abs((d - me.activity_date).days) if d else days for d in rows["activity_date"]])
        rows = rows.sort_values(["_gap", "id"]).drop(columns="_gap")
    return rows.head(limit).reset_index(drop=True)
