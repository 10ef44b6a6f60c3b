"""The dictionary's segmentation is jieba's: the same tokens as `lcut(block, HMM=False)`."""
import itertools

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.knowledge import load_knowledge
from etl.segment import HAN_BLOCK, Dictionary, Phrases, Segmentation, occurrences

KB = load_knowledge()
# Characters of words and of prefixes that are no words, the user dictionary's names, and
# what jieba joins or keeps in a block (ASCII letters and digits, + # & . _ % -).
ALPHABET = "平城区社区街道新建北路卫生服务中心志愿者义诊活动开展居民健康讲座安全消防演练大同市" \
           "的了是在人和有一二三十百年月日aZ09+#&._%-"


def jieba_spans(block: str) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for word in KB.tokenizer.lcut(block, HMM=False):
        out.add((pos, pos + len(word)))
        pos += len(word)
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40))
def test_blocks_are_segmented_as_jieba_segments_them(text):
    for block in HAN_BLOCK.findall(text):
        assert KB.dictionary.spans(block) == jieba_spans(block)


def test_user_words_ascii_runs_and_offsets():
    for block in ("文化西街社区开展义诊", "abc123平城区2024年", "a1b2", "COVID-19疫苗接种率95.5%"):
        assert KB.dictionary.spans(block) == jieba_spans(block)
    assert KB.dictionary.spans("义诊", 10) == {(s + 10, e + 10) for s, e in jieba_spans("义诊")}


def jieba_tokens(text: str) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for word in KB.tokenizer.lcut(text, HMM=False):
        if HAN_BLOCK.fullmatch(word):
            out.add((pos, pos + len(word)))
        pos += len(word)
    return out


def assert_asked_in_order(text: str, asked: list[tuple[int, int]]) -> None:
    expected = jieba_tokens(text)
    starts = {s for s, _ in expected}
    seg = Segmentation(text, KB.dictionary)
    for s, e in asked:
        assert seg.is_token(s, e) == ((s, e) in expected), (text, s, e)
        assert seg.starts_token(s) == (s in starts), (text, s)
        assert Segmentation(text, KB.dictionary).is_token(s, e) == ((s, e) in expected), (text, s, e)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + "，。 ", min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_tokens_asked_for_in_any_order_are_jiebas(text, rnd):
    """A block's tokens are worked out back from its end to a forced cut before the position
    asked for, and further back when an earlier one is asked for later."""
    asked = [(s, e) for s in range(len(text)) for e in range(s + 1, min(len(text), s + 4) + 1)]
    rnd.shuffle(asked)
    assert_asked_in_order(text, asked)


def test_forced_cuts_ascii_runs_and_keywords_at_a_blocks_ends():
    for text in ("abc123平城区2024年", "COVID-19疫苗接种率95.5%", "义诊活动在新建北路社区开展义诊",
                 "社区志愿者a1b2卫生服务中心", "大同市平城区的居民健康讲座，消防演练。"):
        everything = [(s, e) for s in range(len(text)) for e in range(s + 1, len(text) + 1)]
        assert_asked_in_order(text, everything[::-1])  # from the end back
        assert_asked_in_order(text, everything)


def test_a_tie_within_a_stretch_goes_as_jiebas_sums_round(tmp_path):
    """Two paths through a stretch with the same weights in another order (甲乙|丙 and 甲|乙丙)
    tie exactly in the stretch alone; jieba's sums, which carry the weight of all that follows,
    round one way or the other. The block's route then decides, and the tokens stay jieba's."""
    words = {"甲乙": 7, "乙丙": 7, "甲": 3, "丙": 3, "乙": 5, "丁": 11, "戊": 13, "己": 17}
    path = tmp_path / "dict.txt"
    path.write_text("".join(f"{w} {f}\n" for w, f in words.items()), encoding="utf-8")
    tokenizer = jieba.Tokenizer(dictionary=str(path))
    tokenizer.tmp_dir = str(tmp_path)
    tokenizer.initialize()
    dictionary = Dictionary(tokenizer)
    firsts = set()
    for repeat in range(1, 40):
        for filler in itertools.product("丁戊己", repeat=2):
            text = "甲乙丙" + "".join(filler) * repeat
            first = tokenizer.lcut(text, HMM=False)[0]
            firsts.add(first)
            seg = Segmentation(text, dictionary)
            assert seg.is_token(0, len(first)) and not seg.is_token(0, 3 - len(first)), text
    assert firsts == {"甲", "甲乙"}  # the rounding went both ways


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="社区义诊活动a1😀", min_size=1, max_size=4), max_size=8),
       st.text(alphabet="社区义诊活动a1😀，", max_size=40))
def test_phrases_finds_every_occurrence_at_its_character_offsets(words, text):
    """Overlapping ones included, at offsets into the str (an emoji is one character), by
    start or by end with the longest first."""
    expected = sorted((i, i + len(w), w) for w in set(words) for i in range(len(text)) if text.startswith(w, i))
    phrases = Phrases(words)
    assert occurrences(phrases, text) == expected
    assert occurrences(phrases, text, ordered=False) == sorted(expected, key=lambda o: (o[1], o[0]))
    assert sorted(phrases.words) == sorted(set(words))
