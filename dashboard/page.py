"""What every page shows alike: guidance when the store is empty, the way to the articles."""
from __future__ import annotations

import streamlit as st

from . import data

ARTICLES_PAGE = "dashboard/app_pages/articles.py"


def stop_if_empty() -> None:
    """An empty store gets guidance instead of empty charts."""
    if data.is_empty():
        st.info("数据库中还没有文章。请在“导入”页上传公报文件，或运行 `python -m etl ingest data/bulletins`。")
        st.stop()


def link_to_articles() -> None:
    st.page_link(ARTICLES_PAGE, label="查看当前筛选下的文章及其原文依据", icon=":material/article:")
