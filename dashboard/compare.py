"""The comparison view's logic: two selections (two streets, or two periods) under the same
sidebar filters, the same figures for each, and the difference. Plain functions of filters and
frames, tested without Streamlit; the page (app_pages/compare.py) lays them out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analytics.filters import Filters
from analytics.periods import period_end, period_range, period_start

from .vocabulary import CountWords, count_words

MODES = {"streets": "两个街道", "periods": "两个时期"}
URL_MODE, URL_A, URL_B = "cmp", "a", "b"  # the page's own URL keys (not filters: see analytics.filters)
MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Selection:
    label: str  # in words: 开源街道, 2025-05-01至2025-05-31
    filters: Filters


def period_text(first: date, last: date) -> str:
    if first.day == 1 and last == period_end(first, "month"):
        return f"{first.year}年{first.month}月"
    return f"{first.isoformat()}至{last.isoformat()}"


def selection(f: Filters, mode: str, value) -> Selection:
    """One side: the sidebar filters with the compared dimension replaced by this side's value
    (a street, or a date range); that dimension's sidebar filter does not apply."""
    if mode == "streets":
        return Selection(value, f.with_(streets=(value,), communities=()))
    first, last = value
    return Selection(period_text(first, last), f.with_(date_from=first, date_to=last, include_undated=False))


def default_periods(latest: date | None) -> tuple[tuple[date, date], tuple[date, date]]:
    """The month before the latest dated article's month, and that month."""
    latest = latest or date.today()
    b_first = period_start(latest, "month")
    a_first = period_start(b_first - timedelta(days=1), "month")
    return (a_first, period_end(a_first, "month")), (b_first, period_end(b_first, "month"))


def _period(text: str) -> tuple[date, date] | None:
    try:
        first, last = (date.fromisoformat(part) for part in text.split("~", 1))
    except ValueError:
        return None
    if last < first or (last - first).days > MAX_PERIOD_DAYS:
        return None
    return first, last


def from_params(params, streets: list[str]) -> tuple[str | None, object, object]:
    """(mode, a, b) from the URL (?cmp=streets&a=开源街道&b=新华街道, or
    ?cmp=periods&a=2025-04-01~2025-04-30&b=…); what cannot be read is None."""
    mode = params.get(URL_MODE)
    if mode not in MODES:
        return None, None, None
    a, b = params.get(URL_A) or "", params.get(URL_B) or ""
    if mode == "streets":
        return mode, a if a in streets else None, b if b in streets else None
    return mode, _period(a), _period(b)


def to_params(mode: str, a, b) -> dict[str, str]:
    if mode == "streets":
        return {URL_MODE: mode, URL_A: a, URL_B: b}
    return {URL_MODE: mode, URL_A: f"{a[0].isoformat()}~{a[1].isoformat()}",
            URL_B: f"{b[0].isoformat()}~{b[1].isoformat()}"}


def label_comparison(a: pd.DataFrame, b: pd.DataFrame, names: dict[str, str], value: str = "articles",
                     top: int | None = None) -> pd.DataFrame:
    """Per label (theme or service type): a's and b's counts and the difference b − a, the
    labels either side has, biggest first (frames from analytics.queries.label_counts)."""
    counts_a = dict(zip(a["key"], a[value])) if not a.empty else {}
    counts_b = dict(zip(b["key"], b[value])) if not b.empty else {}
    keys = sorted(set(counts_a) | set(counts_b),
                  key=lambda k: (-(counts_a.get(k, 0) + counts_b.get(k, 0)), names.get(k, k)))
    if top:
        keys = keys[:top]
    frame = pd.DataFrame({"key": keys, "name": [names.get(k, k) for k in keys],
                          "a": [int(counts_a.get(k, 0)) for k in keys], "b": [int(counts_b.get(k, 0)) for k in keys]})
    frame["diff"] = frame["b"] - frame["a"]
    return frame


def comparison_table(frame: pd.DataFrame, kind_word: str, a: str, b: str, *, words: CountWords) -> pd.DataFrame:
    """The comparison as exported: label, a, b, difference, in words."""
    return pd.DataFrame({kind_word: frame["name"], f"{a}（{words.unit}）": frame["a"],
                         f"{b}（{words.unit}）": frame["b"], f"差值（{b} − {a}）": frame["diff"]})


def metric_rows(a, b) -> list[tuple[str, str, str, int | float]]:
    """(what, a's value, b's value, difference) for two analytics.queries.Overview figures."""
    words = count_words(a.counting)
    rows = [(words.axis, a.articles, b.articles),
            ("参与人数（下限，人）", int(a.participants_low), int(b.participants_low)),
            ("覆盖社区和村", a.units_covered, b.units_covered),
            (f"有日期的{words.axis}", a.dated, b.dated)]
    return [(what, f"{x:,}", f"{y:,}", y - x) for what, x, y in rows]


def busiest_first(coverage: pd.DataFrame) -> list[str]:
    """The streets, the busiest first (the default comparison is the two busiest)."""
    streets = coverage[coverage["level"] == "street"]
    return list(streets.sort_values("articles", ascending=False, kind="stable")["name"])


def period_options(first: date | None, last: date | None) -> dict[str, list[tuple[date, date]]]:
    """The months and years the data spans, newest first, as (first day, last day)."""
    if first is None or last is None:
        first = last = date.today()
    months = [(s, period_end(s, "month")) for s in reversed(period_range(first, last, "month"))]
    years = [(date(y, 1, 1), date(y, 12, 31)) for y in range(last.year, first.year - 1, -1)]
    if len(months) < 2:  # something to compare with
        previous = period_start(months[-1][0] - timedelta(days=1), "month")
        months.append((previous, period_end(previous, "month")))
    if len(years) < 2:
        years.append((date(years[-1][0].year - 1, 1, 1), date(years[-1][0].year - 1, 12, 31)))
    return {"month": months, "year": years}


def widget_state(session, params, streets: list[str], first: date | None, last: date | None) -> dict:
    """The page's choices before its widgets are drawn: from the URL on the page's first run in
    a session (so a sent link opens the same comparison), else defaults; returns the period
    options. `session` is st.session_state (or a dict), `params` st.query_params (or a dict)."""
    options = period_options(first, last)
    if "_cmp_loaded" in session:
        for unit, periods in options.items():  # a period from a sent link stays a choice
            for side in ("a", "b"):
                chosen = session.get(f"cmp_{side}_{unit}")
                if chosen is not None and chosen not in periods:
                    periods.append(chosen)
        return options
    session["_cmp_loaded"] = True
    mode, a, b = from_params(params, streets)
    session["cmp_mode"] = mode or "streets"
    session.setdefault("cmp_a_street", streets[0] if streets else "")
    session.setdefault("cmp_b_street", streets[1] if len(streets) > 1 else "")
    for unit, periods in options.items():
        session.setdefault(f"cmp_a_{unit}", periods[1])
        session.setdefault(f"cmp_b_{unit}", periods[0])
    if mode == "streets":
        session["cmp_a_street"] = a or session["cmp_a_street"]
        session["cmp_b_street"] = b or session["cmp_b_street"]
    elif mode == "periods":
        unit = "year" if a and (a[0].month, a[0].day, a[1].month, a[1].day) == (1, 1, 12, 31) else "month"
        session["cmp_unit"] = unit
        for side, value in (("a", a), ("b", b)):
            if value:
                if value not in options[unit]:
                    options[unit].append(value)
                session[f"cmp_{side}_{unit}"] = value
    return options


def chart_config(name: str) -> dict:
    from .exports import chart_config as config, safe_name
    from .vocabulary import district
    return config(safe_name(district(), name))
