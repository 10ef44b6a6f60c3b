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


def test_normalise_maps_each_character_on_its_own():
    """Full-width letters and digits to ASCII, ASCII punctuation to the full-width forms, wide and
    no-break spaces to a space: every other character (all of the BMP tried) stays as it is."""
    def expected(c):
        code = ord(c)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            return chr(code - 0xFEE0)
        return {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）",
                "\u3000": " ", "\xa0": " "}.get(c, c)
    every = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF) + "\U0001F600"
    assert normalise(every) == "".join(map(expected, every))


# ---- issue 9, item 9: what cannot be read with confidence is refused, never stored garbled ------

JAPANESE = "大同市平城区の地域活動について。本日、住民の皆様にお知らせいたします。新しい公園が開園しました。" * 3
KOREAN = "대동시 평성구 지역 활동에 대해 알려드립니다. 오늘 주민 여러분께 새로운 공원이 개원했습니다." * 3
TRADITIONAL = "社區義診送健康，本報訊記者鄭林近日，平城區鹿苑街道崇仁社區開展義診活動，二十餘名居民參加。" * 3


def test_a_shift_jis_file_is_refused_not_read_as_garbled_chinese():
    with pytest.raises(ReadError, match="UTF-8") as e:
        decode(JAPANESE.encode("shift_jis"), "page.txt")
    assert str(e.value).startswith("page.txt: 无法可靠识别文本编码")


@pytest.mark.parametrize("text, encoding", [
    (JAPANESE, "shift_jis"), (JAPANESE, "euc_jp"), (KOREAN, "euc_kr"), (TRADITIONAL, "big5"),
    (TEXT * 5, "gbk"), (TEXT * 5, "utf-16-le"), ("Café résumé naïve, über die Straße.", "cp1252"),
])
def test_a_text_is_read_right_or_refused(text, encoding):
    try:
        decoded = decode(text.encode(encoding), "page.txt")
    except ReadError:
        return
    assert decoded == text


def test_a_shift_jis_bulletin_is_refused_on_the_command_line(tmp_path):
    import subprocess
    import sys

    from etl.store import make_engine, stats
    from support import ROOT
    (tmp_path / "page.txt").write_bytes(JAPANESE.encode("shift_jis"))
    db = f"sqlite:///{tmp_path / 'store.db'}"
    run = subprocess.run([sys.executable, "-m", "etl", "ingest", str(tmp_path / "page.txt"), "--db", db, "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1 and "1 refused" in run.stdout and "save the file as UTF-8" in run.stdout
    assert stats(make_engine(db))["bulletins"] == 0
