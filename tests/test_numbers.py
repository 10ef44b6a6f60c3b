import pytest

from etl.numbers import chinese_to_int, find_counts


@pytest.mark.parametrize("text, value, low, high, approx", [
    ("20余名", 20, 20, 29, True),
    ("130余座", 130, 130, 139, True),
    ("1.7万居民", 17000, 17000, 17000, False),
    ("两百人", 200, 200, 200, False),
    ("一千二百份", 1200, 1200, 1200, False),
    ("二三十人", 20, 20, 30, True),
    ("两三个", 2, 2, 3, True),
    ("一两个", 1, 1, 2, True),
    ("数百名", None, 200, 900, True),
    ("上百名", 100, 100, 199, True),
    ("百余人", 100, 100, 199, True),
    ("万余人次", 10000, 10000, 19999, True),
    ("近千人", 1000, 800, 1000, True),
    ("约50人", 50, 45, 55, True),
    ("超2000人", 2000, 2000, 2199, True),
    ("十几个", 10, 10, 19, True),
])
def test_counts(text, value, low, high, approx):
    count = find_counts(text)[0]
    assert (count.value, count.low, count.high, count.approx) == (value, low, high, approx)


def test_chinese_numerals():
    assert chinese_to_int("十七") == 17
    assert chinese_to_int("一千二百") == 1200
    assert chinese_to_int("两万三千") == 23000
    assert chinese_to_int("二〇二五") == 2025
    assert chinese_to_int("二三") is None  # a range, not 23


def test_magnitude_inside_a_word_is_not_a_count():
    assert find_counts("万达广场") == []
    assert find_counts("亿方园小区") == []


def test_a_count_is_found_once():
    assert [c.raw for c in find_counts("超过2000人，达到1.7万人，共计两三个")] == ["超过2000", "达到1.7万", "共计两三"]


# Cases from the test suite of cn2an 0.5.24 (cn2an/cn2an_test.py), copied as data: the plain
# integers of its "strict" set and the spoken forms of its "normal" set. Left out on purpose:
# money (壹拾壹元整), decimals (零点一), negatives (负十一), the odd 零百 (一万零百一十一), and
# 一一 / 壹壹, which a report uses as an adverb (一一解答), never as 11.
CN2AN_STRICT = {
    "零": 0, "一": 1, "十": 10, "十一": 11, "一十一": 11, "二十": 20, "二十一": 21, "一百": 100,
    "一百零一": 101, "一百一十": 110, "一百一十一": 111, "一千": 1000, "一千一百": 1100,
    "一千一百一十": 1110, "一千一百一十一": 1111, "一千零一十": 1010, "一千零十": 1010,
    "一千零十一": 1011, "一千零一十一": 1011, "一千零一": 1001, "一千一百零一": 1101,
    "一万一千一百一十一": 11111, "一十一万一千一百一十一": 111111,
    "一百一十一万一千一百一十一": 1111111, "一千一百一十一万一千一百一十一": 11111111,
    "一亿一千一百一十一万一千一百一十一": 111111111,
    "一十一亿一千一百一十一万一千一百一十一": 1111111111,
    "一百一十一亿一千一百一十一万一千一百一十一": 11111111111,
    "一千一百一十一亿一千一百一十一万一千一百一十一": 111111111111,
    "一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一": 1111111111111111,
    "壹": 1, "拾": 10, "拾壹": 11, "壹拾壹": 11, "壹佰壹拾壹": 111, "壹仟壹佰壹拾壹": 1111,
    "壹万壹仟壹佰壹拾壹": 11111, "壹拾壹万壹仟壹佰壹拾壹": 111111,
    "壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹": 111111111,
    "十万": 100000, "十万零一": 100001, "一万零一": 10001, "一万零一十一": 10011,
    "一万零一百一十一": 10111, "一十万零一": 100001, "一百万零一": 1000001,
    "一千万零一": 10000001, "一千零一万一千零一": 10011001, "一千零一万零一": 10010001,
    "一亿零一": 100000001, "一十亿零一": 1000000001, "一百亿零一": 10000000001,
    "一千零一亿一千零一万一千零一": 100110011001, "一千亿一千万一千零一": 100010001001,
    "一千亿零一": 100000000001, "廿二": 22,
}
CN2AN_SPOKEN = {
    "一一一": 111, "一七二零": 1720, "一二三": 123, "三万五": 35000, "十三万五": 135000,
    "两千六": 2600, "一百二": 120, "一百十一": 111, "一百十六": 116, "一千一十": 1010,
    "一百二十万三": 1203000, "十万零一千": 101000, "一百九十万零三千九百七十一": 1903971,
    "一亿五千万零六千三百五十五": 150006355, "兩千六": 2600, "壹拾万零叁仟肆佰伍拾叁": 103453, "〇": 0,
}
CN2AN_NOT_NUMERALS = ["", "百十一", "十一十二", "十七十八"]


@pytest.mark.parametrize("text, value", sorted({**CN2AN_STRICT, **CN2AN_SPOKEN}.items()))
def test_cn2an_cases(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text", CN2AN_NOT_NUMERALS)
def test_cn2an_rejects(text):
    assert chinese_to_int(text) is None


@pytest.mark.parametrize("text, value", [
    ("一百零一", 101), ("一千零一十一", 1011), ("十万零一", 100001),  # 零 inside
    ("三百五", 350), ("一万二", 12000), ("两千三", 2300),  # spoken short forms, not 305 / 10002
    ("三千零五", 3005), ("一万零五百", 10500),  # with 零 the digit keeps its own place
])
def test_zero_and_spoken_forms(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text, value, low, high, approx", [
    ("一百二十余名居民", 120, 120, 129, True),
    ("一百零一位老人", 101, 101, 101, False),
    ("三百五十余份", 350, 350, 359, True),
    ("一千零一十一户", 1011, 1011, 1011, False),
    ("两千三百多人", 2300, 2300, 2399, True),
    ("近一万二千人", 12000, 9600, 12000, True),
])
def test_counts_with_zero_and_spoken_numerals(text, value, low, high, approx):
    count = find_counts(text)[0]
    assert (count.value, count.low, count.high, count.approx) == (value, low, high, approx)


@pytest.mark.parametrize("text, low, high", [
    ("二三十人", 20, 30), ("两三个", 2, 3), ("三四百名", 300, 400),
])
def test_ranges_stay_ranges(text, low, high):
    count = find_counts(text)[0]
    assert (count.value, count.low, count.high, count.approx) == (low, low, high, True)


def test_two_digits_side_by_side_are_not_a_numeral():
    assert chinese_to_int("十二三") is None  # 十二三岁: 12 or 13
    assert chinese_to_int("一一") is None  # 一一解答: one by one
