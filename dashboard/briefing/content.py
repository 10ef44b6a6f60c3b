"""What a briefing says, whatever its file format: built from (engine, Filters) with the same
query functions and words as the overview page (counts in the words of the filters' counting
mode, vocabulary.CountWords), so its figures and what they count are the dashboard's. Plain
Python (no Streamlit): the dashboard, the command line and the benchmark all call `build`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from analytics import queries
from analytics.filters import Filters

from .. import exports, figures, tables
from ..tables import KeyFigure
from ..vocabulary import (PRECISION_ZH, CountWords, count_words, district, label_names, period_label,
                          service_names, source_name, theme_names)

KEY_ARTICLES = 8
WEEKLY_UP_TO_DAYS = 92  # a period up to a quarter long is drawn by week, a longer one by month
SENTENCE_MAX = 120
SECTIONS = ("一、主要数据", "二、图表", "三、无活动报道的社区和村", "四、重点文章", "五、说明")


class BriefingError(RuntimeError):
    """Something the person asking can fix; the message is Chinese first, then English."""


@dataclass
class ChartItem:
    key: str
    title: str
    caption: str  # what the chart shows, in figures (under it, and beside it on a slide)
    figure: go.Figure


@dataclass(frozen=True)
class KeyArticle:
    id: int
    date: str
    place: str
    title: str
    first_sentence: str
    source: str  # the bulletin and the article's place in it
    link: str  # the article view: .../articles?article=ID


@dataclass(frozen=True)
class GapGroup:
    street: str
    names: tuple[str, ...]


@dataclass
class Briefing:
    district: str
    title: str  # 平城区社区工作简报
    subtitle: str  # 2025年5月 · 为老服务 · 开源街道
    filters: Filters
    made_at: datetime
    as_of: date
    figures: list[KeyFigure]
    notes: list[str]  # under the figures: undated articles, vague counts
    comparison: str | None  # with the previous period of equal length, when both dates are set
    charts: list[ChartItem]
    units_in_scope: int
    gaps: list[GapGroup]
    articles: list[KeyArticle]
    article_rule: str
    footer: list[str]
    view_link: str
    _images: dict[str, list[bytes]] = field(default_factory=dict, repr=False)
    _session: exports.ImageSession | None = field(default=None, repr=False)  # a Chromium already started

    @property
    def source(self) -> str:
        return exports.source_line(self.as_of)

    @property
    def gap_count(self) -> int:
        return sum(len(g.names) for g in self.gaps)

    def images(self, preset: str) -> list[bytes]:
        """Every chart as a PNG ready to paste (title, filters, source line) at a preset size
        (exports.PRESETS), rendered once per preset in one Chromium session."""
        if preset not in self._images:
            ready = [exports.ready_to_paste(c.figure, c.title, self.subtitle, self.source, preset)
                     for c in self.charts]
            self._images[preset] = self._session.render(ready) if self._session else exports.images(ready)
        return self._images[preset]


# ---- words -----------------------------------------------------------------------------------

def _month_start(day: date) -> bool:
    return day.day == 1


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_words(date_from: date | None, date_to: date | None) -> str:
    """2025年5月, 2025年4月至6月, 2025年, 2025年5月1日至5月20日, 2025年5月1日起, 全部时间."""
    if date_from and date_to:
        if _month_start(date_from) and _month_end(date_to) and date_from <= date_to:
            if date_from.month == 1 and date_to.month == 12 and date_from.year == date_to.year:
                return f"{date_from.year}年"
            if (date_from.year, date_from.month) == (date_to.year, date_to.month):
                return f"{date_from.year}年{date_from.month}月"
            end = f"{date_to.month}月" if date_to.year == date_from.year else f"{date_to.year}年{date_to.month}月"
            return f"{date_from.year}年{date_from.month}月至{end}"
        if date_from == date_to:
            return exports.zh_date(date_from)
        end = (f"{date_to.month}月{date_to.day}日" if date_to.year == date_from.year
               else exports.zh_date(date_to))
        return f"{exports.zh_date(date_from)}至{end}"
    if date_from:
        return f"{exports.zh_date(date_from)}起"
    if date_to:
        return f"截至{exports.zh_date(date_to)}"
    return "全部时间"


def view_words(f: Filters) -> str:
    """The period and the other filters in words: 2025年5月 · 为老服务 · 开源街道."""
    rest = f.with_(date_from=None, date_to=None)
    words = [period_words(f.date_from, f.date_to)]
    if not rest.is_empty():
        words.append(rest.describe(label_names()))
    return " · ".join(w for w in words if w and w != "全部")


def previous_period(start: date, end: date) -> tuple[date, date, str]:
    """The period of equal length just before: whole calendar months give the months before
    (上月 for one), any other span the same number of days before (上一周期)."""
    if _month_start(start) and _month_end(end):
        n = _months(start, end)
        prev_end = start - timedelta(days=1)
        month_index = start.year * 12 + start.month - 1 - n
        prev_start = date(month_index // 12, month_index % 12 + 1, 1)
        return prev_start, prev_end, "上月" if n == 1 else f"前{n}个月"
    days = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    return prev_end - timedelta(days=days - 1), prev_end, "上一周期"


def _change(now: float, before: float) -> str:
    diff = int(now) - int(before)
    return "持平" if diff == 0 else f"{diff:+d}".replace("-", "−")


def comparison_line(engine: Engine, f: Filters) -> str | None:
    """Dated events or articles of this period against the period of equal length before
    (undated ones belong to neither, so they are left out of both)."""
    if not (f.date_from and f.date_to) or f.date_from > f.date_to:
        return None
    start, end, name = previous_period(f.date_from, f.date_to)
    now = queries.overview(engine, f.with_(include_undated=False))
    before = queries.overview(engine, f.with_(date_from=start, date_to=end, include_undated=False))
    words = count_words(f.count)
    parts = [
        f"{words.noun} {words.n(now.articles)}（{name} {words.n(before.articles)}，"
        f"{_change(now.articles, before.articles)}）",
        f"参与人数 {tables.people_text(now.participants_low, now.participants_approx)}"
        f"（{name} {tables.people_text(before.participants_low, before.participants_approx)}，"
        f"{_change(now.participants_low, before.participants_low)}）",
        f"覆盖街道 {now.streets_covered} 个（{name} {before.streets_covered} 个）",
        f"覆盖社区和村 {now.units_covered} 个（{name} {before.units_covered} 个）",
    ]
    return (f"与{name}（{period_words(start, end)}，{start}至{end}）相比，只计有日期的{words.noun}："
            + "；".join(parts) + "。")


# ---- the parts --------------------------------------------------------------------------------

def key_figures(o: queries.Overview) -> tuple[list[KeyFigure], list[str]]:
    """The overview page's metrics, in its words."""
    return tables.key_figures(o)


def _top(frame: pd.DataFrame, names: dict[str, str], words: CountWords, n: int = 3) -> str:
    rows = frame[frame["articles"] > 0].head(n)
    return "、".join(f"{names.get(k, k)}（{words.n(int(v))}）" for k, v in zip(rows["key"], rows["articles"]))


def _street_chart(engine, f, coverage: pd.DataFrame) -> ChartItem | None:
    words = count_words(f.count)
    streets = coverage[coverage["level"] == "street"].sort_values("articles", ascending=False)
    active = streets[streets["articles"] > 0]
    if active.empty:
        return None
    busiest = "、".join(f"{n}（{words.n(int(a))}）" for n, a in zip(active["name"][:3], active["articles"][:3]))
    idle = list(streets[streets["articles"] == 0]["name"])
    caption = f"{len(streets)} 个街道中 {len(active)} 个有活动报道；最多的是 {busiest}。"
    if idle:
        caption += f"无活动报道：{'、'.join(idle)}。"
    fig = figures.street_bar(coverage, words=words)
    return ChartItem("cov_streets", fig.layout.title.text, caption, fig)


def _label_chart(engine, f, kind: str) -> ChartItem | None:
    frame = queries.label_counts(engine, f, kind)
    if frame.empty:
        return None
    words = count_words(f.count)
    names = theme_names() if kind == "theme" else service_names()
    what = "主题" if kind == "theme" else "服务类型"
    title = words.per(what)
    caption = (f"涉及 {len(frame)} 个{what}；{words.noun}最多的是 {_top(frame, names, words)}。"
               f"{words.one}可属多个{what}，各{what}相加可大于{words.noun}数。")
    return ChartItem("ov_themes" if kind == "theme" else "ov_services", title, caption,
                     figures.label_bar(frame, names, title, words=words))


def _timeline_chart(engine, f, o: queries.Overview) -> ChartItem | None:
    short = f.date_from and f.date_to and (f.date_to - f.date_from).days < WEEKLY_UP_TO_DAYS
    period = "week" if short else "month"
    frame = queries.timeline(engine, f, period, "theme")
    if frame.empty:
        return None
    words = count_words(f.count)
    unit = "周" if period == "week" else "月"
    title = words.mentions_per(unit)
    # Grouped by theme, a bar counts each once for each of its themes: its totals are 项次 or 篇次.
    totals = frame.groupby("period")["articles"].sum()
    peak = totals.idxmax()
    peak_label = period_label(peak, period)
    inferred = int(frame[frame["precision"] == "inferred"]["articles"].sum())
    caption = (f"有日期的{words.noun}按{unit}和主要主题计：最多的是 {peak_label}（{int(totals[peak])} {words.mentions}）。"
               f"斜线为推断日期（{inferred} {words.mentions}）；{words.n(o.undated)}日期不明，计入总数但不在图上。")
    return ChartItem("tl_bars", title, caption, figures.timeline_bars(frame, period, "theme", theme_names(), title,
                                                                        f.date_from, f.date_to, words=words))


def gap_groups(coverage: pd.DataFrame, f: Filters) -> tuple[int, list[GapGroup]]:
    """The communities and villages in scope with no reported activity, street by street (the
    coverage page's list, dashboard/tables.gaps)."""
    gaps = tables.gaps(coverage, f)
    scope = len(tables.units_in_scope(coverage, f))
    groups = [GapGroup(street, tuple(rows["名称"])) for street, rows in gaps.groupby("街道", sort=False)]
    return scope, groups


def _place(row) -> str:
    if row["communities"]:
        return "、".join(row["communities"])
    if row["streets"]:
        return "、".join(row["streets"])
    return "全区" if row["district_wide"] else "—"


def _date_text(row) -> str:
    if row["activity_date"] is None or pd.isna(row["activity_date"]):
        return "日期不明"
    precision = row["date_precision"]
    note = "" if precision == "day" else f"（{PRECISION_ZH.get(precision, precision).removesuffix('日期')}）"
    return f"{row['activity_date']}{note}"


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= SENTENCE_MAX else text[:SENTENCE_MAX - 1] + "…"


def article_link(base_url: str, article_id: int) -> str:
    return f"{base_url.rstrip('/')}/articles?article={article_id}"


def key_articles(engine, f: Filters, base_url: str, n: int = KEY_ARTICLES) -> list[KeyArticle]:
    rows = queries.articles_table(engine, f, limit=n, by="people")
    return [KeyArticle(int(r["id"]), _date_text(r), _place(r), r["title"] or "（无标题）", _sentence(r["first_sentence"]),
                       f"{r['bulletin']} 第 {int(r['seq'])} 篇", article_link(base_url, int(r["id"])))
            for _, r in rows.iterrows()]


def view_link(base_url: str, f: Filters) -> str:
    query = urlencode(f.to_params(), doseq=True)
    return f"{base_url.rstrip('/')}/" + (f"?{query}" if query else "")


def footer_lines(engine, f: Filters, made_at: datetime, o: queries.Overview) -> list[str]:
    n, first, last = queries.bulletins_of(engine, f)
    issues = f"，见报日期 {first} 至 {last}" if first and last and first != last else (f"，见报日期 {first}" if first else "")
    words = count_words(o.counting)
    # Counting events, the articles behind them are their reports (several papers may report one).
    counted = (f"{words.n(o.articles)}{words.noun}（{o.reports} 篇报道）" if o.counting == "events"
               else f"{words.n(o.articles)}{words.noun}")
    people = ("各项活动人数下限之和（同一活动的几篇报道只取其中最确切的人数，不相加）" if o.counting == "events"
              else "各篇报道人数下限之和")
    lines = [
        f"数据来源：{source_name()}；本简报的 {counted}出自 {n} 份公报{issues}。",
        f"生成时间：{made_at:%Y-%m-%d %H:%M}，由{district()}社区工作看板按下列筛选生成：{f.describe(label_names())}。",
        f"人数的读法：参与人数是{people}，“20余名”“100多人”按 20、100 计，故标“≥”；"
        f"“数百名”等模糊人数不计入合计，单独列出。{words.one}可涉及多个街道、社区、主题和服务类型。",
        "日期的读法：活动日期取自正文（确切日期），正文未写时取公报的见报日期；年份或日期由文中推断的标为"
        f"“推断日期”（图中斜线）；日期不明的{words.noun}计入总数，但不在时间图上，也不参与与上一周期的比较。",
    ]
    if f.date_from or f.date_to:
        lines.append(f"日期范围内的合计包含日期不明的{words.noun}（看板“包含日期不明的活动或文章”已勾选）。" if f.include_undated
                     else f"日期范围内的合计只含有日期的{words.noun}。")
    return lines


def build(engine: Engine, f: Filters, *, base_url: str = "", now: datetime | None = None,
          n_articles: int = KEY_ARTICLES, session: exports.ImageSession | None = None) -> Briefing:
    """The briefing of the view these filters select. `base_url` is where the dashboard is
    served (links to articles and to the view); without it links are paths (/articles?article=ID).
    Charts are drawn when a renderer asks for them, in `session` if one is given."""
    made_at = now or datetime.now().replace(microsecond=0)
    o = queries.overview(engine, f)
    figs, notes = key_figures(o)
    if (f.date_from or f.date_to) and f.include_undated and o.undated:
        notes.append(f"其中 {count_words(o.counting).n(o.undated)}日期不明，按看板的默认设置计入合计（其活动可能不在本期）。")
    coverage = queries.coverage(engine, f)
    charts: list[ChartItem] = []
    if o.articles:
        made = [_street_chart(engine, f, coverage), _label_chart(engine, f, "theme"),
                _label_chart(engine, f, "service"), _timeline_chart(engine, f, o)]
        charts = [c for c in made if c is not None]
    else:
        notes.append("当前筛选条件下没有文章：请放宽日期、地点或主题筛选。")
    scope, gaps = gap_groups(coverage, f)
    title = f"{district()}社区工作简报"
    return Briefing(
        district=district(), title=title, subtitle=view_words(f), filters=f, made_at=made_at,
        as_of=exports.as_of_date(f.date_to, o.date_max), figures=figs, notes=notes,
        comparison=comparison_line(engine, f), charts=charts, units_in_scope=scope, gaps=gaps,
        articles=key_articles(engine, f, base_url, n_articles),
        article_rule=f"按参与人数（下限）从多到少、再按日期从近到远选取前 {n_articles} 篇；标题链接到看板的文章页（原文与抽取依据）。",
        footer=footer_lines(engine, f, made_at, o), view_link=view_link(base_url, f), _session=session)
