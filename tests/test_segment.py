"""The dictionary's segmentation is jieba's: the same tokens as `lcut(block, HMM=False)`."""
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.knowledge import load_knowledge
from etl.segment import HAN_BLOCK

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
