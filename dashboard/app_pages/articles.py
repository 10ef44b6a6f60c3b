"""文章: searchable, sortable table; the article view with highlighted evidence."""
import streamlit as st

from analytics import queries
from dashboard import data, downloads, page, review, same_event, state, tables
from dashboard.evidence import article_header_html, highlight_html, legend_html
from etl.store import review as reviews

st.title("文章")
page.stop_if_empty()
f = state.current()
table = data.figure(queries.articles_table, f)
if table.empty:
    st.warning("没有符合筛选条件的文章。请修改侧栏筛选或关键词。")
    page.stop()
table = tables.articles_zh(table)
event = st.dataframe(tables.articles_shown(table), hide_index=True, width="stretch", on_select="rerun",
                     selection_mode="single-row", key=tables.selection_key("art_table", table["id"]))
downloads.table_downloads(tables.articles_export(table), "文章", "articles")
rows = event.selection.rows if event else []
if rows:  # the open article lives in the URL too, so it can be sent as a link
    st.query_params["article"] = str(int(table.iloc[rows[0]]["id"]))
chosen = state.article_param()
detail = data.article(chosen) if chosen is not None else None
if detail is None:
    st.caption("点击表格中的一行，查看文章全文及抽取依据。")
else:
    st.divider()
    st.markdown(article_header_html(detail), unsafe_allow_html=True)
    st.markdown(legend_html(), unsafe_allow_html=True)
    st.markdown(highlight_html(detail["text"], detail["evidence"]), unsafe_allow_html=True)
    if same_event.show(detail, st.session_state.get("reviewer")):  # a reviewer signed in may split or merge
        st.rerun()
    if detail["dropped"]:
        with st.expander(f"本公报中未计入文章的行（{len(detail['dropped'])} 行）：版面杂项、图片说明、重复段落等"):
            st.dataframe(tables.dropped_zh(detail["dropped"]), hide_index=True, width="stretch")
    history = reviews.history(data.engine(), detail["key"]) if detail["key"] else []
    if history:
        st.subheader("更正记录")
        for entry in history:
            st.text(review.history_words(entry) + (f"：{entry['note']}" if entry["note"] else ""))
