"""Numerals as printed in Chinese reports: 20余, 1.7万, 两百, 一千二百, 二三十, 数百, 上万.

The numeral span is found here, not by a general converter: 两三个 is a range
(2–3), not 23; 百余 is "over a hundred".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CN = "零〇一二两三四五六七八九十百千万亿"
MAX_COUNT = 10 ** 12  # no report counts more: a longer numeral (400 digits) is not a count
PREFIX = r"(?P<prefix>近|约|超过|超|逾|达到|达|共计|共|累计|上(?=[百千万]))?"
SUFFIX = r"(?P<suffix>余|多|来)?"
# One pattern for every counted form; the groups say which form matched.
NUMERAL = re.compile(
    PREFIX
    + r"(?:"
    + r"(?P<arabic>\d+(?:\.\d+)?)(?P<arabic_mag>[万亿千百]?)"
    + r"|(?P<teens>十几)"
    + r"|(?P<vague>数|几)(?P<vague_mag>[十百千万]+)"
    + r"|(?P<cn>[" + CN + r"]+)"
    + r")"
    + SUFFIX
    + r"(?P<after_mag>(?<=[余多])[万千百])?"
)


@dataclass(slots=True)
class Count:
    value: float | None  # best single value (None when only a vague magnitude is known)
    low: float | None
    high: float | None
    approx: bool
    start: int
    end: int
    raw: str
    numeral: str  # the numeral alone, without 近/约/余/多


# Financial (大写) and old forms read the same way as the plain ones.
_VARIANTS = str.maketrans({"兩": "两", "壹": "一", "贰": "二", "貳": "二", "叁": "三", "參": "三",
                           "肆": "四", "伍": "五", "陆": "六", "陸": "六", "柒": "七", "捌": "八",
                           "玖": "九", "拾": "十", "佰": "百", "仟": "千", "萬": "万", "億": "亿"})
_SHORTHANDS = (("廿", "二十"), ("卅", "三十"))


def chinese_to_int(s: str) -> int | None:
    """A Chinese numeral as an integer, None if it is not one.

    十七 -> 17, 一千二百 -> 1200, 两万三千 -> 23000, 一百零一 -> 101, 一千零一十一 -> 1011,
    十万零一 -> 100001; the spoken short forms 三百五 -> 350, 一万二 -> 12000, 两千三 -> 2300;
    digit by digit from three digits on: 二〇二五 -> 2025. Two digits side by side (二三, 两三)
    are a range, read by _chinese_range, and 百十一 or 十七十八 are not numerals.
    """
    if not s:
        return None
    s = s.translate(_VARIANTS)
    for short, full in _SHORTHANDS:
        s = s.replace(short, full)
    if any(c not in DIGITS and c not in SMALL_UNITS and c not in BIG_UNITS for c in s):
        return None
    if all(c in DIGITS for c in s):
        if len(s) == 1:
            return DIGITS[s]
        if len(s) >= 3 or "〇" in s or "零" in s:  # digit by digit: 二〇二五
            return int("".join(str(DIGITS[c]) for c in s))
        return None  # 二三, 两三: a range, read by _chinese_range
    return _with_big_units(s)


def _with_big_units(s: str) -> int | None:
    """Sections split at 亿, then 万: 一千零一万零一 = 1001 * 10000 + 1."""
    for unit in ("亿", "万"):
        cut = s.rfind(unit)
        if cut < 0:
            continue
        high = _with_big_units(s[:cut]) if s[:cut] else None
        if high is None or high == 0:
            return None  # 万 alone is a magnitude (万余人), read by parse_count
        rest = s[cut + 1:]
        magnitude = BIG_UNITS[unit]
        if not rest:
            low = 0
        elif rest in DIGITS and rest not in "零〇":
            low = DIGITS[rest] * magnitude // 10  # spoken short form: 一万二 = 12000
        else:
            if rest[0] in "零〇":
                rest = rest[1:]
            if any(c in BIG_UNITS for c in rest):
                if unit == "万":
                    return None  # 一万二亿: units out of order
                low = _with_big_units(rest)
            else:
                low = _section(rest)
            if low is None or low >= magnitude:
                return None
        return high * magnitude + low
    return _section(s)


def _section(s: str) -> int | None:
    """A number below 10000 with 十, 百, 千 and 零: 一千零一十一, 一百十六, 三百五 (= 350)."""
    if not s:
        return None
    total, digit, last_unit, after_zero = 0, None, None, False
    for i, c in enumerate(s):
        if c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            if last_unit is not None and unit >= last_unit:
                return None  # units must fall: 十一十二, 十七十八
            if digit is None:
                if unit != 10:
                    return None  # 百十一: 百 and 千 need their digit
                digit = 1  # 十一, 一百十一
            elif digit == 0 and unit == 10:
                digit = 1  # 一千零十
            total += digit * unit
            digit, last_unit, after_zero = None, unit, False
        elif c in "零〇":
            if digit not in (None, 0) or last_unit is None:
                return None
            digit, after_zero = 0, True
        else:
            if digit not in (None, 0) or (digit == 0 and not after_zero):
                return None  # two digits side by side: a range, not a numeral
            digit = DIGITS[c]
    if digit:
        if last_unit is not None and last_unit >= 100 and not after_zero:
            digit *= last_unit // 10  # spoken short form: 三百五 = 350, 两千三 = 2300
        total += digit
    return total


def _chinese_range(s: str) -> tuple[int, int] | None:
    """二三十 -> (20, 30), 两三 -> (2, 3), 十几 handled elsewhere."""
    m = re.fullmatch(r"([一二两三四五六七八九])([二两三四五六七八九])([十百千万]?)", s)
    if not m:
        return None
    a, b = DIGITS[m.group(1)], DIGITS[m.group(2)]
    if b != a + 1 and not (a == 2 and b == 3):
        return None
    mag = SMALL_UNITS.get(m.group(3)) or BIG_UNITS.get(m.group(3)) or 1
    return a * mag, b * mag


def _magnitude(chars: str) -> int:
    value = 1
    for c in chars:
        value *= SMALL_UNITS.get(c) or BIG_UNITS.get(c, 1)
    return value


def parse_count(m: re.Match) -> Count | None:
    prefix, suffix = m.group("prefix") or "", m.group("suffix") or ""
    approx = prefix in ("近", "约", "超过", "超", "逾", "上") or bool(suffix)
    value = low = high = None
    if m.group("arabic"):
        value = float(m.group("arabic")) * _magnitude(m.group("arabic_mag"))
    elif m.group("teens"):
        value, low, high, approx = 10, 10, 19, True  # 十几位: ten and some, read as 10 like 二三十 as 20
    elif m.group("vague"):
        mag = _magnitude(m.group("vague_mag"))
        low, high, approx = 2 * mag, 9 * mag, True
    else:
        cn = m.group("cn")
        rng = _chinese_range(cn)
        if rng:
            (low, high), approx = rng, True
            value = low
        elif cn in BIG_UNITS or cn in SMALL_UNITS:  # 万余人, 上百名, 近千: the magnitude alone
            if not approx:
                return None  # 万达, 亿方园, 百姓: part of a word, not a count
            value = _magnitude(cn)
            if prefix != "近" and prefix != "约":
                low, high = value, 2 * value - 1
        else:
            value = chinese_to_int(cn)
            if value is None:
                return None
    if value is not None and m.group("after_mag"):  # 百余万
        value *= _magnitude(m.group("after_mag"))
    if (value or 0) > MAX_COUNT or (high or 0) > MAX_COUNT:
        return None  # beyond any count (and beyond what float arithmetic and the store hold)
    if value is not None and low is None:
        if prefix == "近":
            low, high = value * 0.8, value
        elif prefix in ("超", "超过", "逾", "上") or suffix:
            low, high = value, _upper_for(value, prefix)
        elif prefix == "约":
            low, high = value * 0.9, value * 1.1
        else:
            low = high = value
    value, low, high = (_tidy(x) for x in (value, low, high))
    numeral = m.group(0)[len(prefix):len(m.group(0)) - len(suffix) - len(m.group("after_mag") or "")]
    return Count(value, low, high, approx, m.start(), m.end(), m.group(0), numeral)


def _tidy(x: float | None) -> float | int | None:
    if x is None:
        return None
    x = round(x, 3)
    return int(x) if x == int(x) else x


def _upper_for(value: float, prefix: str) -> float:
    """20余 is 20–29, 130余 is 130–139, 1000余 is 1000–1099; 上百 is 100 up to 199."""
    v = int(value)
    step = 1
    while v and v % (step * 10) == 0:
        step *= 10
    if v < 100:
        return value + step - 1 if step > 1 else value
    return value + max(min(step, v // 10), 1) - 1


# Every counted form starts with one of these: runs of them are where NUMERAL is tried.
CANDIDATE_RUN = re.compile(r"[近约超逾达共累上数几.\d" + CN + r"]+")


def find_counts(text: str) -> list[Count]:
    """Every counted numeral in text with its span (unit and context are the caller's job)."""
    counts = []
    pos = 0
    for run in CANDIDATE_RUN.finditer(text):
        pos = max(pos, run.start())  # a match may run past its run: 超过2000
        while pos < run.end():
            m = NUMERAL.match(text, pos)
            if m is None or m.end() == pos:
                pos += 1
                continue
            pos = m.end()
            if m.group("arabic") or m.group("teens") or m.group("vague") or m.group("cn"):
                count = parse_count(m)
                if count is not None:
                    counts.append(count)
    return counts
