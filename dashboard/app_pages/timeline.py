"""趋势: activities per week or month, in total or by theme or street, with date precision visible."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, state
from dashboard.vocabulary import count_words

st.title("趋势")
page.stop_if_empty()
f = state.current()
words = count_words(f.count)
c1, c2 = st.columns(2)
period = c1.radio("周期", ["month", "week"], format_func={"month": "按月", "week": "按周（ISO 周）"}.get,
                  horizontal=True, key="tl_period")
by = c2.radio("分组", ["none", "theme", "street"], key="tl_by", horizontal=True,
              format_func={"none": f"不分组（每{words.unit}计一次）", "theme": "按主题", "street": "按街道"}.get)
if charts.chart_data("tl_bars", f, period=period, by=by).empty:
    st.warning(f"当前筛选条件下没有可确定日期的{words.noun}。")
else:
    charts.show("tl_bars", period=period, by=by)
    if by == "none":
        st.caption(f"柱高为{words.noun}数，每{words.unit}计一次，与总览的{words.noun}数一致。"
                   "点击柱子：按该时段筛选全部页面。")
    else:
        group = "主题" if by == "theme" else "街道"
        st.caption(f"柱高为{words.mentions}：{words.one}涉及几个{group}，就在每个相应分组各计一次；"
                   f"已在侧栏选定{group}时只显示所选的。点击柱子：按该时段和分组筛选全部页面。")
o = data.figure(queries.overview, f)
st.info(f"{words.n(o.dated)}{words.noun}有日期：实心为确切日期（正文写明），圆点为见报日期（公报出版日），"
        f"斜线为推断日期（年份或日期由文中推断）。{words.n(o.undated)}日期不明，未放到任何日期上。")
page.link_to_articles()
downloads.bundle_download()
