"""Small text helpers shared by the extractors: sentences and evidence spans."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[。！？!?]+[”’」』]?|\n+")
CLAUSE_BREAK = "，,；;。！？!?：:\n（）()"


@dataclass(slots=True)
class Evidence:
    """Where a value came from: character offsets into the article text and its sentence."""
    field: str
    value: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int

    def as_dict(self, text: str) -> dict:
        return {"field": self.field, "value": self.value, "start": self.start, "end": self.end,
                "quote": text[self.start:self.end],
                "sentence": text[self.sentence_start:self.sentence_end].strip()}


class Sentences:
    """Sentence spans of one text, for turning a match offset into its sentence."""

    def __init__(self, text: str):
        self.text = text
        self.spans: list[tuple[int, int]] = []
        start = 0
        for m in SENTENCE_END.finditer(text):
            if m.end() > start:
                self.spans.append((start, m.end()))
            start = m.end()
        if start < len(text):
            self.spans.append((start, len(text)))
        self._starts = [s for s, _ in self.spans]

    def around(self, offset: int) -> tuple[int, int]:
        if not self.spans:
            return 0, len(self.text)
        i = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        return self.spans[i]

    def evidence(self, field: str, value, start: int, end: int) -> Evidence:
        s, e = self.around(start)
        return Evidence(field, str(value), start, end, s, max(e, end))


def clause_before(text: str, pos: int, limit: int = 12) -> str:
    i = pos
    while i > 0 and pos - i < limit and text[i - 1] not in CLAUSE_BREAK:
        i -= 1
    return text[i:pos]


def clause_after(text: str, pos: int, limit: int = 16) -> str:
    i = pos
    while i < len(text) and i - pos < limit and text[i] not in CLAUSE_BREAK:
        i += 1
    return text[pos:i]
