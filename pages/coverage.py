"""覆盖: the official hierarchy with every unit, including the ones with no activity."""
import json

import streamlit as st

from ui import common

st.title("覆盖：哪些街道、社区和村有活动，哪些没有")
if not common.empty_store_guidance():
    f = common.current_filters()
    gaz = common.kb().gazetteer
    cov = common.query("coverage", f, gaz)
    streets = cov[cov["level"] == "street"]
    units = cov[cov["level"] != "street"]
    c = st.columns(3)
    c[0].metric("有活动的街道", f"{(streets['articles'] > 0).sum()} / {len(streets)}")
    c[1].metric("有活动的社区和村", f"{(units['articles'] > 0).sum()} / {len(units)}")
    c[2].metric("无活动的社区和村", f"{(units['articles'] == 0).sum()}")

    points = common.chart(common.figures.street_bar(cov), "各街道活动文章数", "cov_streets")
    if points:
        common.request_filters(streets=(points[0]["customdata"][0],), communities=())
    st.caption("点击柱子即按该街道筛选全部页面；树图中点击街道可下钻到其社区和村。")
    common.chart(common.figures.coverage_treemap(cov, gaz.district), "覆盖层级", "cov_tree")

    st.subheader("有活动的社区和村")
    active = units[units["articles"] > 0].sort_values("articles", ascending=False)[["street", "name", "articles"]]
    event = st.dataframe(active.rename(columns={"street": "街道", "name": "名称", "articles": "文章数"}),
                         hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="cov_active")
    if event and event.selection.rows:  # a row filters every page to that community or village
        common.request_filters(communities=(active.iloc[event.selection.rows[0]]["name"],))
    st.caption("点击一行：按该社区或村筛选全部页面。")
    common.table_downloads(active.rename(columns={"street": "街道", "name": "名称", "articles": "文章数"}),
                           "有活动社区和村", "active")

    st.subheader("筛选期内无活动的社区和村")
    scope = units if not f.streets else units[units["street"].isin(f.streets)]
    gaps = scope[scope["articles"] == 0][["street", "name", "level", "code"]].rename(
        columns={"street": "街道", "name": "名称", "level": "类型", "code": "统计区划代码"})
    gaps["类型"] = gaps["类型"].map({"community": "社区", "village": "村"})
    st.dataframe(gaps, hide_index=True, width="stretch")
    common.table_downloads(gaps, "无活动社区和村", "gaps")

    st.subheader("地图")
    boundaries_path = common.kb().outline_path.parent / "boundaries.geojson"
    boundaries = json.loads(boundaries_path.read_text(encoding="utf-8")) if boundaries_path.exists() else None
    points = common.chart(common.figures.district_map(common.kb().outline_path, cov, boundaries), "地图", "cov_map")
    clicked = [p.get("location") for p in points if p.get("location") in set(cov["name"])]
    if clicked:  # a street or community shape of the deployer's boundaries
        level = cov.set_index("name").loc[clicked[0], "level"]
        common.request_filters(**({"streets": (clicked[0],), "communities": ()} if level == "street"
                                  else {"communities": (clicked[0],)}))
    if boundaries is None:
        st.caption("公开数据中没有平城区街道边界。部署方可将街道或社区边界放在 "
                   "data/gazetteer/boundaries.geojson（每个要素的 name 属性为官方名称，见 README），地图即按活动数着色。")

    odd = common.query("unknown_and_other_places", f)
    if not odd.empty:
        st.subheader("未计入覆盖的地名")
        st.dataframe(odd.replace({"status": {"unknown": "未识别（不在官方名单）", "other_district": "外区"}})
                     .rename(columns={"name": "地名", "status": "类别", "articles": "文章数"}),
                     hide_index=True, width="stretch")
    common.link_to_articles()
    common.bundle_download({"覆盖": cov})
