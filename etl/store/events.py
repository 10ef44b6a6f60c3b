"""Events in the store: every report (article) belongs to one event (the events table).

Which reports are one event is decided by etl/events.py; this module gives it what the store
knows and writes the outcome, in the transaction of the write that called it:

- a new bulletin's reports are compared with an index of recent events (events whose days
  overlap the report's and that share a street, found through indexed columns), never with
  every stored report; the reports of the events a transaction read or wrote are kept for its
  later bulletins (an ingest's batch), not read again;
- a bulletin replaced by an edited version, or a reviewer's correction of a report, dissolves
  the events its old reports were in; their other reports are placed again with the new ones;
- an event's facets are written from its reports' (the most precise date, the union of places
  and labels, the most precise participant count).

Concurrent writers: SQLite lets one transaction write at a time, and a writer reads the latest
committed state. On PostgreSQL a transaction-scoped advisory lock is taken before the events
are read, so two workers storing two reports of one event at once are placed one after the
other, the second seeing the first's committed event.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Hashable, Iterable

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from ..events import SPLIT, EventRules, Index, Report, Signature, sort_key, window
from ..knowledge import Knowledge, load_knowledge
from .bits import bits_of, keys_in, read_bits
from .kept import kept
from .schema import Article, ArticleText, Bulletin, Event, Place, insert_rows

LOCK_KEY = 0x70636576  # the advisory lock of event writes on PostgreSQL
UNIT_LEVELS = ("community", "village")
# The facets an event has in common with an article (same names and meanings).
FACETS = ("district_wide", "place_precision", "event_date", "activity_date", "date_precision", "participants_low",
          "participants_vague", "participants_approx", "participants_high", "theme_bits", "service_bits",
          "street_bits", "primary_theme", "reviewed", "confidence", "excluded")
DATE_RANK = {"day": 0, "inferred": 1, "issue": 2, "unknown": 3}
PLACE_RANK = {"community": 0, "street": 1, "district": 2, "none": 3}


class Timer:
    """Seconds spent placing reports in this process, the reports placed and the stored events
    they were compared with (the benchmark reads them)."""
    seconds = 0.0
    reports = 0
    compared = 0


@dataclass(eq=False)
class Placed:
    """A report to place: the rules' view of it and its article row's facets. `article_id` is
    None for a report not written yet (its ref is the caller's)."""
    report: Report
    facets: dict
    article_id: int | None = None


# ---- an event's facets from its reports' ---------------------------------------------------

def _span(f: dict) -> float:
    low, high = f.get("participants_low") or 0, f.get("participants_high")
    return float("inf") if high is None else max(0.0, high - low)


def event_facets(members: list[dict]) -> dict:
    """An event's facets from its reports' (article rows' facets). Reports that are not
    articles are left out, unless no report is one."""
    live = [m for m in members if not m.get("excluded")] or members
    head = min(live, key=lambda m: (DATE_RANK.get(m.get("date_precision"), 9),
                                    m.get("activity_date") or date.max))
    counted = [m for m in live if (m.get("participants_low") or 0) > 0 or (m.get("participants_vague") or 0) > 0]
    # The most precise count of one report: a number before none, the narrowest range, the
    # highest lower bound (every report's lower bound holds, so the highest does too).
    people = min(counted, key=lambda m: (0 if (m.get("participants_low") or 0) > 0 else 1, _span(m),
                                         -(m.get("participants_low") or 0))) if counted else {}
    bits = {name: 0 for name in ("theme_bits", "service_bits", "street_bits")}
    for m in live:
        for name in bits:
            bits[name] |= m.get(name) or 0
    themes = [head.get("primary_theme")] + [m.get("primary_theme") for m in live]
    confidence = [m["confidence"] for m in live if m.get("confidence") is not None]
    return dict(
        district_wide=all(bool(m.get("district_wide")) for m in live),
        place_precision=min((m.get("place_precision") or "none" for m in live), key=lambda p: PLACE_RANK.get(p, 9)),
        event_date=head.get("event_date"), activity_date=head.get("activity_date"),
        date_precision=head.get("date_precision") or "unknown",
        participants_low=people.get("participants_low") or 0, participants_high=people.get("participants_high", 0),
        participants_vague=people.get("participants_vague") or 0,
        participants_approx=bool(people.get("participants_approx")),
        primary_theme=next((t for t in themes if t), None),
        reviewed=all(bool(m.get("reviewed")) for m in live), confidence=max(confidence, default=None),
        excluded=all(bool(m.get("excluded")) for m in members), **bits)


def event_window(reports: list[Report], rules: EventRules) -> tuple[date | None, date | None, str | None]:
    """(first day, last day, MM-DD) of an event: the days every report allows (None when they
    allow none: a reviewer merged reports of other days), and the month and day when it is one
    day, or when its reports give only a month and day."""
    spans = [w for w in (window(r, rules) for r in reports) if w is not None]
    days = [w for w in spans if isinstance(w, tuple)]
    if not days:
        month_days = {w for w in spans if isinstance(w, str)}
        return None, None, (month_days.pop() if len(month_days) == 1 else None)
    start, end = max(w[0] for w in days), min(w[1] for w in days)
    if start > end:
        return None, None, None
    return start, end, (start.strftime("%m-%d") if start == end else None)


# ---- reading reports back ------------------------------------------------------------------

MEMBER_COLUMNS = (Article.id, Article.event_id, Article.event_key, Bulletin.id.label("bulletin_id"),
                  Bulletin.issue_date, *(getattr(Article, name) for name in FACETS), ArticleText.signature)


def members_where(where):
    """The query of the stored reports (articles) matching `where`, for `load_members`."""
    return (select(*MEMBER_COLUMNS).join(Bulletin, Bulletin.id == Article.bulletin_id)
            .join(ArticleText, ArticleText.article_id == Article.id).where(where).order_by(Article.id))


# Built once: every placing reads the members of the events near its reports.
IN_EVENTS = members_where(Article.event_id.in_(bindparam("events", expanding=True)))
UNITS = select(Place.article_id, Place.name).where(Place.article_id.in_(bindparam("ids", expanding=True)),
                                                   Place.status != "other_district", Place.level.in_(UNIT_LEVELS))
TEXTS = select(ArticleText.article_id, ArticleText.text).where(ArticleText.article_id.in_(bindparam("ids", expanding=True)))


def load_members(conn: Connection, query, dims: dict[str, dict[str, int]], **params
                 ) -> list[tuple[Placed, int | None]]:
    """Stored reports (`query`: `members_where(where)`, run with `params`) with the event each
    is in. Texts are read only for reports whose signature is not stored (it is made from the
    text when needed)."""
    rows = conn.execute(query, params).mappings().all()
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    units: dict[int, set[str]] = {}
    for chunk in range(0, len(ids), 500):
        for article_id, name in conn.execute(UNITS, {"ids": ids[chunk:chunk + 500]}):
            units.setdefault(article_id, set()).add(name)
    rules = load_knowledge().events
    unsigned = [r["id"] for r in rows if not Signature.fits(r["signature"], rules)]
    texts = dict(conn.execute(TEXTS, {"ids": unsigned}).all()) if unsigned else {}
    street_dims = dims.get("street", {})
    if any((r["street_bits"] or 0) != bits_of(keys_in(r["street_bits"], street_dims), street_dims) for r in rows):
        street_dims = read_bits(conn)["street"]  # another writer handed out a street's bit since
    out = []
    for r in rows:
        facets = {name: r[name] for name in FACETS}
        issue = r["issue_date"] if r["issue_date"] and len(r["issue_date"]) == 10 else None
        report = Report(ref=r["id"], source=str(r["bulletin_id"]), units=frozenset(units.get(r["id"], ())),
                        streets=frozenset(keys_in(r["street_bits"], street_dims)),
                        district_wide=bool(r["district_wide"]), event_date=r["event_date"], issue_date=issue,
                        text=texts.get(r["id"]), group=r["event_key"], excluded=bool(r["excluded"]),
                        stored_signature=r["signature"])
        out.append((Placed(report, facets, r["id"]), r["event_id"]))
    return out


# Events whose days overlap [first, last] (an event's days are at most the window long), or
# known only by a month and day that one of the reports has, and that share a street with the
# reports (or name none): one statement, compiled once.
NEAR = (select(Event.id)
        .where(or_(and_(Event.window_start.between(bindparam("earliest"), bindparam("last")),
                        Event.window_end >= bindparam("first")),
                   and_(Event.window_start.is_(None), Event.month_day.in_(bindparam("days", expanding=True)))),
               Event.excluded.isnot(True),
               or_(Event.street_bits.op("&")(bindparam("streets")) != 0, Event.street_bits == 0)))


# What every placing runs, built once too.
GROUPED = select(Event.id).where(Event.group_key.in_(bindparam("keys", expanding=True)))
UPDATE_EVENTS = update(Event.__table__).where(Event.id == bindparam("event_id"))
MOVE_ARTICLES = update(Article.__table__).where(Article.id == bindparam("aid")).values(event_id=bindparam("eid"))
SIGN_TEXTS = update(ArticleText.__table__).where(ArticleText.article_id == bindparam("aid")).values(
    signature=bindparam("sig"))


def _near(conn: Connection, reports: list[Report], rules: EventRules, dims) -> set[int]:
    """The events these reports might join: their days overlap the reports' (one date range
    for all of them: a bulletin's reports span a few weeks) and they share a street."""
    spans = [window(r, rules) for r in reports]
    days = [s for s in spans if isinstance(s, tuple)]
    streets = bits_of(set().union(*(r.streets for r in reports)) if reports else (), dims.get("street", {}))
    found: set[int] = set()
    if days:
        first, last = min(s[0] for s in days), max(s[1] for s in days)
        singles = sorted({s[0].strftime("%m-%d") for s in days if s[0] == s[1]})
        found |= set(conn.execute(NEAR, dict(earliest=first - timedelta(days=rules.window_days), last=last,
                                             first=first, days=singles, streets=streets)).scalars())
    month_days = {s for s in spans if isinstance(s, str)}
    if month_days:  # a page with no publication date: a month and day, any year
        month_days |= {s[0].strftime("%m-%d") for s in days if s[0] == s[1]}
        found |= set(conn.execute(select(Event.id).where(Event.month_day.in_(sorted(month_days)),
                                                         Event.excluded.isnot(True))).scalars())
    return found


# ---- placing -------------------------------------------------------------------------------

def lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")


def place(conn: Connection, changes, new: list[Placed] = (), again: Iterable[int] = (), stale: Iterable[int] = (),
          dims: dict[str, dict[str, int]] | None = None) -> dict[Hashable, int]:
    """Put reports in events, in the caller's transaction. `new`: reports not written yet
    (their article rows are written after, with the event id returned for their ref);
    `again`: stored articles to place again (their facts changed), with every other report of
    their events; `stale`: events that lost reports (their bulletin was replaced), whose
    remaining reports are placed again. Returns ref -> event id for every report placed, and
    writes the event of every stored one. `changes` (etl/store/summaries.py: Changes) hears of
    every event changed, made or deleted, for the summaries."""
    started, summaries_before = time.perf_counter(), changes.seconds
    kb = load_knowledge()
    rules = kb.events
    lock(conn)
    dims = dims if dims is not None else read_bits(conn)
    again, stale = list(again), set(stale)
    if again:
        stale |= {e for e in conn.execute(select(Article.event_id).where(Article.id.in_(again))).scalars() if e}
    to_place = list(new)
    known = _known(conn)
    if stale or again:
        known.clear()  # reports leave their events, and some of them change
        found = load_members(conn, members_where(or_(Article.event_id.in_(stale), Article.id.in_(again))), dims)
        to_place += [p for p, _ in found]
        changes.before(conn, "events", stale)
        conn.execute(delete(Event.__table__).where(Event.id.in_(stale)))
    facets: dict[Hashable, dict] = {p.report.ref: p.facets for p in to_place}
    placing = {p.report.ref for p in to_place}

    index = Index(rules, kb.place_names)
    event_ids = _near(conn, [p.report for p in to_place if not p.report.excluded], rules, dims)
    keys = {p.report.group for p in to_place if p.report.group}
    if keys:
        event_ids |= set(conn.execute(GROUPED, {"keys": sorted(keys)}).scalars())
    event_ids -= stale
    Timer.compared += len(event_ids)
    missing = sorted(e for e in event_ids if not _complete(known.get(e)))
    if missing:
        known.update((e, []) for e in missing)
        for placed, event_id in load_members(conn, IN_EVENTS, dims, events=missing):
            known[event_id].append(placed)
    by_ref = {p.report.ref: p for p in to_place}
    for event_id in sorted(event_ids):
        members = [p for p in sorted(known[event_id], key=_article_order) if p.report.ref not in placing]
        by_ref.update((p.report.ref, p) for p in members)
        facets.update((p.report.ref, p.facets) for p in members)
        if members:
            index.add_event(event_id, [p.report for p in members])

    stored = {ref for ref, p in by_ref.items() if p.article_id is not None}
    for placed in sorted(to_place, key=lambda p: sort_key(p.report, rules)):
        index.place(placed.report)

    out: dict[Hashable, int] = {}
    fresh, changed = [], []
    for event in index.events.values():
        if not event.changed:
            continue
        start, end, month_day = event_window(event.members, rules)
        values = dict(event_facets([facets[m.ref] for m in event.members]),
                      reports=sum(1 for m in event.members if not m.excluded) or len(event.members),
                      group_key=event.key, window_start=start, window_end=end, month_day=month_day)
        if event.new:
            fresh.append((event, values))
        else:
            changed.append(dict(values, event_id=event.id))
    if fresh:
        ids = insert_rows(conn, Event.__table__, [values for _, values in fresh])
        for (event, _), event_id in zip(fresh, ids):
            event.id = event_id
        changes.added("events", ids)
    if changed:
        changes.before(conn, "events", [c["event_id"] for c in changed])
        conn.execute(UPDATE_EVENTS, changed)
    moved = []
    for event in index.events.values():
        for m in event.members:
            if m.ref in placing:
                out[m.ref] = event.id
                if by_ref[m.ref].article_id is not None:
                    moved.append({"aid": m.ref, "eid": event.id})
    if moved:
        conn.execute(MOVE_ARTICLES, moved)
    signed = [m for event in index.events.values() for m in event.members if m.made_signature and m.ref in stored]
    for m in signed:  # as they are stored now
        m.stored_signature, m.made_signature = m.signature(kb.place_names, rules).to_bytes(rules), False
    if signed:
        conn.execute(SIGN_TEXTS, [{"aid": m.ref, "sig": m.stored_signature} for m in signed])
    for event in index.events.values():
        if event.changed:  # its reports not written yet join once they are (`mark_written`)
            known[event.id] = [by_ref[m.ref] for m in event.members]
    # The summaries' cells of the events changed are the summaries' cost (timed there), not this.
    Timer.seconds += time.perf_counter() - started - (changes.seconds - summaries_before)
    Timer.reports += len(to_place)
    return out


# ---- the events a transaction has read or written ---------------------------------------------

def _known(conn: Connection) -> dict[int, list[Placed]]:
    """Event id -> its reports (as `load_members` reads them), of the events this transaction
    read or wrote: a batch's next bulletins are compared with the same recent events, read
    once. Only this transaction writes events meanwhile (SQLite's write lock; on PostgreSQL
    the advisory lock, held to its end)."""
    return kept(conn).setdefault("event reports", {})


def _complete(members: list[Placed] | None) -> bool:
    """An event's known reports, every one of them written."""
    return members is not None and all(p.article_id is not None for p in members)


def _article_order(placed: Placed) -> int:
    return placed.article_id


def mark_written(placed: Placed, article_id: int, places: Iterable[tuple], streets: dict[str, int],
                 signature: bytes | None) -> None:
    """A new report's article row is written, with its places ((name, level, status, …) as
    stored), the store's street bits and its signature if one was made: from now on it stands
    for the report as `load_members` would read it back."""
    report, row = placed.report, placed.facets
    units = {name for name, level, status, *_ in places if status != "other_district" and level in UNIT_LEVELS}
    placed.report = Report(ref=article_id, source=report.source, units=frozenset(units),
                           streets=frozenset(keys_in(row["street_bits"], streets)),
                           district_wide=bool(row["district_wide"]), event_date=row["event_date"],
                           issue_date=report.issue_date, text=None if signature else report.text,
                           group=row["event_key"], excluded=bool(row["excluded"]), stored_signature=signature)
    placed.facets = {name: row[name] for name in FACETS}
    placed.article_id = article_id


def made_signature(report: Report, kb: Knowledge) -> bytes | None:
    """The signature computed for a new report while placing it (written with its text)."""
    if not report.made_signature:
        return None
    return report.signature(kb.place_names, kb.events).to_bytes(kb.events)


def place_unplaced(conn: Connection, changes, batch: int = 500) -> int:
    """Articles without an event (a store from before events): placed, oldest first."""
    ids = conn.execute(select(Article.id).where(Article.event_id.is_(None)).order_by(Article.id)
                       .limit(batch)).scalars().all()
    if ids:
        place(conn, changes, again=ids)
    return len(ids)


def other_reports(conn: Connection, article_id: int) -> list[dict]:
    """The other reports of this article's event: id, bulletin, title, date."""
    event_id = conn.scalar(select(Article.event_id).where(Article.id == article_id))
    if event_id is None:
        return []
    rows = conn.execute(select(Article.id, Article.title, Article.first_sentence, Article.activity_date,
                               Article.date_precision, Article.event_key, Bulletin.name.label("bulletin"),
                               Bulletin.issue_date)
                        .join(Bulletin, Bulletin.id == Article.bulletin_id)
                        .where(Article.event_id == event_id, Article.id != article_id)
                        .order_by(Bulletin.issue_date, Article.id)).mappings().all()
    return [dict(r) for r in rows]


def is_split(key: str | None) -> bool:
    return bool(key and key.startswith(SPLIT))


def event_count(conn: Connection) -> int:
    return conn.scalar(select(func.count(Event.id))) or 0
