"""Word boundaries from jieba, computed only where they are needed.

jieba cuts a text into blocks (runs of CJK, letters and digits: its own pattern
`re_han_default`) and segments each block on its own, so a block's tokens are the
same whether jieba is given the block or the whole article. The extractor asks
"is this span a word?" only where a lexicon keyword or a village name was found,
so only those blocks are segmented, each once.

A block is segmented as jieba's `lcut(block, HMM=False)` does it (the most probable path
through the dictionary words it holds), with its dictionary held in an Aho–Corasick
automaton: the words of a block are found in one C pass instead of jieba's scan of every
prefix at every character, which was most of the extractor's time. The tokens are the same.
"""
from __future__ import annotations

import bisect
from math import log
from operator import itemgetter

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


# jieba joins a run of single ASCII letters and digits into one token (its `re_eng`).
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Dictionary:
    """A jieba tokenizer's dictionary (its user words included), to segment blocks as its
    `lcut(block, HMM=False)` does. Built once the tokenizer has all its words."""

    def __init__(self, tokenizer: jieba.Tokenizer):
        tokenizer.check_initialized()
        logtotal = log(tokenizer.total)
        # jieba's weight of a word: log(freq) - log(total), computed in the same order so the
        # sums, and their ties, are the same floats.
        self.unknown = log(1) - logtotal  # a character that is no word of its own
        self.characters: dict[str, float] = {}
        self.words = ahocorasick.Automaton()  # words of two characters or more -> (length - 1, weight)
        # The automaton looks a character up among a node's children one by one, in the order
        # they were added (the root has thousands): the most frequent words first put the
        # characters met most often first, which halves the time of a pass.
        for word, freq in sorted(tokenizer.FREQ.items(), key=itemgetter(1), reverse=True):
            if not freq:  # a prefix of longer words only
                continue
            if len(word) == 1:
                self.characters[word] = log(freq) - logtotal
            else:
                self.words.add_word(word, (len(word) - 1, log(freq) - logtotal))
        self.words.make_automaton()

    def spans(self, block: str, offset: int = 0) -> set[tuple[int, int]]:
        """The (start, end) of every token of a block (a `HAN_BLOCK` match), plus `offset`."""
        n = len(block)
        characters, unknown = self.characters, self.unknown
        longer: dict[int, list[tuple[int, float]]] = {}
        for last, (extra, weight) in self.words.iter(block):
            longer.setdefault(last - extra, []).append((last, weight))
        # jieba's route, from the end: at each start the most probable word and what follows
        # it, a tie going to the longer word. A character is a word of its own when the
        # dictionary has it, or when no longer word starts there.
        score = [0.0] * (n + 1)
        ends = list(range(1, n + 1))
        for start in range(n - 1, -1, -1):
            words = longer.get(start)
            single = characters.get(block[start])
            if words is None:
                score[start] = (unknown if single is None else single) + score[start + 1]
                continue
            best, last = (float("-inf"), start) if single is None else (single + score[start + 1], start)
            for end, weight in words:
                value = weight + score[end + 1]
                if value > best or (value == best and end > last):
                    best, last = value, end
            score[start], ends[start] = best, last + 1
        out, pos, run = set(), 0, None
        while pos < n:
            end = ends[pos]
            if end - pos == 1 and block[pos] in ASCII_ALNUM:
                run = pos if run is None else run
            else:
                if run is not None:
                    out.add((offset + run, offset + pos))
                    run = None
                out.add((offset + pos, offset + end))
            pos = end
        if run is not None:
            out.add((offset + run, offset + n))
        return out


class Segmentation:
    """jieba's tokens of one text, block by block on demand."""

    def __init__(self, text: str, dictionary: Dictionary):
        self.text = text
        self.dictionary = dictionary
        self.blocks = [m.span() for m in HAN_BLOCK.finditer(text)]
        self._starts = [s for s, _ in self.blocks]
        self._tokens: dict[int, set[tuple[int, int]]] = {}

    def _block_at(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i if i >= 0 and pos < self.blocks[i][1] else None

    def _spans(self, i: int) -> set[tuple[int, int]]:
        if i not in self._tokens:
            start, end = self.blocks[i]
            # No HMM: guessing new words adds nothing to finding dictionary words and place names.
            self._tokens[i] = self.dictionary.spans(self.text[start:end], start)
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
