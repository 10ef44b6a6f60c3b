"""The facts of one article that figures count and reviewers may correct: its places, labels,
counts, date, scope, and whether it is an article at all.

The extractor's facts are kept as they were found (JSON in the store); a reviewer's corrections
are applied over them (etl/corrections.py), and the store's rows are written from the result,
so every figure reads corrected facts without knowing corrections exist.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

UNIT_LEVELS = ("community", "village")
# Made once (json.dumps makes an encoder per call with options). It asks `vars` (C) for each
# dataclass in turn: its __dict__ holds exactly its fields, in their order (asdict would
# deep-copy every value first, a Python function cost more).
_encode = json.JSONEncoder(default=vars, ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class PlaceFact:
    name: str  # official short name, or the printed name when not ours or unknown
    level: str  # street | community | village | area
    status: str  # ours | other_district | unknown
    street: str | None = None  # the street of ours it lies in
    code: str | None = None
    surface: str = ""  # as printed ("" when a reviewer added it)
    start: int | None = None  # span in the article text, when printed
    end: int | None = None


@dataclass(frozen=True)
class CountFact:
    value: float | None  # None for a count with no number (数百名)
    low: float | None
    high: float | None
    approx: bool
    unit: str = ""
    what: str = ""  # who took part, or what was counted
    raw: str = ""  # as printed ("" when a reviewer added it)
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Facts:
    places: tuple[PlaceFact, ...] = ()
    themes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    participants: tuple[CountFact, ...] = ()
    quantities: tuple[CountFact, ...] = ()
    event_date: str | None = None  # YYYY-MM-DD, or --MM-DD with no year
    event_year_inferred: bool = False  # the year was taken from the publication date
    district_wide: bool = False
    excluded: bool = False  # not an article (page furniture, junk): it leaves every figure
    event: str | None = None  # a reviewer's grouping of reports into one event (split/merge)

    @property
    def streets(self) -> list[str]:
        """Streets of ours: named, then implied by the communities and villages named."""
        return list(dict.fromkeys(p.street for p in self.places if p.status == "ours" and p.street))

    @property
    def units(self) -> list[str]:
        """Communities and villages named as places of the activity: ours, and names printed
        like ours that the official list lacks (kept as printed, flagged unknown)."""
        return list(dict.fromkeys(p.name for p in self.places
                                  if p.status != "other_district" and p.level in UNIT_LEVELS))

    @property
    def unknown_places(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.places if p.status == "unknown"))

    @property
    def other_district_places(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.places if p.status == "other_district"))

    @property
    def place_precision(self) -> str:
        if self.units:
            return "community"
        if self.streets:
            return "street"
        return "district" if self.district_wide else "none"

    def with_(self, **changes) -> Facts:
        return replace(self, **changes)

    def to_json(self) -> str:
        return _encode(self)

    @classmethod
    def from_json(cls, text: str) -> Facts:
        data = json.loads(text)
        return cls(places=tuple(PlaceFact(**p) for p in data.get("places", ())),
                   themes=tuple(data.get("themes", ())), services=tuple(data.get("services", ())),
                   participants=tuple(CountFact(**c) for c in data.get("participants", ())),
                   quantities=tuple(CountFact(**c) for c in data.get("quantities", ())),
                   event_date=data.get("event_date"), event_year_inferred=bool(data.get("event_year_inferred")),
                   district_wide=bool(data.get("district_wide")),
                   excluded=bool(data.get("excluded")), event=data.get("event"))


def count_fact(value, approx: bool = False, what: str = "", unit: str = "") -> CountFact:
    """A count as a reviewer gives it: a number (or none) and whether it is a lower bound."""
    value = None if value in (None, "") else float(value)
    value = int(value) if value is not None and value == int(value) else value
    return CountFact(value, value, value, bool(approx), unit, what)
