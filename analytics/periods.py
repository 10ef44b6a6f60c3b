"""Time periods of the trend: months and ISO weeks (Monday to Sunday), made in Python from a
date range so that they are in order, continuous (an empty period is still a period), and the
same on SQLite and PostgreSQL (SQLite's strftime %W is not the ISO week)."""
from __future__ import annotations

from datetime import date, timedelta

PERIODS = ("month", "week")


def period_start(day: date, period: str) -> date:
    """The first day of the period holding `day`: the 1st of its month, or the Monday of its
    ISO week."""
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"unknown period {period!r}")


def next_start(start: date, period: str) -> date:
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7)


def period_end(start: date, period: str) -> date:
    """The last day of the period that starts on `start`."""
    return next_start(start, period) - timedelta(days=1)


def period_range(first: date, last: date, period: str) -> list[date]:
    """Every period from the one holding `first` to the one holding `last`, in order."""
    if last < first:
        first, last = last, first
    out, start, end = [], period_start(first, period), period_start(last, period)
    while start <= end:
        out.append(start)
        start = next_start(start, period)
    return out


def iso_week(start: date) -> tuple[int, int]:
    """(ISO year, ISO week number) of the week starting on this Monday: 2024-12-30 is 2025-W01."""
    year, week, _ = start.isocalendar()
    return year, week
