"""What the pages show besides charts, computed from the query results: coverage figures and
gap lists, article tables in the UI's words (shown and exported), honest head counts. Plain
functions, tested without Streamlit."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd

from analytics.filters import Filters

from .vocabulary import (DROP_REASON_ZH, LEVEL_ZH, NO_GROUP_ZH, PLACE_PRECISION_ZH, PLACE_STATUS_ZH, PRECISION_ZH,
                         REASON_ZH, YES_NO, CountWords, bulletin_label, count_words, display_title, event_date_zh,
                         flags_zh, period_label, period_span, service_names, theme_names)

# The article table as shown: column of the query -> its heading.
ARTICLE_COLUMNS = {"date": "日期", "date_precision": "日期精度", "bulletin_label": "公报", "seq": "篇序",
                   "display_title": "标题", "streets": "街道", "communities": "社区/村", "themes": "主题",
                   "services": "服务类型", "participants_low": "参与人数≥", "reporters": "记者", "flags": "标记",
                   "reports": "报道数", "confidence": "可信度", "reviewed": "已核对"}
UNDATED = "日期不明"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""
    delta: str | None = None  # a line under the value (the dates' span)


def key_figures(o) -> tuple[list[KeyFigure], list[str]]:
    """The overview's key figures (analytics.queries.Overview) and the notes under them, in the
    words the overview page and the briefing both print."""
    events = o.counting == "events"
    words = count_words(o.counting)
    figures = [
        KeyFigure("活动" if events else "文章（报道）", f"{o.articles}",
                  "几家报刊报道的同一活动计为一项（侧栏“计数”可改为按报道计）" if events else "每篇报道各计一次"),
        KeyFigure("参与人数", people_text(o.participants_low, o.participants_approx),
                  "由“余、多”等下限相加，故为“≥”；模糊人数单列"),
        KeyFigure("覆盖街道", f"{o.streets_covered} / {o.streets_total}", "有活动报道的街道 / 筛选范围内的街道"),
        KeyFigure("覆盖社区和村", f"{o.units_covered} / {o.units_total}",
                  "有活动报道的社区和村 / 筛选范围内的社区和村"),
        KeyFigure(f"有日期的{words.noun}", f"{o.dated} / {o.articles}",
                  f"{words.n(o.dated)}有日期（确切、见报或推断），{words.n(o.undated)}日期不明；下方为日期跨度",
                  date_span(o.date_min, o.date_max)),
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

    @property
    def streets_without(self) -> int:
        return self.streets_total - self.streets_active


def _in_scope(coverage: pd.DataFrame) -> pd.DataFrame:
    return coverage[coverage["in_scope"]] if "in_scope" in coverage else coverage


def units_in_scope(coverage: pd.DataFrame, f: Filters | None = None) -> pd.DataFrame:
    """The communities and villages the filters look at (analytics.queries.scope_of)."""
    units = _in_scope(coverage)
    return units[units["level"] != "street"]


def streets_in_scope(coverage: pd.DataFrame) -> pd.DataFrame:
    streets = _in_scope(coverage)
    return streets[streets["level"] == "street"]


def coverage_figures(coverage: pd.DataFrame, f: Filters | None = None) -> CoverageFigures:
    """The coverage metrics, counted from the same rows as the tables under them."""
    streets, units = streets_in_scope(coverage), units_in_scope(coverage)
    return CoverageFigures(int((streets["articles"] > 0).sum()), len(streets),
                           int((units["articles"] > 0).sum()), len(units))


def active_units(coverage: pd.DataFrame) -> pd.DataFrame:
    """Communities and villages in scope with activity, busiest first (street, name, articles)."""
    units = units_in_scope(coverage)
    units = units[units["articles"] > 0]
    return units.sort_values(["articles", "name"], ascending=[False, True])[["street", "name", "articles"]]


def active_units_zh(active: pd.DataFrame, *, words: CountWords) -> pd.DataFrame:
    return active.rename(columns={"street": "街道", "name": "名称", "articles": words.axis})


def gaps(coverage: pd.DataFrame, f: Filters | None = None) -> pd.DataFrame:
    """The communities and villages in scope with no reported activity, in the UI's words."""
    units = units_in_scope(coverage)
    out = units[units["articles"] == 0][["street", "name", "level", "code"]]
    return out.assign(level=out["level"].map(LEVEL_ZH)).rename(
        columns={"street": "街道", "name": "名称", "level": "类型", "code": "统计区划代码"})


def street_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """The streets in scope with no reported activity (an official should not have to spot a
    missing bar), with how many communities and villages each has."""
    streets = streets_in_scope(coverage)
    units = coverage[coverage["level"] != "street"]
    sizes = units.groupby("street").size()
    out = streets[streets["articles"] == 0][["name", "code"]]
    return pd.DataFrame({"街道": out["name"], "统计区划代码": out["code"],
                         "下辖社区和村": [int(sizes.get(n, 0)) for n in out["name"]]})


def coverage_zh(coverage: pd.DataFrame, *, words: CountWords) -> pd.DataFrame:
    """The coverage rows in scope as exported: type, name, street, code, count."""
    rows = _in_scope(coverage)
    return pd.DataFrame({"类型": rows["level"].map(LEVEL_ZH), "名称": rows["name"], "所属街道": rows["street"],
                         "统计区划代码": rows["code"], words.axis: rows["articles"].astype(int)})


def odd_places_zh(odd: pd.DataFrame, *, words: CountWords) -> pd.DataFrame:
    return odd.replace({"status": PLACE_STATUS_ZH}).rename(
        columns={"name": "地名", "status": "类别", "articles": words.axis})


def _date_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return UNDATED
    return str(value)[:10]


def articles_zh(articles: pd.DataFrame) -> pd.DataFrame:
    """The query's article rows with the UI's words beside them: titles (the first sentence's
    opening, marked, when there is none), bulletins by issue date and page, dates (日期不明,
    never None), theme and service names, date precision, flags."""
    if articles.empty:
        return articles.assign(**{c: [] for c in ("date", "bulletin_label", "display_title")})
    themes, services = theme_names(), service_names()
    out = articles.assign(
        date=articles["activity_date"].map(_date_text),
        bulletin_label=[bulletin_label(n, d, p) for n, d, p in
                        zip(articles["bulletin"], articles.get("issue_date", [None] * len(articles)),
                            articles.get("issue_precision", [None] * len(articles)))],
        display_title=[display_title(t, s) for t, s in zip(articles["title"], articles["first_sentence"])],
        themes=articles["themes"].map(lambda keys: [themes.get(k, k) for k in keys]),
        services=articles["services"].map(lambda keys: [services.get(k, k) for k in keys]),
        date_precision=articles["date_precision"].map(lambda p: PRECISION_ZH.get(p, p)))
    if "flags" in out:
        out["flags"] = out["flags"].map(lambda v: flags_zh(json.loads(v) if isinstance(v, str) else v))
    if "reviewed" in out:
        out["reviewed"] = out["reviewed"].map(lambda v: YES_NO[bool(v)])
    if "confidence_reasons" in out:
        out["confidence_reasons"] = out["confidence_reasons"].map(lambda rs: [REASON_ZH.get(r, r) for r in rs])
    return out


def articles_shown(articles_in_words: pd.DataFrame) -> pd.DataFrame:
    """The table on the pages: Chinese headings, no internal id."""
    columns = [c for c in ARTICLE_COLUMNS if c in articles_in_words]
    return articles_in_words[columns].rename(columns=ARTICLE_COLUMNS)


def articles_export(articles_in_words: pd.DataFrame) -> pd.DataFrame:
    """Every fact of each article for a spreadsheet, in Chinese headings and values."""
    a = articles_in_words
    if a.empty:
        return pd.DataFrame(columns=["文章编号", "公报", "标题"])
    get = lambda col, default=None: a[col] if col in a else pd.Series([default] * len(a), index=a.index)  # noqa: E731
    return pd.DataFrame({
        "文章编号": a["id"], "公报": a["bulletin_label"], "公报文件": a["bulletin"],
        "见报日期": get("issue_date").map(lambda v: v if isinstance(v, str) else ""), "篇序": a["seq"],
        "标题": a["display_title"],
        "活动日期": a["date"], "日期精度": a["date_precision"], "文中所写日期": get("event_date").map(event_date_zh),
        "全区性": get("district_wide", False).map(lambda v: YES_NO[bool(v)]),
        "地点精度": get("place_precision").map(lambda v: PLACE_PRECISION_ZH.get(v, "") if isinstance(v, str) else ""),
        "街道": a["streets"], "社区/村": a["communities"], "主题": a["themes"], "服务类型": a["services"],
        "参与人数（下限）": a["participants_low"].map(lambda v: int(v) if float(v).is_integer() else v),
        "人数含约数": get("participants_approx", False).map(lambda v: YES_NO[bool(v)]),
        "模糊人数（处）": get("participants_vague", 0).map(lambda v: int(v or 0)),
        "记者": a["reporters"], "标记": get("flags", []), "首句": a["first_sentence"],
    })


def timeline_zh(frame: pd.DataFrame, period: str, by: str, names: dict[str, str], *,
                words: CountWords) -> pd.DataFrame:
    """The trend's numbers as exported: period, its days, group, date precision, count."""
    word = words.axis if by == "none" else words.mentions
    return pd.DataFrame({
        "时间": [period_label(p, period) for p in frame["period"]],
        "起止日期": [period_span(p, period) for p in frame["period"]],
        **({} if by == "none" else {"主题" if by == "theme" else "街道":
                                    [NO_GROUP_ZH[by] if g == "" else names.get(g, g) for g in frame["group"]]}),
        "日期精度": frame["precision"].map(lambda p: PRECISION_ZH.get(p, p)),
        word: frame["articles"].astype(int),
    })


def date_span(first, last) -> str:
    """The dated articles' span in words: 2025-05-24, 2025-05-01 至 2025-06-30, or 无."""
    if first is None:
        return "无"
    a, b = str(first)[:10], str(last or first)[:10]
    return a if a == b else f"{a} 至 {b}"


def latest_html(articles_in_words: pd.DataFrame) -> str:
    """The latest articles as a short list (date and precision, title, places), every text
    escaped: a bulletin holding markup shows it as text."""
    items = []
    for row in articles_in_words.itertuples():
        places = "、".join(list(row.streets) + list(row.communities)) or "未定位"
        items.append(f"<li><span style='color:#666'>{html.escape(row.date)}（{html.escape(str(row.date_precision))}）"
                     f"</span> {html.escape(row.display_title)} <span style='color:#666'>· "
                     f"{html.escape(places)}</span></li>")
    return "<ul class='latest-articles'>" + "".join(items) + "</ul>"


def dropped_zh(dropped: list[dict]) -> pd.DataFrame:
    """The lines of a bulletin left out of its articles, with why, in the UI's words."""
    return pd.DataFrame({"行": [d["line"] for d in dropped], "内容": [d["text"] for d in dropped],
                         "原因": [DROP_REASON_ZH.get(d["reason"], d["reason"]) for d in dropped]})
