"""总览: the key figures of the filtered view, the main themes and services, the latest articles."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, paint, same_event, state, tables
from dashboard.brief_control import briefing_control
from dashboard.vocabulary import count_words, district

st.title(f"{district()}社区工作总览")
page.stop_if_empty()
f = state.current()
o = data.figure(queries.overview, f)
if o.articles == 0:
    st.warning("当前筛选条件下没有文章。请放宽日期、地点或主题筛选，或点击侧栏“清除全部筛选”。")
    page.stop()
key_figures, figure_notes = tables.key_figures(o)
for column, figure in zip(st.columns([1, 1.3, 1, 1.1, 1.4]), key_figures):
    column.metric(figure.label, figure.value, help=figure.note or None, delta=figure.delta,
                  delta_color="off", delta_arrow="off")
words = count_words(o.counting)
notes = [f"已核对 {o.reviewed} / {words.n(o.articles)}（审核人员确认或更正过）",
         same_event.merged_words(o.reports, o.events, o.counting), *(n.rstrip("。") for n in figure_notes)]
st.caption("；".join(n for n in notes if n) + "。")
paint.later(briefing_control)  # a new tab's figures first, the rest just after (dashboard.paint)

left, right = st.columns(2)
with left:
    charts.show("ov_themes")
with right:
    charts.show("ov_services")
st.caption(f"{words.one}可属多个主题、多种服务类型，各柱相加会多于{words.noun}数。")


def latest_articles() -> None:
    st.subheader("最新文章")
    latest = tables.articles_zh(data.figure(queries.articles_table, f, 10))
    # A plain list, not a data grid: the first page a session opens loads no table component
    # (about 1.4 MB of script for the browser to compile before the charts show); st.html, not
    # markdown with HTML in it, which loads another 190 KB (rehype-raw) for it.
    st.html(tables.latest_html(latest))
    page.link_to_articles()
    downloads.page_tables()["文章"] = lambda: tables.articles_export(  # made when the bundle is
        tables.articles_zh(data.figure(queries.articles_table, f)))
    downloads.bundle_download()


paint.later(latest_articles)
