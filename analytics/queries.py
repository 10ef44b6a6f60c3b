"""Every figure the dashboard shows, as SQL aggregates over the store (SQLite or PostgreSQL).

Plain functions of (engine, filters) returning pandas frames or dicts; the pages
cache and lay them out.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, and_, distinct, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from etl.gazetteer import Gazetteer
from etl.knowledge import load_knowledge
from etl.store import (Article, Bulletin, Event, Label, Place, bits_of, grams, keys_in, read_bits,
                       totals_by_key)
from etl.store.events import other_reports

from .counting import REPORTS, Counted
from .filters import Filters
from .periods import PERIODS, period_end
from .sql import contains
from . import hits
from .summary import Need, as_date, by_hits, cells, reading_rows

def _where(conn, f: Filters, excluded_too: bool = False, counted: Counted | None = None):
    """(WHERE clause, dimensions) for one connection, over the events or the articles the
    filters count (`counted` overrides). A keyword is looked for once per figure, through the
    keyword index (etl/store/grams.py): the matching ids go to a temporary table of this
    connection, which every statement of the figure then reads. What reviewers marked "not an
    article" leaves every figure (an event leaves when none of its reports is an article)."""
    where, dims = _condition(conn, f, excluded_too, counted)
    return where(f), dims


def _condition(conn, f: Filters, excluded_too: bool = False, counted: Counted | None = None):
    """(filters -> WHERE clause, dimensions): the clause for these filters or others that
    differ in their dates (a figure's date edges), sharing the keyword's hits."""
    counted = counted or f.counted
    dims = read_bits(conn)
    made: list = []

    def keyword_rows():  # made when a statement first needs them (a figure grouped in memory may not)
        if not made:
            conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS keyword_hits (article_id INTEGER PRIMARY KEY)")
            conn.execute(keyword_hits.delete())
            conn.execute(keyword_hits.insert().from_select(["article_id"], grams.matching(conn, f.q, contains)))
            made.append(select(keyword_hits.c.article_id))
        return made[0]

    def where(filters: Filters):
        clause = filters.condition(dims, keyword_rows() if f.q else None, counted)
        return clause if excluded_too else and_(clause, counted.c.excluded.isnot(True))
    return where, dims


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


def _keys_of(mask: int | None, keys: dict[str, int]):
    """bit set -> its keys (restricted to the mask), each set worked out once: a figure's
    thousands of cells hold a few dozen sets."""
    return functools.lru_cache(maxsize=None)(lambda bitset: keys_in(_restricted(bitset, mask), keys))


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
    with engine.connect() as conn:
        where, dims = _condition(conn, f)
        totals = cells(conn, f, dims, Need(group=("dated", "reviewed")), where)
        streets = cells(conn, f, dims, Need(explode="street"), where)
        units = cells(conn, f, dims, Need(explode="unit"), where)
        date_min, date_max = _date_bounds(conn, f, dims, where)
        articles = sum(c[2] for c in totals)
        # Counting reports, the events they report: a report whose event has no other report
        # that is an article is one event; the others are counted from their rows.
        events = articles if counted.is_events else articles - _repeats(conn, where(f))
    in_scope = set(scope.streets) if scope.streets is not None else None
    covered = {k for k in keys_of_bits({c[0] for c in streets if c[1] > 0}, dims["street"])
               if in_scope is None or k in in_scope}
    in_units = set(scope.units) if scope.units is not None else None
    units_covered = {c[0] for c in units if c[2] > 0 and (in_units is None or c[0] in in_units)}
    dated = sum(c[2] for c in totals if c[0])
    return Overview(articles, float(sum(c[3] for c in totals)), any(c[5] for c in totals),
                    int(sum(c[4] for c in totals)), len(covered), len(units_covered), date_min, date_max,
                    dated, articles - dated, int(sum(c[2] for c in totals if c[1])),
                    int(sum(c[6] for c in totals)), events, counted.name,
                    len(scope.streets) if scope.streets is not None else len(gazetteer.streets),
                    len(scope.units) if scope.units is not None else len(gazetteer.units))


def keys_of_bits(bits, keys: dict[str, int]) -> set[str]:
    """The keys of these bits (a street cell's bit; NO_STREET has none)."""
    return {key for key, bit in keys.items() if bit in bits}


def _date_bounds(conn, f: Filters, dims, where) -> tuple[date | None, date | None]:
    """The first and last dates of what the filters keep: the first and last months with any,
    from the summaries, then the day within each from the rows."""
    if by_hits(f):
        return hits.date_bounds(hits.frame(conn, f), f, dims)
    t = f.counted.c
    months = sorted(c[0] for c in cells(conn, f, dims, Need(period="month"), where) if c[1] > 0)
    if not months:
        return None, None
    bounds = []
    for month, pick in ((months[0], func.min), (months[-1], func.max)):
        last = period_end(month, "month")
        edge = f.with_(date_from=max(month, f.date_from or month), date_to=min(last, f.date_to or last),
                       include_undated=False)
        bounds.append(conn.scalar(select(pick(t.activity_date)).where(where(edge))))
    return tuple(as_date(b) if b is not None else None for b in bounds)


def _repeats(conn, where) -> int:
    """Reports the condition keeps, less the events they report, among reports of events
    with more than one report that is an article (the others are one event each)."""
    kept, distinct_events = conn.execute(
        select(func.count(Article.id), func.count(distinct(Article.event_id)))
        .where(where, Article.event_id.in_(select(Event.id).where(Event.reports > 1)))).one()
    return int(kept or 0) - int(distinct_events or 0)


def label_counts(engine: Engine, f: Filters, kind: str) -> pd.DataFrame:
    """Events (or articles) and people (sum of lower bounds) per theme or service type. One
    counts once for each of its labels (so the bars add up to more than the total); with labels
    of this kind chosen in the filters, only those are counted."""
    with engine.connect() as conn:
        where, dims = _condition(conn, f)
        rows = cells(conn, f, dims, Need(group=(f"{kind}_bits",)), where)
    mask = chosen_mask(f, kind, dims)
    totals = totals_by_key([(_restricted(bits, mask), n, people) for bits, n, people, *_ in rows], dims[kind])
    frame = pd.DataFrame([(k, int(v[0]), float(v[1])) for k, v in totals.items()],
                         columns=["key", "articles", "participants"])
    return frame.sort_values(["articles", "key"], ascending=[False, True], ignore_index=True)


def coverage(engine: Engine, f: Filters, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Every street and every community/village of the official list (the district's own by
    default), with its count of events or articles (zero included: the gaps are the point) and
    whether it is in the filters' scope (`in_scope`); units and streets out of scope count nothing."""
    gazetteer = gazetteer or load_knowledge().gazetteer
    scope = scope_of(f, gazetteer)
    with engine.connect() as conn:
        where, dims = _condition(conn, f)
        by_bit: dict[int, int] = {}
        for bit, n, *_ in cells(conn, f, dims, Need(explode="street"), where):
            by_bit[bit] = by_bit.get(bit, 0) + n
        units: dict[str, int] = {}
        for name, _street, n, *_ in cells(conn, f, dims, Need(explode="unit"), where):
            units[name] = units.get(name, 0) + n
    in_streets = set(scope.streets) if scope.streets is not None else None
    in_units = set(scope.units) if scope.units is not None else None
    streets = {key: by_bit.get(bit, 0) for key, bit in dims["street"].items()}
    rows = [{"level": "street", "name": s.name, "street": s.name, "code": s.code,
             "articles": streets.get(s.name, 0) if in_streets is None or s.name in in_streets else 0,
             "in_scope": in_streets is None or s.name in in_streets}
            for s in gazetteer.streets]
    rows += [{"level": u.level, "name": u.name, "street": u.street, "code": u.code,
              "articles": units.get(u.name, 0) if in_units is None or u.name in in_units else 0,
              "in_scope": in_units is None or u.name in in_units}
             for u in gazetteer.units]
    return pd.DataFrame(rows)


def theme_street_matrix(engine: Engine, f: Filters) -> pd.DataFrame:
    """Events (or articles) per (theme, street): cells by theme bit set and street, the few
    theme sets expanded here (only the chosen themes and streets when the filters chose some)."""
    with engine.connect() as conn:
        where, dims = _condition(conn, f)
        rows = cells(conn, f, dims, Need(group=("theme_bits",), explode="street"), where)
    themes_of = _keys_of(chosen_mask(f, "theme", dims), dims["theme"])
    street_of = {bit: key for key, bit in dims["street"].items()}
    cells_: dict[tuple[str, str], int] = {}
    for theme_set, bit, n, *_ in rows:
        if bit not in street_of:
            continue
        for theme in themes_of(theme_set):
            cells_[(theme, street_of[bit])] = cells_.get((theme, street_of[bit]), 0) + n
    return pd.DataFrame([(t, s, n) for (t, s), n in cells_.items()], columns=["theme", "street", "articles"])


GROUPINGS = ("none", "theme", "street")


def timeline(engine: Engine, f: Filters, period: str = "month", by: str = "none") -> pd.DataFrame:
    """Dated events (or articles) per period (its first day), split by how sure the date is, and
    grouped: `none` counts each once; `theme` and `street` count one once for each of its themes
    or streets (chosen ones only, when the filters chose some), as the other pages do; one with
    none falls in the group "". Periods with nothing are not rows: the figure makes the
    continuous list of periods (analytics.periods)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    need = Need(group=("date_precision",) + (("theme_bits",) if by == "theme" else ()),
                explode="street" if by == "street" else None, period=period)
    with engine.connect() as conn:
        where, dims = _condition(conn, f)
        rows = cells(conn, f, dims, need, where)
    counts: dict[tuple[date, str, str], int] = {}
    themes_of = _keys_of(chosen_mask(f, "theme", dims), dims["theme"])
    street_of = {bit: key for key, bit in dims["street"].items()}
    for first_day, precision, *rest in rows:
        if by == "theme":
            keys = themes_of(rest[0]) or [""]
        elif by == "street":
            keys = [street_of.get(rest[0], "")]
        else:
            keys = [""]
        n = rest[1] if by != "none" else rest[0]
        for key in keys:
            k = (first_day, key, precision)
            counts[k] = counts.get(k, 0) + n
    frame = pd.DataFrame([(p, g, prec, n) for (p, g, prec), n in counts.items()],
                         columns=["period", "group", "precision", "articles"])
    return frame.sort_values(["period", "group", "precision"], ignore_index=True)


def recent_bound(conn, f: Filters, dims, where, limit: int) -> date | None:
    """The first day of the month from which on the filters keep at least `limit` dated rows,
    by the summaries' months (a few hundred cells, not the rows): the latest `limit` are then
    read from the days since, through the date index. None when there are fewer dated rows (or
    under `from_rows`, the reference path, which reads them all)."""
    if reading_rows():
        return None
    total = 0
    for month, n, *_ in sorted(cells(conn, f, dims, Need(period="month"), where), reverse=True):
        total += n
        if total >= limit:
            return month
    return None


def articles_table(engine: Engine, f: Filters, limit: int = 2000, by: str = "date") -> pd.DataFrame:
    """The articles the filters keep, latest first (by="date") or most participants first
    (by="people"). Counting events, a row is an event: dated as the figures date it, told by
    its first stored report; `reports` is the number of its reports. Latest first reads only
    the days since `recent_bound` (through the date index) when there are enough of them."""
    events = f.counted.is_events
    # The report an event is told by: an alias, so that no subquery of the events' condition
    # (their articles' places, texts) is correlated to it.
    a = aliased(Article) if events else Article
    day, precision = (Event.activity_date, Event.date_precision) if events else (a.activity_date, a.date_precision)
    order = [day.desc().nulls_last(), Bulletin.name, a.seq]
    if by == "people":
        order.insert(0, a.participants_low.desc())
    q = (select(a.id, Bulletin.name.label("bulletin"), Bulletin.issue_date, Bulletin.issue_precision,
                a.seq, a.title, day.label("activity_date"), precision.label("date_precision"), a.event_date,
                a.district_wide, a.place_precision, a.participants_low, a.participants_approx,
                a.participants_vague, a.reporters, a.first_sentence, a.flags, a.confidence, a.confidence_reasons,
                a.reviewed, a.event_id, func.coalesce(Event.reports, 1).label("reports"))
         .order_by(*order).limit(limit))
    if events:
        first = select(func.min(Article.id)).where(Article.event_id == Event.id).scalar_subquery()
        q = q.select_from(Event.__table__).join(a, a.id == first)
    else:
        q = q.select_from(a).outerjoin(Event, Event.id == a.event_id)
    q = q.join(Bulletin, Bulletin.id == a.bulletin_id)
    with engine.connect() as conn:
        condition, dims = _condition(conn, f)
        q = q.where(condition(f))
        bound = recent_bound(conn, f, dims, condition, limit) if by == "date" else None
        found = []
        if bound is not None:  # the days from it to the range's end (the condition's OR NULL hides them)
            found = conn.execute(q.where(day >= bound, *([day <= f.date_to] if f.date_to else []))).mappings().all()
        if len(found) < limit:
            found = conn.execute(q).mappings().all()
        rows = pd.DataFrame(found)
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
        return hits.store_version(conn)


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
