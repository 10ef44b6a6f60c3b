"""From a file to records, the one way: read → split → extract → resolve.

The command line, ingest, the scorecard and the tools all come through here, so a
bulletin becomes the same records (and the same JSON rows) whichever of them reads it.
Each stage is a pure function of its input; this module only reads files and joins them.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .dates import IssueDate, stated_issue
from .events import group_records
from .extract import BulletinRecord, extract_bulletin
from .formats import check_size, max_bytes, to_text
from .knowledge import Knowledge, load_knowledge
from .read import ReadError
from .sources import bulletin_paths


@dataclass(frozen=True)
class Refusal:
    """A file that was not turned into records, and why (in Chinese, then English)."""
    path: str
    reason: str


@dataclass(frozen=True)
class ParseOptions:
    issue_date: str | None = None  # the issue date of every file (--issue-date), YYYY-MM-DD
    max_mb: float | None = None  # refuse larger files (default: ETL_MAX_FILE_MB or 20)

    @property
    def limit(self) -> int:
        return max_bytes(self.max_mb)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path, limit: int, name: str | None = None) -> bytes:
    """The file's bytes; ReadError when it is too large (checked before reading) or unreadable.
    `name` is the file's name in messages (an upload's own name), else the path's."""
    name = name or path.name
    try:
        check_size(name, path.stat().st_size, limit)
        return path.read_bytes()
    except OSError as e:
        raise ReadError(f"{name}: 无法读取文件：{e.strerror or e}；请检查路径和权限 "
                        f"(cannot read the file: {e.strerror or e}; check the path and its permissions)") from e


def could_not_parse(name: str, error: BaseException) -> ReadError:
    """What an unexpected failure on one file tells the user: that file is refused, the others go on."""
    detail = " ".join(f"{type(error).__name__}: {error}".split())[:300]
    return ReadError(f"{name}: 文件无法解析：{detail}；请检查文件或换一种格式后再试，其他文件不受影响 "
                     f"(could not parse: {detail}; check the file or save it in another format and try again; "
                     f"the other files are not affected)")


def given_issue(path: Path, option: str | None = None) -> IssueDate | None:
    """The issue date stated outside the text: the option, else a sidecar beside the file
    (NAME.json with "issue_date", or NAME.date). ReadError when a sidecar is malformed."""
    if option:
        return stated_issue(option, "option")
    for sidecar in (path.with_suffix(".json"), path.with_suffix(".date")):
        if sidecar == path or not sidecar.is_file():
            continue
        try:
            raw = sidecar.read_text(encoding="utf-8").strip()
            value = _sidecar_value(raw) if sidecar.suffix == ".json" else raw
            return stated_issue(value, "sidecar") if value else None
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise ReadError(f"{path.name}: 附带的日期文件 {sidecar.name} 无法使用：{e}；请改正或删除它 "
                            f"(the sidecar {sidecar.name} is malformed; fix or remove it)") from e
    return None


def _sidecar_value(raw: str):
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"不是有效的 JSON（第 {e.lineno} 行）") from e
    if not isinstance(data, dict):
        raise ValueError("应为一个 JSON 对象，如 {\"issue_date\": \"2025-06-03\"}")
    return data.get("issue_date")


def parse_bytes(name: str, data: bytes, kb: Knowledge, given: IssueDate | None = None,
                limit: int | None = None) -> BulletinRecord:
    """A bulletin's bytes -> its records; ReadError when the file cannot be read as a bulletin,
    whatever went wrong (a parser's own exception on a broken file becomes its refusal)."""
    try:
        return bounded(extract_bulletin(to_text(name, data, limit), name, kb, given), kb)
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - a parser or the extractor failed on this file: refuse it only
        raise could_not_parse(name, e) from e


# A numeral of 13 or more digits before a unit: a count the extractor leaves out (numbers.MAX_COUNT).
HUGE_NUMERAL = re.compile(r"(?<![\d.])\d{13,}(?:\.\d+)?")
LONG_DIGITS = re.compile(r"\d{13}")


def bounded(record: BulletinRecord, kb: Knowledge) -> BulletinRecord:
    """Flag what did not fit: an article whose count was too large to be one is flagged
    `count_out_of_range` (the count itself is not kept)."""
    if not LONG_DIGITS.search(record.text):
        return record
    for article in record.articles:
        for m in HUGE_NUMERAL.finditer(article.text):
            after = article.text[m.end():m.end() + 3]
            if any(after[:size] in kb.units for size in (3, 2, 1)):
                if "count_out_of_range" not in article.flags:
                    article.flags.append("count_out_of_range")
                break
    return record


def parse_file(path: Path | str, options: ParseOptions = ParseOptions(), kb: Knowledge | None = None
               ) -> BulletinRecord | Refusal:
    path = Path(path)
    try:
        data = read_file(path, options.limit)
        return parse_bytes(path.name, data, kb or load_knowledge(), given_issue(path, options.issue_date),
                           options.limit)
    except ReadError as e:
        return Refusal(str(path), str(e))
    except Exception as e:  # noqa: BLE001 - one bad file never stops the others
        return Refusal(str(path), str(could_not_parse(path.name, e)))


def parse_paths(paths: Iterable[str | Path], options: ParseOptions = ParseOptions(),
                kb: Knowledge | None = None) -> Iterator[BulletinRecord | Refusal]:
    """Every bulletin file among the paths (folders are searched), parsed one at a time."""
    kb = kb or load_knowledge()
    for path in bulletin_paths(list(paths)):
        yield parse_file(path, options, kb)


def extract_rows(records: list[BulletinRecord], evidence: bool = True, kb: Knowledge | None = None) -> list[dict]:
    """`etl extract`'s rows for these bulletins, each article with its `event` key: the same
    for every report of one event among them (etl/events.py)."""
    kb = kb or load_knowledge()
    events = group_records(records, kb.events, kb.place_names)
    out = []
    for record in records:
        for article, row in zip(record.articles, record.rows(evidence=evidence)):
            row["event"] = events[(record.name, article.seq)]
            out.append(row)
    return out
