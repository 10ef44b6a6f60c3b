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
    ("十几个", None, 11, 19, True),
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
