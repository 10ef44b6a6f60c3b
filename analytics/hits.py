"""Figures with a keyword: the counted rows whose articles hold it, read once per (store,
keyword, counting, store version) and then grouped in memory for every figure and filter set.

A common word is in about 6 % of the articles (60,000 rows at a million): grouping them in SQL
for each part of each figure costs seconds, grouping them with numpy milliseconds. The rows
are read with the function the summaries are built from (`summaries.counted_rows`: the articles
only, an event's places those of its reports that are articles), and the filters and groupings below
say in numpy what `Filters.condition` and `summary.row_cells` say in SQL; the property test
(tests/test_summaries.py) checks every figure read here against the rows path. Chosen
communities are left to the rows path (a place condition)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from etl.store import Bulletin, CorrectionRow, bits_of, grams
from etl.store.summaries import GRAINS, NO_STREET, counted_rows

from .sql import contains

KEPT = 4  # frames kept per process (a few keywords looked at in turn)
CHUNK = 2000  # rows read per statement


def store_version(conn: Connection) -> tuple:
    """Changes whenever an ingest or a correction (merges, splits and undos are corrections)
    changes the store: the key the pages' caches and the keyword frames hang on. Every write of
    a bulletin stores one with a new ingest time (a replaced one goes only as its edit comes),
    so the latest time says it, read from its index alone (a count of the bulletins scanned
    them all: 7 ms at 100,000 bulletins, for each part of each figure)."""
    latest_ingest = conn.scalar(select(func.max(Bulletin.ingested_at)))
    return latest_ingest, conn.scalar(select(func.max(CorrectionRow.id)))


@dataclass
class Frame:
    """The counted rows holding a keyword, column by column (one entry per row), and their
    communities and villages (one entry per (row, unit)). Names are codes into `names`: a
    common keyword has a quarter of a million rows, too many to group as strings each time."""
    day: np.ndarray  # date ordinal, -1 undated
    precision: np.ndarray  # code of the date precision
    reviewed: np.ndarray  # bool
    street_bits: np.ndarray
    theme_bits: np.ndarray
    service_bits: np.ndarray
    measures: np.ndarray  # rows × (participants_low, participants_vague, approx, reports)
    unit_row: np.ndarray  # the row of each unit entry
    unit_name: np.ndarray  # code
    unit_street: np.ndarray  # code
    names: np.ndarray  # the name of each code


_frames: OrderedDict = OrderedDict()
_lock = threading.Lock()


def frame(conn: Connection, f) -> Frame:
    """The keyword's rows for this counting, from the cache while the store is unchanged."""
    key = (str(conn.engine.url), f.q, f.count, store_version(conn))
    with _lock:
        if key in _frames:
            _frames.move_to_end(key)
            return _frames[key]
    built = _read(conn, f)
    with _lock:
        _frames[key] = built
        while len(_frames) > KEPT:
            _frames.popitem(last=False)
    return built


def _read(conn: Connection, f) -> Frame:
    counted = f.counted
    ids = list(conn.execute(select(counted.c.id).where(counted.having_articles(grams.matching(conn, f.q, contains)))
                            .order_by(counted.c.id)).scalars())
    rows = [r for i in range(0, len(ids), CHUNK) for r in counted_rows(conn, counted.name, ids[i:i + CHUNK])]
    days = [r["activity_date"] for r in rows]
    units = [(i, name, street) for i, r in enumerate(rows) for name, street in sorted(r["units"])]
    names: dict[str, int] = {}

    def coded(values) -> np.ndarray:
        return np.array([names.setdefault(v, len(names)) for v in values], dtype=np.int64)
    return Frame(
        day=np.array([-1 if d is None else _as_date(d).toordinal() for d in days], dtype=np.int64),
        precision=coded(r["date_precision"] or "unknown" for r in rows),
        reviewed=np.array([bool(r["reviewed"]) for r in rows], dtype=bool),
        street_bits=np.array([r["street_bits"] or 0 for r in rows], dtype=np.int64),
        theme_bits=np.array([r["theme_bits"] or 0 for r in rows], dtype=np.int64),
        service_bits=np.array([r["service_bits"] or 0 for r in rows], dtype=np.int64),
        measures=np.array([(r["participants_low"] or 0.0, r["participants_vague"] or 0, bool(r["participants_approx"]),
                            r["reports"] or 0) for r in rows], dtype=np.float64).reshape(len(rows), 4),
        unit_row=np.array([u[0] for u in units], dtype=np.int64),
        unit_name=coded(u[1] for u in units), unit_street=coded(u[2] for u in units),
        names=np.array(list(names), dtype=object))


def _as_date(value) -> date:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])


def kept(fr: Frame, f, dims) -> np.ndarray:
    """The rows the filters keep (Filters.condition, less the keyword and communities)."""
    keep = np.ones(len(fr.day), dtype=bool)
    dated = fr.day >= 0
    if f.date_from is not None:
        keep &= (fr.day >= f.date_from.toordinal()) | (~dated if f.include_undated else False)
    if f.date_to is not None:
        keep &= ((fr.day <= f.date_to.toordinal()) & dated) | (~dated if f.include_undated else False)
    if not f.include_undated:
        keep &= dated
    for kind, keys in (("street", f.streets), ("theme", f.themes), ("service", f.services)):
        if keys:
            keep &= (getattr(fr, f"{kind}_bits") & bits_of(keys, dims.get(kind, {}))) != 0
    if f.reviewed:
        keep &= fr.reviewed if f.reviewed == "yes" else ~fr.reviewed
    return keep


def _period_starts(days: np.ndarray, period: str) -> np.ndarray:
    """The ordinal of each day's period's first day."""
    unique, inverse = np.unique(days, return_inverse=True)
    return np.array([GRAINS[period](date.fromordinal(int(d))).toordinal() for d in unique],
                    dtype=np.int64)[inverse]


def cells(fr: Frame, f, dims, need) -> list[tuple]:
    """What summary.row_cells gives for these filters and this need, from the frame."""
    keep = kept(fr, f, dims)
    if need.period:
        keep &= fr.day >= 0
    columns = {"dated": fr.day >= 0, "reviewed": fr.reviewed, "date_precision": fr.precision,
               "street_bits": fr.street_bits, "theme_bits": fr.theme_bits, "service_bits": fr.service_bits}
    rows = np.flatnonzero(keep)
    if need.explode == "unit":
        entries = np.flatnonzero(keep[fr.unit_row])
        if f.streets:
            entries = entries[np.isin(fr.names[fr.unit_street[entries]], list(f.streets))]
        owners = fr.unit_row[entries]
        keys = _keys(fr, need, columns, owners) + [fr.unit_name[entries], fr.unit_street[entries]]
        summed = _sum(keys, np.ones((len(entries), 1)), bool(need.period))
        return [(*_named(fr, need, k, units=True), int(n), 0.0, 0, 0, 0) for k, (n, *_) in summed.items()]
    values = np.column_stack([np.ones(len(rows)), fr.measures[rows]])
    keys = _keys(fr, need, columns, rows)
    if need.explode == "street":
        chosen = {bit for s, bit in dims.get("street", {}).items() if s in f.streets} if f.streets else None
        bits = fr.street_bits[rows]
        parts, part_keys = [], []
        # A bit set holds only bits the dimensions handed out: those are tried.
        for bit in [NO_STREET] + sorted(dims.get("street", {}).values()):
            if chosen is not None and bit not in chosen:
                continue
            hit = bits == 0 if bit == NO_STREET else (bits >> bit) & 1 == 1
            if hit.any():
                parts.append(np.flatnonzero(hit))
                part_keys.append(bit)
        if not parts:
            return []
        index = np.concatenate(parts)
        bit_column = np.concatenate([np.full(len(p), b) for p, b in zip(parts, part_keys)])
        keys = [k[index] for k in keys] + [bit_column]
        values = values[index]
    return [(*_named(fr, need, k), *_typed(v)) for k, v in _sum(keys, values, bool(need.period)).items()]


def _keys(fr: Frame, need, columns: dict, rows: np.ndarray) -> list:
    keys = [_period_starts(fr.day[rows], need.period)] if need.period else []
    return keys + [columns[g][rows] for g in need.group]


def _sum(keys: list, values: np.ndarray, period: bool) -> dict:
    """{key: summed values} over the rows' keys (integer columns; the first a period ordinal
    when `period`), grouped with numpy."""
    if not keys:
        return {(): values.sum(axis=0)} if len(values) else {}
    group = np.zeros(len(values), dtype=np.int64)
    for column in keys:  # the group of each row so far, times the codes of one more column
        codes, distinct = pd.factorize(column)
        group = pd.factorize(group * len(distinct) + codes)[0]
    n_groups = int(group.max()) + 1 if len(group) else 0
    summed = np.column_stack([np.bincount(group, weights=values[:, i], minlength=n_groups)
                              for i in range(values.shape[1])])
    row_of = np.zeros(n_groups, dtype=np.int64)
    row_of[group] = np.arange(len(group))  # a row of each group, for its key
    out = {}
    for row, sums in zip(row_of, summed):
        key = tuple(k[row].item() for k in keys)
        out[(date.fromordinal(key[0]), *key[1:]) if period else key] = sums
    return out


def _named(fr: Frame, need, key: tuple, units: bool = False) -> tuple:
    """A key with its coded columns (the date precision, a unit and its street) as names."""
    coded = [False] * bool(need.period) + [g == "date_precision" for g in need.group] + [True, True] * units
    return tuple(fr.names[k] if is_coded else k for k, is_coded in zip(key, coded)) + key[len(coded):]


def _typed(v: np.ndarray) -> tuple:
    return int(v[0]), float(v[1]), int(v[2]), int(v[3]), int(v[4])


def date_bounds(fr: Frame, f, dims) -> tuple[date | None, date | None]:
    """The first and last dates of what the filters keep."""
    days = fr.day[kept(fr, f, dims) & (fr.day >= 0)]
    if not len(days):
        return None, None
    return date.fromordinal(int(days.min())), date.fromordinal(int(days.max()))
