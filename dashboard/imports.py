"""The import page's words: a row per file (result and reason, Chinese first) and an honest
summary of the batch. Plain functions, tested without Streamlit."""
from __future__ import annotations

from pathlib import Path

from .vocabulary import INGEST_STATUS_ZH, refusal_zh

COLUMNS = ["文件", "结果", "文章数", "说明"]
REFUSED = INGEST_STATUS_ZH["refused"]


def refused_row(name: str, size: int, limit: int, reason: str) -> dict:
    """A file refused by the page before the ETL sees it (empty, or over the size limit)."""
    if size == 0:
        why = "文件为空"
    elif size > limit:
        why = f"文件超过大小上限（{size / 1048576:.1f} MB，上限 {limit / 1048576:g} MB）"
    else:
        why = refusal_zh(reason, name)
    return {"文件": name, "结果": REFUSED, "文章数": 0, "说明": why}


def outcome_row(outcome) -> dict:
    """What the ETL did with one file, in words: refusals Chinese first."""
    name = Path(outcome.path).name
    status = INGEST_STATUS_ZH.get(outcome.status, "其他")
    reason = refusal_zh(outcome.reason, name) if outcome.reason else ""
    if outcome.status == "unchanged" and not reason:
        reason = "与已导入的文件内容相同"
    return {"文件": name, "结果": status, "文章数": int(outcome.articles or 0), "说明": reason}


def summary(rows: list[dict]) -> tuple[str, str]:
    """(kind of message: success | warning | info, the message) for the batch: what was stored,
    what was skipped and refused, and only when something was stored, that it shows."""
    by = {status: [r for r in rows if r["结果"] == INGEST_STATUS_ZH[status]] for status in INGEST_STATUS_ZH}
    written = by["stored"] + by["replaced"]
    articles = sum(r["文章数"] for r in written)
    parts = []
    if by["replaced"]:
        parts.append(f"其中 {len(by['replaced'])} 个替换了此前导入的旧版本")
    if by["unchanged"]:
        parts.append(f"{len(by['unchanged'])} 个此前已导入（内容相同），已跳过")
    if by["refused"]:
        parts.append(f"{len(by['refused'])} 个被拒绝（原因见上表）")
    others = len(rows) - sum(len(v) for v in by.values())
    if others:
        parts.append(f"{others} 个结果不明，请查看上表")
    tail = ("；" + "，".join(parts)) if parts else ""
    if written:
        return ("warning" if by["refused"] else "success",
                f"完成：{len(written)} 个文件已导入，共 {articles} 篇文章{tail}。新数据已在各页面生效。")
    if by["refused"]:
        return "warning", f"没有导入任何新数据{tail}。请按说明修改被拒绝的文件后重新导入。"
    return "info", f"没有导入任何新数据{tail}。"
