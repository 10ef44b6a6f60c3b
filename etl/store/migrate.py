"""Bringing a store made by an older version up to date: articles stored before corrections
existed get their key and their facts (read back from their rows), so they can be reviewed;
articles stored before events existed are placed in events."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ..facts import CountFact, Facts, PlaceFact
from ..fingerprint import article_key
from .events import place_unplaced
from .schema import Article, ArticleText, CountRow, Label, Place
from .summaries import Changes

BATCH = 500


def facts_from_rows(conn, article_id: int) -> Facts:
    """An article's facts as its rows hold them."""
    article = conn.execute(select(Article.event_date, Article.district_wide).where(Article.id == article_id)).one()
    places = conn.execute(select(Place.name, Place.level, Place.status, Place.street, Place.code, Place.surface,
                                 Place.start, Place.end).where(Place.article_id == article_id,
                                                               Place.status != "implied")
                          .order_by(Place.id)).all()
    labels = conn.execute(select(Label.kind, Label.key).where(Label.article_id == article_id)
                          .order_by(Label.kind, Label.rank)).all()
    counts = conn.execute(select(CountRow.participant, CountRow.value, CountRow.low, CountRow.high, CountRow.approx,
                                 CountRow.unit, CountRow.what, CountRow.raw, CountRow.start, CountRow.end)
                          .where(CountRow.article_id == article_id).order_by(CountRow.id)).all()
    return Facts(places=tuple(PlaceFact(*p) for p in places),
                 themes=tuple(k for kind, k in labels if kind == "theme"),
                 services=tuple(k for kind, k in labels if kind == "service"),
                 participants=tuple(CountFact(*c[1:]) for c in counts if c[0]),
                 quantities=tuple(CountFact(*c[1:]) for c in counts if not c[0]),
                 event_date=article.event_date, district_wide=bool(article.district_wide))


def backfill_article_facts(engine: Engine) -> int:
    """Key and facts for every article that has none (a store from before corrections)."""
    done = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(select(Article.id, ArticleText.text)
                                .join(ArticleText, ArticleText.article_id == Article.id)
                                .where(Article.article_key.is_(None)).limit(BATCH)).all()
            for article_id, text in rows:
                conn.execute(update(Article).where(Article.id == article_id).values(
                    article_key=article_key(text), extracted=facts_from_rows(conn, article_id).to_json(),
                    reviewed=False, excluded=False))
        done += len(rows)
        if len(rows) < BATCH:
            return done


def backfill_events(engine: Engine) -> int:
    """An event for every article that has none (a store from before events), in batches."""
    done = 0
    try:
        while True:
            with engine.begin() as conn:
                changes = Changes()
                placed = place_unplaced(conn, changes, BATCH)
                changes.write(conn)
            done += placed
            if placed < BATCH:
                return done
    except OperationalError:  # another process writes (and places them); the next opening finishes
        return done
