"""The app's frame: page setup, the shared filters, the navigation, and every access gate.
Pages are files in app_pages/ that only lay out what the modules beside them compute; no
page is reachable except through the navigation built here."""
from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from . import access, data, downloads, locale, paint, state
from . import page as pages
from .vocabulary import district

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
# (file, title, icon, URL path); the first is the default page.
PAGES = [
    ("overview.py", "总览", ":material/home:", "overview"),
    ("coverage.py", "覆盖", ":material/map:", "coverage"),
    ("themes.py", "主题与服务", ":material/label:", "themes"),
    ("timeline.py", "趋势", ":material/trending_up:", "timeline"),
    ("articles.py", "文章", ":material/article:", "articles"),
    ("compare.py", "对比", ":material/compare_arrows:", "compare"),
]
IMPORT_PAGE = ("import.py", "导入", ":material/upload:", "import")
REVIEW_PAGE = ("review.py", "审核", ":material/fact_check:", "review")
log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _password_throttle(gate: str) -> access.Throttle:
    return access.Throttle()  # one per gate and server: a new session does not reset the count


def _reviewer_accounts() -> dict[str, str]:
    try:
        secrets = dict(st.secrets.get("reviewers", {}))
    except Exception:  # no secrets file, or one that does not parse: the environment decides
        secrets = {}
    return access.reviewers(secrets=secrets)


def _password_gate() -> bool:
    """The import page behind a password (PINGCHENG_IMPORT=password): True once unlocked."""
    if st.session_state.get("_import_unlocked"):
        return True
    st.title("导入公报")
    secret = access.import_password()
    if not secret:
        st.warning("管理员尚未设置导入密码（PINGCHENG_IMPORT_PASSWORD），导入已关闭。")
        return False
    throttle = _password_throttle("import")
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


def _reviewer_gate(mode: str) -> bool:
    """The review page asks who is reviewing (and, with PINGCHENG_REVIEW=password, their
    password): every correction is kept with that name."""
    if st.session_state.get("reviewer"):
        return True
    st.title("审核与更正")
    accounts = _reviewer_accounts() if mode == "password" else {}
    if mode == "password" and not accounts:
        st.warning("管理员尚未设置审核人员（PINGCHENG_REVIEWERS 或 secrets 中的 [reviewers]），审核已关闭。")
        return False
    with st.form("reviewer_form"):
        name = st.text_input("审核人姓名", max_chars=64)
        password = st.text_input("密码", type="password") if mode == "password" else ""
        submitted = st.form_submit_button("开始审核")
    if not submitted:
        return False
    throttle = _password_throttle("review")
    if not name.strip():
        st.error("请填写姓名：每条更正都记录审核人。")
    elif mode == "password" and throttle.wait_seconds():
        st.error(f"密码错误次数过多，请 {int(throttle.wait_seconds() // 60) + 1} 分钟后再试。")
    elif mode == "password" and not access.reviewer_matches(name, password, accounts):
        throttle.failed()
        st.error("姓名或密码不正确。")
    else:
        throttle.succeeded()
        st.session_state["reviewer"] = name.strip()
        st.rerun()
    return False


ICON = Path(__file__).resolve().parent / "static" / "icon.png"  # a local file: no icon from a CDN
NOT_FOUND_KEY = "_page_not_found"


def _requested_page_name() -> str | None:
    """The page a URL asked for by name (/overview, /import) when it matched none, so that the
    app answers in Chinese instead of Streamlit's English "Page not found". Streamlit keeps
    this in its run context; anything unexpected there means: nothing to do."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        manager = get_script_run_ctx().pages_manager
        if manager.intended_page_script_hash:
            return None
        return manager.intended_page_name or None
    except Exception:  # noqa: BLE001 - an internal of Streamlit: never let it break a page
        return None


def _alias(name: str, target: st.Page, known: bool):
    """A hidden page for a URL that names no page: it opens the default page, saying why
    (silently for /overview, the default page's own name)."""
    def page() -> None:
        if not known:
            st.session_state[NOT_FOUND_KEY] = name
        st.switch_page(target)
    return st.Page(page, title=target.title, url_path=name, visibility="hidden")


def _navigation(mode: str, review: str) -> st.Page:
    entries = PAGES + ([REVIEW_PAGE] if review != "off" else []) + ([IMPORT_PAGE] if mode != "off" else [])
    pages = [st.Page(PAGES_DIR / file, title=title, icon=icon, url_path="" if i == 0 else path, default=i == 0)
             for i, (file, title, icon, path) in enumerate(entries)]
    asked = _requested_page_name()
    if asked and asked not in {p.url_path for p in pages} and "/" not in asked and asked == asked.strip():
        pages.append(_alias(asked, pages[0], known=asked == PAGES[0][3]))
    return st.navigation(pages)


def main() -> None:
    st.set_page_config(page_title=f"{district()}社区工作看板", page_icon=str(ICON), layout="wide")
    locale.frame_words()
    try:
        _frame()
    except Exception:  # a user sees what to do; the server's log keeps the traceback
        log.exception("the page failed")
        st.error("页面出错了，数据没有改动。请刷新页面或清除筛选后重试；若仍出错，请联系管理员查看服务器日志。"
                 "(The page failed; nothing was changed. Reload, or ask the administrator to check the log.)")


def _frame() -> None:
    data.ensure_store()
    downloads.start_page()
    paint.begin()
    state.begin()  # the filters are known before the page: it is drawn first, the widgets after it
    mode, review = access.import_mode(), access.review_mode()
    page = _navigation(mode, review)
    try:
        _open(page, mode, review)
    except Exception:
        state.sidebar()  # the filters stay at hand after an error: clearing them may be the way out
        raise
    state.sidebar()


def _open(page: st.Page, mode: str, review: str) -> None:
    # Said in a new tab's first paint and again in the run that completes it, then no more.
    missing = st.session_state.get(NOT_FOUND_KEY) if paint.first() else st.session_state.pop(NOT_FOUND_KEY, None)
    if missing:
        st.info(f"没有“/{missing}”这个页面（地址有误，或该页面已关闭），已为您打开{page.title}。")
    if page.url_path == IMPORT_PAGE[3] and mode == "password" and not _password_gate():
        return
    if page.url_path == REVIEW_PAGE[3] and not _reviewer_gate(review):
        return
    try:
        page.run()
    except pages.Stopped:  # a page's early end (dashboard.page.stop)
        pass
