"""导入: upload bulletins; the ETL stores them and reports per file what it did and why."""
import hmac
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.formats import SUFFIXES, check_size, max_bytes
from etl.ingest import ingest_paths
from etl.read import ReadError
from ui import common

STATUS_ZH = {"stored": "已导入", "replaced": "已更新（替换旧记录）", "unchanged": "已存在，跳过", "refused": "拒绝"}

st.title("导入公报")
allowed = True
if common.import_page_mode() == "password":
    secret = os.environ.get("PINGCHENG_IMPORT_PASSWORD", "")
    given = st.text_input("导入密码", type="password")
    allowed = bool(secret) and hmac.compare_digest(given.encode(), secret.encode())
    if given and not allowed:
        st.error("密码不正确。")
    elif not secret:
        st.warning("管理员尚未设置导入密码（PINGCHENG_IMPORT_PASSWORD），导入已关闭。")
if allowed:
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
                    rows.append({"文件": upload.name, "结果": STATUS_ZH["refused"], "文章数": 0, "说明": str(e)})
                    continue
                path = Path(tmp) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                paths.append(path)
            done = []
            report = ingest_paths(common.engine(), paths, progress=lambda o: (
                done.append(o), bar.progress(len(done) / max(len(paths), 1), text=f"已处理 {Path(o.path).name}")))
        bar.empty()
        rows += [{"文件": Path(o.path).name, "结果": STATUS_ZH[o.status], "文章数": o.articles, "说明": o.reason}
                 for o in report.outcomes]
        st.cache_data.clear()
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        refused = sum(1 for r in rows if r["结果"] == STATUS_ZH["refused"])
        (st.warning if refused else st.success)(
            f"完成：{len(rows) - refused} 个文件已处理，{refused} 个被拒绝（原因见上表）。新数据已在各页面生效。")
