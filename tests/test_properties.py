"""Property-based tests: arbitrary text never breaks the splitter or the extractors, and every
piece of evidence points inside the article at the text its value came from."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.dates import DATE
from etl.extract import extract_bulletin
from etl.fingerprint import normalised
from etl.knowledge import load_knowledge
from etl.split import split

# Bulletin-like alphabet: report vocabulary, place names, numerals, units, punctuation, line breaks.
PIECES = ["本报讯（记者 尚丽）", "本报记者 郑林", "近日，", "平城区", "开源街道", "民懋社区", "清源西街社区",
          "锦祥、柳航里等社区", "云冈区平盛街道", "先锋村", "20余名", "数百名", "1.7万", "两个", "上万人",
          "居民参加", "义诊", "讲座", "5月24日", "2025年", "。", "，", "、", "\n", "\n\n", "\n\n\n",
          "社区播报", "邸东芳摄", "“", "”", "<script>", "\ufffd", "（", "）", "第二期", "62岁", "95%"]
text_strategy = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=300),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text_strategy)
def test_splitter_never_raises_and_keeps_text(text):
    for article in split(text, load_knowledge()):
        assert article.paragraphs
        assert article.text.endswith(article.body)
        assert article.norm_text == _norm(article.text)


@SETTINGS
@given(text_strategy)
def test_evidence_lies_inside_the_article_and_quotes_its_value(text):
    for article in extract_bulletin(text, "prop.txt", load_knowledge()).articles:
        n = len(article.text)
        for e in article.evidence:
            assert 0 <= e.start < e.end <= n
            assert 0 <= e.sentence_start <= e.start and e.end <= e.sentence_end <= n
        for p in article.places:
            assert _norm(article.text[p.start:p.end]) == p.surface
        for q in article.participants + article.quantities:
            assert _norm(article.text[q.start:q.end]) == q.raw
        for name, e in ((e.value, e) for e in article.evidence if e.field == "reporters"):
            assert article.text[e.start:e.end] == name
        for e in article.evidence:
            if e.field == "event_date":
                assert DATE.fullmatch(_norm(article.text[e.start:e.end]))


def _norm(s):
    from etl.read import normalise
    return normalise(s)


@SETTINGS
@given(text_strategy)
def test_an_article_key_is_made_of_its_letters_and_digits_alone(text):
    # every letter and digit kept (str.isalnum: CJK, full-width, other scripts), nothing else
    assert normalised(text) == "".join(c for c in text if c.isalnum())
