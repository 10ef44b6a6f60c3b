"""Every figure the dashboard shows, as SQL aggregates over the store (SQLite or PostgreSQL).

Plain functions of (engine, filters) returning pandas frames or dicts; the pages
cache and lay them out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Column, Date, Integer, MetaData, Table, and_, case, cast, distinct, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from etl.gazetteer import Gazetteer
from etl.knowledge import load_knowledge
from etl.store import (Article, ArticleText, Bulletin, CorrectionRow, Event, Label, Place, bits_of, count_bits,
                       keys_in, read_bits, totals_by_key)
from etl.store.events import other_reports

from .counting import REPORTS, Counted
from .filters import Filters
from .periods import PERIODS
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


@dataclass(frozen=True)
class Scope:
    """What the filters look at: the streets, and the communities and villages, whose figures a
    page shows (None: all of the district's). A filter on a dimension restricts that dimension
    in every figure, as dashboards do: with 开源街道 chosen, an article of 开源街道 that also
    names 新华街道 counts for 开源街道 only."""
    streets: tuple[str, ...] | None
    units: tuple[str, ...] | None


def scope_of(f: Filters, gazetteer: Gazetteer | None = None) -> Scope:
    if not (f.streets or f.communities):
        return Scope(None, None)
    gazetteer = gazetteer or load_knowledge().gazetteer
    streets = f.streets or tuple(dict.fromkeys(u.street for u in gazetteer.units if u.name in f.communities))
    units = tuple(u.name for u in gazetteer.units
                  if (not f.streets or u.street in f.streets) and (not f.communities or u.name in f.communities))
    return Scope(tuple(streets), units)


def chosen_mask(f: Filters, kind: str, dims: dict[str, dict[str, int]]) -> int | None:
    """The bits of the keys this filter chose for one dimension (None when it chose none)."""
    keys = {"street": f.streets, "theme": f.themes, "service": f.services}[kind]
    return bits_of(keys, dims.get(kind, {})) if keys else None


def _restricted(bitset: int | None, mask: int | None) -> int:
    return (bitset or 0) if mask is None else (bitset or 0) & mask


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
    streets_total: int = 0  # in the filters' scope
    units_total: int = 0

    @property
    def merged(self) -> int:
        """Reports that repeat an activity another report of the view gives."""
        return self.reports - self.events


def overview(engine: Engine, f: Filters, gazetteer: Gazetteer | None = None) -> Overview:
    gazetteer = gazetteer or load_knowledge().gazetteer
    scope = scope_of(f, gazetteer)
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
        units = conn.scalar(_unit_query(f, counted, where, func.count(distinct(Place.name))))
        # Counting reports, the events they report (reports of one event may sit in several groups).
        events = None if counted.is_events else conn.scalar(select(func.count(distinct(t.event_id))).where(where))
    covered = 0
    for g in groups:
        covered |= g[0] or 0
    covered = _restricted(covered, bits_of(scope.streets, dims["street"]) if scope.streets is not None else None)
    dates_min = [g[5] for g in groups if g[5] is not None]
    dates_max = [g[6] for g in groups if g[6] is not None]
    articles, dated = sum(g[1] for g in groups), sum(g[7] for g in groups)
    reports = int(sum(g[9] or 0 for g in groups))
    return Overview(articles, float(sum(g[2] or 0 for g in groups)), any(g[3] for g in groups),
                    int(sum(g[4] or 0 for g in groups)), count_bits(covered), units or 0,
                    min(dates_min, default=None), max(dates_max, default=None), dated, articles - dated,
                    int(sum(g[8] or 0 for g in groups)), reports, articles if events is None else int(events),
                    counted.name,
                    len(scope.streets) if scope.streets is not None else len(gazetteer.streets),
                    len(scope.units) if scope.units is not None else len(gazetteer.units))


def _unit_query(f: Filters, counted: Counted, where, *columns):
    """Places of communities and villages of ours in the articles of the rows the filters keep,
    within the filters' scope (the chosen streets' communities and villages, or the chosen ones)."""
    q = select(*columns).where(Place.status == "ours", Place.level.in_(UNIT_LEVELS),
                               Place.article_id.in_(counted.articles(where)))
    if f.streets:
        q = q.where(Place.street.in_(f.streets))
    if f.communities:
        q = q.where(Place.name.in_(f.communities))
    return q


def label_counts(engine: Engine, f: Filters, kind: str) -> pd.DataFrame:
    """Events (or articles) and people (sum of lower bounds) per theme or service type. One
    counts once for each of its labels (so the bars add up to more than the total); with labels
    of this kind chosen in the filters, only those are counted."""
    t = f.counted.c
    column = t[f"{kind}_bits"]
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(column, func.count(), func.sum(t.participants_low))
                            .where(where).group_by(column)).all()
    mask = chosen_mask(f, kind, dims)
    totals = totals_by_key([(_restricted(bits, mask), *rest) for bits, *rest in rows], dims[kind])
    frame = pd.DataFrame([(k, int(v[0]), float(v[1])) for k, v in totals.items()],
                         columns=["key", "articles", "participants"])
    return frame.sort_values(["articles", "key"], ascending=[False, True], ignore_index=True)


def _street_counts(conn, counted: Counted, where, dims, mask) -> dict[str, int]:
    t = counted.c
    rows = conn.execute(select(t.street_bits, func.count()).where(where).group_by(t.street_bits)).all()
    rows = [(_restricted(bits, mask), n) for bits, n in rows]
    return {k: int(v[0]) for k, v in totals_by_key(rows, dims["street"]).items()}


def _unit_counts(conn, f: Filters, counted: Counted, where) -> dict[str, int]:
    owner, places = counted.owner_of_place()
    rows = conn.execute(_unit_query(f, counted, where, Place.name, func.count(distinct(owner)))
                        .select_from(places).group_by(Place.name)).all()
    return dict(rows)


def coverage(engine: Engine, f: Filters, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Every street and every community/village of the official list (the district's own by
    default), with its count of events or articles (zero included: the gaps are the point) and
    whether it is in the filters' scope (`in_scope`); units and streets out of scope count nothing."""
    gazetteer = gazetteer or load_knowledge().gazetteer
    scope = scope_of(f, gazetteer)
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        mask = bits_of(scope.streets, dims["street"]) if scope.streets is not None else None
        streets = _street_counts(conn, f.counted, where, dims, mask)
        units = _unit_counts(conn, f, f.counted, where)
    in_streets = set(scope.streets) if scope.streets is not None else None
    in_units = set(scope.units) if scope.units is not None else None
    rows = [{"level": "street", "name": s.name, "street": s.name, "code": s.code,
             "articles": streets.get(s.name, 0), "in_scope": in_streets is None or s.name in in_streets}
            for s in gazetteer.streets]
    rows += [{"level": u.level, "name": u.name, "street": u.street, "code": u.code,
              "articles": units.get(u.name, 0), "in_scope": in_units is None or u.name in in_units}
             for u in gazetteer.units]
    return pd.DataFrame(rows)


def theme_street_matrix(engine: Engine, f: Filters) -> pd.DataFrame:
    """Events (or articles) per (theme, street): grouped by the two bit sets in SQL, the few
    distinct combinations expanded here (only the chosen themes and streets when the filters
    chose some)."""
    t = f.counted.c
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(t.theme_bits, t.street_bits, func.count())
                            .where(where)
                            .group_by(t.theme_bits, t.street_bits)).all()
    theme_mask, street_mask = chosen_mask(f, "theme", dims), chosen_mask(f, "street", dims)
    cells: dict[tuple[str, str], int] = {}
    for theme_set, street_set, n in rows:
        for theme in keys_in(_restricted(theme_set, theme_mask), dims["theme"]):
            for street in keys_in(_restricted(street_set, street_mask), dims["street"]):
                cells[(theme, street)] = cells.get((theme, street), 0) + n
    return pd.DataFrame([(t, s, n) for (t, s), n in cells.items()], columns=["theme", "street", "articles"])


def _period_start(engine: Engine, period: str, column):
    """The first day of each date's month or ISO week (Monday), in SQL."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    if engine.dialect.name == "postgresql":
        return cast(func.date_trunc(period, column), Date)
    if period == "month":
        return func.date(column, "start of month")
    # Six days back, then forward to a Monday: the Monday on or before the date.
    return func.date(column, "-6 days", "weekday 1")


def _as_date(value) -> date:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])


GROUPINGS = ("none", "theme", "street")


def timeline(engine: Engine, f: Filters, period: str = "month", by: str = "none") -> pd.DataFrame:
    """Dated events (or articles) per period (its first day), split by how sure the date is, and
    grouped: `none` counts each once; `theme` and `street` count one once for each of its themes
    or streets (chosen ones only, when the filters chose some), as the other pages do; one with
    none falls in the group "". Periods with nothing are not rows: the figure makes the
    continuous list of periods (analytics.periods)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    t = f.counted.c
    start = _period_start(engine, period, t.activity_date).label("period")
    groups = [start, t.date_precision] + ([] if by == "none" else [t[f"{by}_bits"]])
    with engine.connect() as conn:
        where, dims = _where(conn, f)
        rows = conn.execute(select(*groups, func.count())
                            .where(where, t.activity_date.is_not(None)).group_by(*groups)).all()
    counts: dict[tuple[date, str, str], int] = {}
    mask = chosen_mask(f, by, dims) if by != "none" else None
    for first_day, precision, *bits, n in rows:
        keys = [""] if by == "none" else keys_in(_restricted(bits[0], mask), dims[by]) or [""]
        for key in keys:
            k = (_as_date(first_day), key, precision)
            counts[k] = counts.get(k, 0) + n
    frame = pd.DataFrame([(p, g, prec, n) for (p, g, prec), n in counts.items()],
                         columns=["period", "group", "precision", "articles"])
    return frame.sort_values(["period", "group", "precision"], ignore_index=True)


def articles_table(engine: Engine, f: Filters, limit: int = 2000, by: str = "date") -> pd.DataFrame:
    """The articles the filters keep, latest first (by="date") or most participants first
    (by="people"). Counting events: one article per event (the first stored of its reports);
    `reports` is the number of reports of each one's event."""
    order = [Article.activity_date.desc().nulls_last(), Bulletin.name, Article.seq]
    if by == "people":
        order.insert(0, Article.participants_low.desc())
    q = (select(Article.id, Bulletin.name.label("bulletin"), Bulletin.issue_date, Bulletin.issue_precision,
                Article.seq, Article.title,
                Article.activity_date, Article.date_precision, Article.event_date, Article.district_wide,
                Article.place_precision, Article.participants_low, Article.participants_approx,
                Article.participants_vague, Article.reporters, Article.first_sentence, Article.flags,
                Article.confidence, Article.confidence_reasons, Article.reviewed, Article.event_id,
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
            "issue_precision": article.bulletin.issue_precision, "first_sentence": article.first_sentence,
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


def has_articles(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(Article.id).limit(1)) is not None


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
