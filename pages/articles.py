"""文章: searchable, sortable table; the article view with highlighted evidence."""
import streamlit as st

from analytics.evidence import article_header_html, highlight_html, legend_html
from ui import common

st.title("文章")
if not common.empty_store_guidance():
    f = common.current_filters()
    table = common.query("articles_table", f)
    if table.empty:
        st.warning("没有符合筛选条件的文章。请修改侧栏筛选或关键词。")
    else:
        table = common.in_chinese(table)
        shown = table[["id", "activity_date", "date_precision", "bulletin", "seq", "title", "streets",
                       "communities", "themes", "services", "participants_low", "reporters"]]
        event = st.dataframe(shown.rename(columns={
            "activity_date": "日期", "date_precision": "日期精度", "bulletin": "公报", "seq": "序号", "title": "标题",
            "streets": "街道", "communities": "社区/村", "themes": "主题", "services": "服务",
            "participants_low": "参与人数≥", "reporters": "记者"}),
            hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
            key="art_table")
        common.table_downloads(table.drop(columns=["id"]), "文章", "articles")
        rows = event.selection.rows if event else []
        if rows:  # the open article lives in the URL too, so it can be sent as a link
            st.query_params["article"] = str(int(table.iloc[rows[0]]["id"]))
        chosen = st.query_params.get("article")
        detail = common.queries.article_detail(common.engine(), int(chosen)) if (chosen or "").isdigit() else None
        if detail is None:
            st.caption("点击表格中的一行，查看文章全文及抽取依据。")
        else:
            st.divider()
            st.markdown(article_header_html(detail), unsafe_allow_html=True)
            st.markdown(legend_html(), unsafe_allow_html=True)
            st.markdown(highlight_html(detail["text"], detail["evidence"]), unsafe_allow_html=True)
