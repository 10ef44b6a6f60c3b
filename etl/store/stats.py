"""What a store holds, in counts (`etl stats`)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .schema import Article, Bulletin, CountRow, Event, EvidenceRow, Label, Place


def stats(engine: Engine) -> dict:
    with Session(engine) as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        return {
            "bulletins": count(Bulletin),
            "articles": count(Article),
            "events": count(Event),  # activities: reports of one activity are one event
            "places": count(Place, Place.status != "implied"),
            "places_other_district": count(Place, Place.status == "other_district"),
            "places_unknown": count(Place, Place.status == "unknown"),
            "participant_counts": count(CountRow, CountRow.participant.is_(True)),
            "other_counts": count(CountRow, CountRow.participant.is_(False)),
            "labels": count(Label),
            "evidence": count(EvidenceRow),
        }
