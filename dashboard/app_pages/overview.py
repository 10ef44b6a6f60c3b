"""总览: the key figures of the filtered view, the main themes and services, the latest articles."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, same_event, state, tables
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
c = st.columns(5)
events = o.counting == "events"
c[0].metric("活动" if events else "文章（报道）", f"{o.articles}",
            help="几家报刊报道的同一活动计为一项（侧栏“计数”可改为按报道计）" if events else "每篇报道各计一次")
c[1].metric("参与人数", tables.people_text(o.participants_low, o.participants_approx),
            help="由“余、多”等下限相加，故为“≥”；模糊人数单列")
c[2].metric("覆盖街道", f"{o.streets_covered} / {len(gaz.streets)}")
c[3].metric("覆盖社区和村", f"{o.units_covered} / {len(gaz.units)}")
span = f"{o.date_min} 至 {o.date_max}" if o.date_min else "无可确定日期"
c[4].metric("日期跨度", span, help=f"{o.dated} 篇有日期（确切、见报或推断），{o.undated} 篇日期不明")
notes = [f"已核对 {o.reviewed} / {o.articles} {'项' if events else '篇'}（审核人员确认或更正过）",
         same_event.merged_words(o.reports, o.events, o.counting)]
if o.participants_vague:
    notes.append(f"另有 {o.participants_vague} 处模糊人数（如“数百名”）未计入合计")
st.caption("；".join(notes) + "。")

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
