"""Split stage: one bulletin's text -> article drafts.

A bulletin is the text layer of an e-paper page: headlines as short lines,
paragraphs broken where a column ended, photo captions, section labels,
paragraphs printed twice, articles cut off. Each line is classified by its
shape, then a small state machine groups headline lines with the body that
follows them.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .credits import Credits, is_credit_line
from .furniture import Dropped, furniture_lines
from .knowledge import Knowledge
from .read import normalise

TERMINAL = "。！？!?…"
CLOSERS = "”’」』）)》"
REPLACEMENT = "\ufffd"

CLAUSE_PUNCT = re.compile(r"[，,；;]")
SUBHEAD = re.compile(r"^[^，,。]{2,12}[：:]")
# 开源街道民悦社区：反诈情景剧“演”进居民心坎里: a place, a colon, then the story (reprints and
# WeChat posts title their reports so); a subhead inside a report has little after its colon.
PLACE_COLON_HEADLINE = re.compile(r"^([^，,。：:\s]{2,14})[：:]\s*[^，,。：:]{5,}$")
HEADLINE_MAX = 36


@dataclass
class Block:
    text: str
    norm: str  # the same line normalised for matching (read.normalise)
    gap_before: int  # blank lines before it
    line: int = 0  # its line number in the bulletin (0-based)


@dataclass
class Paragraph:
    text: str
    norm: str  # the same, normalised for matching
    truncated: bool = False  # ends mid-sentence with no continuation


@dataclass
class ArticleDraft:
    title_lines: list[str] = field(default_factory=list)
    title_norms: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    credits: list[Paragraph] = field(default_factory=list)  # credit lines (记者 X 通讯员 Y), after the body
    section: str = ""
    series: str = ""
    flags: list[str] = field(default_factory=list)
    first_line: int = -1  # the bulletin lines the article was made from (0-based)
    last_line: int = -1

    def covers(self, block: Block) -> None:
        self.first_line = block.line if self.first_line < 0 else min(self.first_line, block.line)
        self.last_line = max(self.last_line, block.line)

    @property
    def title(self) -> str:
        return " / ".join(self.title_lines)

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs + self.credits)

    @property
    def text(self) -> str:
        """Title lines, a blank line, then the body: the text evidence offsets point into."""
        return "\n".join(self.title_lines) + "\n\n" + self.body

    @property
    def norm_text(self) -> str:
        """`text` normalised (read.normalise), made from the lines already normalised."""
        return "\n".join(self.title_norms) + "\n\n" + "\n".join(p.norm for p in self.paragraphs + self.credits)

    @property
    def body_offset(self) -> int:
        return len("\n".join(self.title_lines)) + 2


def blocks_of(text: str, skip: set[int] | frozenset[int] = frozenset()) -> list[Block]:
    """The non-blank lines, each with the blank lines before it; lines in `skip` (page
    furniture) are left out and count as no gap."""
    blocks, offset, blank = [], 0, 0
    norm = normalise(text)
    for number, line in enumerate(text.splitlines(keepends=True)):
        stripped = line.strip()
        if number in skip:
            pass
        elif stripped:
            start = offset + len(line) - len(line.lstrip())
            blocks.append(Block(stripped, norm[start:start + len(stripped)], blank, number))
            blank = 0
        else:
            blank += 1
        offset += len(line)
    return blocks


TRAILING_BRACKET = re.compile(r"[（(]([^（）()]{1,48})[）)]\s*$")
TAIL = 200  # characters at the end of a paragraph that say whether it has ended
# …等4个科目。（下转第4版）: the text goes on on another page; the sentence before it has ended.
CONTINUED = re.compile(r"[（(]\s*(?:下转|转下|下接|转第|接第|转\s*[A-Z]?\d)[^（）()]{0,8}[）)]\s*$")


def is_terminated(text: str, credits: Credits) -> bool:
    """Ends a sentence, or ends with a feature's closing byline (本报记者 X), or with a sentence
    and its credit in brackets (…。（记者 X 通讯员 Y）)."""
    # Only the end of the text decides: a run-on paragraph is asked again at every line it gains.
    core = CONTINUED.sub("", text[-TAIL:].rstrip()).rstrip()
    credit = TRAILING_BRACKET.search(core)
    if credit and is_credit_line(credit.group(0), credits.roles):
        core = core[:credit.start()].rstrip()
    core = core.rstrip(CLOSERS)
    return bool(core) and (core[-1] in TERMINAL or bool(credits.byline.search(core)))


class LineKind:
    CAPTION = "caption"
    LABEL = "label"
    SERIES = "series"
    BYLINE = "byline"  # a credit line: 本报记者 X, （记者 X 通讯员 Y）, 文/X 图/Y
    LEAD = "lead"
    SHORT = "short"  # could be a headline line
    BODY = "body"


SPACES_IN_LABEL = re.compile(r"[\s\u3000]+")
BRIEF_LABEL_MAX = 6


def label_of(text: str, kb: Knowledge) -> str | None:
    """The section label a line is, printed as it may be: spaced (简　讯) or, for a column of
    briefs, with a qualifier before the label's word (县区快讯, 社区简讯)."""
    compact = SPACES_IN_LABEL.sub("", text)
    if compact in kb.section_labels:
        return compact
    if len(compact) <= BRIEF_LABEL_MAX and any(compact.endswith(b) for b in kb.brief_labels if len(b) == 2):
        return compact
    return None


def is_brief_label(text: str, kb: Knowledge) -> bool:
    label = label_of(text, kb)
    return label is not None and (label in kb.brief_labels or label not in kb.section_labels)


def classify(blocks: list[Block], kb: Knowledge) -> list[str]:
    credits = kb.credits
    kinds = []
    for i, block in enumerate(blocks):
        text = block.norm
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        after_gap = nxt.gap_before if nxt else 9
        if label_of(text, kb):
            kinds.append(LineKind.LABEL)
        elif kb.meta_pattern.search(text):
            kinds.append(LineKind.CAPTION)  # 来源：… 发布时间：… of a web page: furniture, not text
        elif kb.series_pattern.search(text) and len(text) <= 40:
            kinds.append(LineKind.SERIES)
        elif credits.credit_only.match(text) or credits.caption_with_credit.match(text) and len(text) <= 60 or nxt is not None and credits.credit_only.match(nxt.norm) and len(text) <= 60:
            kinds.append(LineKind.CAPTION)
        elif credits.byline.match(text) or is_credit_line(text, credits.roles):
            kinds.append(LineKind.BYLINE)
        elif credits.lead.match(text):
            kinds.append(LineKind.LEAD)
        elif _headline_shaped(text, kb) or (i == 0 or block.gap_before) and _exclaimed_headline(text):
            # A short line alone between wide gaps (picture space) is an uncredited caption.
            picture_gap = block.gap_before >= 2 and after_gap >= 2 and len(text) <= 12
            kinds.append(LineKind.CAPTION if picture_gap and i > 0 else LineKind.SHORT)
        else:
            kinds.append(LineKind.BODY)
    # A short line with a comma is a headline when a 本报讯 lead, or another headline line
    # and then the lead, follows it: 筑牢安全防线，守护万家灯火.
    # So is a quoted subtitle (“村里办的团圆宴，比在家还热闹”) between a headline line and the byline.
    for i in range(len(blocks) - 2, -1, -1):
        if kinds[i] == LineKind.BODY and _headline_with_commas(blocks[i].norm, credits) and \
                (kinds[i + 1] == LineKind.LEAD or kinds[i + 1] == LineKind.SHORT and i + 2 < len(blocks)
                 and kinds[i + 2] == LineKind.LEAD):
            kinds[i] = LineKind.SHORT
        elif kinds[i] == LineKind.BODY and i > 0 and kinds[i - 1] == LineKind.SHORT and \
                kinds[i + 1] == LineKind.BYLINE and QUOTED_SUBTITLE.match(blocks[i].norm):
            kinds[i] = LineKind.SHORT
    return kinds


QUOTED_SUBTITLE = re.compile(r"^[“\"][^“”\"]{4,28}[”\"]$")
# A WeChat or web headline may end in ！ (青年夜校首期开课啦！): short, no clause, not a quote.
EXCLAIMED_HEADLINE = re.compile(r"^[^“\"‘「，,；;。：:]{4,30}[！!]$")


def _exclaimed_headline(text: str) -> bool:
    return bool(EXCLAIMED_HEADLINE.match(text))


def _headline_with_commas(text: str, credits: Credits) -> bool:
    return (len(text) <= 24 and not is_terminated(text, credits) and not SUBHEAD.match(text)
            and not text.endswith((REPLACEMENT, "，", "、", "；", "：", "“", "（")))


def _place_colon_headline(text: str, kb: Knowledge) -> bool:
    m = PLACE_COLON_HEADLINE.match(text)
    if not m:
        return False
    place = m.group(1)
    return place.endswith(kb.place_suffixes) or place in kb.place_names


def _headline_shaped(text: str, kb: Knowledge) -> bool:
    credits = kb.credits
    if len(text) > HEADLINE_MAX or is_terminated(text, credits) or text.endswith(REPLACEMENT) \
            or CONTINUED.search(text):
        return False
    if CLAUSE_PUNCT.search(text) or SUBHEAD.match(text) and not _place_colon_headline(text, kb):
        return False
    return not text.endswith(("、", "：", ":", "“", "（", "("))


def _breaks_a_word(before: str, after: str, kb: Knowledge) -> bool:
    """True when the line break falls inside a word: 惠民服|务, 有|序, 搭|起."""
    if not before or not after:
        return False
    joined = before[-4:] + after[:4]
    cut = len(before[-4:])
    pos = 0
    for token in kb.tokenizer.lcut(joined, HMM=False):
        end = pos + len(token)
        if pos < cut < end and len(token) >= 2:
            return True
        pos = end
    return False


# A brief report's kicker: a bullet, then a short name (a street, a unit) and a space before the text.
BRIEF_KICKER = re.compile(r"^[■●▲◆★□○◇·•\s]*([\u4e00-\u9fff]{2,10})[ \u3000]+(?=\S)")


# A page's metadata line may carry the byline among other fields: 作者：本报记者 X　通讯员 Y　　来源：…,
# 北京日报客户端 | 记者 X. Fields are set apart by |, by two spaces or more, or by a space before
# the next field's label (来源：忻州日报　作者：记者 X).
META_FIELDS = re.compile(r"[|｜\t]|[ \u3000]{2,}|[ \u3000](?=[\u4e00-\u9fff]{2,4}[:：])")
AUTHOR_LABEL = re.compile(r"^\s*作者\s*[:：]\s*")
CREDIT_CARRIERS = ("meta", "masthead", "footer", "page_header")  # a metadata line may also hold 【打印】 or the date


def credit_in_furniture(line: str, kb: Knowledge) -> str | None:
    """The reporter credit printed in a furniture line (a metadata or masthead line), if any."""
    if not kb.credits.reporter_role.search(line):
        return None
    for part in META_FIELDS.split(line):
        part = AUTHOR_LABEL.sub("", part).strip()
        if part and kb.credits.reporter_role.search(part) and is_credit_line(part, kb.credits.roles):
            return part
    return None


def _with_furniture_credits(blocks: list[Block], lines: list[str], furniture: dict[int, str],
                            kb: Knowledge) -> list[Block]:
    extra = []
    for i, reason in furniture.items():
        if reason in CREDIT_CARRIERS:
            credit = credit_in_furniture(lines[i], kb)
            if credit:
                extra.append(Block(credit, normalise(credit), 0, i))
    return sorted(blocks + extra, key=lambda b: b.line) if extra else blocks


BULLET = re.compile(r"^[■●◆★◇•]+\s*")


def split(text: str, kb: Knowledge) -> list[ArticleDraft]:
    return split_bulletin(text, kb)[0]


def _share_youxun_credits(articles: list[ArticleDraft], kb: Knowledge) -> None:
    """又讯 is another dispatch of the same writer: a credit printed only after the 又讯 report
    (本报讯 …。又讯 …。（记者 X）) is the credit of the report before it too."""
    for before, after in zip(articles, articles[1:]):
        if "shared_headline" not in after.flags or not after.paragraphs or \
                kb.credits.reporter_role.search("\n".join(p.norm for p in before.paragraphs + before.credits)):
            continue
        closing = [c for c in after.credits if kb.credits.reporter_role.search(c.norm)]
        if not closing:
            last = after.paragraphs[-1]
            bracket = TRAILING_BRACKET.search(last.norm)
            if bracket and kb.credits.reporter_role.search(bracket.group(1)) and \
                    is_credit_line(bracket.group(0), kb.credits.roles):
                closing = [Paragraph(last.text[bracket.start():].strip(), bracket.group(0).strip())]
        before.credits += [Paragraph(c.text, c.norm) for c in closing]


def split_bulletin(text: str, kb: Knowledge) -> tuple[list[ArticleDraft], list[Dropped]]:
    """A bulletin's articles, and every line left out of them with the reason (page furniture,
    captions, repeated paragraphs, headline lines with no body), so nothing disappears unseen."""
    lines = text.splitlines()
    furniture = furniture_lines(lines, kb.furniture)
    dropped = [Dropped(i, lines[i].strip(), reason) for i, reason in furniture.items()]
    blocks = _with_furniture_credits(blocks_of(text, set(furniture)), lines, furniture, kb)
    kinds = classify(blocks, kb)
    articles: list[ArticleDraft] = []
    pending: list[Block] = []  # headline lines waiting for their body
    pending_credits: list[Paragraph] = []  # a credit line between a headline and its body
    pending_blocks: list[Block] = []  # the lines of those credits
    section = series = ""
    in_brief = False  # inside a column of brief reports (简讯): a paragraph a report
    before_brief = 0  # the articles that began before the column's label
    current: ArticleDraft | None = None
    seen_paragraphs: set[str] = set()
    seen_sorted: list[str] = []  # the same, in order: those starting with a key follow it (bisect)

    def drop(block: Block, reason: str) -> None:
        dropped.append(Dropped(block.line, block.text, reason))

    def start_article(title_from: ArticleDraft | None = None) -> ArticleDraft:
        nonlocal pending, pending_credits, section, series, current
        if not pending and title_from is not None:  # 又讯: the second report repeats the headline
            article = ArticleDraft(title_lines=list(title_from.title_lines),
                                   title_norms=list(title_from.title_norms),
                                   section=title_from.section, series=title_from.series)
            article.flags.append("shared_headline")
        else:
            article = ArticleDraft(title_lines=[b.text for b in pending], title_norms=[b.norm for b in pending],
                                   section=section, series=series)
            if not pending:
                article.flags.append("no_headline")
        article.credits += pending_credits
        for b in pending + pending_blocks:
            article.covers(b)
        pending, pending_credits, section, series = [], [], "", ""
        pending_blocks.clear()
        articles.append(article)
        current = article
        return article

    def add_body(article: ArticleDraft, block: Block, text: str) -> None:
        key = block.norm.rstrip(REPLACEMENT).replace(" ", "")
        after = bisect.bisect_left(seen_sorted, key)
        if key in seen_paragraphs or len(key) >= 30 and after < len(seen_sorted) and \
                seen_sorted[after].startswith(key):
            article.flags.append("duplicate_paragraph_dropped")
            drop(block, "duplicate_paragraph")
            return
        seen_paragraphs.add(key)
        seen_sorted.insert(after, key)
        article.covers(block)
        truncated = text.endswith(REPLACEMENT)
        text, norm = text.rstrip(REPLACEMENT), block.norm.rstrip(REPLACEMENT)
        last = article.paragraphs[-1] if article.paragraphs else None
        if last and not last.truncated and not is_terminated(last.text, kb.credits):
            last.text += text  # a paragraph broken by a column or page end
            last.norm += norm
            last.truncated = truncated
        else:
            article.paragraphs.append(Paragraph(text, norm, truncated))

    for i, (block, kind) in enumerate(zip(blocks, kinds)):
        text = block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if kind == LineKind.CAPTION:
            drop(block, "caption")
            continue
        if kind == LineKind.LABEL:
            for orphan in pending:  # headline lines printed apart from any body
                drop(orphan, "headline_without_body")
            pending = []
            section = label_of(text, kb) or text
            in_brief, before_brief = is_brief_label(block.norm, kb), len(articles)
            continue
        if kind == LineKind.SERIES:
            series = text
            continue
        if kind == LineKind.BYLINE:
            credit = Paragraph(text, block.norm)
            if pending:
                pending_credits.append(credit)  # 本报记者 X between the headline and the body
                pending_blocks.append(block)
            elif current is not None:
                current.credits.append(credit)  # a closing credit: kept after the body
                current.covers(block)
            else:
                pending_credits.append(credit)  # a byline above the headline (北京日报客户端 | 记者 X)
                pending_blocks.append(block)
            continue
        if kind == LineKind.SHORT and current is not None and not pending and current.paragraphs:
            last = current.paragraphs[-1]
            next_is_body = nxt is not None and kinds[i + 1] == LineKind.BODY
            if next_is_body and ((not last.truncated and not is_terminated(last.text, kb.credits))
                                 or _breaks_a_word(text, nxt.text, kb)):
                add_body(current, block, text)  # a paragraph's opening, cut off by the column end
                continue
        if kind == LineKind.SHORT and pending and block.gap_before >= 2:
            drop(block, "caption")  # picture space inside a headline group: an uncredited caption
            continue
        if kind == LineKind.SHORT:
            pending.append(block)
            continue
        if kind == LineKind.LEAD:
            again = current if kb.credits.lead_again.match(block.norm) else None
            add_body(start_article(again), block, text)
            continue
        # BODY
        # In a brief column a paragraph is a report of its own, unless it goes on a report that
        # has a headline of its own (a feature printed in the column keeps its paragraphs).
        if in_brief and not pending and current is not None and current.paragraphs and \
                is_terminated(current.paragraphs[-1].text, kb.credits) and \
                ("brief_item" in current.flags or articles.index(current) < before_brief):
            kicker = BRIEF_KICKER.match(block.norm)  # 古城街道 3月28日，……: the kicker is its headline
            bullet = BULLET.match(block.norm)
            if bullet and not kicker:  # ■本月14日，……: the bullet is not the report's text
                text, block = text[bullet.end():], Block(text[bullet.end():], block.norm[bullet.end():],
                                                         block.gap_before, block.line)
            if kicker:
                pending.append(Block(kicker.group(1), kicker.group(1), block.gap_before, block.line))
                text, block = text[kicker.end():], Block(text[kicker.end():], block.norm[kicker.end():],
                                                         block.gap_before, block.line)
            article = start_article()
            article.flags.append("brief_item")
            add_body(article, block, text)
            continue
        if pending or current is None:
            article = start_article()
            article.flags.append("no_lead")  # a feature, or a fragment whose opening is lost
            add_body(article, block, text)
        else:
            add_body(current, block, text)

    for orphan in pending:
        drop(orphan, "headline_without_body")
    for credit in pending_credits:
        dropped.append(Dropped(-1, credit.text, "credit_without_article"))
    _share_youxun_credits(articles, kb)
    for article in articles:
        if article.paragraphs and (article.paragraphs[-1].truncated
                                   or not is_terminated(article.paragraphs[-1].text, kb.credits)
                                   or CONTINUED.search(article.paragraphs[-1].text)):
            article.flags.append("cut_off")
    return [a for a in articles if a.paragraphs], sorted(dropped, key=lambda d: d.line)
