"""总览: the key figures of the filtered view, the main themes and services, the latest articles."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, same_event, state, tables
from dashboard.brief_control import briefing_control
from dashboard.vocabulary import district
from etl.knowledge import load_knowledge

st.title(f"{district()}社区工作总览")
page.stop_if_empty()
f = state.current()
o = data.figure(queries.overview, f)
if o.articles == 0:
    st.warning("当前筛选条件下没有文章。请放宽日期、地点或主题筛选，或点击侧栏“清除全部筛选”。")
    st.stop()
gaz = load_knowledge().gazetteer
key_figures, figure_notes = tables.key_figures(o, len(gaz.streets), len(gaz.units))
for column, figure in zip(st.columns(len(key_figures)), key_figures):
    column.metric(figure.label, figure.value, help=figure.note or None)
events = o.counting == "events"
notes = [f"已核对 {o.reviewed} / {o.articles} {'项' if events else '篇'}（审核人员确认或更正过）",
         same_event.merged_words(o.reports, o.events, o.counting), *(n.rstrip("。") for n in figure_notes)]
st.caption("；".join(n for n in notes if n) + "。")
briefing_control()

left, right = st.columns(2)
with left:
    charts.show("ov_themes")
with right:
    charts.show("ov_services")

st.subheader("最新文章")
latest = tables.articles_zh(data.figure(queries.articles_table, f))
columns = ["activity_date", "date_precision", "title", "streets", "communities"]
st.dataframe(latest.head(10)[columns].rename(columns=tables.ARTICLE_COLUMNS), hide_index=True, width="stretch")
page.link_to_articles()
downloads.page_tables()["最新文章"] = latest
downloads.bundle_download()
