"""导入: upload bulletins; the ETL stores them and reports per file what it did and why.
Who may open this page is decided by the app's frame (dashboard/app.py)."""
import math

import pandas as pd
import streamlit as st

from dashboard import data, imports, locale
from etl.formats import SUFFIXES, max_bytes

st.title("导入公报")
limit = max_bytes()
limit_mb = limit / 1048576
kinds = "、".join(s.lstrip(".").upper() for s in SUFFIXES if s != ".htm")
st.caption(f"接受 {kinds} 文件；单个文件不超过 {limit_mb:g} MB。已导入过的文件按内容识别并跳过。")
locale.uploader_words(limit_mb, kinds)
# Any file type is taken: a wrong one is refused below with the reason in Chinese (Streamlit's
# own refusal is in English), and the limit is the ETL's, so the two never disagree.
files = st.file_uploader("选择公报文件", accept_multiple_files=True, max_upload_size=max(1, math.ceil(limit_mb)))
if files and st.button("开始导入", type="primary"):
    bar = st.progress(0.0, text="正在导入…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"已处理 {name}")
    rows, report = imports.import_uploads(data.engine(), files, limit, progress)
    bar.empty()
    st.dataframe(pd.DataFrame(rows, columns=imports.COLUMNS), hide_index=True, width="stretch")
    if report.store_error:
        st.error(imports.store_failure(rows, report.store_error))
    else:
        kind, message = imports.summary(rows)
        getattr(st, kind)(message)
