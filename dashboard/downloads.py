"""Download buttons: a chart as PNG/SVG made on the server, a table as CSV/XLSX, and every
chart and table of the page in one zip. Anything made for one filter set is offered only
while those filters hold."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import queries

from . import data, exports, state
from .vocabulary import label_names


def page_figures() -> dict[str, go.Figure]:
    """The charts this page has drawn in this run (for its bundle)."""
    return st.session_state.setdefault("_view_figures", {})


def page_tables() -> dict[str, pd.DataFrame | Callable[[], pd.DataFrame]]:
    """The tables this page has shown in this run (for its bundle): frames, or functions that
    make them when the bundle is made (a table of thousands of rows is not built every run)."""
    return st.session_state.setdefault("_view_tables", {})


def resolved_tables() -> dict[str, pd.DataFrame]:
    return {name: table() if callable(table) else table for name, table in page_tables().items()}


def start_page() -> None:
    st.session_state["_view_figures"], st.session_state["_view_tables"] = {}, {}


def _file(name: str, ext: str) -> str:
    """平城区_<what>_<which view>.<ext>, for the current filters."""
    return exports.file_name(name, state.current(), ext, label_names())


def _view_words() -> str:
    return state.current().describe(label_names())


def _source() -> str:
    """数据来源：…，截至… for the current filters: to the end of the period, else the latest date."""
    f = state.current()
    return exports.source_line(exports.as_of_date(f.date_to, data.figure(queries.overview, f).date_max))


def image_downloads(fig: go.Figure, name: str, key: str) -> None:
    """Server-side PNG/SVG (kaleido + system Chromium), or why it cannot be done. The image
    carries its title, the filters in words and the source line, at a size for slides or
    documents."""
    f = state.current()
    preset = st.radio("尺寸", list(exports.PRESETS), horizontal=True, key=f"{key}_preset",
                      format_func=lambda p: f"{exports.PRESETS[p].label}（{exports.PRESETS[p].width}×"
                                            f"{exports.PRESETS[p].height}，2 倍）")
    for col, fmt in zip(st.columns(2), ("png", "svg")):
        slot = f"_image_{key}_{fmt}"
        with col:
            if st.button(f"生成 {fmt.upper()}", key=f"{key}_{fmt}_make"):
                try:
                    st.session_state[slot] = ((f, preset), exports.image_bytes(
                        fig, fmt, title=name, view=_view_words(), source=_source(), preset=preset))
                except exports.ImageExportUnavailable as e:
                    st.error(str(e))
            made = st.session_state.get(slot)
            if made and made[0] == (f, preset):
                st.download_button(f"下载 {fmt.upper()}", made[1],
                                   file_name=_file(f"{name}_{exports.PRESETS[preset].label}", fmt),
                                   mime="image/png" if fmt == "png" else "image/svg+xml", key=f"{key}_{fmt}_dl")


def table_downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (UTF-8 with BOM) and XLSX of a table, named after the view; it joins the page's bundle."""
    page_tables()[name] = frame
    c1, c2 = st.columns(2)
    # The files are made when a button is clicked (Streamlit calls the function then), not on
    # every run: an Excel file of 2,000 articles takes seconds to write.
    c1.download_button("下载 CSV", lambda: exports.csv_bytes(frame), file_name=_file(name, "csv"),
                       mime="text/csv", key=f"{key}_csv", width="stretch", on_click="ignore")
    c2.download_button("下载 Excel", lambda: exports.xlsx_bytes(frame, name), key=f"{key}_xlsx", width="stretch",
                       file_name=_file(name, "xlsx"), on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def bundle_download() -> None:
    """Every chart of this page as PNG and SVG, and its tables as CSV, for the current filters."""
    figures, tables = page_figures(), page_tables()
    view = (tuple(figures), tuple(tables), state.current())  # a bundle belongs to one page and one view
    with st.expander("导出本页全部图表（PNG + SVG + CSV 压缩包）"):
        if st.button("生成压缩包", key="bundle_make"):
            try:
                st.session_state["_bundle"] = (view, exports.bundle_zip(figures, resolved_tables(), _view_words(),
                                                                        _source()))
            except exports.ImageExportUnavailable as e:
                st.error(str(e))
        made = st.session_state.get("_bundle")
        if made and made[0] == view:
            st.download_button("下载压缩包", made[1], mime="application/zip",
                               file_name=_file("图表包", "zip"))
