"""Streamlit glue shared by the pages: the store, the shared filters (kept in the URL),
cached queries, charts that cross-filter, and download buttons."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from analytics import exports, figures, queries
from analytics.vocabulary import PRECISION_ZH
from analytics.filters import Filters
from etl.knowledge import load_knowledge
from etl.store import database_url, make_engine, stats

URL_FILTER_KEYS = ("from", "to", "undated", "streets", "communities", "themes", "services", "q")
WIDGET_KEYS = {"date_from": "f_from", "date_to": "f_to", "include_undated": "f_undated", "streets": "f_streets",
               "communities": "f_communities", "themes": "f_themes", "services": "f_services", "q": "f_q"}


def engine():
    return _engine(database_url())


@st.cache_resource
def _engine(url: str):
    return make_engine(url)


def kb():
    return load_knowledge()


def theme_names() -> dict[str, str]:
    return kb().taxonomy["theme"]


def service_names() -> dict[str, str]:
    return kb().taxonomy["service"]


def ensure_store() -> None:
    """First start on a fresh clone: build the store from data/bulletins, with progress."""
    if stats(engine())["bulletins"]:
        return
    from etl.ingest import ingest_paths
    from etl.sources import bulletin_paths
    paths = bulletin_paths([kb().bulletins_dir])
    if not paths:
        return
    bar = st.progress(0.0, text="首次启动：正在从 data/bulletins 导入样例公报…")
    done = []
    ingest_paths(engine(), paths, progress=lambda o: (done.append(o), bar.progress(
        len(done) / len(paths), text=f"首次启动：已导入 {len(done)}/{len(paths)} 份公报")))
    bar.empty()


def version() -> tuple:
    return (database_url(), *queries.store_version(engine()))


@st.cache_data(show_spinner=False, max_entries=256)
def cached(name: str, _version: tuple, filters: Filters, *args):
    """Query results per filter set and store version (an ingest invalidates them)."""
    return getattr(queries, name)(engine(), filters, *args)


def query(name: str, filters: Filters, *args):
    return cached(name, version(), filters, *args)


# ---- filters --------------------------------------------------------------------------------

def _apply_to_widgets(f: Filters) -> None:
    for field, key in WIDGET_KEYS.items():
        value = getattr(f, field)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value


def request_filters(**changes) -> None:
    """Cross-filter from a click: applied before the widgets are drawn on the next run."""
    st.session_state["_pending_filters"] = current_filters().with_(**changes)
    st.rerun()


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def sidebar_filters() -> Filters:
    if "_filters_loaded" not in st.session_state:  # first run of a session: the URL decides
        _apply_to_widgets(Filters.from_params(st.query_params))
        st.session_state["_filters_loaded"] = True
    if "_pending_filters" in st.session_state:
        _apply_to_widgets(st.session_state.pop("_pending_filters"))

    gaz = kb().gazetteer
    street_names = [s.name for s in gaz.streets]
    with st.sidebar:
        st.header("筛选")
        c1, c2 = st.columns(2)
        c1.date_input("起始日期", key="f_from", format="YYYY-MM-DD")
        c2.date_input("结束日期", key="f_to", format="YYYY-MM-DD")
        st.checkbox("包含日期不明的文章", key="f_undated",
                    help="样例公报多未注明出版日期；不勾选则只看能确定日期的文章")
        st.session_state["f_streets"] = [s for s in st.session_state.get("f_streets", []) if s in street_names]
        st.multiselect("街道", street_names, key="f_streets", placeholder="全部街道")
        chosen = st.session_state["f_streets"]
        units = [u.name for u in gaz.units if not chosen or u.street in chosen]
        st.session_state["f_communities"] = [c for c in st.session_state.get("f_communities", []) if c in units]
        st.multiselect("社区 / 村", units, key="f_communities", placeholder="全部社区和村",
                       help="选择街道后，这里只列出该街道的社区和村")
        for key, names in (("f_themes", theme_names()), ("f_services", service_names())):
            st.session_state[key] = [k for k in st.session_state.get(key, []) if k in names]  # URLs can be stale
        st.multiselect("主题", list(theme_names()), key="f_themes", format_func=lambda k: theme_names()[k],
                       placeholder="全部主题")
        st.multiselect("服务类型", list(service_names()), key="f_services",
                       format_func=lambda k: service_names()[k], placeholder="全部服务类型")
        st.text_input("关键词", key="f_q", placeholder="标题或正文中的词", max_chars=100)
        if st.button("清除全部筛选", width="stretch"):
            st.session_state["_pending_filters"] = Filters()
            st.rerun()

    state = st.session_state
    f = Filters(date_from=state.get("f_from"), date_to=state.get("f_to"),
                include_undated=state.get("f_undated", True),
                streets=tuple(state.get("f_streets", [])), communities=tuple(state.get("f_communities", [])),
                themes=tuple(state.get("f_themes", [])), services=tuple(state.get("f_services", [])),
                q=(state.get("f_q") or "").strip())
    st.session_state["filters"] = f
    wanted = {k: v if isinstance(v, list) else [v] for k, v in f.to_params().items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params if k in URL_FILTER_KEYS}
    if current != wanted:  # other parameters (an open article) stay as they are
        others = {k: st.query_params.get_all(k) for k in st.query_params if k not in URL_FILTER_KEYS}
        st.query_params.from_dict({**others, **wanted})
    return f


# ---- charts and downloads -------------------------------------------------------------------

def chart(fig, name: str, key: str):
    """A Plotly chart whose toolbar saves a 2x PNG named after the view; returns clicked points."""
    f = current_filters()
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points",),
                            config=exports.chart_config(exports.safe_name("平城区", name, f.describe())),
                            width="stretch")
    st.session_state.setdefault("_view_figures", {})[name] = fig
    with st.popover("导出图表", icon=":material/download:"):
        st.caption("工具栏相机按钮直接保存 2 倍 PNG；这里由服务器生成 PNG 或 SVG。")
        image_downloads(fig, name, key)
    return (event or {}).get("selection", {}).get("points", []) if event else []


def image_downloads(fig, name: str, key: str) -> None:
    """Server-side PNG/SVG (kaleido + system Chromium), or why it cannot be done. An image made
    for other filters is never offered: it is kept with the filters it was made for."""
    f = current_filters()
    cols = st.columns(2)
    for col, fmt in zip(cols, ("png", "svg")):
        slot = f"_image_{key}_{fmt}"
        with col:
            if st.button(f"生成 {fmt.upper()}", key=f"{key}_{fmt}_make"):
                try:
                    st.session_state[slot] = (f, exports.image_bytes(fig, fmt))
                except exports.ImageExportUnavailable as e:
                    st.error(str(e))
            made = st.session_state.get(slot)
            if made and made[0] == f:
                st.download_button(f"下载 {fmt.upper()}", made[1],
                                   file_name=exports.file_name(name, f.describe(), fmt),
                                   mime="image/png" if fmt == "png" else "image/svg+xml", key=f"{key}_{fmt}_dl")


def table_downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    f = current_filters()
    c1, c2 = st.columns(2)
    c1.download_button("下载 CSV", exports.csv_bytes(frame), file_name=exports.file_name(name, f.describe(), "csv"),
                       mime="text/csv", key=f"{key}_csv", width="stretch")
    c2.download_button("下载 Excel", exports.xlsx_bytes(frame), key=f"{key}_xlsx", width="stretch",
                       file_name=exports.file_name(name, f.describe(), "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def bundle_download(tables: dict[str, pd.DataFrame] | None = None) -> None:
    """Every chart of this page as PNG and SVG, and its tables as CSV, for the current filters."""
    figures = st.session_state.get("_view_figures", {})
    view = (tuple(figures), current_filters())  # a bundle belongs to one page and one filter set
    with st.expander("导出本页全部图表（PNG + SVG + CSV 压缩包）"):
        if st.button("生成压缩包", key="bundle_make"):
            try:
                st.session_state["_bundle"] = (view, exports.bundle_zip(figures, tables or {}))
            except exports.ImageExportUnavailable as e:
                st.error(str(e))
        made = st.session_state.get("_bundle")
        if made and made[0] == view:
            st.download_button("下载压缩包", made[1], mime="application/zip",
                               file_name=exports.file_name("图表包", current_filters().describe(), "zip"))


def in_chinese(articles: pd.DataFrame) -> pd.DataFrame:
    """Theme and service keys and date precision in the words of the UI."""
    if articles.empty:
        return articles
    return articles.assign(
        themes=articles["themes"].map(lambda keys: [theme_names().get(k, k) for k in keys]),
        services=articles["services"].map(lambda keys: [service_names().get(k, k) for k in keys]),
        date_precision=articles["date_precision"].map(lambda p: PRECISION_ZH.get(p, p)))


def people_text(total_low: float, approx: bool) -> str:
    """Honest head counts: ≥ when built from 余/多 lower bounds."""
    return f"{'≥ ' if approx else ''}{int(total_low):,} 人"


def link_to_articles() -> None:
    st.page_link("pages/articles.py", label="查看当前筛选下的文章及其原文依据", icon=":material/article:")


def empty_store_guidance() -> bool:
    if stats(engine())["articles"]:
        return False
    st.info("数据库中还没有文章。请在“导入”页上传公报文件，或运行 `python -m etl ingest data/bulletins`。")
    return True


def import_page_mode() -> str:
    """PINGCHENG_IMPORT=on (default) | password | off: read-only deployments close the import page."""
    return os.environ.get("PINGCHENG_IMPORT", "on").lower()
