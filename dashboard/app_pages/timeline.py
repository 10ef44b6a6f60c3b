"""趋势: activities per week or month, by theme or street, with date precision visible."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, state

st.title("趋势")
page.stop_if_empty()
f = state.current()
c1, c2 = st.columns(2)
period = c1.radio("周期", ["month", "week"], format_func={"month": "按月", "week": "按周"}.get, horizontal=True)
by = c2.radio("分组", ["theme", "street"], format_func={"theme": "按主题", "street": "按街道"}.get, horizontal=True)
if charts.chart_data("tl_bars", f, period=period, by=by).empty:
    st.warning("当前筛选条件下没有可确定日期的文章。")
else:
    charts.show("tl_bars", period=period, by=by)
o = data.figure(queries.overview, f)
st.info(f"{o.dated} 篇文章有日期：确切日期来自正文，见报日期来自公报，斜线为推断日期（年份或日期由文中推断）。"
        f"{o.undated} 篇日期不明，未放到任何日期上。")
page.link_to_articles()
downloads.bundle_download()
