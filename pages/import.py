"""导入: upload bulletins; the ETL stores them and reports per file."""
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.ingest import ingest_paths
from ui import common

MAX_MB = float(os.environ.get("PINGCHENG_MAX_UPLOAD_MB", "20"))

st.title("导入公报")
allowed = True
if common.import_page_mode() == "password":
    secret = os.environ.get("PINGCHENG_IMPORT_PASSWORD", "")
    given = st.text_input("导入密码", type="password")
    allowed = bool(secret) and given == secret
    if given and not allowed:
        st.error("密码不正确。")
if allowed:
    files = st.file_uploader("选择公报文件（.txt）", type=["txt"], accept_multiple_files=True)
    if files and st.button("开始导入", type="primary"):
        outcomes = []
        bar = st.progress(0.0, text="正在导入…")
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for upload in files:
                if upload.size > MAX_MB * 1024 * 1024:
                    outcomes.append({"文件": upload.name, "结果": "拒绝",
                                     "说明": f"文件超过 {MAX_MB:g} MB 上限"})
                    continue
                path = Path(tmp) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                paths.append(path)
            report = ingest_paths(common.engine(), paths,
                                  progress=lambda o: bar.progress(
                                      min(1.0, (len(outcomes) + 1) / max(len(files), 1)), text=f"已处理 {Path(o.path).name}"))
        bar.empty()
        zh = {"stored": "已导入", "replaced": "已更新（替换旧记录）", "unchanged": "已存在，跳过", "refused": "拒绝"}
        outcomes += [{"文件": Path(o.path).name, "结果": zh[o.status], "文章数": o.articles, "说明": o.reason}
                     for o in report.outcomes]
        st.cache_data.clear()
        st.dataframe(pd.DataFrame(outcomes), hide_index=True, width="stretch")
        st.success("完成。新数据已在各页面生效。")
