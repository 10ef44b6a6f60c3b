"""The app's frame: page setup, the shared filters, the navigation, and every access gate.
Pages are files in app_pages/ that only lay out what the modules beside them compute; no
page is reachable except through the navigation built here."""
from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from . import access, data, downloads, state
from .vocabulary import district

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
# (file, title, icon, URL path); the first is the default page.
PAGES = [
    ("overview.py", "总览", ":material/home:", "overview"),
    ("coverage.py", "覆盖", ":material/map:", "coverage"),
    ("themes.py", "主题与服务", ":material/label:", "themes"),
    ("timeline.py", "趋势", ":material/trending_up:", "timeline"),
    ("articles.py", "文章", ":material/article:", "articles"),
]
IMPORT_PAGE = ("import.py", "导入", ":material/upload:", "import")
log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _password_throttle() -> access.Throttle:
    return access.Throttle()  # one per server: a new session does not reset the count


def _password_gate() -> bool:
    """The import page behind a password (PINGCHENG_IMPORT=password): True once unlocked."""
    if st.session_state.get("_import_unlocked"):
        return True
    st.title("导入公报")
    secret = access.import_password()
    if not secret:
        st.warning("管理员尚未设置导入密码（PINGCHENG_IMPORT_PASSWORD），导入已关闭。")
        return False
    throttle = _password_throttle()
    with st.form("import_password"):
        given = st.text_input("导入密码", type="password")
        submitted = st.form_submit_button("进入")
    if not submitted:
        return False
    wait = throttle.wait_seconds()
    if wait:
        st.error(f"密码错误次数过多，请 {int(wait // 60) + 1} 分钟后再试。")
    elif access.password_matches(given, secret):
        throttle.succeeded()
        st.session_state["_import_unlocked"] = True
        st.rerun()
    else:
        throttle.failed()
        st.error("密码不正确。")
    return False


def main() -> None:
    st.set_page_config(page_title=f"{district()}社区工作看板", page_icon=":material/newspaper:", layout="wide")
    data.ensure_store()
    downloads.start_page()
    state.sidebar()
    mode = access.import_mode()
    entries = PAGES + ([IMPORT_PAGE] if mode != "off" else [])
    pages = [st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=path, default=i == 0)
             for i, (file, title, icon, path) in enumerate(entries)]
    page = st.navigation(pages)
    if page.url_path == IMPORT_PAGE[3] and mode == "password" and not _password_gate():
        return
    try:
        page.run()
    except Exception:  # a user sees what to do; the server's log keeps the traceback
        log.exception("page %s failed", page.url_path)
        st.error("页面出错了，数据没有改动。请刷新页面或清除筛选后重试；若仍出错，请联系管理员查看服务器日志。"
                 "(The page failed; nothing was changed. Reload, or ask the administrator to check the log.)")
