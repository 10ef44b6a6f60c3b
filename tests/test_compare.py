"""The comparison view's logic without Streamlit: selections, the URL, the difference."""
from datetime import date

import pandas as pd

from analytics.filters import Filters
from dashboard import compare
from dashboard.vocabulary import count_words


def test_a_side_replaces_the_compared_dimension_only():
    f = Filters(streets=("古城街道",), themes=("safety",), date_from=date(2025, 1, 1))
    side = compare.selection(f, "streets", "开源街道")
    assert side.label == "开源街道" and side.filters == f.with_(streets=("开源街道",), communities=())
    period = compare.selection(f, "periods", (date(2025, 5, 1), date(2025, 5, 31)))
    assert period.label == "2025年5月" and period.filters.themes == ("safety",)
    assert period.filters.streets == ("古城街道",) and not period.filters.include_undated  # dated articles only


def test_the_comparison_round_trips_through_the_url():
    streets = ["开源街道", "新华街道"]
    params = compare.to_params("periods", (date(2025, 4, 1), date(2025, 4, 30)), (date(2025, 5, 1), date(2025, 5, 31)))
    assert params == {"cmp": "periods", "a": "2025-04-01~2025-04-30", "b": "2025-05-01~2025-05-31"}
    assert compare.from_params(params, streets) == ("periods", (date(2025, 4, 1), date(2025, 4, 30)),
                                                    (date(2025, 5, 1), date(2025, 5, 31)))
    assert compare.from_params({"cmp": "streets", "a": "开源街道", "b": "<script>"}, streets) == (
        "streets", "开源街道", None)
    assert compare.from_params({"cmp": "x"}, streets) == (None, None, None)
    assert compare.from_params({"cmp": "periods", "a": "2025-05-31~2025-05-01", "b": "1900-01-01~2100-01-01"},
                               streets) == ("periods", None, None)


def test_the_difference_is_b_minus_a_for_every_label_either_side_has():
    a = pd.DataFrame({"key": ["safety", "elderly"], "articles": [3, 1], "participants": [0.0, 0.0]})
    b = pd.DataFrame({"key": ["safety", "health"], "articles": [1, 4], "participants": [0.0, 0.0]})
    frame = compare.label_comparison(a, b, {"safety": "安全应急", "elderly": "为老服务", "health": "健康医疗"})
    assert frame.set_index("name")[["a", "b", "diff"]].to_dict("index") == {
        "安全应急": {"a": 3, "b": 1, "diff": -2}, "健康医疗": {"a": 0, "b": 4, "diff": 4},
        "为老服务": {"a": 1, "b": 0, "diff": -1}}
    table = compare.comparison_table(frame, "主题", "甲 开源街道", "乙 新华街道", words=count_words("events"))
    assert list(table.columns) == ["主题", "甲 开源街道（项）", "乙 新华街道（项）", "差值（乙 新华街道 − 甲 开源街道）"]
    table = compare.comparison_table(frame, "主题", "甲 开源街道", "乙 新华街道", words=count_words("reports"))
    assert list(table.columns)[1:3] == ["甲 开源街道（篇）", "乙 新华街道（篇）"]


def test_a_period_from_a_link_stays_a_choice_on_later_runs():
    session, streets = {}, ["开源街道", "新华街道"]
    link = {"cmp": "periods", "a": "2024-03-03~2024-03-20", "b": "2025-05-01~2025-05-31"}
    options = compare.widget_state(session, link, streets, date(2025, 5, 24), date(2025, 5, 24))
    assert session["cmp_a_month"] == (date(2024, 3, 3), date(2024, 3, 20)) and session["cmp_mode"] == "periods"
    assert session["cmp_a_month"] in options["month"]
    again = compare.widget_state(session, {}, streets, date(2025, 5, 24), date(2025, 5, 24))
    assert session["cmp_a_month"] in again["month"]
