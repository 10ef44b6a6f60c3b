"""What every page shows alike: guidance when the store is empty, the way to the articles, and
how a page stops early."""
from __future__ import annotations

from typing import NoReturn

import streamlit as st

from . import data

ARTICLES_PAGE = "dashboard/app_pages/articles.py"


class Stopped(Exception):
    """A page has said all it has to say (dashboard.app catches it)."""


def stop() -> NoReturn:
    """End the page here. Not st.stop(): after it Streamlit draws nothing more in the run, and
    the app's frame draws the sidebar's filters after the page (dashboard.app)."""
    raise Stopped


def stop_if_empty() -> None:
    """An empty store gets guidance instead of empty charts."""
    if data.is_empty():
        st.info("数据库中还没有文章。请在“导入”页上传公报文件，或运行 `python -m etl ingest data/bulletins`。")
        stop()


def link_to_articles() -> None:
    st.page_link(ARTICLES_PAGE, label="查看当前筛选下的文章及其原文依据", icon=":material/article:")
