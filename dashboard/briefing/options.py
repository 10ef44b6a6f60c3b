"""Filters from command-line options (`python -m etl brief`), read the way the dashboard reads
its URL (Filters.from_params), after a check that each name exists: a scheduled report with a
misspelt street should stop and say so, not come out empty."""
from __future__ import annotations

from datetime import date

from analytics.filters import Filters
from etl.knowledge import load_knowledge

from .content import BriefingError


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.replace("，", ",").split(",") if v.strip()]


def _known(values: list[str], choices: list[str], what: str, what_en: str, extra: dict[str, str] | None = None
           ) -> list[str]:
    """Each value as the store knows it (a Chinese name stands for its key); unknown ones stop."""
    lookup = {c: c for c in choices} | (extra or {})
    unknown = [v for v in values if v not in lookup]
    if unknown:
        shown = "、".join(choices[:30]) + ("…" if len(choices) > 30 else "")
        raise BriefingError(f"未知的{what}：{'、'.join(unknown)}。可选：{shown}。"
                            f" (Unknown {what_en}: {', '.join(unknown)}.)")
    return list(dict.fromkeys(lookup[v] for v in values))


def filters_from_options(date_from: date | None = None, date_to: date | None = None,
                         streets: list[str] | None = None, communities: list[str] | None = None,
                         themes: list[str] | None = None, services: list[str] | None = None,
                         q: str | None = None, include_undated: bool = True) -> Filters:
    kb = load_knowledge()
    street_names = [s.name for s in kb.gazetteer.streets]
    short = {s.removesuffix("街道"): s for s in street_names}  # 开源 for 开源街道
    if date_from and date_to and date_from > date_to:
        raise BriefingError(f"起始日期 {date_from} 晚于结束日期 {date_to}。请交换两个日期。"
                            f" (--from {date_from} is after --to {date_to}.)")
    params: dict[str, list[str]] = {
        "streets": _known(_split(streets), street_names, "街道", "street", short),
        "communities": _known(_split(communities), [u.name for u in kb.gazetteer.units], "社区或村",
                              "community or village"),
    }
    for kind, values, what, en in (("theme", themes, "主题", "theme"), ("service", services, "服务类型", "service type")):
        names = kb.taxonomy[kind]
        params[f"{kind}s"] = _known(_split(values), list(names), what, en, {zh: key for key, zh in names.items()})
    if date_from:
        params["from"] = [date_from.isoformat()]
    if date_to:
        params["to"] = [date_to.isoformat()]
    if q:
        params["q"] = [q]
    params["undated"] = ["1" if include_undated else "0"]
    return Filters.from_params(params)  # the URL's reading: the CLI and the address bar agree
