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

from .credits import Credits
from .knowledge import Knowledge
from .read import normalise

TERMINAL = "。！？!?…"
CLOSERS = "”’」』）)》"
REPLACEMENT = "\ufffd"

CLAUSE_PUNCT = re.compile(r"[，,；;]")
SUBHEAD = re.compile(r"^[^，,。]{2,12}[：:]")
HEADLINE_MAX = 36


@dataclass
class Block:
    text: str
    norm: str  # the same line normalised for matching (read.normalise)
    gap_before: int  # blank lines before it


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
    section: str = ""
    series: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return " / ".join(self.title_lines)

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def text(self) -> str:
        """Title lines, a blank line, then the body: the text evidence offsets point into."""
        return "\n".join(self.title_lines) + "\n\n" + self.body

    @property
    def norm_text(self) -> str:
        """`text` normalised (read.normalise), made from the lines already normalised."""
        return "\n".join(self.title_norms) + "\n\n" + "\n".join(p.norm for p in self.paragraphs)

    @property
    def body_offset(self) -> int:
        return len("\n".join(self.title_lines)) + 2


def blocks_of(text: str) -> list[Block]:
    blocks, offset, blank = [], 0, 0
    norm = normalise(text)
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            blocks.append(Block(stripped, norm[start:start + len(stripped)], blank))
            blank = 0
        else:
            blank += 1
        offset += len(line)
    return blocks


def is_terminated(text: str, credits: Credits) -> bool:
    """Ends a sentence, or ends with a feature's closing byline (本报记者 X)."""
    core = text.rstrip().rstrip(CLOSERS)
    # The byline ends the text: searched for near the end only (linear in a long run-on paragraph).
    return bool(core) and (core[-1] in TERMINAL or bool(credits.byline.search(core, max(0, len(core) - 200))))


class LineKind:
    CAPTION = "caption"
    LABEL = "label"
    SERIES = "series"
    BYLINE = "byline"
    LEAD = "lead"
    SHORT = "short"  # could be a headline line
    BODY = "body"


def classify(blocks: list[Block], kb: Knowledge) -> list[str]:
    credits = kb.credits
    kinds = []
    for i, block in enumerate(blocks):
        text = block.norm
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        after_gap = nxt.gap_before if nxt else 9
        if text in kb.section_labels:
            kinds.append(LineKind.LABEL)
        elif kb.meta_pattern.search(text):
            kinds.append(LineKind.CAPTION)  # 来源：… 发布时间：… of a web page: furniture, not text
        elif kb.series_pattern.search(text) and len(text) <= 40:
            kinds.append(LineKind.SERIES)
        elif credits.credit_only.match(text) or credits.caption_with_credit.match(text) and len(text) <= 60:
            kinds.append(LineKind.CAPTION)
        elif nxt is not None and credits.credit_only.match(nxt.norm) and len(text) <= 60:
            kinds.append(LineKind.CAPTION)
        elif credits.byline.match(text):
            kinds.append(LineKind.BYLINE)
        elif credits.lead.match(text):
            kinds.append(LineKind.LEAD)
        elif _headline_shaped(text, credits):
            # A short line alone between wide gaps (picture space) is an uncredited caption.
            picture_gap = block.gap_before >= 2 and after_gap >= 2 and len(text) <= 12
            kinds.append(LineKind.CAPTION if picture_gap and i > 0 else LineKind.SHORT)
        else:
            kinds.append(LineKind.BODY)
    # A short line with a comma is a headline when a 本报讯 lead, or another headline line
    # and then the lead, follows it: 筑牢安全防线，守护万家灯火.
    for i in range(len(blocks) - 2, -1, -1):
        if kinds[i] == LineKind.BODY and _headline_with_commas(blocks[i].norm, credits) and \
                (kinds[i + 1] == LineKind.LEAD or kinds[i + 1] == LineKind.SHORT and i + 2 < len(blocks)
                 and kinds[i + 2] == LineKind.LEAD):
            kinds[i] = LineKind.SHORT
    return kinds


def _headline_with_commas(text: str, credits: Credits) -> bool:
    return (len(text) <= 24 and not is_terminated(text, credits) and not SUBHEAD.match(text)
            and not text.endswith((REPLACEMENT, "，", "、", "；", "：", "“", "（")))


def _headline_shaped(text: str, credits: Credits) -> bool:
    if len(text) > HEADLINE_MAX or is_terminated(text, credits) or text.endswith(REPLACEMENT):
        return False
    if CLAUSE_PUNCT.search(text) or SUBHEAD.match(text):
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


def split(text: str, kb: Knowledge) -> list[ArticleDraft]:
    blocks = blocks_of(text)
    kinds = classify(blocks, kb)
    articles: list[ArticleDraft] = []
    pending: list[Block] = []  # headline lines waiting for their body
    section = series = ""
    current: ArticleDraft | None = None
    seen_paragraphs: set[str] = set()
    seen_sorted: list[str] = []  # the same, in order: those starting with a key follow it (bisect)

    def start_article() -> ArticleDraft:
        nonlocal pending, section, series, current
        article = ArticleDraft(title_lines=[b.text for b in pending], title_norms=[b.norm for b in pending],
                               section=section, series=series)
        if not pending:
            article.flags.append("no_headline")
        pending, section, series = [], "", ""
        articles.append(article)
        current = article
        return article

    def add_body(article: ArticleDraft, block: Block, text: str) -> None:
        key = block.norm.rstrip(REPLACEMENT).replace(" ", "")
        after = bisect.bisect_left(seen_sorted, key)
        if key in seen_paragraphs or len(key) >= 30 and after < len(seen_sorted) and \
                seen_sorted[after].startswith(key):
            article.flags.append("duplicate_paragraph_dropped")
            return
        seen_paragraphs.add(key)
        seen_sorted.insert(after, key)
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
            continue
        if kind == LineKind.LABEL:
            if pending:
                pending = []  # orphan headline lines printed apart from any body
            section = text
            continue
        if kind == LineKind.SERIES:
            series = text
            continue
        if kind == LineKind.BYLINE:
            if current is not None:  # a feature's closing 本报记者 X: kept as the body's last line
                current.paragraphs.append(Paragraph(text, block.norm))
            continue
        if kind == LineKind.SHORT and current is not None and not pending and current.paragraphs:
            last = current.paragraphs[-1]
            next_is_body = nxt is not None and kinds[i + 1] == LineKind.BODY
            if next_is_body and ((not last.truncated and not is_terminated(last.text, kb.credits))
                                 or _breaks_a_word(text, nxt.text, kb)):
                add_body(current, block, text)  # a paragraph's opening, cut off by the column end
                continue
        if kind == LineKind.SHORT and pending and block.gap_before >= 2:
            continue  # picture space inside a headline group: an uncredited caption
        if kind == LineKind.SHORT:
            pending.append(block)
            continue
        if kind == LineKind.LEAD:
            add_body(start_article(), block, text)
            continue
        # BODY
        if pending or current is None:
            article = start_article()
            article.flags.append("no_lead")  # a feature, or a fragment whose opening is lost
            add_body(article, block, text)
        else:
            add_body(current, block, text)

    for article in articles:
        if article.paragraphs and (article.paragraphs[-1].truncated
                                   or not is_terminated(article.paragraphs[-1].text, kb.credits)):
            article.flags.append("cut_off")
    return [a for a in articles if a.paragraphs]
