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
place name, a keyword) fills a stretch. `Route` works out a whole block's, for ties and tools.
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

    def __len__(self) -> int:
        return len(self.words)

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


def crossed(before: str, after: str, followers: dict[str, str]) -> bool:
    """Whether some token may span the two neighbouring characters: they are two neighbours
    in a dictionary word, or both ASCII letters and digits (which jieba joins)."""
    return after in followers.get(before, "") or (before in ASCII_ALNUM and after in ASCII_ALNUM)


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
            while cut and crossed(block[cut - 1], block[cut], followers):
                cut -= 1
            self._extend(cut)
        return self.tokens.get(pos)

    def _extend(self, cut: int) -> None:
        """The route and the tokens from `cut` on."""
        best_path(self.dictionary, self.block, cut, self.cut, self.score, self.ends)
        self.tokens.update(tokens_between(self.block, cut, self.cut, self.ends))
        self.cut = cut


def best_path(dictionary: Dictionary, block: str, cut: int, stop: int, score: list[float], ends: list[int]
              ) -> float:
    """jieba's route through block[cut:stop], from `stop` (whose score is given) back: at each
    start the most probable word and what follows it (`ends`, `score`), a tie going to the
    longer word. A character is a word of its own when the dictionary has it, or when no longer
    word starts there. Returns the narrowest margin by which a word won (inf: no choice)."""
    characters, unknown, weights = dictionary.characters, dictionary.unknown, dictionary.weights
    longer: dict[int, list[tuple[int, float]]] = {}
    between = block if cut == 0 and stop == len(block) else block[cut:stop]  # the words between the cuts
    for index, start, end in dictionary.words.spans(between):
        longer.setdefault(cut + start, []).append((cut + end, weights[index]))
    after, narrowest = score[stop], float("inf")
    for start in range(stop - 1, cut - 1, -1):
        words = longer.get(start)
        if words is None:
            after = characters.get(block[start], unknown) + after
            score[start] = after
            continue
        single = characters.get(block[start])
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
    return narrowest


def tokens_between(block: str, cut: int, stop: int, ends: list[int]) -> dict[int, int]:
    """start -> end of the route's tokens from `cut` to `stop`, two forced cuts; jieba joins a
    run of single ASCII letters and digits into one token."""
    tokens, pos, run = {}, cut, None
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
    return tokens


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
        self._routes: dict[int, Route] = {}
        self._stretches: dict[int, dict[int, int]] = {}  # a stretch's start -> its tokens

    def _block_of(self, pos: int) -> int | None:
        """The index of the block that holds the character at `pos`, if one does."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return i if i >= 0 and pos < self.blocks[i][1] else None

    def _forced(self, pos: int, first: int, last: int) -> bool:
        """Whether no token crosses `pos` of the block from `first` to `last`."""
        return pos in (first, last) or not crossed(self.text[pos - 1], self.text[pos],
                                                   self.dictionary.followers)

    def _end_of(self, start: int, i: int) -> int | None:
        """The end of the token that starts at `start` in block `i`, if one does."""
        first, last = self.blocks[i]
        text, followers = self.text, self.dictionary.followers
        cut = start
        while cut > first and crossed(text[cut - 1], text[cut], followers):
            cut -= 1
        tokens = self._stretches.get(cut)
        if tokens is None:
            stop = start + 1
            while stop < last and crossed(text[stop - 1], text[stop], followers):
                stop += 1
            tokens = self._stretches[cut] = self._stretch(i, cut, stop)
        return tokens.get(start)

    def _stretch(self, i: int, cut: int, stop: int) -> dict[int, int]:
        """The tokens between two neighbouring forced cuts of block `i`."""
        first, last = self.blocks[i]
        if last - first <= LONGEST_BLOCK:
            n = stop - cut
            stretch, score, ends = self.text[cut:stop], [0.0] * (n + 1), list(range(1, n + 1))
            if best_path(self.dictionary, stretch, 0, n, score, ends) > MARGIN:
                return {cut + s: cut + e for s, e in tokens_between(stretch, 0, n, ends).items()}
        route = self._routes.get(i)
        if route is None:
            # No HMM: guessing new words adds nothing to finding dictionary words and place names.
            route = self._routes[i] = Route(self.text[first:last], self.dictionary)
        route.end_of(cut - first)
        return {first + s: first + route.tokens[s] for s in range(cut - first, stop - first)
                if s in route.tokens}

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
