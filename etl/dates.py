"""Dates: the event's explicit date, and the bulletin's issue date with its precision."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .numbers import chinese_to_int

NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,4})"
DATE = re.compile(rf"(?:{NUM}年)?{NUM}月{NUM}[日号]")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!以来|以前|前|起|度)")
PUBLISHED = re.compile(r"(?:发布|发稿|出版)(?:时间|日期)[：:]\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?:[-_.]?([0-3]\d))?(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    year: int | None
    month: int
    day: int
    start: int
    end: int

    def iso(self, year: int | None = None) -> str:
        y = self.year or year
        return f"{y:04d}-{self.month:02d}-{self.day:02d}" if y else f"--{self.month:02d}-{self.day:02d}"


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    return int(s) if s.isdigit() else chinese_to_int(s)


def find_dates(text: str) -> list[FoundDate]:
    out = []
    for m in DATE.finditer(text):
        year, month, day = _num(m.group(1)), _num(m.group(2)), _num(m.group(3))
        if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if year is not None and not 1900 <= year <= 2100:
            year = None
        try:
            date(year or 2000, month, day)
        except ValueError:
            continue
        out.append(FoundDate(year, month, day, m.start(), m.end()))
    return out


SENTENCE_ENDS = "。！？\n"


def with_stated_year(text: str, d: FoundDate) -> FoundDate:
    """A date with no year takes a year stated in its sentence (5月24日，2025年…), if any."""
    if d.year is not None:
        return d
    start = max(text.rfind(c, 0, d.start) for c in SENTENCE_ENDS) + 1
    ends = [i for i in (text.find(c, d.end) for c in SENTENCE_ENDS) if i >= 0]
    year = YEAR.search(text, start, min(ends) if ends else len(text))
    return FoundDate(int(year.group(1)), d.month, d.day, d.start, d.end) if year else d


def event_date(lead: str, lead_offset: int) -> tuple[str | None, FoundDate | None]:
    """The first explicit date in the lead paragraph (offsets shifted by lead_offset)."""
    dates = find_dates(lead)
    if not dates:
        return None, None
    d = with_stated_year(lead, dates[0])
    return d.iso(), FoundDate(d.year, d.month, d.day, d.start + lead_offset, d.end + lead_offset)


@dataclass(frozen=True)
class IssueDate:
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day | month | inferred | unknown
    source: str  # option | sidecar | filename | text | none


def issue_date(path: Path | str | None, text: str, option: str | None = None) -> IssueDate:
    """From the CLI option, a sidecar file (NAME.json with "issue_date", or NAME.date),
    the file name (2025-06-03_*.txt), else inferred from the latest full date in the text."""
    if option:
        return IssueDate(option, _precision_of(option), "option")
    if path is not None:
        path = Path(path)
        for sidecar in (path.with_suffix(".json"), path.with_suffix(".date")):
            if sidecar.exists() and sidecar != path:
                raw = sidecar.read_text(encoding="utf-8").strip()
                value = json.loads(raw).get("issue_date") if sidecar.suffix == ".json" else raw
                if value:
                    return IssueDate(value, _precision_of(value), "sidecar")
        m = FILE_DATE.search(path.name)
        if m:
            value = "-".join(g for g in m.groups() if g)
            return IssueDate(value, _precision_of(value), "filename")
    published = PUBLISHED.search(text)  # a web page's 发布时间：2025-06-03
    if published:
        value = "-".join(f"{int(g):02d}" if i else g for i, g in enumerate(published.groups()))
        return IssueDate(value, "day", "text")
    full = [d for d in (with_stated_year(text, d) for d in find_dates(text)) if d.year]
    if full:
        latest = max(full, key=lambda d: (d.year, d.month, d.day))
        return IssueDate(latest.iso(), "inferred", "text")
    return IssueDate(None, "unknown", "none")


def _precision_of(value: str) -> str:
    return {10: "day", 7: "month"}.get(len(value), "inferred")
