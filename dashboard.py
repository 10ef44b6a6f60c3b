"""平城区社区工作看板 — entry point: shared filters, navigation, and the overview page."""
import streamlit as st

from ui import common

st.set_page_config(page_title="平城区社区工作看板", page_icon=":material/newspaper:", layout="wide")


def overview() -> None:
    st.title("平城区社区工作总览")
    if common.empty_store_guidance():
        return
    f = common.current_filters()
    o = common.query("overview", f)
    if o.articles == 0:
        st.warning("当前筛选条件下没有文章。请放宽日期、地点或主题筛选，或点击侧栏“清除全部筛选”。")
        return
    total_units = len(common.kb().gazetteer.units)
    total_streets = len(common.kb().gazetteer.streets)
    c = st.columns(5)
    c[0].metric("文章（活动报道）", f"{o.articles}")
    c[1].metric("参与人数", common.people_text(o.participants_low, o.participants_approx),
                help="由“余、多”等下限相加，故为“≥”；模糊人数单列")
    c[2].metric("覆盖街道", f"{o.streets_covered} / {total_streets}")
    c[3].metric("覆盖社区和村", f"{o.units_covered} / {total_units}")
    span = f"{o.date_min} 至 {o.date_max}" if o.date_min else "无可确定日期"
    c[4].metric("日期跨度", span, help=f"{o.dated} 篇有日期（确切、见报或推断），{o.undated} 篇日期不明")
    if o.participants_vague:
        st.caption(f"另有 {o.participants_vague} 处模糊人数（如“数百名”）未计入合计。")

    left, right = st.columns(2)
    themes = common.query("label_counts", f, "theme")
    services = common.query("label_counts", f, "service")
    with left:
        points = common.chart(common.figures.label_bar(themes.head(8), common.theme_names(), "主要主题"),
                              "主要主题", "ov_themes")
        if points:
            common.request_filters(themes=(points[0]["customdata"][0],))
    with right:
        points = common.chart(common.figures.label_bar(services.head(8), common.service_names(), "主要服务类型"),
                              "主要服务类型", "ov_services")
        if points:
            common.request_filters(services=(points[0]["customdata"][0],))

    st.subheader("最新文章")
    latest = common.in_chinese(common.query("articles_table", f))
    st.dataframe(latest.head(10)[["activity_date", "date_precision", "title", "streets", "communities"]]
                 .rename(columns={"activity_date": "日期", "date_precision": "日期精度", "title": "标题",
                                  "streets": "街道", "communities": "社区/村"}),
                 hide_index=True, width="stretch")
    common.link_to_articles()
    common.bundle_download({"最新文章": latest})


common.ensure_store()
st.session_state["_view_figures"] = {}
common.sidebar_filters()
pages = [
    st.Page(overview, title="总览", icon=":material/home:", default=True, url_path="overview"),
    st.Page("pages/coverage.py", title="覆盖", icon=":material/map:", url_path="coverage"),
    st.Page("pages/themes.py", title="主题与服务", icon=":material/label:", url_path="themes"),
    st.Page("pages/timeline.py", title="趋势", icon=":material/trending_up:", url_path="timeline"),
    st.Page("pages/articles.py", title="文章", icon=":material/article:", url_path="articles"),
]
if common.import_page_mode() != "off":
    pages.append(st.Page("pages/import.py", title="导入", icon=":material/upload:", url_path="import"))
st.navigation(pages).run()
