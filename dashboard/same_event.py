"""The other reports of an article's event, with links; for a reviewer, splitting a report off
and merging another report in (each a correction of the field `event`: etl/store/review.py).
Drawn the same on the article view and on the review page."""
from __future__ import annotations

import streamlit as st

from analytics import queries
from etl.corrections import CorrectionError
from etl.store import review as reviews

from . import data
from .page import ARTICLES_PAGE


def report_words(row: dict) -> str:
    """One report in a list: its date, paper and headline."""
    when = row.get("activity_date") or row.get("issue_date") or "日期不明"
    title = (row.get("title") or "").replace("\n", " ").strip() or (row.get("first_sentence") or "")[:24]
    return f"{when} · {row.get('bulletin', '')} · {title or '（无标题）'}"


def merged_words(reports: int, events: int, counting: str) -> str:
    """What the overview says of repeated reports."""
    merged = reports - events
    if not merged:
        return f"{reports} 篇报道各是一项活动，没有重复报道"
    if counting == "events":
        return f"{reports} 篇报道中有 {merged} 篇是同一活动的重复报道，已合并，按 {events} 项活动计"
    return f"按报道计：{reports} 篇报道，其中 {merged} 篇与其他报道是同一活动（按活动计为 {events} 项）"


def show(detail: dict, reviewer: str | None = None, version: int | None = None) -> bool:
    """The article's event: its other reports as links; with a reviewer, split and merge.
    Returns True when a reviewer changed the events (the caller reruns)."""
    others = detail.get("same_event") or []
    st.subheader("同一活动的其他报道")
    if not others:
        st.caption("没有其他报道被认定为同一活动。")
    for row in others:
        cols = st.columns([6, 1]) if reviewer else [st.container()]
        cols[0].page_link(ARTICLES_PAGE, label=report_words(row), icon=":material/link:",
                          query_params={"article": str(int(row["id"]))})
        if reviewer and cols[1].button("拆出", key=f"split_{detail['id']}_{row['id']}",
                                       help="这篇报道不是同一活动：拆为单独的活动"):
            return _split(int(row["id"]), reviewer, reviews.version_of(data.engine(), int(row["id"])))
    if not reviewer:
        return False
    if others and st.button("把本文拆为单独的活动", key=f"split_self_{detail['id']}"):
        return _split(detail["id"], reviewer, version if version is not None
                      else reviews.version_of(data.engine(), detail["id"]))
    candidates = queries.merge_candidates(data.engine(), detail["id"])
    if candidates.empty:
        return False
    with st.form(f"merge_{detail['id']}"):
        pick = st.selectbox("与另一篇报道合并为同一活动（同一街道，前后两周内）", list(candidates.index),
                            format_func=lambda i: report_words(candidates.loc[i].to_dict()), placeholder="请选择")
        note = st.text_input("说明", max_chars=500)
        if st.form_submit_button("合并为同一活动"):
            other = int(candidates.loc[pick, "id"])
            versions = {other: reviews.version_of(data.engine(), other),
                        detail["id"]: version if version is not None else reviews.version_of(data.engine(), detail["id"])}
            try:
                reviews.merge(data.engine(), detail["id"], other, reviewer, note, versions)
            except reviews.StaleEdit:
                st.error("合并被拒绝：这篇文章在您打开之后已被其他审核人更改。请重新载入后再试。")
                return False
            except CorrectionError as e:
                st.error(f"合并被拒绝：{e}")
                return False
            return True
    return False


def _split(article_id: int, reviewer: str, version: int) -> bool:
    try:
        reviews.split(data.engine(), article_id, reviewer, "拆为单独的活动", version)
    except reviews.StaleEdit:
        st.error("拆分被拒绝：这篇文章在您打开之后已被其他审核人更改。请重新载入后再试。")
        return False
    return True
