"""What a figure counts: events (the default: the same activity reported by several papers
counts once) or reports (every article). An event row has the facets of an article row under
the same names (etl/store/schema.py: Event), so every figure is the same SQL over either
table; what differs is how an event reaches the rows that hang on articles (places, texts):
through the articles that report it and are articles (as its facets are: a report marked "not
an article" leaves every figure, its event's places too)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, and_, exists, select

from etl.store import Article, ArticleText, Event, Place

from .sql import contains

LIVE = Article.excluded.isnot(True)  # an event's reports that are articles


@dataclass(frozen=True)
class Counted:
    name: str  # events | reports
    table: Table

    @property
    def c(self):
        return self.table.c

    @property
    def is_events(self) -> bool:
        return self.name == "events"

    def having_place(self, *conditions):
        """Rows with a place row (of one of their articles) meeting the conditions."""
        # Its own places and articles, even inside a query over places (a figure's units).
        if self.is_events:
            return exists().where(Place.article_id == Article.id, Article.event_id == self.c.id, LIVE,
                                  *conditions).correlate_except(Place, Article)
        return exists().where(Place.article_id == self.c.id, *conditions).correlate_except(Place)

    def having_text(self, needle: str):
        """Rows one of whose articles' text holds the keyword."""
        if self.is_events:
            return exists().where(ArticleText.article_id == Article.id, Article.event_id == self.c.id, LIVE,
                                  contains(ArticleText.text, needle))
        return exists().where(ArticleText.article_id == self.c.id, contains(ArticleText.text, needle))

    def having_articles(self, article_ids):
        """Rows one of whose articles is among the ids (a selectable of article ids)."""
        if self.is_events:
            return self.c.id.in_(select(Article.event_id).where(Article.id.in_(article_ids), LIVE))
        return self.c.id.in_(article_ids)

    def articles(self, where):
        """The ids of the articles of the rows the condition keeps."""
        if self.is_events:
            return select(Article.id).where(Article.event_id.in_(select(self.c.id).where(where)), LIVE)
        return select(self.c.id).where(where)

    def owner_of_place(self):
        """(the counted row a place row belongs to, the join it needs from places)."""
        if self.is_events:
            return Article.event_id, Place.__table__.join(Article.__table__, and_(Article.id == Place.article_id, LIVE))
        return Place.article_id, Place.__table__


EVENTS = Counted("events", Event.__table__)
REPORTS = Counted("reports", Article.__table__)
COUNTED = {c.name: c for c in (EVENTS, REPORTS)}
