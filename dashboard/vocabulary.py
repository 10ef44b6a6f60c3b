"""The words of the UI: the district's name and taxonomy from its data files (district.toml,
taxonomy.csv), and the Chinese for every code the store keeps (date precision, place level,
flags, ingest outcomes), for periods, bulletins and titles, and the words of what a figure
counts (CountWords). Nothing the app writes for people shows a code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from analytics.periods import iso_week, period_end
from etl.knowledge import load_knowledge

PRECISION_ZH = {"day": "确切日期", "issue": "见报日期", "inferred": "推断日期", "unknown": "日期不明"}
LEVEL_ZH = {"street": "街道", "community": "社区", "village": "村"}
PLACE_PRECISION_ZH = {"community": "社区或村", "street": "街道", "district": "全区", "none": "未定位"}
PLACE_STATUS_ZH = {"unknown": "未识别（不在官方名单）", "other_district": "外区"}
INGEST_STATUS_ZH = {"stored": "已导入", "replaced": "已更新（替换旧记录）", "unchanged": "已存在，跳过",
                    "refused": "拒绝"}
FLAG_ZH = {"no_headline": "无标题", "no_lead": "无导语", "cut_off": "正文可能不完整",
           "duplicate_paragraph_dropped": "已去除重复段落", "shared_headline": "与其他文章共用标题",
           "synthetic": "合成数据"}
YES_NO = {True: "是", False: "否"}
NO_GROUP_ZH = {"theme": "（无主题）", "street": "（未指明街道）"}
UNTITLED_MARK = "〔无标题·首句〕"
TITLE_FROM_SENTENCE = 24  # characters of the first sentence shown for an untitled article


@dataclass(frozen=True)
class CountWords:
    """How a count is worded in the mode the filters count in (Filters.count): every chart
    title, axis, hover text, colour bar, exported column and caption that states a count takes
    its words from here, so that a chart never says 篇 beside an overview that counts 活动."""
    noun: str  # what one counted thing is: 活动 | 文章
    unit: str  # its measure word: 20 项 | 20 篇

    @property
    def mentions(self) -> str:
        """项次 | 篇次: a grouped count, where a thing counts once for each of its themes or streets."""
        return f"{self.unit}次"

    @property
    def one(self) -> str:
        """一项活动 | 一篇文章"""
        return f"一{self.unit}{self.noun}"

    @property
    def axis(self) -> str:
        """活动数（项） | 文章数（篇）"""
        return f"{self.noun}数（{self.unit}）"

    @property
    def mentions_axis(self) -> str:
        """项次（一项活动计入它的每个分组）"""
        return f"{self.mentions}（{self.one}计入它的每个分组）"

    def per(self, what: str) -> str:
        """各街道活动数: the count of each street, theme, period…"""
        return f"各{what}{self.noun}数"

    def mentions_per(self, what: str) -> str:
        """各期活动（项次）: the grouped count of each period…"""
        return f"各{what}{self.noun}（{self.mentions}）"

    def n(self, count: int) -> str:
        """20 项"""
        return f"{count} {self.unit}"


# Events: the same activity reported by several papers counts once; reports: every article.
COUNT_WORDS = {"events": CountWords("活动", "项"), "reports": CountWords("文章", "篇")}


def count_words(count: str) -> CountWords:
    """The words of a counting mode (Filters.count, Overview.counting)."""
    return COUNT_WORDS[count]


def district() -> str:
    return load_knowledge().district


def source_name() -> str:
    """What charts and briefings give as their data source (district.toml `source`)."""
    return load_knowledge().source or f"{district()}公报"


def theme_names() -> dict[str, str]:
    return load_knowledge().taxonomy["theme"]


def service_names() -> dict[str, str]:
    return load_knowledge().taxonomy["service"]


def label_names() -> dict[str, dict[str, str]]:
    """kind -> key -> words, as Filters.describe takes them."""
    return load_knowledge().taxonomy
REASON_ZH = {"no_lead": "无导语", "no_headline": "无标题", "furniture_nearby": "紧邻版面杂项", "cut_off": "正文不完整",
             "unknown_place": "有未识别地名", "no_place": "没有地点", "vague_count": "人数模糊",
             "inferred_date": "日期为推断", "labels_close": "主题难以区分"}
DROP_REASON_ZH = {"epaper_nav": "电子版导航", "date_picker": "日期选择", "page_list": "版面目录", "masthead": "报头/网站名",
                  "breadcrumb": "网页路径", "menu": "网站菜单", "footer": "网页页脚", "wechat": "微信杂项",
                  "image_name": "图片文件名", "meta": "来源、编辑、时间等信息", "related_list": "相关文章列表",
                  "continuation": "转版提示", "page_header": "版眉", "duplicate_paragraph": "重复段落",
                  "caption": "图片说明", "headline_without_body": "无正文的标题", "credit_without_article": "无文章的署名",
                  "section": "栏目名", "series": "系列名"}


def flags_zh(flags) -> list[str]:
    return [FLAG_ZH.get(flag, "其他标记") for flag in flags or ()]


def display_title(title: str | None, first_sentence: str | None) -> str:
    """An article's headline; without one, the opening of its first sentence, marked as such."""
    if title and title.strip():
        return title.strip()
    opening = (first_sentence or "").strip()
    if not opening:
        return "〔无标题〕"
    short = opening[:TITLE_FROM_SENTENCE] + ("…" if len(opening) > TITLE_FROM_SENTENCE else "")
    return UNTITLED_MARK + short


_PAGE = re.compile(r"第\s*0*(\d{1,2})\s*版"  # 第3版
                   r"|(?<![A-Za-z0-9])(?:page|p)[-_ ]?0*(\d{1,2})(?![0-9])"  # page2, p_2
                   r"|(?<!\d)0*(\d{1,2})\s*版", re.IGNORECASE)  # 04版
_HASHY = re.compile(r"^(\d{1,4})_[0-9a-f]{8,}$", re.IGNORECASE)


def page_of(name: str) -> int | None:
    """The page a bulletin's file name states (2025-06-03_page2.txt, 第3版.docx, 04版.pdf)."""
    stem = name.rsplit(".", 1)[0]
    stem = re.sub(r"\d{4}-\d{2}-\d{2}", " ", stem)  # the issue date's digits are not a page
    m = _PAGE.search(stem)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def bulletin_label(name: str, issue_date: str | None, issue_precision: str | None) -> str:
    """A bulletin as people know it: its issue date and page where known (2025-06-03 第2版),
    instead of a file name made of a hash. An issue date read from the text is marked 推断."""
    parts = []
    issue_date = issue_date if isinstance(issue_date, str) and issue_date else None
    if issue_date:
        parts.append(f"{issue_date}{'（推断）' if issue_precision == 'inferred' else ''}")
    page = page_of(name)
    if page:
        parts.append(f"第{page}版")
    if parts:
        return " ".join(parts) if issue_date else f"日期不明 {parts[0]}"
    stem = name.rsplit(".", 1)[0]
    numbered = _HASHY.match(stem)
    if numbered:
        return f"日期不明（文件 {numbered.group(1)}）"
    return f"日期不明（{stem[:30]}）"


def period_label(start: date, period: str) -> str:
    """A month (2025年5月) or an ISO week (2025年第21周: the ISO year, which can differ from the
    calendar year in the first and last days of a year)."""
    if period == "month":
        return f"{start.year}年{start.month}月"
    year, week = iso_week(start)
    return f"{year}年第{week}周"


def period_span(start: date, period: str) -> str:
    """The days of a period, for hover texts: 2025-05-19至2025-05-25."""
    return f"{start.isoformat()}至{period_end(start, period).isoformat()}"


def event_date_zh(value: str | None) -> str:
    """A stated event date: 2025-05-24, or a date without a year (--10-26) in words."""
    if not isinstance(value, str) or not value:
        return ""
    m = re.fullmatch(r"--(\d{2})-(\d{2})", value)
    if m:
        return f"{int(m.group(1))}月{int(m.group(2))}日（未写年份）"
    return value


def refusal_zh(reason: str, file_name: str = "") -> str:
    """An ETL refusal reason, Chinese first: 'empty.txt: empty file (文件为空)' becomes
    '文件为空（empty file）'. The file name is left out (the table has its own column)."""
    text = (reason or "").strip()
    if file_name and text.startswith(file_name + ":"):
        text = text[len(file_name) + 1:].strip()
    elif re.match(r"^[^\s:：]+\.[A-Za-z0-9]{1,5}:\s", text):
        text = text.split(":", 1)[1].strip()
    m = re.fullmatch(r"(?P<en>.*?)\s*[（(](?P<zh>[^（）()]*[\u4e00-\u9fff][^（）()]*)[）)]\s*(?P<rest>.*)", text, re.S)
    if m and not re.search(r"[\u4e00-\u9fff]", m.group("en")):
        zh = m.group("zh").strip()
        rest = m.group("rest").strip()
        return f"{zh}{('：' + rest) if rest else ''}（{m.group('en').strip()}）" if m.group("en").strip() else zh
    return text
