"""Where a figure's counts come from: the summaries (etl/store/summaries.py) when one answers
the figure and its filters, else the rows.

A figure asks for `cells`: the counted rows that the filters keep, grouped by some columns
(a time period, the date precision, a bit set, `dated`, `reviewed`) and optionally exploded
over their streets (a row counts once for each street it names, -1 for none; with streets
chosen, only those) or their communities and villages (with the unit's street). Each cell
holds (n, participants_low, participants_vague, approx, reports). The rows path (`row_cells`)
is the definition; a cube gives the same cells for whole periods, and the rows give the days
of a date range that cut a period (its edges). One or two chosen streets, where the figure
does not split by street, are the cells of each street less those of the pair (a row naming
both counts once). A keyword's figures are grouped from its rows in memory
(analytics/hits.py); chosen communities are answered by the rows."""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.engine import Connection

from etl.store import Place, bits_of
from etl.store.summaries import CUBES, FAMILY_MEASURES, GRAINS, NO_STREET, TABLES, Cube, set_bits

from . import hits
from .counting import Counted
from .filters import Filters

_rows_only = contextvars.ContextVar("rows_only", default=False)


@contextlib.contextmanager
def from_rows():
    """Every figure computed in this block reads the rows, never the summaries (the
    reference the summaries are tested against)."""
    token = _rows_only.set(True)
    try:
        yield
    finally:
        _rows_only.reset(token)


def reading_rows() -> bool:
    """Inside `from_rows`."""
    return _rows_only.get()


@dataclass(frozen=True)
class Need:
    group: tuple[str, ...] = ()  # of dated, reviewed, date_precision, theme_bits, service_bits, street_bits
    explode: str | None = None  # None | street | unit | pair (the rows naming both chosen streets)
    period: str | None = None  # month | week: grouped by period (dated rows only)


MEASURES = 5  # n, participants_low, participants_vague, approx, reports


def cells(conn: Connection, f: Filters, dims: dict, need: Need, where_rows) -> list[tuple]:
    """(period?, *group, street bit | unit, unit street, *measures) for what the filters keep.
    `where_rows(filters)`: the WHERE clause over the counted rows for some filters (the keyword's
    hits made once for the figure, if a statement needs them)."""
    if by_hits(f):
        return hits.cells(hits.frame(conn, f), f, dims, need)
    if _rows_only.get() or f.communities:
        return row_cells(conn, f, dims, need, where_rows(f))
    if f.streets and need.explode is None and len(f.streets) <= 2 and _by_streets_fits(f, need):
        return _either_street(conn, f, dims, need, where_rows)
    cube = _cube(f, need)
    if cube is None:
        return row_cells(conn, f, dims, need, where_rows(f))
    whole, edges = _split(f, cube.grain)
    out = _cube_cells(conn, f, dims, need, cube, whole)
    for lo, hi in edges:
        edge = f.with_(date_from=lo, date_to=hi, include_undated=False)
        out += row_cells(conn, edge, dims, need, where_rows(edge))
    return out


def _street_filters(f: Filters) -> list[Filters]:
    return [f.with_(streets=(s,)) for s in f.streets]


def _by_streets_fits(f: Filters, need: Need) -> bool:
    exploded = [_cube(one, Need(need.group, "street", need.period)) for one in _street_filters(f)]
    pair = [_cube(f, Need(need.group, "pair", need.period))] if len(f.streets) == 2 else []
    return all(c is not None for c in exploded + pair)


def _either_street(conn, f: Filters, dims, need: Need, where_rows) -> list[tuple]:
    """The cells of the rows naming one of one or two chosen streets, without the street bit
    set: those naming the first, plus those naming the second, less those naming both."""
    out: dict[tuple, list] = {}

    def add(rows, sign: int, key_end: int) -> None:
        for r in rows:
            acc = out.setdefault(tuple(r[:key_end]), [0] * MEASURES)
            for i, v in enumerate(r[-MEASURES:]):
                acc[i] += sign * (v or 0)
    width = len(need.group) + (1 if need.period else 0)
    for one in _street_filters(f):
        add(cells(conn, one, dims, Need(need.group, "street", need.period), where_rows), 1, width)
    if len(f.streets) == 2:
        add(cells(conn, f, dims, Need(need.group, "pair", need.period), where_rows), -1, width)
    return [(*k, *v) for k, v in out.items() if v[0]]


def by_hits(f: Filters) -> bool:
    """A keyword's figures are grouped from its rows in memory (analytics/hits.py)."""
    return bool(f.q) and not f.communities and not _rows_only.get()


# ---- which cube ------------------------------------------------------------------------------

def _needed_dims(f: Filters, need: Need) -> set[str]:
    dims = {g for g in need.group if g not in ("dated", "reviewed")}
    dims |= {"theme_bits"} if f.themes else set()
    dims |= {"service_bits"} if f.services else set()
    if f.streets and need.explode is None:  # exploded cells filter on their own street
        dims.add("street_bits")
    return dims


def _fits(c: Cube, f: Filters, need: Need) -> bool:
    dims = _needed_dims(f, need)
    if c.explode == "unit_theme":  # one chosen theme: each row once, in that theme's cells
        if need.explode != "unit" or len(f.themes) != 1 or "theme_bits" in need.group:
            return False
        dims -= {"theme_bits"}
    elif c.explode != need.explode:
        return False
    dated = f.date_from is not None or f.date_to is not None
    return dims <= set(c.dims) and (c.grain == need.period if need.period else (c.grain is not None or not dated))


def _cube(f: Filters, need: Need) -> Cube | None:
    if need.explode == "pair" and len(f.streets) != 2:
        return None
    fits = [c for c in CUBES if _fits(c, f, need)]
    if not fits:
        return None
    # The fewest edge days read from the rows, then the smallest cube.
    return min(fits, key=lambda c: (_edge_days(f, c.grain), CUBES.index(c)))


def _edge_days(f: Filters, grain: str | None) -> int:
    return sum((hi - lo).days + 1 for lo, hi in _split(f, grain)[1])


def _next(start: date, grain: str) -> date:
    if grain == "year":
        return start.replace(year=start.year + 1)
    if grain == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7)


def _split(f: Filters, grain: str | None) -> tuple[tuple[date | None, date | None] | None, list]:
    """(the whole periods a date range covers, as (first start, last start), or None when it
    covers none; the edge day ranges left), for a cube of this grain."""
    if grain is None or (f.date_from is None and f.date_to is None):
        return (None, None), []
    first = f.date_from and (f.date_from if GRAINS[grain](f.date_from) == f.date_from
                             else _next(GRAINS[grain](f.date_from), grain))
    last_end = f.date_to and (f.date_to if _next(GRAINS[grain](f.date_to), grain) - timedelta(days=1) == f.date_to
                              else GRAINS[grain](f.date_to) - timedelta(days=1))
    if first and last_end and last_end < first:  # no whole period: all of it is edge
        return None, [(f.date_from, f.date_to)]
    edges = []
    if first and first != f.date_from:
        edges.append((f.date_from, first - timedelta(days=1)))
    if last_end and last_end != f.date_to:
        edges.append((last_end + timedelta(days=1), f.date_to))
    return (first, last_end and GRAINS[grain](last_end)), edges


# ---- cells from a cube -------------------------------------------------------------------------

def _cube_cells(conn, f: Filters, dims, need: Need, cube: Cube, whole) -> list[tuple]:
    t = TABLES[cube.name]
    conditions = []
    if f.reviewed:
        conditions.append(t.c.reviewed.is_(f.reviewed == "yes"))
    for kind, keys in (("theme", f.themes), ("service", f.services)):
        if keys and kind == "theme" and cube.explode == "unit_theme":
            conditions.append(t.c.theme.in_(_bits(f.themes, dims, "theme")))
        elif keys:
            conditions.append(t.c[f"{kind}_bits"].op("&")(bits_of(keys, dims.get(kind, {}))) != 0)
    if f.streets:
        if need.explode == "pair":
            pair = _bits(f.streets, dims, "street")
            conditions += [t.c.street == pair[0], t.c.street2 == pair[-1]] if len(pair) == 2 else [literal(False)]
        elif need.explode == "street":
            conditions.append(t.c.street.in_(_bits(f.streets, dims, "street")))
        elif need.explode == "unit":
            conditions.append(t.c.unit_street.in_(f.streets))
        else:
            conditions.append(t.c.street_bits.op("&")(bits_of(f.streets, dims.get("street", {}))) != 0)
    if need.explode == "street" and not f.streets:  # every street, each sought in the key
        conditions.append(t.c.street.in_(sorted(dims.get("street", {}).values()) + [NO_STREET]))
    if need.period or not f.include_undated:
        conditions.append(t.c.dated.is_(True))
    if whole is None:  # the range covers no whole period: the undated cells only
        conditions.append(t.c.dated.is_(False))
    elif whole != (None, None):
        first, last = whole
        within = and_(t.c.period >= first if first else literal(True), t.c.period <= last if last else literal(True))
        conditions.append(within if need.period or not f.include_undated else
                          (t.c.dated.is_(False)) | and_(t.c.dated.is_(True), within))
    groups = ([t.c.period] if need.period else []) + [t.c[g] for g in need.group]
    groups += [t.c[c] for c in {"street": ("street",), "unit": ("unit", "unit_street")}.get(need.explode, ())]
    # A cell holds both families: the chosen one's measures, and only where it counts rows.
    measures = [func.sum(t.c[m]) for m in FAMILY_MEASURES[f.count]]
    rows = conn.execute(select(*groups, *measures).where(*conditions).group_by(*groups)).all()
    return [tuple(r) for r in rows if r[len(groups)]]


# ---- cells from the rows ---------------------------------------------------------------------

def _bits(keys, dims, kind: str) -> list[int]:
    """The bits of the chosen keys the store knows, lowest first."""
    return sorted(bit for key, bit in dims.get(kind, {}).items() if key in keys)


def _period_start(conn, period: str, column):
    """The first day of each date's month or ISO week (Monday), in SQL."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import Date, cast
        return cast(func.date_trunc(period, column), Date)
    if period == "month":
        return func.date(column, "start of month")
    return func.date(column, "-6 days", "weekday 1")  # six days back, then on to a Monday


def as_date(value) -> date:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return date.fromisoformat(str(value)[:10])


def _group_column(counted: Counted, name: str):
    t = counted.c
    if name == "dated":
        return t.activity_date.is_not(None)
    if name == "reviewed":
        return case((t.reviewed.is_(True), True), else_=False)
    return t[name]


def row_cells(conn, f: Filters, dims, need: Need, where) -> list[tuple]:
    """The cells counted from the rows the WHERE clause keeps (the figures' definition)."""
    counted = f.counted
    t = counted.c
    if need.period:
        where = and_(where, t.activity_date.is_not(None))
    if need.explode == "pair":  # the rows naming both chosen streets
        if len(_bits(f.streets, dims, "street")) != 2:
            return []
        both = bits_of(f.streets, dims.get("street", {}))
        where, need = and_(where, t.street_bits.op("&")(both) == both), Need(need.group, None, need.period)
    groups = ([_period_start(conn, need.period, t.activity_date)] if need.period else [])
    groups += [_group_column(counted, g) for g in need.group]
    if need.explode == "unit":
        owner, places = counted.owner_of_place()
        q = (select(*groups, Place.name, func.coalesce(Place.street, ""), func.count(distinct(owner)))
             .select_from(places.join(counted.table, counted.table.c.id == owner))
             .where(where, Place.status == "ours", Place.level.in_(("community", "village"))))
        if f.streets:
            q = q.where(Place.street.in_(f.streets))
        if f.communities:
            q = q.where(Place.name.in_(f.communities))
        rows = conn.execute(q.group_by(*groups, Place.name, Place.street)).all()
        return [(*_periods(need, r[:-1]), r[-1], 0.0, 0, 0, 0) for r in rows]
    reports = func.sum(t.reports) if counted.is_events else func.count(t.id)
    measures = [func.count(t.id), func.coalesce(func.sum(t.participants_low), 0.0),
                func.coalesce(func.sum(t.participants_vague), 0),
                func.sum(case((t.participants_approx.is_(True), 1), else_=0)), reports]
    exploded = [t.street_bits] if need.explode == "street" else []
    rows = conn.execute(select(*groups, *exploded, *measures).where(where)
                        .group_by(*groups, *exploded)).all()
    if need.explode != "street":
        return [(*_periods(need, r[:len(groups)]), *r[len(groups):]) for r in rows]
    chosen = {bit for s, bit in dims.get("street", {}).items() if s in f.streets} if f.streets else None
    out: dict[tuple, list] = {}
    for r in rows:
        head, bits, values = _periods(need, r[:len(groups)]), r[len(groups)], r[len(groups) + 1:]
        for bit in set_bits(bits):
            if chosen is None or bit in chosen:
                acc = out.setdefault((*head, bit), [0] * MEASURES)
                for i, v in enumerate(values):
                    acc[i] += v or 0
    return [(*k, *v) for k, v in out.items()]


def _periods(need: Need, head) -> tuple:
    return (as_date(head[0]), *head[1:]) if need.period else tuple(head)



