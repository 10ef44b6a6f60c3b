"""Word boundaries from jieba, computed only where they are needed.

jieba cuts a text into blocks (runs of CJK, letters and digits: its own pattern
`re_han_default`) and segments each block on its own, so a block's tokens are the
same whether jieba is given the block or the whole article. The extractor asks
"is this span a word?" only where a lexicon keyword or a village name was found,
so only the stretches of text around those are segmented, each once.

A block is segmented as jieba's `lcut(block, HMM=False)` does it (the most probable path
through the dictionary words it holds), with its dictionary held in an Aho–Corasick
automaton: the words of a block are found in one C pass instead of jieba's scan of every
prefix at every character, which was most of the extractor's time. The tokens are the same.
Most of a block needs no route at all: every path passes its forced cuts (positions no word
crosses), so the extractor asks only for the stretch between two forced cuts that holds the
word it asks about (`Segmentation`; some five characters), or for none when a heavy word (a
place name, a keyword) fills a stretch. A whole block's `route` is worked out for ties and tools.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from math import log

import ahocorasick_rs
import jieba

HAN_BLOCK = jieba.re_han_default


class Phrases:
    """A set of words, every occurrence of which in a text is found in one pass, overlapping
    ones included: an Aho–Corasick automaton (ahocorasick_rs, which takes each character in
    constant time; pyahocorasick looked it up among a node's children one by one, hundreds
    at the root, which was a tenth of an ingest)."""

    __slots__ = ("_automaton", "words")

    def __init__(self, words: Iterable[str]):
        self.words = list(dict.fromkeys(words))
        self._automaton = ahocorasick_rs.AhoCorasick(self.words) if self.words else None

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(word's index, start, end) of every occurrence."""
        return self._automaton.find_matches_as_indexes(text, overlapping=True) if self._automaton else []


def occurrences(phrases: Phrases, text: str, ordered: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, word) of every occurrence, overlapping ones included: by start, or (not
    `ordered`) by end and the longest first, which is still left to right for each word."""
    words = phrases.words
    found = [(start, end, words[index]) for index, start, end in phrases.spans(text)]
    return sorted(found) if ordered else sorted(found, key=_by_end)


def _by_end(occurrence: tuple[int, int, str]) -> tuple[int, int]:
    return occurrence[1], occurrence[0]


# jieba joins a run of single ASCII letters and digits into one token (its `re_eng`).
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Far above the rounding of jieba's sums of weights along a block of up to LONGEST_BLOCK
# characters (at most its length × 20 × its length × 2.2e-16, some 1e-7).
MARGIN = 1e-6
LONGEST_BLOCK = 5000


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
        # A character -> the characters that follow it in some word: no word crosses a position
        # between two characters that are no such pair (a string of them per character takes
        # a twentieth of the memory of a set of the pairs).
        self.followers: dict[str, str] = {}
        words, self.weights = [], []  # words of two characters or more, and their weights
        for word, freq in tokenizer.FREQ.items():
            if not freq:  # a prefix of longer words only
                continue
            if len(word) == 1:
                self.characters[word] = log(freq) - logtotal
                continue
            words.append(word)
            self.weights.append(log(freq) - logtotal)
            for before, after in zip(word, word[1:]):
                known = self.followers.get(before, "")
                if after not in known:
                    self.followers[before] = known + after
        self.words = Phrases(words)
        self._freq, self._logtotal = tokenizer.FREQ, logtotal
        # No path of two tokens or more weighs more than twice the heaviest token (all weights
        # are log probabilities, at most 0).
        heaviest = max(max(self.characters.values(), default=self.unknown), max(self.weights, default=self.unknown))
        self.two_tokens = 2 * heaviest

    def outweighs_any_split(self, word: str) -> bool:
        """Whether jieba keeps `word` whole wherever no token crosses its two ends: one character,
        or a dictionary word heavier than any path of two tokens or more."""
        if len(word) == 1:
            return True
        freq = self._freq.get(word)
        return bool(freq) and log(freq) - self._logtotal > self.two_tokens + MARGIN

    def spans(self, block: str, offset: int = 0) -> set[tuple[int, int]]:
        """The (start, end) of every token of a block (a `HAN_BLOCK` match), plus `offset`."""
        tokens, _ = route(self, block)
        return {(offset + start, offset + end) for start, end in tokens.items()}


def route(dictionary: Dictionary, text: str) -> tuple[dict[int, int], float]:
    """jieba's tokens (start -> end) of `text`, a block or a stretch between two forced cuts,
    and the narrowest margin by which a word won (inf: no choice). jieba's route, from the end:
    at each start the most probable word and what follows it, a tie going to the longer word.
    A character is a word of its own when the dictionary has it, or when no longer word starts
    there; a run of single ASCII letters and digits is joined into one token."""
    characters, unknown, weights = dictionary.characters, dictionary.unknown, dictionary.weights
    longer: dict[int, list[tuple[int, float]]] = {}
    for index, start, end in dictionary.words.spans(text):
        longer.setdefault(start, []).append((end, weights[index]))
    n = len(text)
    score, ends = [0.0] * (n + 1), list(range(1, n + 1))
    after, narrowest = 0.0, float("inf")
    for start in range(n - 1, -1, -1):
        words = longer.get(start)
        if words is None:
            after = characters.get(text[start], unknown) + after
            score[start] = after
            continue
        single = characters.get(text[start])
        best, end = (float("-inf"), start + 1) if single is None else (single + after, start + 1)
        second = float("-inf")
        for e, weight in words:
            value = weight + score[e]
            if value > best or (value == best and e > end):
                second, best, end = best, value, e
            elif value > second:
                second = value
        narrowest = min(narrowest, best - second)
        score[start], ends[start], after = best, end, best
    tokens, pos, run = {}, 0, None
    while pos < n:
        end = ends[pos]
        if end - pos == 1 and text[pos] in ASCII_ALNUM:
            run = pos if run is None else run
        else:
            if run is not None:
                tokens[run] = pos
                run = None
            tokens[pos] = end
        pos = end
    if run is not None:
        tokens[run] = n
    return tokens, narrowest


class Segmentation:
    """jieba's tokens of one text, on demand.

    Every path through a block passes its forced cuts, so a token starts at each, and the
    tokens between two neighbouring forced cuts (a stretch) are the most probable path between
    them. So a word between two forced cuts that outweighs any split of it is a token, with no
    route at all (half the keywords asked about); otherwise the route through the stretch that
    holds the start is worked out (some five characters on average), from its end as if
    nothing followed. Its floats differ from the route from the block's end by rounding only,
    which cannot change a choice won by more than MARGIN; when one was won by less (a tie), the
    block's route decides."""

    def __init__(self, text: str, dictionary: Dictionary):
        self.text = text
        self.dictionary = dictionary
        self.blocks = [m.span() for m in HAN_BLOCK.finditer(text)]
        self._starts = [s for s, _ in self.blocks]
        self._blocks: dict[int, dict[int, int]] = {}  # a block's tokens, where a tie needs them
        self._stretches: dict[int, dict[int, int]] = {}  # a stretch's start -> its tokens

    def _block_of(self, pos: int) -> int | None:
        """The index of the block that holds the character at `pos`, if one does."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return i if i >= 0 and pos < self.blocks[i][1] else None

    def _forced(self, pos: int, first: int, last: int) -> bool:
        """Whether no token crosses `pos` of the block from `first` to `last`: its two
        neighbours are no two neighbours in a dictionary word, nor both ASCII letters and
        digits (which jieba joins)."""
        if pos in (first, last):
            return True
        before, after = self.text[pos - 1], self.text[pos]
        return after not in self.dictionary.followers.get(before, "") and not (
            before in ASCII_ALNUM and after in ASCII_ALNUM)

    def _end_of(self, start: int, i: int) -> int | None:
        """The end of the token that starts at `start` in block `i`, if one does."""
        first, last = self.blocks[i]
        cut = start
        while cut > first and not self._forced(cut, first, last):
            cut -= 1
        tokens = self._stretches.get(cut)
        if tokens is None:
            stop = start + 1
            while stop < last and not self._forced(stop, first, last):
                stop += 1
            tokens = self._stretches[cut] = self._stretch(i, cut, stop)
        return tokens.get(start)

    def _stretch(self, i: int, cut: int, stop: int) -> dict[int, int]:
        """The tokens between two neighbouring forced cuts of block `i`."""
        first, last = self.blocks[i]
        if last - first <= LONGEST_BLOCK:
            tokens, narrowest = route(self.dictionary, self.text[cut:stop])
            if narrowest > MARGIN:
                return {cut + s: cut + e for s, e in tokens.items()}
        if i not in self._blocks:
            # No HMM: guessing new words adds nothing to finding dictionary words and place names.
            tokens, _ = route(self.dictionary, self.text[first:last])
            self._blocks[i] = {first + s: first + e for s, e in tokens.items()}
        return {s: e for s, e in self._blocks[i].items() if cut <= s < stop}

    def is_token(self, start: int, end: int) -> bool:
        i = self._block_of(start)
        if i is None:
            return False
        first, last = self.blocks[i]
        if end <= last and self._forced(start, first, last) and self._forced(end, first, last) \
                and self.dictionary.outweighs_any_split(self.text[start:end]):
            return True
        return self._end_of(start, i) == end

    def starts_token(self, start: int) -> bool:
        i = self._block_of(start)
        if i is None:
            return False
        return self._forced(start, *self.blocks[i]) or self._end_of(start, i) is not None

    def tokens(self) -> list[tuple[str, int, int]]:
        """Every token of the text (for tests and tools): all blocks segmented."""
        spans = sorted(span for first, last in self.blocks
                       for span in self.dictionary.spans(self.text[first:last], first))
        return [(self.text[s:e], s, e) for s, e in spans]
