"""Resolve stage: place names in an article -> official divisions of the district.

Every mention keeps its span. Places of other districts are kept apart, and a
community-shaped name that the gazetteer does not know is kept with a flag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Alias
from .knowledge import Knowledge
from .segment import Segmentation, occurrences

CJK = r"\u4e00-\u9fff"
# 锦祥、柳航里等社区 / （民谐、民德、民懋社区）: names printed once with a shared suffix. The
# pattern starts at the 、 (a fast literal scan); the earlier names are read back from there.
GROUP_TAIL = re.compile(rf"、([{CJK}]{{2,6}}?)等?(?:[0-9一二两三四五六七八九十]+个)?(社区|村)")
GROUP_ITEM_BEFORE = re.compile(rf"([{CJK}]{{2,8}})$")
# 东、西王庄村 / 上、下皇庄村: names that differ only in a direction or size printed once, the
# first ones reduced to their first character.
PREFIX_PAIR = re.compile(rf"((?:[东西南北上下前后大小新老中]、)+)([东西南北上下前后大小新老中])([{CJK}]{{1,4}}?)(村|社区)")
# 新平旺街道和平社区, 西坪镇陈庄村: a street or town printed right before a community or village
# names where it lies; when that street is not one of ours, neither is the community.
UNIT_BEFORE = re.compile(rf"([{CJK}]{{2,6}}?(?:街道|镇|乡))$")
OTHER_DISTRICT_BEFORE = re.compile(rf"([{CJK}]{{1,4}}?(?:区|县))$")
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


def alias_spans(text: str, kb: Knowledge) -> list[tuple[int, int]]:
    """Leftmost-longest, non-overlapping matches of the gazetteer's spellings."""
    spans, taken_until = [], -1
    for start, end, _ in sorted(occurrences(kb.alias_automaton, text), key=lambda o: (o[0], o[0] - o[1])):
        if start >= taken_until:
            spans.append((start, end))
            taken_until = end
    return spans


def _other_district_before(text: str, start: int, kb: Knowledge) -> str | None:
    """The name of another district printed right before a place: 云冈区平盛街道."""
    m = OTHER_DISTRICT_BEFORE.search(text, max(0, start - 6), start)
    if not m:
        return None
    word = m.group(1)
    if word == kb.district or any(word.endswith(w) for w in kb.not_district):
        return None
    return word


LEAD_DISTRICT = re.compile(rf"(?:^|(?<=[，,。；;：:、\s（(市]))([{CJK}]{{2,3}}(?:区|县))")


def district_named_in(lead: str, text: str, kb: Knowledge) -> str | None:
    """Another district or county the lead sentence places the article in (云冈区…), when the
    article never names ours: then same-named streets and communities are not ours."""
    if kb.district in text:
        return None
    for m in LEAD_DISTRICT.finditer(lead):
        word = m.group(1)
        if word != kb.district and not any(word.endswith(w) for w in kb.not_district):
            return word
    return None


def relocate(mentions: list[PlaceMention], district: str) -> list[PlaceMention]:
    """The article's places belong to another district: none of them counts as ours."""
    return [m if m.status == "other_district" else
            PlaceMention(m.surface, m.start, m.end, m.surface, m.level, "other_district", None, None,
                         f"article located in {district}") for m in mentions]


def _mention(alias: Alias, surface: str, start: int, end: int, other: str | None) -> PlaceMention:
    d = alias.division
    if alias.status == "other_district" or other:
        return PlaceMention(surface, start, end, surface, alias.level, "other_district", None, None,
                            other or alias.note)
    if d is None:  # a known spelling with no current division (an abolished street)
        return PlaceMention(surface, start, end, surface, alias.level, "unknown", None, None, alias.note)
    return PlaceMention(surface, start, end, d.name, d.level, "ours", d.street, d.code,
                        "" if alias.status in ("official", "short_form") else alias.status)


def find_places(text: str, kb: Knowledge, seg: Segmentation | None = None) -> list[PlaceMention]:
    """All place mentions in reading order. With `seg` (jieba's words), a village name must
    start a word: 田村 in 农田村 is not the village."""
    gaz = kb.gazetteer
    mentions: list[PlaceMention] = []
    taken: list[tuple[int, int]] = []
    for start, end in alias_spans(text, kb):
        surface = text[start:end]
        alias = gaz.aliases[surface]
        if alias.status == "area_not_division":
            continue
        if alias.level == "village" and seg is not None and not seg.starts_token(start):
            continue
        mentions.append(_mention(alias, surface, start, end, _other_district_before(text, start, kb)))
        taken.append((start, end))

    for suffix, items in _group_lists(text):
        for item_start, item in items:
            resolved = _longest_known_tail(item, suffix, kb)
            if resolved is None:
                continue
            alias, tail = resolved
            start = item_start + len(item) - len(tail)
            if not any(s <= start < e for s, e in taken):
                mentions.append(_mention(alias, tail, start, start + len(tail), None))
                taken.append((start, start + len(tail)))

    for m in PREFIX_PAIR.finditer(text):
        base, suffix = m.group(3), m.group(4)
        for i, char in enumerate(m.group(1)[::2]):
            name = char + base + suffix
            alias = gaz.aliases.get(name)
            start = m.start(1) + 2 * i
            if alias is not None and alias.level in ("community", "village") and \
                    not any(s <= start < e for s, e in taken):
                mentions.append(_mention(alias, name, start, start + 1,
                                         _other_district_before(text, m.start(1), kb)))
                taken.append((start, start + 1))

    mentions = [_under_foreign_street(m, text, kb) for m in mentions]

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


def _under_foreign_street(m: PlaceMention, text: str, kb: Knowledge) -> PlaceMention:
    if m.status != "ours" or m.level not in ("community", "village"):
        return m
    before = UNIT_BEFORE.search(text, max(0, m.start - 8), m.start)
    if before is None:
        return m
    street = before.group(1)
    # the longest tail that could be a street name: 9月4日，新平旺街道 -> 新平旺街道
    if NOT_A_NAME.search(street) or any(street.endswith(a) for a in kb.gazetteer.aliases
                                        if kb.gazetteer.aliases[a].level == "street"):
        return m
    return PlaceMention(m.surface, m.start, m.end, m.surface, m.level, "other_district", None, None,
                        "printed after " + street + ", not a street of ours")


def _group_lists(text: str):
    """(suffix, [(start, item)…]) for each list of names sharing one suffix."""
    for m in GROUP_TAIL.finditer(text):
        items = [(m.start(1), m.group(1))]
        pos = m.start()  # the 、 before the last item
        while True:
            before = GROUP_ITEM_BEFORE.search(text, max(0, pos - 8), pos)
            if before is None:
                break
            items.insert(0, (before.start(1), before.group(1)))
            prev = before.start(1) - 1
            if prev < 0 or text[prev] != "、":
                break
            pos = prev
        yield m.group(2), items


def _longest_known_tail(item: str, suffix: str, kb: Knowledge) -> tuple[Alias, str] | None:
    for size in range(len(item), 1, -1):
        alias = kb.gazetteer.aliases.get(item[-size:] + suffix)
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
