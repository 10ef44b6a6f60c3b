"""主题与服务: theme × street heatmap, service types, people by theme; click to filter."""
import streamlit as st

from ui import common

st.title("主题与服务")
if not common.empty_store_guidance():
    f = common.current_filters()
    matrix = common.query("theme_street_matrix", f)
    if matrix.empty:
        st.warning("当前筛选条件下没有可归入街道的主题。请放宽筛选。")
    else:
        streets = [s.name for s in common.kb().gazetteer.streets]
        points = common.chart(common.figures.theme_heatmap(matrix, common.theme_names(), streets),
                              "主题街道热力图", "th_heat")
        if points:
            p = points[0]
            common.request_filters(themes=(p["customdata"],), streets=(p["x"],), communities=())
        st.caption("点击格子：按该主题和街道筛选。")
    left, right = st.columns(2)
    services = common.query("label_counts", f, "service")
    themes = common.query("label_counts", f, "theme")
    with left:
        points = common.chart(common.figures.label_bar(services, common.service_names(), "服务类型"),
                              "服务类型", "th_services")
        if points:
            common.request_filters(services=(points[0]["customdata"][0],))
    with right:
        points = common.chart(common.figures.label_bar(themes, common.theme_names(), "各主题参与人数（下限）",
                                                       value="participants"), "各主题参与人数", "th_people")
        if points:
            common.request_filters(themes=(points[0]["customdata"][0],))
    st.caption("参与人数由“余、多”等下限相加，是“至少”的人数；一篇文章可属多个主题。")
    common.link_to_articles()
    common.bundle_download({"主题": themes, "服务类型": services, "主题街道": matrix})
