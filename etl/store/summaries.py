"""Summaries: the counted rows (events and reports) grouped on the columns the figures filter
and group by, kept in small tables so that a figure reads hundreds or thousands of cells
instead of a million rows.

Each summary ("cube") is one GROUP BY of the counted rows that are articles (not `excluded`):
by a time grain (none, month or ISO week), on some of the filterable columns, and optionally
exploded over a row's streets (one cell per street it names, -1 for none) or its communities
and villages (one cell per unit, with the unit's street). A cell holds, for events and for
reports alike, how many rows it counts and their participants: most events have one report,
with the same key, so one cell is written for both, not two. CUBES lists them;
analytics/summary.py picks, per figure, the smallest that has every column the figure and its
filters need, and falls back to the rows for what no cube answers.

The cells are kept in the transaction of every write that changes a counted row: the write
says which rows it is about to change (`Changes.before`: their cells are taken away as they
are now) and which it made (`Changes.added`), and at the transaction's end `Changes.write` adds
the cells of those rows as they are then, and the difference to the stored cells. An ingest
writes several bulletins in one transaction, each in a savepoint: each bulletin's changes are
kept in a scope of their own (`Changes.scope`), added to the batch's once its savepoint holds
(`Changes.absorb`), and the batch's are written once. Cells are read from the stored rows
both times (`counted_rows`, `add_cells`); only the articles a write has just made are taken
from the values it wrote (`Changes.made`: the same row `counted_rows` would read back), to
spare reading them again, and such an article alike its event (an event of one report, most
of them) has its cells made once for both.

`rebuild` counts every row again in SQL, a GROUP BY per cube (a million rows through
add_cells took minutes); the property test (tests/test_summaries.py) holds the cells kept
write by write equal to the rebuilt ones.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Iterable

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, Integer, MetaData, String, Table, and_,
                        bindparam, case, cast, delete, func, insert, inspect, literal, select)
from sqlalchemy.engine import Connection, Engine

from .events import UNIT_LEVELS, lock
from .schema import Article, Base, Dimension, Event, Place, StoreMeta
from .upkeep import Upkeep

COUNTED = ("events", "reports")
UNDATED = date(1, 1, 1)  # the period of undated rows in a cube by time (no article is dated so)
NO_STREET = -1  # the street cell of a row that names no street
GRAINS = {"year": lambda day: day.replace(month=1, day=1), "month": lambda day: day.replace(day=1),
          "week": lambda day: day - timedelta(days=day.weekday())}  # the first day of a day's period
# A cell's measures: per counted family, (n, participants_low, participants_vague, approx,
# reports); a report's `reports` is its n, so the reports' is the column of their n.
FAMILY_MEASURES = {"events": ("events_n", "events_participants_low", "events_participants_vague", "events_approx",
                              "events_reports"),
                   "reports": ("reports_n", "reports_participants_low", "reports_participants_vague", "reports_approx",
                               "reports_n")}
MEASURES = tuple(dict.fromkeys(FAMILY_MEASURES["events"] + FAMILY_MEASURES["reports"]))  # the stored columns
COUNTS = tuple(FAMILY_MEASURES[c][0] for c in COUNTED)  # a cell where both are 0 counts nothing
_counts = itemgetter(*(MEASURES.index(n) for n in COUNTS))  # a cell's COUNTS, of its MEASURES
MEASURE_TYPES = {m: Float() if m.endswith("participants_low") else Integer() for m in MEASURES}
DIM_TYPES = {"date_precision": String(16), "street_bits": BigInteger(), "theme_bits": BigInteger(),
             "service_bits": BigInteger()}


@dataclass(frozen=True)
class Cube:
    name: str
    grain: str | None  # None | year | month | week
    dims: tuple[str, ...]  # of DIM_TYPES; every cube also keeps `dated` and `reviewed`
    explode: str | None = None  # of EXPLODED

    @property
    def key_columns(self) -> tuple[str, ...]:
        # Streets, pairs and themes first: a figure reads one street's (pair's, theme's) cells, or
        # each street's in turn (analytics/summary.py), as adjacent cells, then the period's.
        exploded = EXPLODED[self.explode]
        first, last = ((), exploded) if self.explode == "unit" else (exploded, ())
        return first + (("period",) if self.grain else ()) + ("dated", "reviewed") + self.dims + last


# What a cube can be exploded over, and the key columns that adds: a row counts once in each
# street it names (-1: none), each pair of streets it names (none when it names fewer than two),
# each of its communities and villages (with the unit's street), or each (theme, unit) it has.
EXPLODED = {None: (), "street": ("street",), "pair": ("street", "street2"), "unit": ("unit", "unit_street"),
            "unit_theme": ("theme", "unit", "unit_street")}


# Smallest first: analytics/summary.py takes the first that answers a figure (for a date range,
# the finest grain first: fewer edge days read from the rows). Time cubes keep the date
# precision (the timeline's pattern). No cube keeps the street bit set (a cell per month and
# set of streets named together is nearly a cell per row): one or two chosen streets are
# answered from the cubes by street and by pair of streets (a row naming either counts once:
# street a + street b - both), three or more from the rows. A row names several units, so the
# unit cubes by time keep no label columns (units by month and label would be about one cell
# per mention): units under a date range and one chosen theme come from the cube by year,
# theme and unit, under other labels from the rows. Units and streets without labels (coverage
# unfiltered or under a date range) have cubes of their own, a few cells per unit or street
# and period whatever the number of rows; streets by year and label serve ranges of whole
# years with labels; months by theme set without the service types serve the timeline by theme.
# The bench's cell counts are in the README.
LABELS = ("theme_bits", "service_bits")
CUBES = (
    Cube("totals", None, LABELS),
    Cube("by_street", None, LABELS, "street"),
    Cube("by_unit", None, (), "unit"),
    Cube("by_unit_labels", None, LABELS, "unit"),
    Cube("by_pair", None, LABELS, "pair"),
    Cube("months_themes", "month", ("date_precision", "theme_bits")),
    Cube("months", "month", ("date_precision",) + LABELS),
    Cube("weeks", "week", ("date_precision",) + LABELS),
    Cube("years_by_unit", "year", (), "unit"),
    Cube("months_by_unit", "month", (), "unit"),
    Cube("years_by_unit_theme", "year", (), "unit_theme"),
    Cube("months_by_street", "month", (), "street"),
    Cube("years_by_street_labels", "year", LABELS, "street"),
    Cube("months_by_street_labels", "month", ("date_precision",) + LABELS, "street"),
    Cube("months_by_pair", "month", ("date_precision",) + LABELS, "pair"),
)
# Changing the cubes (or how a cell is computed) changes this: a store made with other cubes
# rebuilds its summaries when it is opened.
VERSION = "3:" + ";".join(f"{c.name}/{c.grain}/{','.join(c.dims)}/{c.explode}" for c in CUBES)


KEY_TYPES = dict(DIM_TYPES, period=Date(), dated=Boolean(), reviewed=Boolean(), street=Integer(),
                 street2=Integer(), theme=Integer(), unit=String(64), unit_street=String(64))  # bits, or names


def _table(cube: Cube) -> Table:
    columns = [Column(name, KEY_TYPES[name], primary_key=True) for name in cube.key_columns]
    columns += [Column(name, MEASURE_TYPES[name], nullable=False) for name in MEASURES]
    # Clustered by its key on SQLite: a date range reads adjacent cells.
    return Table(f"summary_{cube.name}", Base.metadata, *columns, sqlite_with_rowid=False)


TABLES: dict[str, Table] = {cube.name: _table(cube) for cube in CUBES}


# ---- the cells of rows -----------------------------------------------------------------------

ROW_COLUMNS = ("id", "activity_date", "date_precision", "reviewed", "street_bits", "theme_bits", "service_bits",
               "participants_low", "participants_vague", "participants_approx")
BATCH = 2000


def _row_query(counted: str):
    table = Event.__table__ if counted == "events" else Article.__table__
    reports = table.c.reports if counted == "events" else literal(1)
    return table, select(*(table.c[c] for c in ROW_COLUMNS), reports.label("reports")).where(
        table.c.excluded.isnot(True))


def _units_query(counted: str):
    owner = Article.event_id if counted == "events" else Place.article_id
    units = (select(owner.label("owner"), Place.name, Place.street)
             .where(Place.status == "ours", Place.level.in_(UNIT_LEVELS)))
    if counted == "events":
        units = units.join(Article, Article.id == Place.article_id).where(Article.excluded.isnot(True))
    return owner, units


def _by_ids(counted: str):
    """The statements that read a write's few rows (by ids): built once, as every write runs them."""
    (table, rows), (owner, units) = _row_query(counted), _units_query(counted)
    ids = bindparam("ids", expanding=True)
    return rows.where(table.c.id.in_(ids)).order_by(table.c.id), units.where(owner.in_(ids))


BY_IDS = {counted: _by_ids(counted) for counted in COUNTED}


def counted_rows(conn: Connection, counted: str, ids: Iterable[int]) -> list[dict]:
    """The counted rows with these ids that are articles, with their communities and villages
    (of ours; an event's are those of its reports that are articles)."""
    rows_by_ids, units_by_ids = BY_IDS[counted]
    rows = [dict(r) for r in conn.execute(rows_by_ids, {"ids": list(ids)}).mappings()]
    if not rows:
        return rows
    by_owner: dict[int, set] = defaultdict(set)
    ids = [r["id"] for r in rows]
    found = (row for chunk in range(0, len(ids), 500)
             for row in conn.execute(units_by_ids, {"ids": ids[chunk:chunk + 500]}))
    for owner_id, name, street in found:
        by_owner[owner_id].add((name, street or ""))
    for r in rows:
        r["units"] = by_owner.get(r["id"], ())
    return rows


def written_report(article_id: int, values: dict, places) -> dict:
    """A new article's row as `counted_rows` reads it, with its event: `values` its columns as
    written, `places` its place rows' (name, level, status, street) as written."""
    row = {column: values[column] for column in ROW_COLUMNS[1:]}
    row.update(id=article_id, event_id=values["event_id"], reports=1,
               participants_low=float(values["participants_low"] or 0.0),
               units={(name, street or "") for name, level, status, street in places
                      if status == "ours" and level in UNIT_LEVELS})
    return row


def set_bits(bits: int | None) -> list[int]:
    """The bits set in a bit set, lowest first; [NO_STREET] for none."""
    bits = bits or 0
    out = []
    while bits:
        low = bits & -bits
        out.append(low.bit_length() - 1)
        bits ^= low
    return out or [NO_STREET]


def _getter(columns: tuple[str, ...]):
    """A function of a dict giving the tuple of these columns' values."""
    if len(columns) > 1:
        return itemgetter(*columns)
    return (lambda d: (d[columns[0]],)) if columns else (lambda d: ())


# Per cube: (the key columns before the exploded ones, those after) as getters of a row's base
# key; add_cells runs for every row a write changes, so what it can, it does once here.
_PARTS = {}
for _c in CUBES:
    _i = _c.key_columns.index(EXPLODED[_c.explode][0]) if _c.explode else len(_c.key_columns)
    _PARTS[_c.name] = (_getter(_c.key_columns[:_i]), _getter(_c.key_columns[_i + len(EXPLODED[_c.explode]):]))


# Where each family's measures sit in a cell (MEASURES): a report's `reports` and n share one.
SLOTS = {counted: tuple(MEASURES.index(m) for m in FAMILY_MEASURES[counted]) for counted in COUNTED}


def _where(r: dict) -> tuple:
    """What decides which cells a row counts in: two rows alike count in the same cells."""
    day = r["activity_date"]
    if day is not None and not isinstance(day, date):
        day = date.fromisoformat(str(day)[:10])
    return (day, bool(r["reviewed"]), r["date_precision"] or "unknown", r["street_bits"] or 0, r["theme_bits"] or 0,
            r["service_bits"] or 0, frozenset(r["units"]))


def _measures(counted: str, r: dict, sign: int) -> list:
    """What a row adds (sign 1) or takes away (-1) in each of its cells, as MEASURES."""
    measures = [0] * len(MEASURES)
    for slot, m in zip(SLOTS[counted], (sign, sign * (r["participants_low"] or 0.0),
                                        sign * (r["participants_vague"] or 0), sign * bool(r["participants_approx"]),
                                        sign * (r["reports"] or 0))):
        measures[slot] = m  # a report's `reports` is 1, its n
    return measures


def add_cells(cells: dict, counted: str, rows: list[dict], sign: int) -> None:
    """Add (sign 1) or take away (-1) the rows' cells: cells[cube][key] = [MEASURES]."""
    _add(cells, [(_where(r), _measures(counted, r, sign)) for r in rows])


def _alike(events: list[dict], reports: list[dict]) -> list[tuple]:
    """(where, measures) of these events and reports (sign 1): a report made in this
    transaction that counts in the same cells as its event (an event of one report, most of
    them) is added with it, its cells made once for both."""
    by_id = {e["id"]: (_where(e), _measures("events", e, 1)) for e in events}
    out = []
    for r in reports:
        where, measures = _where(r), _measures("reports", r, 1)
        event = by_id.get(r.get("event_id"))
        if event is not None and event[0] == where:
            del by_id[r["event_id"]]
            measures = [a + b for a, b in zip(event[1], measures)]
        out.append((where, measures))
    return out + list(by_id.values())


def _add(cells: dict, placed: list[tuple]) -> None:
    """Add each (where, measures) to the cells it counts in."""
    for (day, reviewed, precision, street_bits, theme_bits, service_bits, units), measures in placed:
        changed = [i for i, m in enumerate(measures) if m]
        base = {"dated": day is not None, "reviewed": reviewed, "date_precision": precision,
                "street_bits": street_bits, "theme_bits": theme_bits, "service_bits": service_bits}
        periods = {grain: GRAINS[grain](day) if day is not None else UNDATED for grain in GRAINS}
        exploded = _exploded(base, units)
        for cube in CUBES:
            if cube.grain:
                base["period"] = periods[cube.grain]
            before, after = _PARTS[cube.name]
            head, tail = before(base), after(base)
            acc = cells.setdefault(cube.name, {})
            for middle in exploded[cube.explode]:
                key = head + middle + tail
                cell = acc.get(key)
                if cell is None:
                    acc[key] = list(measures)
                else:
                    for i in changed:
                        cell[i] += measures[i]


def _exploded(base: dict, units) -> dict[str | None, list[tuple]]:
    """A row's exploded key values for each way of exploding (EXPLODED)."""
    streets, themes = set_bits(base["street_bits"]), set_bits(base["theme_bits"])
    return {None: [()], "street": [(bit,) for bit in streets],
            "pair": [(a, b) for i, a in enumerate(streets) for b in streets[i + 1:]],
            "unit": list(units), "unit_theme": [(bit, name, street) for bit in themes for name, street in units]}


def _write(conn: Connection, cells: dict) -> None:
    """Add the cells' measures to the stored cells (one upsert per cube), then drop the cells
    that count nothing any more."""
    quote = conn.dialect.identifier_preparer.quote
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}[conn.dialect.paramstyle]
    for cube in CUBES:
        changed = {k: v for k, v in cells.get(cube.name, {}).items() if any(v)}
        if not changed:
            continue
        table = quote(TABLES[cube.name].name)
        keys = cube.key_columns
        columns = ", ".join(map(quote, keys + MEASURES))
        updates = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in MEASURES)
        # Sorted: concurrent writers take the cells' row locks in one order.
        rows = [key + tuple(v) for key, v in sorted(changed.items())]
        conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({', '.join([marker] * len(keys + MEASURES))}) "
                             f"ON CONFLICT ({', '.join(map(quote, keys))}) DO UPDATE SET {updates}", rows)
        emptied = [key for key, v in changed.items() if min(_counts(v)) < 0]
        if emptied:
            where = " AND ".join([f"{quote(n)} <= 0" for n in COUNTS] + [f"{quote(k)} = {marker}" for k in keys])
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE {where}", emptied)


# ---- keeping them at each write -------------------------------------------------------------

# Kept by every write; switched off only to measure what keeping them costs (tools/bench.py).
UPKEEP = Upkeep()


class Changes:
    """The counted rows a transaction's writes change: their cells as they were are taken away
    when a write says it is about to change them, their cells as they are at the transaction's
    end are added (`write`). A transaction of several writes, each in a savepoint (an ingest's
    batch), gives each write a `scope` of its own, kept (`absorb`) once its savepoint holds: a
    write rolled back leaves nothing here."""

    def __init__(self, within: Changes | None = None):
        self.ids: dict[str, set[int]] = {c: set() for c in COUNTED}  # their cells are added at the end
        self.done: set[int] = set()  # articles made, not read back (`made`)
        self.reports_made: list[dict] = []  # their rows, added at the end
        self.cells: dict = {}
        self.within = within
        self.seconds = 0.0  # spent keeping the summaries (a caller's own timing leaves it out)

    def scope(self) -> Changes:
        """The changes of one write among these: rows these already wait for are not taken
        away again (their cells as they were before the transaction are out already)."""
        return Changes(within=self)

    def _waiting(self, counted: str, row_id: int) -> bool:
        return row_id in self.ids[counted] or (self.within is not None and self.within._waiting(counted, row_id))

    def before(self, conn: Connection, counted: str, ids: Iterable[int]) -> None:
        """These rows are about to change (or go): what they count now is taken away (once)."""
        fresh = {i for i in ids if i is not None and not self._waiting(counted, i)}
        if fresh and UPKEEP.on:
            with UPKEEP.timed(self):
                add_cells(self.cells, counted, counted_rows(conn, counted, sorted(fresh)), -1)
        self.ids[counted] |= fresh

    def added(self, counted: str, ids: Iterable[int]) -> None:
        """Rows this write made (nothing to take away)."""
        self.ids[counted] |= set(ids)

    def made(self, rows: list[dict], excluded: list[bool]) -> None:
        """Articles this write made, as `written_report` gives them (in the order of their ids),
        and whether each is excluded: their rows are kept to be added at the end, not read back
        (SQLite may give a new article the id of one a write took away: that id is done)."""
        made = {r["id"] for r in rows}
        self.ids["reports"] -= made
        self.done |= made
        if UPKEEP.on:
            self.reports_made += [r for r, out in zip(rows, excluded) if not out]

    def absorb(self, other: Changes) -> None:
        """The changes of a write of `scope()`, once its savepoint holds."""
        self.ids["reports"] -= other.done
        self.done |= other.done
        self.reports_made += other.reports_made
        for counted, ids in other.ids.items():
            self.ids[counted] |= ids
        for cube, cells in other.cells.items():
            acc = self.cells.setdefault(cube, {})
            for key, measures in cells.items():
                cell = acc.get(key)
                if cell is None:
                    acc[key] = measures
                else:
                    for i, m in enumerate(measures):
                        cell[i] += m
        self.seconds += other.seconds

    def write(self, conn: Connection) -> None:
        """At the transaction's end: the cells of the rows changed, as they are now, are added,
        and the difference is added to the stored cells. Once for all the writes of a batch:
        a row two of them change is taken away once and added back once."""
        if UPKEEP.on:
            with UPKEEP.timed(self):
                rows = {}
                for counted, ids in self.ids.items():
                    ids = sorted(ids)
                    rows[counted] = [r for chunk in range(0, len(ids), BATCH)
                                     for r in counted_rows(conn, counted, ids[chunk:chunk + BATCH])]
                _add(self.cells, _alike(rows["events"], self.reports_made + rows["reports"]))
                if self.cells:
                    _write(conn, self.cells)
        self.ids, self.done, self.reports_made, self.cells = {c: set() for c in COUNTED}, set(), [], {}


# ---- building them from the rows ------------------------------------------------------------

def is_current(conn: Connection) -> bool:
    return conn.scalar(select(StoreMeta.value).where(StoreMeta.key == "summaries")) == VERSION


def rebuild(conn: Connection) -> None:
    """Every cube computed again from the rows, in the caller's transaction (a store made
    before the summaries, with other cubes, or bulk-loaded): in SQL, as add_cells would
    count each row (the property test holds them equal), a GROUP BY per cube of the counted
    rows staged once with their periods and their exploded streets, pairs, units and themes."""
    lock(conn)  # no write places events meanwhile (PostgreSQL; SQLite has one writer)
    # Made anew: another version's tables may have other keys, and a dropped cube's go.
    for name in inspect(conn).get_table_names():
        if name.startswith("summary_"):
            Table(name, MetaData()).drop(conn)
    for table in TABLES.values():
        table.create(conn)
    for table in STAGED.sorted_tables:
        table.create(conn)
    for counted in COUNTED:
        _stage_rows(conn, counted)
    _stage_exploded(conn)
    for cube in CUBES:
        conn.execute(insert(TABLES[cube.name]).from_select(cube.key_columns + MEASURES, _cube_cells(cube)))
    for table in reversed(STAGED.sorted_tables):
        table.drop(conn)
    if conn.dialect.name == "postgresql":  # tables made anew: their statistics for the planner
        for table in TABLES.values():
            conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(table.name)}")
    conn.execute(delete(StoreMeta.__table__).where(StoreMeta.key == "summaries"))
    conn.execute(insert(StoreMeta.__table__), dict(key="summaries", value=VERSION))


# The rebuild's staging: each counted row's key columns and measures as add_cells makes them
# (a period per grain), and what it is exploded over (EXPLODED), a row per value.
STAGED = MetaData()
STAGED_TYPES = dict(KEY_TYPES, **MEASURE_TYPES, counted=String(8), id=Integer(), period_year=Date(),
                    period_month=Date(), period_week=Date())


def _staged(name: str, *columns: str) -> Table:
    keyed = columns if name != "cells_rows" else ("counted", "id")  # an exploded value once per row
    return Table(name, STAGED, *(Column(c, STAGED_TYPES[c], primary_key=c in keyed) for c in columns),
                 prefixes=["TEMPORARY"])


STAGED_ROWS = _staged("cells_rows", "counted", "id", "period_year", "period_month", "period_week", "dated", "reviewed",
                      *DIM_TYPES, *MEASURES)
STAGED_EXPLODED = {"street": _staged("cells_streets", "counted", "id", "street"),
                   "pair": _staged("cells_pairs", "counted", "id", "street", "street2"),
                   "unit": _staged("cells_units", "counted", "id", "unit", "unit_street"),
                   "theme": _staged("cells_themes", "counted", "id", "theme")}


def _period(conn: Connection, grain: str, day):
    """The first day of a day's period (GRAINS), UNDATED for none."""
    if conn.dialect.name == "sqlite":
        modifiers = {"year": ("start of year",), "month": ("start of month",), "week": ("weekday 0", "-6 days")}
        start = func.date(day, *modifiers[grain])
    else:
        start = cast(func.date_trunc(grain, cast(day, DateTime)), Date)
    return func.coalesce(start, literal(UNDATED, Date))


def _stage_rows(conn: Connection, counted: str) -> None:
    rows = _row_query(counted)[1].subquery()
    day = rows.c.activity_date
    # The row's family's measures (a report's `reports` is its n), the other family's 0.
    measures = {m: literal(0.0 if isinstance(MEASURE_TYPES[m], Float) else 0) for m in MEASURES}
    measures.update(zip(FAMILY_MEASURES[counted], (
        literal(1), func.coalesce(rows.c.participants_low, 0.0), func.coalesce(rows.c.participants_vague, 0),
        case((rows.c.participants_approx.is_(True), 1), else_=0), func.coalesce(rows.c.reports, 0))))
    values = select(literal(counted), rows.c.id, *(_period(conn, grain, day) for grain in ("year", "month", "week")),
                    day.isnot(None), rows.c.reviewed.is_(True), func.coalesce(rows.c.date_precision, "unknown"),
                    *(func.coalesce(rows.c[c], 0) for c in ("street_bits", "theme_bits", "service_bits")),
                    *(measures[m] for m in MEASURES))
    conn.execute(insert(STAGED_ROWS).from_select([c.name for c in STAGED_ROWS.columns], values))
    owner, units = _units_query(counted)
    units = units.subquery()
    values = (select(literal(counted), units.c.owner, units.c.name, func.coalesce(units.c.street, "")).distinct()
              .join_from(units, STAGED_ROWS, and_(STAGED_ROWS.c.counted == counted, STAGED_ROWS.c.id == units.c.owner)))
    conn.execute(insert(STAGED_EXPLODED["unit"]).from_select(["counted", "id", "unit", "unit_street"], values))


def _stage_exploded(conn: Connection) -> None:
    """Each staged row's streets and themes (set_bits: its bits, NO_STREET for none), and its
    pairs of streets. A bit set holds only bits the dimensions handed out: those are tried."""
    rows = STAGED_ROWS
    for kind, bit_set in (("street", rows.c.street_bits), ("theme", rows.c.theme_bits)):
        bits = select(Dimension.bit).where(Dimension.kind == kind).subquery()
        has_bit = bit_set.bitwise_rshift(bits.c.bit).bitwise_and(1) == 1
        into = insert(STAGED_EXPLODED[kind])
        conn.execute(into.from_select(["counted", "id", kind],
                                      select(rows.c.counted, rows.c.id, bits.c.bit).join_from(rows, bits, has_bit)))
        conn.execute(into.from_select(["counted", "id", kind],
                                      select(rows.c.counted, rows.c.id, literal(NO_STREET)).where(bit_set == 0)))
    first, second = STAGED_EXPLODED["street"].alias("first"), STAGED_EXPLODED["street"].alias("second")
    pairs = select(first.c.counted, first.c.id, first.c.street, second.c.street).join_from(first, second, and_(
        second.c.counted == first.c.counted, second.c.id == first.c.id, second.c.street > first.c.street,
        first.c.street != NO_STREET))
    conn.execute(insert(STAGED_EXPLODED["pair"]).from_select(["counted", "id", "street", "street2"], pairs))


def _cube_cells(cube: Cube):
    """A cube's cells: its key columns and the sums of the measures, grouped."""
    rows = STAGED_ROWS
    exploded = {None: (), "street": ("street",), "pair": ("pair",), "unit": ("unit",),
                "unit_theme": ("theme", "unit")}[cube.explode]
    joined, columns = rows, dict(rows.c.items(), period=rows.c[f"period_{cube.grain}"] if cube.grain else None)
    for name in exploded:
        table = STAGED_EXPLODED[name]
        joined = joined.join(table, and_(table.c.counted == rows.c.counted, table.c.id == rows.c.id))
        columns.update((c.name, c) for c in table.columns if c.name not in ("counted", "id"))
    keys = [columns[k] for k in cube.key_columns]
    sums = [func.sum(rows.c[m]) for m in MEASURES]
    return select(*keys, *sums).select_from(joined).group_by(*keys)


def ensure(engine: Engine) -> bool:
    """Rebuild the summaries of a store whose summaries are missing or made with other cubes;
    True when it did."""
    with engine.connect() as conn:
        if is_current(conn):
            return False
    # On SQLite the write lock is taken first: two processes opening a new store read, then
    # write; the second to write would fail on its stale read instead of waiting.
    with engine.connect().execution_options(begin="immediate") as conn, conn.begin():
        lock(conn)
        if is_current(conn):  # another process built them meanwhile
            return False
        rebuild(conn)
    return True


def cell_count(conn: Connection) -> dict[str, int]:
    """How many cells each cube holds (the benchmark prints them)."""
    return {name: conn.scalar(select(func.count()).select_from(table)) for name, table in TABLES.items()}


