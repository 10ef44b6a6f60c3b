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
A block's route is worked out only back to the last forced cut before the first position
asked about (`Route`): the characters before it (some 30% of those of the blocks segmented in
the benchmark's corpus) need none.
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
        # A character -> the characters that follow it in some word: no word crosses a position
        # between two characters that are no such pair (a string of them per character takes
        # a twentieth of the memory of a set of the pairs).
        self.followers: dict[str, str] = {}
        self.words = ahocorasick.Automaton()  # words of two characters or more -> (length - 1, weight)
        # The automaton looks a character up among a node's children one by one, in the order
        # they were added (the root has thousands): the most frequent words first put the
        # characters met most often first, which halves the time of a pass.
        for word, freq in sorted(tokenizer.FREQ.items(), key=itemgetter(1), reverse=True):
            if not freq:  # a prefix of longer words only
                continue
            if len(word) == 1:
                self.characters[word] = log(freq) - logtotal
                continue
            self.words.add_word(word, (len(word) - 1, log(freq) - logtotal))
            for before, after in zip(word, word[1:]):
                known = self.followers.get(before, "")
                if after not in known:
                    self.followers[before] = known + after
        self.words.make_automaton()

    def spans(self, block: str, offset: int = 0) -> set[tuple[int, int]]:
        """The (start, end) of every token of a block (a `HAN_BLOCK` match), plus `offset`."""
        route = Route(block, self)
        route.end_of(0)
        return {(offset + start, offset + end) for start, end in route.tokens.items()}


class Route:
    """jieba's tokens of one block, worked out from its end back only as far as they are asked for.

    A forced cut is a position that no dictionary word crosses (its two neighbours are no two
    characters of any word) nor a run of ASCII letters and digits (which jieba joins): every
    path through the block passes it, the most probable one included, and from there that path
    goes on as the route computed from the block's end. So the tokens after a forced cut need
    the words after it and the route from the block's end down to it only (the same floats as
    the whole block's); an earlier position asked for later extends them."""

    __slots__ = ("block", "dictionary", "score", "ends", "cut", "tokens")

    def __init__(self, block: str, dictionary: Dictionary):
        n = len(block)
        self.block, self.dictionary = block, dictionary
        self.score = [0.0] * (n + 1)
        self.ends = list(range(1, n + 1))
        self.cut = n  # tokens are known from here to the end
        self.tokens: dict[int, int] = {}  # start -> end

    def end_of(self, pos: int) -> int | None:
        """The end of the token that starts at `pos`, if one does."""
        if pos < self.cut:
            block, followers = self.block, self.dictionary.followers
            cut = pos
            while cut and (block[cut] in followers.get(block[cut - 1], "")
                           or (block[cut - 1] in ASCII_ALNUM and block[cut] in ASCII_ALNUM)):
                cut -= 1
            self._extend(cut)
        return self.tokens.get(pos)

    def _extend(self, cut: int) -> None:
        """The route and the tokens from `cut` on."""
        block, score, ends, stop = self.block, self.score, self.ends, self.cut
        dictionary = self.dictionary
        characters, unknown = dictionary.characters, dictionary.unknown
        longer: dict[int, list[tuple[int, float]]] = {}
        for last, (extra, weight) in dictionary.words.iter(block, cut, stop):  # the words between the cuts
            longer.setdefault(last - extra, []).append((last + 1, weight))
        # jieba's route, from the end: at each start the most probable word and what follows
        # it, a tie going to the longer word. A character is a word of its own when the
        # dictionary has it, or when no longer word starts there.
        after = score[stop]
        for start in range(stop - 1, cut - 1, -1):
            words = longer.get(start)
            if words is None:
                after = characters.get(block[start], unknown) + after
                score[start] = after
                continue
            single = characters.get(block[start])
            best, end = (float("-inf"), start + 1) if single is None else (single + after, start + 1)
            for e, weight in words:
                value = weight + score[e]
                if value > best or (value == best and e > end):
                    best, end = value, e
            score[start], ends[start], after = best, end, best
        tokens, pos, run = self.tokens, cut, None
        while pos < stop:
            end = ends[pos]
            if end - pos == 1 and block[pos] in ASCII_ALNUM:
                run = pos if run is None else run
            else:
                if run is not None:
                    tokens[run] = pos
                    run = None
                tokens[pos] = end
            pos = end
        if run is not None:  # a forced cut ends a run
            tokens[run] = stop
        self.cut = cut


class Segmentation:
    """jieba's tokens of one text, block by block on demand."""

    def __init__(self, text: str, dictionary: Dictionary):
        self.text = text
        self.dictionary = dictionary
        self.blocks = [m.span() for m in HAN_BLOCK.finditer(text)]
        self._starts = [s for s, _ in self.blocks]
        self._routes: dict[int, Route] = {}

    def _end_of(self, start: int) -> int | None:
        """The end of the token that starts at `start`, if one does."""
        i = bisect.bisect_right(self._starts, start) - 1
        if i < 0:
            return None
        first, last = self.blocks[i]
        if start >= last:
            return None
        route = self._routes.get(i)
        if route is None:
            # No HMM: guessing new words adds nothing to finding dictionary words and place names.
            route = self._routes[i] = Route(self.text[first:last], self.dictionary)
        end = route.end_of(start - first)
        return None if end is None else first + end

    def is_token(self, start: int, end: int) -> bool:
        return self._end_of(start) == end

    def starts_token(self, start: int) -> bool:
        return self._end_of(start) is not None

    def tokens(self) -> list[tuple[str, int, int]]:
        """Every token of the text (for tests and tools): all blocks segmented."""
        spans = sorted(span for first, last in self.blocks
                       for span in self.dictionary.spans(self.text[first:last], first))
        return [(self.text[s:e], s, e) for s, e in spans]
