"""Checks the summaries' tests share: every figure of a filter set, the same figures from the
summaries and from the rows, and the stored summary cells."""
import pandas as pd
import pytest
from sqlalchemy import select

from analytics import queries
from analytics.filters import Filters
from etl.store import summaries


def figures(engine, f: Filters) -> dict:
    out = {"overview": queries.overview(engine, f), "coverage": queries.coverage(engine, f).to_dict("records"),
           "matrix": sorted(map(tuple, queries.theme_street_matrix(engine, f).values.tolist()))}
    for kind in ("theme", "service"):
        out[kind] = queries.label_counts(engine, f, kind).to_dict("records")
    for period in ("month", "week"):
        for by in ("none", "theme", "street"):
            out[f"{period}_{by}"] = queries.timeline(engine, f, period, by).to_dict("records")
    # The latest few, read from the days the summaries say hold them (all rows under from_rows).
    out["latest"] = tuple(queries.articles_table(engine, f, 3).get("id", pd.Series(dtype=int)))
    return out


def stored_cells(engine) -> dict:
    with engine.connect() as conn:
        return {name: sorted(tuple(round(v, 6) if isinstance(v, float) else v for v in r)
                             for r in conn.execute(select(table)))
                for name, table in summaries.TABLES.items()}


def assert_same_figures(summarised: dict, counted: dict) -> None:
    for name, value in summarised.items():
        if name == "overview":
            assert value.participants_low == pytest.approx(counted[name].participants_low)
            value.participants_low = counted[name].participants_low
        if isinstance(value, list) and value and "participants" in value[0]:
            for row, other in zip(value, counted[name]):
                assert row["participants"] == pytest.approx(other["participants"])
                row["participants"] = other["participants"]
        assert value == counted[name], name
