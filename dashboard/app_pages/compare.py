"""对比: two streets or two periods side by side, the same figures for each, and the difference."""
import streamlit as st

from analytics import queries
from dashboard import compare, data, downloads, figures, page, state
from dashboard.vocabulary import count_words, label_names, service_names, theme_names
from etl.knowledge import load_knowledge

st.title("对比：两个街道或两个时期")
page.stop_if_empty()
f = state.current()
words = count_words(f.count)
streets = [s.name for s in load_knowledge().gazetteer.streets]
overall = data.figure(queries.overview, f.with_(date_from=None, date_to=None, streets=(), communities=()))
busiest = compare.busiest_first(data.figure(queries.coverage, f.with_(streets=(), communities=())))
options = compare.widget_state(st.session_state, st.query_params, busiest, overall.date_min, overall.date_max)

mode = st.radio("对比什么", list(compare.MODES), format_func=compare.MODES.get, horizontal=True, key="cmp_mode")
left, right = st.columns(2)
if mode == "streets":
    a = left.selectbox("甲", streets, key="cmp_a_street", placeholder="请选择街道")
    b = right.selectbox("乙", streets, key="cmp_b_street", placeholder="请选择街道")
    st.caption("两边使用侧栏的同一组筛选（日期、主题、服务类型、关键词）；侧栏的街道和社区筛选不用于对比。")
else:
    unit = st.radio("时期单位", ["month", "year"], format_func={"month": "月", "year": "年"}.get, horizontal=True,
                    key="cmp_unit")
    periods = options[unit]
    a = left.selectbox("甲", periods, format_func=lambda p: compare.period_text(*p), key=f"cmp_a_{unit}",
                        placeholder="请选择时期")
    b = right.selectbox("乙", periods, format_func=lambda p: compare.period_text(*p), key=f"cmp_b_{unit}",
                         placeholder="请选择时期")
    st.caption("两边使用侧栏的同一组筛选（街道、社区、主题、服务类型、关键词）；侧栏的日期不用于对比，"
               f"只计有日期的{words.noun}。")
st.query_params.update(compare.to_params(mode, a, b))
sa, sb = compare.selection(f, mode, a), compare.selection(f, mode, b)
if sa.label == sb.label:
    st.info("甲和乙相同：请为其中一边选择另一个街道或时期。")

oa, ob = data.figure(queries.overview, sa.filters), data.figure(queries.overview, sb.filters)
st.subheader(f"甲：{sa.label}　　乙：{sb.label}")
columns = st.columns(4)
for column, (what, va, vb, diff) in zip(columns, compare.metric_rows(oa, ob)):
    column.metric(what, f"{va} → {vb}", delta=f"{diff:+,}" if diff else "持平", delta_color="normal" if diff else "off",
                  delta_arrow="auto" if diff else "off", help=f"甲 {va}，乙 {vb}；箭头后为乙，变化为乙减甲")
described = {"甲": sa.filters.describe(label_names()), "乙": sb.filters.describe(label_names())}
st.caption(f"甲的筛选：{described['甲']}；乙的筛选：{described['乙']}")

for kind, title, names in (("theme", "主题", theme_names()), ("service", "服务类型", service_names())):
    frame = compare.label_comparison(data.figure(queries.label_counts, sa.filters, kind),
                                     data.figure(queries.label_counts, sb.filters, kind), names, top=12)
    st.subheader(words.per(title))
    if frame.empty:
        st.caption(f"两边都没有{words.noun}。")
        continue
    c1, c2 = st.columns(2)
    stated = f"甲 {described['甲']}；乙 {described['乙']}"
    side = figures.stamp(figures.comparison_bars(frame, f"各{title}：甲 {sa.label} 与 乙 {sb.label}", sa.label,
                                                 sb.label, words=words), stated)
    diff = figures.stamp(figures.difference_bars(frame, f"各{title}：乙比甲多（+）或少（−）", sa.label, sb.label,
                                                 words=words), stated)
    name = f"对比{title}_{sa.label}_{sb.label}"
    c1.plotly_chart(side, key=f"cmp_{kind}", width="stretch", config=compare.chart_config(name))
    c2.plotly_chart(diff, key=f"cmp_{kind}_diff", width="stretch", config=compare.chart_config(name + "_差值"))
    downloads.page_figures()[name] = side
    downloads.page_figures()[name + "_差值"] = diff
    downloads.table_downloads(compare.comparison_table(frame, title, f"甲 {sa.label}", f"乙 {sb.label}", words=words),
                              name, f"cmp_{kind}_table")
st.caption(f"{words.one}可属多个主题、多种服务类型；差值为乙减甲。")
downloads.bundle_download()
