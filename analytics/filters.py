"""The filters every page shares. Each filter is defined once (FILTERS): its field, its key in
the URL, how it is read from a URL (hostile input is dropped, never raised), its SQL condition,
its words, and a plain description of its widget that the dashboard draws."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

from sqlalchemy import and_, literal, or_

from etl.store import Place, bits_of

from .counting import COUNTED, Counted

KEYWORD_MAX = 100
LIST_MAX = 50  # values of one list filter taken from a URL


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
    reviewed: str = ""  # "" all | "yes" checked by a person (已核对) | "no" not yet
    count: str = "events"  # what figures count: events (reports of one activity once) | reports

    def to_params(self) -> dict[str, list[str]]:
        """Query-string form; filters at their default are left out so plain URLs stay plain."""
        return {spec.url_key: spec.to_url(getattr(self, spec.field)) for spec in FILTERS
                if getattr(self, spec.field) != spec.default}

    @classmethod
    def from_params(cls, params) -> Filters:
        """From st.query_params (or any mapping of key -> value or list of values); what cannot
        be read is left at its default."""
        def get_all(key) -> list[str]:
            if hasattr(params, "get_all"):
                return list(params.get_all(key))
            value = params.get(key, [])
            return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        return cls(**{spec.field: spec.from_url(get_all(spec.url_key)) for spec in FILTERS})

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return self == Filters()

    def describe(self, names: dict[str, dict[str, str]] | None = None) -> str:
        """The filters in words, for titles, captions and file names: 2025-05-01至2025-05-31 ·
        为老服务 · 开源街道. `names` maps kind (theme, service) -> key -> words."""
        parts = [spec.words(self, names or {}) for spec in FILTERS]
        return " · ".join(p for p in parts if p) or "全部"

    @property
    def counted(self) -> Counted:
        """The rows figures count: events or reports (analytics/counting.py)."""
        return COUNTED[self.count]

    def condition(self, dims: dict[str, dict[str, int]], text_hits=None, counted: Counted | None = None):
        """WHERE clause selecting the events or articles (`counted`, by default as the filters
        say) these filters keep (bound parameters only). `dims`: the store's bits; `text_hits`:
        a selectable of the article ids whose text holds the keyword, if made already."""
        counted = counted or self.counted
        conditions = [spec.sql(self, dims, text_hits, counted) for spec in FILTERS if spec.sql is not None]
        return and_(literal(True), *(c for c in conditions if c is not None))


# ---- reading URL values (hostile input becomes the default) -------------------------------

def _date(values: list[str]) -> date | None:
    try:
        return date.fromisoformat(values[-1]) if values and len(values[-1]) == 10 else None
    except ValueError:
        return None


def _flag(values: list[str]) -> bool:
    return not (values and values[-1] == "0")


def _names(values: list[str]) -> tuple[str, ...]:
    out = []
    for value in values[:LIST_MAX]:
        out += [v.strip() for v in value.split(",") if v.strip() and v.isprintable()]
    return tuple(dict.fromkeys(out))[:LIST_MAX]


def keyword(text: str) -> str:
    """A keyword as searched: printable characters only (no NUL), trimmed, bounded."""
    return "".join(c for c in (text or "") if c.isprintable()).strip()[:KEYWORD_MAX]


def _keyword(values: list[str]) -> str:
    return keyword(values[-1]) if values else ""


REVIEW_STATES = (("", "全部"), ("yes", "已核对"), ("no", "未核对"))


def _review_state(values: list[str]) -> str:
    return values[-1] if values and values[-1] in dict(REVIEW_STATES) else ""


COUNT_CHOICES = (("events", "按活动"), ("reports", "按报道"))


def _count(values: list[str]) -> str:
    return values[-1] if values and values[-1] in dict(COUNT_CHOICES) else "events"


# ---- SQL conditions --------------------------------------------------------------------------

def _date_bound(compare: Callable, attr: str):
    def sql(f: Filters, dims, hits, counted: Counted):
        bound = getattr(f, attr)
        if bound is None:
            return None
        within = compare(counted.c.activity_date, bound)
        return or_(within, counted.c.activity_date.is_(None)) if f.include_undated else within
    return sql


def _undated_sql(f: Filters, dims, hits, counted: Counted):
    return None if f.include_undated else counted.c.activity_date.is_not(None)


def _bits_sql(kind: str, attr: str):
    def sql(f: Filters, dims, hits, counted: Counted):
        keys = getattr(f, attr)
        column = counted.c[f"{kind}_bits"]
        # Any of the chosen keys; a key the store never saw has no bit, so nothing matches.
        return column.op("&")(bits_of(keys, dims.get(kind, {}))) != 0 if keys else None
    return sql


def _communities_sql(f: Filters, dims, hits, counted: Counted):
    if not f.communities:
        return None
    return counted.having_place(Place.status == "ours", Place.name.in_(f.communities))


def _keyword_sql(f: Filters, dims, hits, counted: Counted):
    if not f.q:
        return None
    return counted.having_articles(hits) if hits is not None else counted.having_text(f.q)


def _reviewed_sql(f: Filters, dims, hits, counted: Counted):
    if f.reviewed == "yes":
        return counted.c.reviewed.is_(True)
    return counted.c.reviewed.isnot(True) if f.reviewed == "no" else None


# ---- words -----------------------------------------------------------------------------------

def _period_words(f: Filters, names) -> str:
    if not (f.date_from or f.date_to):
        return ""
    return f"{f.date_from or '…'}至{f.date_to or '…'}"


def _list_words(attr: str, kind: str | None = None):
    def words(f: Filters, names) -> str:
        values = getattr(f, attr)
        return "、".join(names.get(kind, {}).get(v, v) for v in values) if kind else "、".join(values)
    return words


@dataclass(frozen=True)
class Widget:
    """What the dashboard draws for a filter: a kind (date, checkbox, multiselect, text), its
    label, and for lists which vocabulary gives the options."""
    kind: str
    label: str
    options: str = ""  # streets | units | themes | services
    placeholder: str = ""
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, words) of a choice widget


@dataclass(frozen=True)
class FilterSpec:
    field: str
    url_key: str
    default: object
    from_url: Callable[[list[str]], object]
    to_url: Callable[[object], list[str]]
    sql: Callable | None
    words: Callable[[Filters, dict], str]
    widget: Widget


def _one(value) -> list[str]:
    return [value.isoformat() if isinstance(value, date) else str(value)]


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("date_from", "from", None, _date, _one, _date_bound(lambda c, v: c >= v, "date_from"),
               _period_words, Widget("date", "起始日期")),
    FilterSpec("date_to", "to", None, _date, _one, _date_bound(lambda c, v: c <= v, "date_to"),
               lambda f, names: "", Widget("date", "结束日期")),
    FilterSpec("include_undated", "undated", True, _flag, lambda v: ["1" if v else "0"], _undated_sql,
               lambda f, names: "" if f.include_undated else "仅有日期的" + ("活动" if f.count == "events" else "文章"),
               Widget("checkbox", "包含日期不明的活动或文章",
                      help="不勾选则只看能确定日期的活动或文章（确切、见报或推断日期）")),
    FilterSpec("streets", "streets", (), _names, list, _bits_sql("street", "streets"), _list_words("streets"),
               Widget("multiselect", "街道", "streets", "全部街道")),
    FilterSpec("communities", "communities", (), _names, list, _communities_sql, _list_words("communities"),
               Widget("multiselect", "社区 / 村", "units", "全部社区和村",
                      help="选择街道后，这里只列出该街道的社区和村")),
    FilterSpec("themes", "themes", (), _names, list, _bits_sql("theme", "themes"),
               _list_words("themes", "theme"), Widget("multiselect", "主题", "themes", "全部主题")),
    FilterSpec("services", "services", (), _names, list, _bits_sql("service", "services"),
               _list_words("services", "service"), Widget("multiselect", "服务类型", "services", "全部服务类型")),
    FilterSpec("q", "q", "", _keyword, _one, _keyword_sql, lambda f, names: f"含“{f.q}”" if f.q else "",
               Widget("text", "关键词", placeholder="标题或正文中的词")),
    FilterSpec("reviewed", "reviewed", "", _review_state, _one, _reviewed_sql,
               lambda f, names: dict(REVIEW_STATES)[f.reviewed] if f.reviewed else "",
               Widget("choice", "审核状态", choices=REVIEW_STATES,
                      help="已核对：审核人员确认或更正过的文章")),
    FilterSpec("count", "count", "events", _count, _one, None,
               lambda f, names: "按报道计" if f.count == "reports" else "",
               Widget("choice", "计数", choices=COUNT_CHOICES,
                      help="按活动：几家报刊报道的同一活动只计一次，人数取最确切的一篇（不相加）；"
                           "按报道：每篇报道各计一次")),
)
URL_KEYS = frozenset(spec.url_key for spec in FILTERS)
