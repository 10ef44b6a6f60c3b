"""Resolve stage: place names in an article -> official divisions of the district.

Every mention keeps its span. Places of other districts are kept apart, and a
community-shaped name that the gazetteer does not know is kept with a flag.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .gazetteer import Alias
from .lexicon import Lexicons

CJK = r"\u4e00-\u9fff"
# 锦祥、柳航里等社区 / （民谐、民德、民懋社区）: names printed once with a shared suffix.
GROUP_LIST = re.compile(rf"((?:[{CJK}]{{2,8}}、)+[{CJK}]{{2,6}}?)等?(?:[0-9一二两三四五六七八九十]+个)?(社区|村)")
UNKNOWN_UNIT = re.compile(rf"([{CJK}]{{2,5}}?)(社区|村)(?![{CJK}]{{0,2}}(?:服务中心|卫生|小区|居委会|委会))")

# Words that make "X社区" a phrase (各个社区, 辖区社区), not a name.
NOT_A_NAME = re.compile(r"[的各个多等所有全该本及和与辖部分]")


@dataclass(frozen=True)
class PlaceMention:
    surface: str
    start: int
    end: int
    name: str  # official short name, or the printed name when unresolved
    level: str  # street | community | village
    status: str  # ours | other_district | unknown
    street: str | None  # the street of ours it lies in
    code: str | None
    note: str = ""


@functools.lru_cache(maxsize=8)
def _alias_pattern(lex: Lexicons) -> re.Pattern:
    names = sorted((a for a in lex.gazetteer.aliases if len(a) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _other_district_before(text: str, start: int, lex: Lexicons) -> str | None:
    """The name of another district printed right before a place: 云冈区平盛街道."""
    m = re.search(rf"([{CJK}]{{1,4}}?(?:区|县))$", text[max(0, start - 6):start])
    if not m:
        return None
    word = m.group(1)
    if word == lex.district or any(word.endswith(w) for w in lex.not_district):
        return None
    return word


def _mention(alias: Alias, surface: str, start: int, end: int, other: str | None) -> PlaceMention:
    d = alias.division
    if alias.status == "other_district" or other:
        return PlaceMention(surface, start, end, surface, alias.level, "other_district", None, None,
                            other or alias.note)
    if d is None:  # a known spelling with no current division (an abolished street)
        return PlaceMention(surface, start, end, surface, alias.level, "unknown", None, None, alias.note)
    return PlaceMention(surface, start, end, d.name, d.level, "ours", d.street, d.code,
                        "" if alias.status in ("official", "short_form") else alias.status)


def find_places(text: str, lex: Lexicons, boundaries: set[int] | None = None) -> list[PlaceMention]:
    """All place mentions in reading order. `boundaries`: jieba token starts, to reject
    village names inside longer words."""
    gaz = lex.gazetteer
    mentions: list[PlaceMention] = []
    taken: list[tuple[int, int]] = []
    for m in _alias_pattern(lex).finditer(text):
        alias = gaz.aliases[m.group(0)]
        if alias.status == "area_not_division":
            continue
        if alias.level == "village" and boundaries is not None and m.start() not in boundaries:
            continue
        mentions.append(_mention(alias, m.group(0), m.start(), m.end(),
                                 _other_district_before(text, m.start(), lex)))
        taken.append((m.start(), m.end()))

    for m in GROUP_LIST.finditer(text):
        suffix = m.group(2)
        pos = m.start(1)
        for item in m.group(1).split("、"):
            item_start = pos
            pos += len(item) + 1
            resolved = _longest_known_tail(item, suffix, lex)
            if resolved is None:
                continue
            alias, tail = resolved
            start = item_start + len(item) - len(tail)
            if not any(s <= start < e for s, e in taken):
                mentions.append(_mention(alias, tail, start, start + len(tail), None))
                taken.append((start, start + len(tail)))

    street_by_pos = {m.end: m for m in mentions if m.level == "street" and m.status == "ours"}
    for end, street in street_by_pos.items():
        u = UNKNOWN_UNIT.match(text, end)
        if u and not NOT_A_NAME.search(u.group(1)) and not any(s < u.end() and u.start() < e for s, e in taken):
            surface = u.group(1) + u.group(2)
            mentions.append(PlaceMention(surface, u.start(), u.end(), surface,
                                         "village" if u.group(2) == "村" else "community",
                                         "unknown", street.street, None,
                                         "not in the official list; printed after " + street.name))
    return sorted(mentions, key=lambda p: p.start)


def _longest_known_tail(item: str, suffix: str, lex: Lexicons) -> tuple[Alias, str] | None:
    for size in range(len(item), 1, -1):
        alias = lex.gazetteer.aliases.get(item[-size:] + suffix)
        if alias is not None and alias.level in ("community", "village"):
            return alias, item[-size:]
    return None


def streets_of(mentions: list[PlaceMention]) -> list[str]:
    """Streets of ours: named, then implied by the communities and villages named."""
    out: list[str] = []
    for m in mentions:
        if m.status != "other_district" and m.street and m.street not in out:
            if m.level == "street" or m.status == "ours":
                out.append(m.street)
    return out


def units_of(mentions: list[PlaceMention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        if m.level in ("community", "village") and m.status != "other_district" and m.name not in out:
            out.append(m.name)
    return out
