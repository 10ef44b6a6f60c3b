"""Word boundaries from jieba, computed only where they are needed.

jieba cuts a text into blocks (runs of CJK, letters and digits: its own pattern
`re_han_default`) and segments each block on its own, so a block's tokens are the
same whether jieba is given the block or the whole article. The extractor asks
"is this span a word?" only where a lexicon keyword or a village name was found,
so only those blocks are segmented, each once.
"""
from __future__ import annotations

import bisect

import ahocorasick
import jieba

HAN_BLOCK = jieba.re_han_default


def automaton(words) -> ahocorasick.Automaton:
    """All occurrences of all words in one pass (Aho–Corasick)."""
    a = ahocorasick.Automaton()
    for word in words:
        a.add_word(word, word)
    a.make_automaton()
    return a


def occurrences(a: ahocorasick.Automaton, text: str, ordered: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, word) of every occurrence, overlapping ones included: by start, or (not
    `ordered`) by end, which is still left to right for each word."""
    if len(a) == 0:
        return []
    found = [(end + 1 - len(word), end + 1, word) for end, word in a.iter(text)]
    return sorted(found) if ordered else found


class Segmentation:
    """jieba's tokens of one text, block by block on demand."""

    def __init__(self, text: str, tokenizer: jieba.Tokenizer):
        self.text = text
        self.tokenizer = tokenizer
        self.blocks = [m.span() for m in HAN_BLOCK.finditer(text)]
        self._starts = [s for s, _ in self.blocks]
        self._tokens: dict[int, set[tuple[int, int]]] = {}

    def _block_at(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i if i >= 0 and pos < self.blocks[i][1] else None

    def _spans(self, i: int) -> set[tuple[int, int]]:
        if i not in self._tokens:
            start, end = self.blocks[i]
            spans, pos = set(), start
            # No HMM: guessing new words adds nothing to finding dictionary words and place names.
            for word in self.tokenizer.lcut(self.text[start:end], HMM=False):
                spans.add((pos, pos + len(word)))
                pos += len(word)
            self._tokens[i] = spans
        return self._tokens[i]

    def is_token(self, start: int, end: int) -> bool:
        i = self._block_at(start)
        return i is not None and (start, end) in self._spans(i)

    def starts_token(self, start: int) -> bool:
        i = self._block_at(start)
        return i is not None and any(s == start for s, _ in self._spans(i))

    def tokens(self) -> list[tuple[str, int, int]]:
        """Every token of the text (for tests and tools): all blocks segmented."""
        spans = sorted(span for i in range(len(self.blocks)) for span in self._spans(i))
        return [(self.text[s:e], s, e) for s, e in spans]
