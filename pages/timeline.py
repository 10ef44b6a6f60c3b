"""趋势: activities per week or month, by theme or street, with date precision visible."""
import streamlit as st

from ui import common

st.title("趋势")
if not common.empty_store_guidance():
    f = common.current_filters()
    c1, c2 = st.columns(2)
    period = c1.radio("周期", ["month", "week"], format_func={"month": "按月", "week": "按周"}.get, horizontal=True)
    by = c2.radio("分组", ["theme", "street"], format_func={"theme": "按主题", "street": "按街道"}.get,
                  horizontal=True)
    frame = common.query("timeline", f, period, by)
    o = common.query("overview", f)
    if frame.empty:
        st.warning("当前筛选条件下没有可确定日期的文章。")
    else:
        names = common.theme_names() if by == "theme" else {}
        points = common.chart(common.figures.timeline_bars(frame, names, "活动文章数"), "趋势", "tl_bars")
        if points:
            key = points[0]["customdata"][0]
            common.request_filters(**({"themes": (key,)} if by == "theme" else {"streets": (key,)}))
    st.info(f"{o.dated} 篇文章有日期：确切日期来自正文，见报日期来自公报，斜线为推断日期（年份或日期由文中推断）。"
            f"{o.undated} 篇日期不明，未放到任何日期上。")
    common.link_to_articles()
    common.bundle_download({"趋势": frame})
