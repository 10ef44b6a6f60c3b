"""The filters every page shares, and their form in a URL (so a view can be bookmarked and sent)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

LIST_FIELDS = ("streets", "communities", "themes", "services")


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    include_undated: bool = True
    streets: tuple[str, ...] = field(default_factory=tuple)
    communities: tuple[str, ...] = field(default_factory=tuple)
    themes: tuple[str, ...] = field(default_factory=tuple)
    services: tuple[str, ...] = field(default_factory=tuple)
    q: str = ""

    def to_params(self) -> dict[str, str | list[str]]:
        """Query-string form; empty filters are left out so plain URLs stay plain."""
        params: dict[str, str | list[str]] = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if not self.include_undated:
            params["undated"] = "0"
        for name in LIST_FIELDS:
            values = getattr(self, name)
            if values:
                params[name] = list(values)
        if self.q:
            params["q"] = self.q
        return params

    @classmethod
    def from_params(cls, params) -> Filters:
        """From st.query_params (or any mapping with get_all/get); bad values are ignored."""
        def get_all(key):
            if hasattr(params, "get_all"):
                return params.get_all(key)
            value = params.get(key, [])
            return value if isinstance(value, list) else [value]

        def one(key):
            values = get_all(key)
            return values[-1] if values else None

        kwargs = {}
        for key, name in (("from", "date_from"), ("to", "date_to")):
            try:
                kwargs[name] = date.fromisoformat(one(key)) if one(key) else None
            except ValueError:
                kwargs[name] = None
        kwargs["include_undated"] = one("undated") != "0"
        for name in LIST_FIELDS:
            kwargs[name] = tuple(v for value in get_all(name) for v in value.split(",") if v)
        kwargs["q"] = (one("q") or "")[:100]
        return cls(**kwargs)

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def describe(self) -> str:
        """A short Chinese description, for file names and captions."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '…'}至{self.date_to or '…'}")
        for name in LIST_FIELDS:
            parts += list(getattr(self, name))
        if self.q:
            parts.append(f"含“{self.q}”")
        return "、".join(parts) or "全部"

    def is_empty(self) -> bool:
        return self == Filters()

