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


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.describe())
def test_aggregates_match_a_count_in_python(store, f, kb):
    kept = [a for a in _articles(store) if _keeps(a, f)]
    o = queries.overview(store, f)
    assert o.articles == len(kept)
    assert o.participants_low == pytest.approx(sum(a.participants_low for a in kept))
    streets = Counter(s for a in kept for s in {p.street for p in a.places
                                                if p.status in ("ours", "implied") and p.street})
    units = Counter(n for a in kept for n in {p.name for p in a.places
                                              if p.status == "ours" and p.level in ("community", "village")})
    assert o.streets_covered == len(streets) and o.units_covered == len(units)

    cov = queries.coverage(store, f, kb.gazetteer).set_index("name")["articles"]
    assert all(cov[s] == n for s, n in streets.items()) and cov.sum() == sum(streets.values()) + sum(units.values())
    themes = Counter(l.key for a in kept for l in a.labels if l.kind == "theme")
    got = queries.label_counts(store, f, "theme").set_index("key")["articles"].to_dict()
    assert got == dict(themes)
    matrix = queries.theme_street_matrix(store, f)
    expected = Counter((l.key, s) for a in kept for l in a.labels if l.kind == "theme"
                       for s in {p.street for p in a.places if p.status in ("ours", "implied") and p.street})
    assert {(r.theme, r.street): r.articles for r in matrix.itertuples()} == dict(expected)
    table = queries.articles_table(store, f)
    assert len(table) == len(kept)


def test_timeline_counts_dated_articles_by_main_theme(store):
    frame = queries.timeline(store, Filters(), "month", "theme")
    dated = [a for a in _articles(store) if a.activity_date is not None]
    assert frame["articles"].sum() == sum(1 for a in dated if a.primary_theme)
    by_street = queries.timeline(store, Filters(), "week", "street")
    assert set(by_street["precision"]) <= {"day", "issue", "inferred"}


def test_article_detail_and_unknown_places(store):
    table = queries.articles_table(store, Filters(q="先锋村"))
    detail = queries.article_detail(store, int(table.iloc[0]["id"]))
    assert detail["title"].startswith("先锋村") and any(e["field"] == "participants" for e in detail["evidence"])
    odd = queries.unknown_and_other_places(store, Filters())
    assert {"悦悦社区", "平盛街道"} <= set(odd["name"])
