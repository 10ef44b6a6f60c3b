"""主题与服务: theme × street heatmap, service types, people by theme; click to filter."""
import streamlit as st

from analytics import queries
from dashboard import charts, data, downloads, page, state
from dashboard.vocabulary import count_words

st.title("主题与服务")
page.stop_if_empty()
f = state.current()
words = count_words(f.count)
if data.figure(queries.theme_street_matrix, f).empty:
    st.warning("当前筛选条件下没有可归入街道的主题。请放宽筛选。")
else:
    charts.show("th_heat")
    st.caption(f"点击格子：按该主题和街道筛选全部页面。格中数字为{words.mentions}：{words.one}涉及几个主题、"
               "几个街道，就在每个相应格子各计一次。")
left, right = st.columns(2)
with left:
    charts.show("th_services")
with right:
    charts.show("th_people")
st.caption(f"参与人数由“余、多”等下限相加，是“至少”的人数；{words.one}可属多个主题。")
page.link_to_articles()
downloads.bundle_download()
