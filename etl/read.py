"""Read stage: bytes in whatever encoding Chinese files come in -> text.

`normalise` maps characters one to one, so an offset into the normalised text
is the same offset into the original: matching runs on the normalised form,
evidence quotes the original.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes


class ReadError(ValueError):
    """A file that cannot be turned into bulletin text; the message says why."""


# Tried in order after the BOM check; GB18030 is a superset of GBK and GB2312.
_FALLBACK_ENCODINGS = ("utf-8", "gb18030")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bulletin bytes: BOM first, then strict UTF-8 / GB18030, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if _looks_like_bomless_utf16(data):
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return data.decode(encoding)
    if b"\x00" in data:
        raise ReadError(f"{name}: binary data, not a text bulletin (文件含二进制内容，不是文本公报)")
    for encoding in _FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(f"{name}: unknown text encoding; save it as UTF-8 and try again (无法识别编码，请另存为 UTF-8)")
    return str(best)


def _looks_like_bomless_utf16(data: bytes) -> bool:
    # CJK text in UTF-16 without a BOM still has many zero bytes in one lane (ASCII, punctuation).
    if len(data) < 4 or len(data) % 2:
        return False
    zeros_even, zeros_odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    return max(zeros_even, zeros_odd) > 0.2 * half and min(zeros_even, zeros_odd) == 0


def read_text(path: Path) -> str:
    return decode(Path(path).read_bytes(), str(path))


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


_WIDTH_MAP = _build_width_map()


def normalise(text: str) -> str:
    """Same-length normalisation for matching (offsets stay valid)."""
    out = text.translate(_WIDTH_MAP)
    assert len(out) == len(text)
    return out
