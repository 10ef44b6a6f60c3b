"""The dashboard's SQL aggregates, on SQLite and PostgreSQL, against the same figures counted
in plain Python from the stored articles."""
from collections import Counter
from datetime import date

import pytest
from sqlalchemy.orm import Session, selectinload

from analytics import queries
from analytics.filters import Filters
from etl.ingest import ingest_paths
from etl.store import Article
from support import SAMPLES

FILTERS = [
    Filters(),
    Filters(streets=("开源街道",)),
    Filters(streets=("开源街道", "新华街道"), themes=("elderly", "minors")),
    Filters(services=("free_clinic",)),
    Filters(communities=("民懋社区",)),
    Filters(q="义诊"),
    Filters(date_from=date(2025, 1, 1), include_undated=False),
    Filters(themes=("safety",), q="消防"),
    Filters(streets=("古城街道",)),  # a street with no article
]


@pytest.fixture
def store(engine):
    ingest_paths(engine, sorted(SAMPLES.glob("*.txt")))
    return engine


def _articles(engine):
    with Session(engine) as s:
        return s.query(Article).options(selectinload(Article.places), selectinload(Article.labels),
                                        selectinload(Article.full_text)).all()


def _keeps(a, f: Filters) -> bool:
    streets = {p.street for p in a.places if p.status in ("ours", "implied") and p.street}
    units = {p.name for p in a.places if p.status == "ours"}
    themes = {l.key for l in a.labels if l.kind == "theme"}
    services = {l.key for l in a.labels if l.kind == "service"}
    if f.date_from and (a.activity_date is None and not f.include_undated
                        or a.activity_date is not None and a.activity_date < f.date_from):
        return False
    if not f.include_undated and a.activity_date is None:
        return False
    return ((not f.streets or streets & set(f.streets)) and (not f.communities or units & set(f.communities))
            and (not f.themes or themes & set(f.themes)) and (not f.services or services & set(f.services))
            and (not f.q or f.q in a.title or f.q in a.full_text.text))


def _scope(f: Filters, kb) -> tuple[set | None, set | None]:
    """The streets and the units a filter looks at (None: all), counted independently here."""
    if not (f.streets or f.communities):
        return None, None
    streets = set(f.streets) or {u.street for u in kb.gazetteer.units if u.name in f.communities}
    units = {u.name for u in kb.gazetteer.units if (not f.streets or u.street in f.streets)
             and (not f.communities or u.name in f.communities)}
    return streets, units


def _within(keys: set, chosen) -> set:
    return keys if not chosen else keys & set(chosen)


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.describe())
def test_aggregates_match_a_count_in_python(store, f, kb):
    """A filter on a dimension restricts that dimension in every figure (as dashboards do): with
    开源街道 chosen, an article of 开源街道 that also names 新华街道 counts for 开源街道 only."""
    kept = [a for a in _articles(store) if _keeps(a, f)]
    scope_streets, scope_units = _scope(f, kb)

    def streets_of(a):
        return _within({p.street for p in a.places if p.status in ("ours", "implied") and p.street},
                       scope_streets)

    def units_of(a):
        return _within({p.name for p in a.places if p.status == "ours" and p.level in ("community", "village")},
                       scope_units)

    o = queries.overview(store, f)
    assert o.articles == len(kept)
    assert o.participants_low == pytest.approx(sum(a.participants_low for a in kept))
    streets = Counter(s for a in kept for s in streets_of(a))
    units = Counter(n for a in kept for n in units_of(a))
    assert o.streets_covered == len(streets) and o.units_covered == len(units)
    assert o.streets_total == (len(scope_streets) if scope_streets is not None else 18)
    assert o.units_total == (len(scope_units) if scope_units is not None else 202)

    cov = queries.coverage(store, f, kb.gazetteer)
    in_scope = cov[cov["in_scope"]].set_index("name")["articles"]
    assert all(in_scope[s] == n for s, n in streets.items())
    assert in_scope.sum() == sum(streets.values()) + sum(units.values())
    assert cov[~cov["in_scope"]]["articles"].sum() == 0
    themes = Counter(l.key for a in kept for l in a.labels if l.kind == "theme" and (not f.themes or l.key in f.themes))
    got = queries.label_counts(store, f, "theme").set_index("key")["articles"].to_dict()
    assert got == dict(themes)
    matrix = queries.theme_street_matrix(store, f)
    expected = Counter((l.key, s) for a in kept for l in a.labels if l.kind == "theme"
                       and (not f.themes or l.key in f.themes) for s in _within(
                           {p.street for p in a.places if p.status in ("ours", "implied") and p.street}, f.streets))
    assert {(r.theme, r.street): r.articles for r in matrix.itertuples()} == dict(expected)
    table = queries.articles_table(store, f)
    assert len(table) == len(kept)


@pytest.mark.parametrize("period", ["month", "week"])
def test_timeline_periods_are_iso_weeks_and_months_on_both_databases(store, period):
    """Each dated article in the period that holds its date: a month's first day, or the
    Monday of its ISO week (2025-05-24 is a Saturday of ISO week 21, starting 2025-05-19)."""
    from analytics.periods import period_start
    dated = [a for a in _articles(store) if a.activity_date is not None]
    frame = queries.timeline(store, Filters(), period, "none")
    expected = Counter(period_start(a.activity_date, period) for a in dated)
    got = frame.groupby("period")["articles"].sum().to_dict()
    assert got == dict(expected)
    assert all(isinstance(p, date) for p in frame["period"])
    if period == "week":
        assert all(p.weekday() == 0 for p in frame["period"])
        assert date(2025, 5, 19) in got  # 2025-05-24: ISO week 21, not strftime's %W 20


def test_timeline_counts_every_theme_and_street_of_an_article(store):
    """Grouped by theme, an article counts once for each of its themes (篇次), as on the themes
    page; ungrouped, once; with themes chosen, only the chosen ones are groups."""
    dated = [a for a in _articles(store) if a.activity_date is not None]
    frame = queries.timeline(store, Filters(), "month", "none")
    assert frame["articles"].sum() == len(dated)
    by_theme = queries.timeline(store, Filters(), "month", "theme")
    mentions = sum(max(1, len({l.key for l in a.labels if l.kind == "theme"})) for a in dated)
    assert by_theme["articles"].sum() == mentions
    safety = queries.timeline(store, Filters(themes=("safety",)), "month", "theme")
    assert set(safety["group"]) == {"safety"}
    by_street = queries.timeline(store, Filters(), "week", "street")
    assert set(by_street["precision"]) <= {"day", "issue", "inferred"}
    assert by_street["articles"].sum() == sum(
        max(1, len({p.street for p in a.places if p.status in ("ours", "implied") and p.street})) for a in dated)


def test_article_detail_and_unknown_places(store):
    table = queries.articles_table(store, Filters(q="先锋村"))
    detail = queries.article_detail(store, int(table.iloc[0]["id"]))
    assert detail["title"].startswith("先锋村") and any(e["field"] == "participants" for e in detail["evidence"])
    odd = queries.unknown_and_other_places(store, Filters())
    assert {"悦悦社区", "平盛街道"} <= set(odd["name"])
