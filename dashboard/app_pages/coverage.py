"""覆盖: the official hierarchy with every unit, including the ones with no activity."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, state, tables
from dashboard.geo import read_features
from dashboard.vocabulary import count_words
from etl.knowledge import load_knowledge

st.title("覆盖：哪些街道、社区和村有活动，哪些没有")
page.stop_if_empty()
f = state.current()
words = count_words(f.count)
cov = data.figure(queries.coverage, f)
figures = tables.coverage_figures(cov, f)
c = st.columns(4)
c[0].metric("有活动的街道", f"{figures.streets_active} / {figures.streets_total}")
c[1].metric("无活动的街道", f"{figures.streets_without}")
c[2].metric("有活动的社区和村", f"{figures.units_active} / {figures.units_total}")
c[3].metric("无活动的社区和村", f"{figures.units_without}")
if f.streets or f.communities:
    st.caption("已按街道或社区筛选：以上数字和下面的表格只计所选范围内的街道、社区和村。")

charts.show("cov_streets")
st.caption("点击柱子即按该街道筛选全部页面；标 0 的为筛选期内无活动的街道。树图中点击街道可下钻到其社区和村。")

st.subheader("筛选期内无活动的街道")
street_gaps = tables.street_gaps(cov)
if street_gaps.empty:
    st.caption("所选范围内每个街道都有活动报道。")
else:
    st.dataframe(street_gaps, hide_index=True, width="stretch")
    downloads.table_downloads(street_gaps, "无活动街道", "street_gaps")

charts.show("cov_tree")

st.subheader("有活动的社区和村")
active = tables.active_units(cov)
active_shown = tables.active_units_zh(active, words=words)
event = st.dataframe(active_shown, hide_index=True, width="stretch", on_select="rerun",
                     selection_mode="single-row", key="cov_active")
if event and event.selection.rows:  # a row filters every page to that community or village
    state.request(communities=(active.iloc[event.selection.rows[0]]["name"],))
st.caption("点击一行：按该社区或村筛选全部页面。")
downloads.table_downloads(active_shown, "有活动社区和村", "active")

st.subheader("筛选期内无活动的社区和村")
gaps = tables.gaps(cov, f)
st.dataframe(gaps, hide_index=True, width="stretch")
downloads.table_downloads(gaps, "无活动社区和村", "gaps")

st.subheader("地图")
boundaries, warning = read_features(load_knowledge().boundaries_path)
if warning:
    st.warning(warning)
charts.show("cov_map", boundaries=boundaries)
if boundaries is None:
    st.caption("没有街道或社区边界数据。部署方可将边界放在 data/gazetteer/boundaries.geojson"
               f"（每个要素的 name 属性为官方名称，见 README），地图即按{words.noun}数着色。")

odd = data.figure(queries.unknown_and_other_places, f)
if not odd.empty:
    st.subheader("未计入覆盖的地名")
    st.dataframe(tables.odd_places_zh(odd, words=words), hide_index=True, width="stretch")
page.link_to_articles()
downloads.bundle_download()
