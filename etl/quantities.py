"""Counts in an article: people who took part, and every other counted thing.

A count is a numeral span (numbers.py), a unit from the unit lexicon, and the
thing counted after it. What is skipped (ordinals, ages, dates, durations,
rates, school names, set phrases) is listed in data/lexicons/quantity_rules.txt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import Knowledge
from .numbers import Count, find_counts
from .text import clause_after, clause_before

CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
CLAUSE_STOP = re.compile(r"[，,。；;：:、！？!?（）()\n]")


@dataclass(frozen=True)
class Quantity:
    value: int | float | None
    low: int | float | None
    high: int | float | None
    approx: bool
    unit: str
    what: str
    raw: str
    start: int  # span of numeral + unit
    end: int
    participant: bool

    def as_dict(self) -> dict:
        out = {"value": self.value, "approx": self.approx, "low": self.low, "high": self.high,
               "unit": self.unit, "raw": self.raw, "start": self.start, "end": self.end}
        if self.participant:
            out["who"] = self.what
            if self.value is None:
                out["text"] = self.raw
        else:
            out["what"] = self.what
        return out


def _unit_at(text: str, pos: int, kb: Knowledge) -> tuple[str, int] | None:
    """The unit printed at pos (longest first); N大X counts X with unit 个."""
    if text.startswith("大", pos) and pos + 1 < len(text) and CJK_CHAR.match(text[pos + 1]):
        return "个", pos + 1
    for size in (3, 2, 1):
        unit = text[pos:pos + size]
        if len(unit) == size and unit in kb.units:
            return unit, pos + size
    return None


RATE_WINDOW = 12  # the clause before a number read for 每/均 words
QUOTE_NAME_MAX = 8  # a quoted name or slogan: “两人三足”, “五治融合”


def _in_short_quote(text: str, start: int, end: int) -> bool:
    opening = text.rfind("“", max(0, start - QUOTE_NAME_MAX), start + 1)
    if opening < 0 or "”" in text[opening:start]:
        return False
    closing = text.find("”", end, opening + QUOTE_NAME_MAX + 2)
    return closing >= 0


def _skipped(text: str, count: Count, kb: Knowledge) -> bool:
    # 一 before a classifier is an article (一场活动, 一个环节); a lone 二 is an ordinal
    # (二次分配, 二大队): counts say 两.
    if count.numeral in ("一", "二"):
        return True
    if text.endswith(kb.skip_before, 0, count.start) or text.startswith(kb.skip_after, count.end):
        return True
    if kb.rate_words and any(w in clause_before(text, count.start, RATE_WINDOW) for w in kb.rate_words):
        return True  # 每斤8元, 户均增收3000元: a price or a rate, not how much was done
    if _in_short_quote(text, count.start, count.end):
        return True  # “两人三足”, “三个一”: a name or a slogan, not a count
    # Letters around digits: 5G, PCBA2, model numbers.
    before = text[count.start - 1] if count.start else ""
    after = text[count.end:count.end + 1]
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalpha())


def _what(text: str, pos: int, number_start: int, kb: Knowledge) -> str:
    """What was counted: the words after the unit, or, when the clause ends there, the noun
    before the number (发放健康手册300余份 -> 健康手册)."""
    after = _what_after(text, pos, kb)
    if after:
        return after
    before = re.split(r"[、0-9]", clause_before(text, number_start, 12))[-1]  # the last item of a list
    # A classifier left over from a number before: 18个街道的工作人员 -> 街道的工作人员.
    size = next((k for k in (3, 2, 1) if before[:k] in kb.units and len(before) > k), 0)
    return kb.leading_verb.sub("", before[size:]).strip("“”\"' ")


def _what_after(text: str, pos: int, kb: Knowledge) -> str:
    """The words after the unit, up to a clause break or a verb (kb.what_stop)."""
    limit = min(len(text), pos + 16)
    ends = [m.start() for m in (CLAUSE_STOP.search(text, pos, limit), kb.what_stop.search(text, pos, limit)) if m]
    end = min(ends) if ends else min(len(text), pos + 12)
    return text[pos:end].strip("“”\"' ")


def _is_participant(text: str, q_start: int, q_end: int, kb: Knowledge) -> bool | None:
    before = clause_before(text, q_start, 10)
    after = clause_after(text, q_end, 16)
    verdict = weak = None
    # 为32位老人送上月饼: people something was handed to are counted, they did not take part
    # (为120余名老人送上健康服务: a service, they took part).
    if any(cue in before for cue, where, _ in kb.participation if where == "to") and \
            any(cue in after for cue, where, _ in kb.participation if where == "given") and \
            not any(cue in after for cue, where, _ in kb.participation if where == "not_gift"):
        return False
    for cue, where, means in kb.participation:
        if where not in ("before", "after"):
            continue
        window = before if where == "before" else after
        if cue in window:
            if means == "count":
                return False
            if means == "weak_count":  # 老人有300余人, 累计…: a population or a total, unless a verb says they took part
                weak = False
                continue
            verdict = True
    return verdict if verdict is not None else weak


def _default_for(kind: str, kb: Knowledge) -> str | None:
    """What a count of this unit kind is when no cue says (participation.csv `unit` rows)."""
    return next((means for cue, where, means in kb.participation if where == "unit" and cue == kind), None)


def _same_head(a: str, b: str) -> bool:
    """Counted things that begin alike (在职党员积极… / 在职党员充分…): parallel clauses."""
    return a[:2] == b[:2] if a and b else a == b


def find_quantities(text: str, kb: Knowledge) -> list[Quantity]:
    found: list[Quantity] = []
    for count in find_counts(text):
        if count.value is not None and count.value <= 0 or _skipped(text, count, kb):
            continue
        unit_at = _unit_at(text, count.end, kb)
        if unit_at is None:
            # 1.7万居民: a large count may stand with no classifier before its noun.
            if count.value and count.value >= 10_000 and count.raw[-1:] in "万亿" and \
                    count.end < len(text) and CJK_CHAR.match(text[count.end]):
                unit, end = "", count.end
            else:
                continue
        else:
            unit, end = unit_at
        what = _what(text, end, count.start, kb)
        if any(what.startswith(w) or unit == w for w in kb.structure_nouns):
            continue
        kind = kb.units.get(unit, "")
        if kind == "event" and kb.frequency_words and \
                any(w in clause_before(text, count.start, RATE_WINDOW) for w in kb.frequency_words):
            continue  # 每月开展1次, 每期安排6节: a frequency, not sessions held
        participant = False
        if kind in ("person", "person_times"):
            verdict = _is_participant(text, count.start, end, kb)
            # With no cue: what the unit usually counts in these reports (participation.csv,
            # `unit` rows: 名/位/人 count people who took part), else parallel clauses decide:
            # 61名在职党员积极参与…；11名在职党员充分发挥…
            participant = verdict is True or verdict is None and (
                _default_for(kind, kb) == "participant" or any(
                    p.participant and _same_head(p.what, what) and "。" not in text[p.end:count.start]
                    for p in found))
        found.append(Quantity(count.value, count.low, count.high, count.approx, unit, what,
                              text[count.start:end], count.start, end, participant))
    return found
