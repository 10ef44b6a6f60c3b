"""导入: upload bulletins; the ETL stores them and reports per file what it did and why.
Who may open this page is decided by the app's frame (dashboard/app.py)."""
import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, imports, locale
from etl.formats import SUFFIXES, check_size, max_bytes
from etl.ingest import ingest_paths
from etl.read import ReadError

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
    rows = []
    bar = st.progress(0.0, text="正在导入…")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for upload in files:
            try:  # refused before anything is written or parsed
                check_size(upload.name, upload.size, limit)
            except ReadError as e:
                rows.append(imports.refused_row(upload.name, upload.size, limit, str(e)))
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
    rows += [imports.outcome_row(o) for o in report.outcomes]
    st.dataframe(pd.DataFrame(rows, columns=imports.COLUMNS), hide_index=True, width="stretch")
    kind, message = imports.summary(rows)
    getattr(st, kind)(message)
