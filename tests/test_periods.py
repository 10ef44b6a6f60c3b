"""Periods of the trend, made in Python: in order, continuous, ISO weeks."""
from datetime import date, timedelta

from hypothesis import given, strategies as st

from analytics.periods import iso_week, period_end, period_range, period_start


def test_weeks_are_iso_weeks_starting_on_monday():
    assert period_start(date(2025, 5, 24), "week") == date(2025, 5, 19)  # a Saturday of week 21
    assert iso_week(date(2025, 5, 19)) == (2025, 21)
    assert period_start(date(2025, 1, 1), "week") == date(2024, 12, 30) and iso_week(date(2024, 12, 30)) == (2025, 1)
    assert period_end(date(2025, 5, 19), "week") == date(2025, 5, 25)


def test_months_and_the_range_between():
    assert period_range(date(2024, 11, 15), date(2025, 2, 2), "month") == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]
    assert period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert period_end(date(2025, 12, 1), "month") == date(2025, 12, 31)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), st.integers(0, 800),
       st.sampled_from(["week", "month"]))
def test_periods_are_continuous_in_order_and_cover_every_day(first, days, period):
    last = first + timedelta(days=days)
    starts = period_range(first, last, period)
    assert starts == sorted(starts) and starts[0] <= first and period_end(starts[-1], period) >= last
    for a, b in zip(starts, starts[1:]):
        assert period_end(a, period) + timedelta(days=1) == b  # no gap, no overlap
    assert all(period_start(s, period) == s for s in starts)
