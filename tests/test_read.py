import pytest

from etl.read import ReadError, decode, normalise

TEXT = "本报讯（记者 尚丽）近日，平城区清远街道开展活动。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_decodes_common_chinese_encodings(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


def test_binary_is_refused_with_a_reason():
    with pytest.raises(ReadError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.txt")


def test_normalise_keeps_offsets_and_unifies_punctuation():
    raw = "本报讯(记者 李雪峰) 日前,平城区２０２５年"
    norm = normalise(raw)
    assert len(norm) == len(raw)
    assert norm == "本报讯（记者 李雪峰） 日前，平城区2025年"
