"""导入: upload bulletins; the ETL stores them and reports per file what it did and why.
Who may open this page is decided by the app's frame (dashboard/app.py)."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.vocabulary import INGEST_STATUS_ZH
from etl.formats import SUFFIXES, check_size, max_bytes
from etl.ingest import ingest_paths
from etl.read import ReadError

st.title("导入公报")
limit = max_bytes()
st.caption(f"接受 {'、'.join(SUFFIXES)}；单个文件不超过 {limit / 1048576:g} MB。已导入过的文件按内容识别并跳过。")
files = st.file_uploader("选择公报文件", type=[s.lstrip(".") for s in SUFFIXES], accept_multiple_files=True)
if files and st.button("开始导入", type="primary"):
    rows = []
    bar = st.progress(0.0, text="正在导入…")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for upload in files:
            try:  # refused before anything is written or parsed
                check_size(upload.name, upload.size, limit)
            except ReadError as e:
                rows.append({"文件": upload.name, "结果": INGEST_STATUS_ZH["refused"], "文章数": 0, "说明": str(e)})
                continue
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        done = []

        def progress(outcome) -> None:
            done.append(outcome)
            bar.progress(len(done) / max(len(paths), 1), text=f"已处理 {Path(outcome.path).name}")
        report = ingest_paths(data.engine(), paths, progress=progress)
    bar.empty()
    rows += [{"文件": Path(o.path).name, "结果": INGEST_STATUS_ZH[o.status], "文章数": o.articles, "说明": o.reason}
             for o in report.outcomes]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    refused = sum(1 for r in rows if r["结果"] == INGEST_STATUS_ZH["refused"])
    (st.warning if refused else st.success)(
        f"完成：{len(rows) - refused} 个文件已处理，{refused} 个被拒绝（原因见上表）。新数据已在各页面生效。")
