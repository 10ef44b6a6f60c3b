"""What the import page does and says: each upload stored through the ETL, a row per file
(result and reason, Chinese first) and an honest summary of the batch, or of a store that
failed. Plain functions, tested without Streamlit."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from etl.formats import check_size
from etl.ingest import IngestReport, ingest_paths
from etl.read import ReadError

from .vocabulary import INGEST_STATUS_ZH, refusal_zh

COLUMNS = ["文件", "结果", "文章数", "说明"]
REFUSED = INGEST_STATUS_ZH["refused"]
NOT_PROCESSED = "未处理"


def import_uploads(engine, uploads: Iterable, limit: int,
                   progress: Callable[[int, int, str], None] | None = None) -> tuple[list[dict], IngestReport]:
    """Store uploaded files (each with .name, .size and .getvalue(), as Streamlit gives them):
    the rows of the page's table, and the ETL's report. Each upload is written to a folder of
    its own and given to the ETL with its own name, so two uploads named page2.txt are two files
    (which bulletin each is, the ETL decides by content, source and issue date); the folders
    are removed afterwards. `progress(done, total, file name)` follows the ETL."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="pingcheng-import-") as tmp:
        items = []
        for i, upload in enumerate(uploads):
            try:  # refused before anything is written or parsed
                check_size(upload.name, upload.size, limit)
            except ReadError as e:
                rows.append(refused_row(upload.name, upload.size, limit, str(e)))
                continue
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / "upload"  # nothing the sender named touches the file system
            path.write_bytes(upload.getvalue())
            items.append((path, upload.name))
        done = []

        def step(outcome) -> None:
            done.append(outcome)
            if progress:
                progress(len(done), len(items), outcome.name)
        report = ingest_paths(engine, items, progress=step)
    rows += [outcome_row(o) for o in report.outcomes]
    rows += [{"文件": Path(name).name or name, "结果": NOT_PROCESSED, "文章数": 0,
              "说明": "存储失败，此文件未处理（the store failed: not processed）"} for name in report.not_processed]
    return rows, report


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


def _by_status(rows: list[dict]) -> dict[str, list[dict]]:
    return {status: [r for r in rows if r["结果"] == INGEST_STATUS_ZH[status]] for status in INGEST_STATUS_ZH}


def _skipped_and_refused(by: dict[str, list[dict]]) -> list[str]:
    parts = []
    if by["unchanged"]:
        parts.append(f"{len(by['unchanged'])} 个此前已导入（内容相同），已跳过")
    if by["refused"]:
        parts.append(f"{len(by['refused'])} 个被拒绝（原因见上表）")
    return parts


def summary(rows: list[dict]) -> tuple[str, str]:
    """(kind of message: success | warning | info, the message) for the batch: what was stored,
    what was skipped and refused, and only when something was stored, that it shows."""
    by = _by_status(rows)
    written = by["stored"] + by["replaced"]
    articles = sum(r["文章数"] for r in written)
    parts = [f"其中 {len(by['replaced'])} 个替换了此前导入的旧版本"] if by["replaced"] else []
    parts += _skipped_and_refused(by)
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


def store_failure(rows: list[dict], store_error: str) -> str:
    """The message when the store could not be written and the batch stopped (the ETL's
    `report.store_error`): why and what to do, what was stored and what was not, Chinese
    first, then English; as markdown that shows the store's own words literally."""
    by = _by_status(rows)
    written = by["stored"] + by["replaced"]
    articles = sum(r["文章数"] for r in written)
    left = sum(1 for r in rows if r["结果"] == NOT_PROCESSED)
    others = "".join(f"，{p}" for p in _skipped_and_refused(by))
    return (f"导入中途停止：数据库无法写入。{_literal(store_error)}\n\n"
            f"已导入 {len(written)} 个文件，共 {articles} 篇文章（已存入的公报都完整）{others}；"
            f"{left} 个文件未处理（见上表）。修复后重新导入这些文件即可补齐，已导入的会按内容识别并跳过。\n\n"
            f"(The import stopped: the store cannot be written. Stored: {len(written)} file(s), {articles} "
            f"article(s), each stored bulletin whole; not processed: {left} file(s) (see the table). Once the "
            f"store is fixed, import them again; the files already stored are recognised and skipped.)")


def _literal(text: str) -> str:
    """Text shown as it is inside markdown (a path's underscores, a quoted name's brackets)."""
    return re.sub(r"([\\`*_\[\]<>#|~$:])", r"\\\1", text)
