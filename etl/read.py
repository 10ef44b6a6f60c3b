"""Read stage: bytes in whatever encoding Chinese files come in -> text.

`normalise` maps characters one to one, so an offset into the normalised text
is the same offset into the original: matching runs on the normalised form,
evidence quotes the original.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class ReadError(ValueError):
    """A file that cannot be turned into bulletin text; the message says why."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bulletin bytes: BOM, then strict UTF-8, then the likelier of GB18030 and
    BOM-less UTF-16, then charset detection.

    Only a BOM or valid UTF-8 is taken on trust. Any other reading must read as Chinese
    (`reads_as_chinese`: its characters make the words of a Chinese dictionary), since almost
    any bytes decode as *something* in GB18030: a Shift-JIS file read as GB18030 is a string
    of real but meaningless characters. What cannot be read with confidence is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as e:
                raise ReadError(f"{name}: 文件开头标明是 {encoding.upper()} 编码，但内容已损坏（第 {e.start:,} 字节）；"
                                f"请重新保存为 UTF-8 后再试 (the file says it is {encoding.upper()} but is damaged at "
                                f"byte {e.start:,}; save it again as UTF-8 and try again)") from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_chinese_share(text), encoding, text))
    if candidates:
        share, encoding, text = max(candidates)
        if share >= 0.5 and reads_as_chinese(text):
            return text
    if b"\x00" in data:
        raise ReadError(f"{name}: 文件含二进制内容，不是文本公报 (binary data, not a text bulletin)")
    best = from_bytes(data).best()
    if best is not None and reads_as_chinese(str(best)):
        return str(best)
    looks = f"（看起来像 {best.encoding} 编码）" if best is not None else ""
    looks_en = f" (it looks like {best.encoding})" if best is not None else ""
    raise ReadError(f"{name}: 无法可靠识别文本编码{looks}，按 UTF-8、GB18030/GBK 或 UTF-16 读出的都不是通顺的中文；"
                    f"请把文件另存为 UTF-8 后再导入 (the text encoding could not be identified with confidence"
                    f"{looks_en}: read as UTF-8, GB18030/GBK or UTF-16 it is not readable Chinese; "
                    f"save the file as UTF-8 and try again)")


HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
KANA = re.compile(r"[\u3040-\u30ff]")  # Japanese syllables
UNREADABLE = re.compile(r"[\ue000-\uf8ff\ufffd]")  # private use (GB18030's user areas), replacement
READ_SAMPLE = 20_000  # characters looked at
MIN_WORD_SHARE = 0.25  # of ideographs inside dictionary words: ~0.9 in bulletins, ~0 in a wrong decoding


def reads_as_chinese(text: str) -> bool:
    """Whether a decoding gives Chinese a person can read, not mojibake: most ideographs
    fall in words of jieba's dictionary (a wrong decoding gives real characters in random
    order, which almost never make words), no Japanese kana, no private-use characters.
    A text with no Chinese at all is not judged readable: only UTF-8 is taken on trust."""
    sample = text[:READ_SAMPLE]
    runs = HAN_RUN.findall(sample)
    ideographs = sum(map(len, runs))
    kana = len(KANA.findall(sample))
    if len(UNREADABLE.findall(sample)) > 0.01 * max(len(sample.strip()), 1) or kana > 0.02 * max(ideographs + kana, 1):
        return False
    if ideographs < 2:
        return False  # no Chinese to read: not a bulletin this tool can read with confidence
    from .knowledge import load_knowledge  # jieba's dictionary with the district's names
    tokenizer = load_knowledge().tokenizer
    in_words = sum(len(word) for run in runs for word in tokenizer.lcut(run, HMM=False) if len(word) >= 2)
    return in_words >= MIN_WORD_SHARE * ideographs


def _chinese_share(text: str) -> float:
    """Share of ideographs and Chinese punctuation: high for Chinese text in the right encoding."""
    if not text:
        return 0.0
    chinese = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
                  or "\uff00" <= c <= "\uffef" or c in "“”‘’…—")
    return chinese / len(text)


def _build_width_map() -> dict[int, str]:
    table = {}
    # Full-width ASCII letters and digits -> half-width, so 2025 and ２０２５ match alike.
    for code in range(0xFF10, 0xFF1A):
        table[code] = chr(code - 0xFEE0)
    for code in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):
        table[code] = chr(code - 0xFEE0)
    # Half-width punctuation -> the full-width forms the grammar is written in.
    for half, full in zip(",;:?!()", "，；：？！（）"):
        table[ord(half)] = full
    table[0x3000] = " "  # ideographic space
    table[0xA0] = " "
    return table


_WIDTH_MAP = {chr(code): to for code, to in _build_width_map().items()}
# str.translate looks every character up in the map; a search finds the few that are in it
# ten times faster.
_WIDTH_CHARS = re.compile("[" + "".join(map(re.escape, _WIDTH_MAP)) + "]")


def normalise(text: str) -> str:
    """Same-length normalisation for matching (offsets stay valid)."""
    out = _WIDTH_CHARS.sub(lambda m: _WIDTH_MAP[m.group()], text)
    assert len(out) == len(text)
    return out
