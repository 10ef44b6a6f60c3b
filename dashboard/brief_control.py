"""生成简报: a Word, PDF or slide briefing of the current filters (dashboard.briefing), made on
the server and offered for download while those filters and that store hold."""
from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from . import data, state
from .briefing import FORMATS, BriefingError, file_name, make
from .exports import ImageExportUnavailable

SLOT = "_briefing"


def base_url() -> str:
    """Where this dashboard is served, as the browser sees it (for the links in a briefing)."""
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (AppTest): links stay paths
        return ""
    if not parts.scheme or not parts.netloc:
        return ""
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")


def briefing_control() -> None:
    f = state.current()
    with st.container(border=True):
        left, middle, right = st.columns([3.2, 1, 1.4], vertical_alignment="bottom")
        fmt = left.radio("简报：当前筛选下的主要数据、图表、无活动的社区和村、重点文章", list(FORMATS), horizontal=True,
                         format_func=lambda k: FORMATS[k].label, key="brief_format")
        view = (f, fmt, data.store_version())  # a briefing belongs to one view of one store
        if middle.button("生成简报", key="brief_make", type="primary", icon=":material/description:"):
            with st.spinner("正在生成简报（图表由服务器绘制，约需十秒）…"):
                try:
                    b, made = make(data.engine(), f, fmt, base_url=base_url())
                    st.session_state[SLOT] = (view, file_name(b, fmt), made)
                except (BriefingError, ImageExportUnavailable) as e:
                    st.error(str(e))
        made = st.session_state.get(SLOT)
        if made and made[0] == view:
            right.download_button(f"下载简报（.{fmt}）", made[2], file_name=made[1], mime=FORMATS[fmt].mime,
                                  key="brief_download", icon=":material/download:", width="stretch")
