"""What the pages show besides charts, computed from the query results: coverage figures and
gap lists, article tables in the UI's words, honest head counts. Plain functions, tested
without Streamlit."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.filters import Filters

from .vocabulary import DROP_REASON_ZH, LEVEL_ZH, PLACE_STATUS_ZH, PRECISION_ZH, REASON_ZH, service_names, theme_names

ARTICLE_COLUMNS = {"activity_date": "日期", "date_precision": "日期精度", "bulletin": "公报", "seq": "序号",
                   "title": "标题", "streets": "街道", "communities": "社区/村", "themes": "主题", "services": "服务",
                   "participants_low": "参与人数≥", "reporters": "记者", "confidence": "可信度",
                   "reviewed": "已核对", "reports": "报道数"}


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


def key_figures(o, streets_total: int, units_total: int) -> tuple[list[KeyFigure], list[str]]:
    """The overview's key figures (analytics.queries.Overview) and the notes under them, in the
    words the overview page and the briefing both print."""
    events = o.counting == "events"
    span = f"{o.date_min} 至 {o.date_max}" if o.date_min else "无可确定日期"
    figures = [
        KeyFigure("活动" if events else "文章（报道）", f"{o.articles}",
                  "几家报刊报道的同一活动计为一项（侧栏“计数”可改为按报道计）" if events else "每篇报道各计一次"),
        KeyFigure("参与人数", people_text(o.participants_low, o.participants_approx),
                  "由“余、多”等下限相加，故为“≥”；模糊人数单列"),
        KeyFigure("覆盖街道", f"{o.streets_covered} / {streets_total}"),
        KeyFigure("覆盖社区和村", f"{o.units_covered} / {units_total}"),
        KeyFigure("日期跨度", span, f"{o.dated} 篇有日期（确切、见报或推断），{o.undated} 篇日期不明"),
    ]
    notes = []
    if o.participants_vague:
        notes.append(f"另有 {o.participants_vague} 处模糊人数（如“数百名”）未计入合计。")
    return figures, notes


def people_text(total_low: float, approx: bool) -> str:
    """Honest head counts: ≥ when built from 余/多 lower bounds."""
    return f"{'≥ ' if approx else ''}{int(total_low):,} 人"


@dataclass(frozen=True)
class CoverageFigures:
    streets_active: int
    streets_total: int
    units_active: int
    units_total: int

    @property
    def units_without(self) -> int:
        return self.units_total - self.units_active


def units_in_scope(coverage: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The communities and villages the filters look at: all, or those of the chosen streets."""
    units = coverage[coverage["level"] != "street"]
    return units[units["street"].isin(f.streets)] if f.streets else units


def coverage_figures(coverage: pd.DataFrame, f: Filters) -> CoverageFigures:
    streets = coverage[coverage["level"] == "street"]
    units = units_in_scope(coverage, f)
    return CoverageFigures(int((streets["articles"] > 0).sum()), len(streets),
                           int((units["articles"] > 0).sum()), len(units))


def active_units(coverage: pd.DataFrame) -> pd.DataFrame:
    """Communities and villages with activity, busiest first (street, name, articles)."""
    units = coverage[(coverage["level"] != "street") & (coverage["articles"] > 0)]
    return units.sort_values(["articles", "name"], ascending=[False, True])[["street", "name", "articles"]]


def active_units_zh(active: pd.DataFrame) -> pd.DataFrame:
    return active.rename(columns={"street": "街道", "name": "名称", "articles": "文章数"})


def gaps(coverage: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The communities and villages in scope with no reported activity, in the UI's words."""
    units = units_in_scope(coverage, f)
    out = units[units["articles"] == 0][["street", "name", "level", "code"]]
    return out.assign(level=out["level"].map(LEVEL_ZH)).rename(
        columns={"street": "街道", "name": "名称", "level": "类型", "code": "统计区划代码"})


def odd_places_zh(odd: pd.DataFrame) -> pd.DataFrame:
    return odd.replace({"status": PLACE_STATUS_ZH}).rename(
        columns={"name": "地名", "status": "类别", "articles": "文章数"})


def articles_zh(articles: pd.DataFrame) -> pd.DataFrame:
    """Theme and service keys and date precision in the words of the UI."""
    if articles.empty:
        return articles
    return articles.assign(
        themes=articles["themes"].map(lambda keys: [theme_names().get(k, k) for k in keys]),
        services=articles["services"].map(lambda keys: [service_names().get(k, k) for k in keys]),
        date_precision=articles["date_precision"].map(lambda p: PRECISION_ZH.get(p, p)),
        confidence_reasons=articles["confidence_reasons"].map(lambda rs: [REASON_ZH.get(r, r) for r in rs]),
        reviewed=articles["reviewed"].map(lambda r: "是" if r else "否"))


def dropped_zh(dropped: list[dict]) -> pd.DataFrame:
    """The lines of a bulletin left out of its articles, with why, in the UI's words."""
    return pd.DataFrame({"行": [d["line"] for d in dropped], "内容": [d["text"] for d in dropped],
                         "原因": [DROP_REASON_ZH.get(d["reason"], d["reason"]) for d in dropped]})
