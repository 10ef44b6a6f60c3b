"""Read stage: bytes in whatever encoding Chinese files come in -> text.

`normalise` maps characters one to one, so an offset into the normalised text
is the same offset into the original: matching runs on the normalised form,
evidence quotes the original.
"""
from __future__ import annotations

import codecs

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
    BOM-less UTF-16, then charset detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
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
        if share >= 0.5:
            return text
    if b"\x00" in data:
        raise ReadError(f"{name}: binary data, not a text bulletin (文件含二进制内容，不是文本公报)")
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(f"{name}: unknown text encoding; save it as UTF-8 and try again (无法识别编码，请另存为 UTF-8)")
    return str(best)


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


_WIDTH_MAP = _build_width_map()


def normalise(text: str) -> str:
    """Same-length normalisation for matching (offsets stay valid)."""
    out = text.translate(_WIDTH_MAP)
    assert len(out) == len(text)
    return out
