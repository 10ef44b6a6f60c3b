"""Dates: the event's explicit date, and the bulletin's issue date with its precision."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .numbers import chinese_to_int

NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,4})"
DATE = re.compile(rf"(?:{NUM}年)?{NUM}月{NUM}[日号]")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!以来|以前|前|起|度)")
FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?:[-_.]?([0-3]\d))?(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    year: int | None
    month: int
    day: int
    start: int
    end: int
    year_from_issue: bool = False  # the year was not printed: it is the publication's

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


THIS_MONTH = re.compile(rf"本月{NUM}[日号]")
# A day with no month opening a clause of a daily's lead (9日上午，… / （记者 X）20日，…) is a day of
# the issue's month, or of the month before when that day is still to come.
DAY_ONLY = re.compile(r"(?:^|(?<=[，,。；;\s）)讯]))(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]"
                      r"(?=[上中下晚早凌傍夜午至到—-]|[，,]|当天|\d{1,2}[时点])")
# 昨日/昨天 in a daily's lead, outside a quotation: the day before the issue.
YESTERDAY = re.compile(r"昨[日天晚夜]")
# A dateline: 山西新闻网大同6月1日讯, 新华社太原12月1日电: the dispatch's date, not the event's.
DATELINE_AFTER = ("讯", "电")
# 截至11月15日，全区已…: a reporting cut-off, not the day of an activity.
CUTOFF_BEFORE = ("截至", "截止", "截止到", "截止至")


def event_date(lead: str, lead_offset: int, issue: "IssueDate | None" = None
               ) -> tuple[str | None, FoundDate | None]:
    """The first explicit date in the lead paragraph (offsets shifted by lead_offset).

    A date with no year takes the year stated in its sentence, else the publication's: the
    year that puts the event on or before the publication date (a paper reports what has
    happened: 12月30日 in a paper of 2025-01-03 is 2024-12-30). 本月18日 is in the month of
    the publication. With no publication date the year stays open: --MM-DD."""
    dates = [d for d in find_dates(lead) if not lead.startswith(DATELINE_AFTER, d.end)
             and not lead.endswith(CUTOFF_BEFORE, 0, d.start)]
    published = _issue_day(issue)
    if published:
        dates += [FoundDate(None, published.month, _num(m.group(1)), m.start(), m.end())
                  for m in THIS_MONTH.finditer(lead) if _valid(published.month, _num(m.group(1)))]
        taken = [(d.start, d.end) for d in dates]
        for m in DAY_ONLY.finditer(lead):
            day = _num(m.group(1))
            if any(s <= m.start() < e for s, e in taken) or not day:
                continue
            month, year = published.month, published.year
            if day > published.day:
                month, year = (month - 1, year) if month > 1 else (12, year - 1)
            if _valid(month, day, year):
                dates.append(FoundDate(year, month, day, m.start(), m.end(), year_from_issue=True))
        for m in YESTERDAY.finditer(lead):
            if not _quoted(lead, m.start()):
                d = published - timedelta(days=1)
                dates.append(FoundDate(d.year, d.month, d.day, m.start(), m.end(), year_from_issue=True))
                break
    if not dates:
        return None, None
    first = min(dates, key=lambda d: d.start)
    d = with_stated_year(lead, first)
    if d.year is None and published:
        year = published.year - (1 if (d.month, d.day) > (published.month, published.day) else 0)
        if _valid(d.month, d.day, year):
            d = FoundDate(year, d.month, d.day, d.start, d.end, year_from_issue=True)
    return d.iso(), FoundDate(d.year, d.month, d.day, d.start + lead_offset, d.end + lead_offset,
                              d.year_from_issue)


def _quoted(text: str, pos: int) -> bool:
    """Inside a quotation (“…”) at pos: a speaker's 昨天 is not the report's."""
    return text.count("“", 0, pos) > text.count("”", 0, pos)


def date_precision(event: str | None, found: FoundDate | None, issue: "IssueDate") -> str:
    """How sure the article's date is: `day` (an explicit date with its year), `year_inferred`
    (an explicit month and day, the year from the publication date), `month_day` (no year
    known), `issue` (no event date: the issue's day), `inferred`, `unknown`."""
    if event:
        if event.startswith("--"):
            return "month_day"
        return "year_inferred" if found is not None and found.year_from_issue else "day"
    if issue.value:
        return "issue" if issue.precision == "day" else "inferred"
    return "unknown"


def _valid(month: int | None, day: int | None, year: int = 2000) -> bool:
    try:
        date(year, month, day)
        return True
    except (TypeError, ValueError):
        return False


def _issue_day(issue: "IssueDate | None") -> date | None:
    if issue is None or not issue.value or issue.precision not in ("day", "month"):
        return None
    parts = issue.value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 28)
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True)
class IssueDate:
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day | month | inferred | unknown
    source: str  # option | sidecar | filename | text | none


def published_pattern(labels) -> re.Pattern:
    """A web page's publication line (发布时间：2025-06-03), from its labels (layout.txt)."""
    words = "|".join(map(re.escape, sorted(labels, key=len, reverse=True))) or "(?!)"
    return re.compile(rf"(?:{words})[：:]\s*((?:19|20)\d{{2}})[-年/.](\d{{1,2}})[-月/.](\d{{1,2}})")


ISSUE_VALUE = re.compile(r"(?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def stated_issue(value: str, source: str) -> IssueDate:
    """An issue date given from outside the text (the --issue-date option, a sidecar file);
    ValueError, with the reason in Chinese and English, when it is not a date."""
    value = str(value).strip()
    if not ISSUE_VALUE.fullmatch(value) or len(value) == 10 and _parse_day(value) is None:
        raise ValueError(f"出版日期“{value[:40]}”不是日期，应写成 YYYY-MM-DD "
                         f"(issue date {value[:40]!r} is not a date; write YYYY-MM-DD)")
    return IssueDate(value, _precision_of(value), source)


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def issue_date(name: str, text: str, published: re.Pattern, given: IssueDate | None = None) -> IssueDate:
    """The issue date given from outside (option or sidecar, read by the pipeline), else the
    file name (2025-06-03_*.txt), else a web page's publication line, else inferred from the
    latest full date in the text."""
    if given is not None:
        return given
    m = FILE_DATE.search(name)
    if m:
        value = "-".join(g for g in m.groups() if g)
        return IssueDate(value, _precision_of(value), "filename")
    line = published.search(text)  # a web page's 发布时间：2025-06-03
    if line:
        value = "-".join(f"{int(g):02d}" if i else g for i, g in enumerate(line.groups()))
        return IssueDate(value, "day", "text")
    full = [d for d in (with_stated_year(text, d) for d in find_dates(text)) if d.year]
    if full:
        latest = max(full, key=lambda d: (d.year, d.month, d.day))
        return IssueDate(latest.iso(), "inferred", "text")
    return IssueDate(None, "unknown", "none")


def _precision_of(value: str) -> str:
    return {10: "day", 7: "month"}.get(len(value), "inferred")
