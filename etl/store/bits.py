"""Themes, service types and streets as bit sets on each article: the bits, handed out once
per key (the dimensions table), and the arithmetic on them that ingest and the figures share."""
from __future__ import annotations

import weakref
from typing import Iterable

from sqlalchemy import event, insert, select

from .schema import Dimension

MAX_BITS = 62  # signed 64-bit integers in both databases
KINDS = ("theme", "service", "street")

# Bits never change once handed out, so each engine remembers the ones it has seen.
_known_bits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def dimension_bits(conn, kind: str, keys) -> dict[str, int]:
    """key -> bit for this kind, handing out the next free bits to keys not seen before."""
    cache = _known_bits.setdefault(conn.engine, {}).setdefault(kind, {})
    if all(key in cache for key in keys):
        return cache
    known = dict(conn.execute(select(Dimension.key, Dimension.bit).where(Dimension.kind == kind)).all())
    stored = dict(known)
    # New keys in sorted order: the same files give the same bits whatever order (or hash
    # seed) gave the keys.
    for key in sorted(set(keys) - known.keys()):
        bit = max(known.values(), default=-1) + 1
        if bit > MAX_BITS:
            raise ValueError(f"more than {MAX_BITS + 1} {kind} keys: widen the bit sets")
        conn.execute(insert(Dimension.__table__), dict(kind=kind, key=key, bit=bit))
        known[key] = bit
    # Remembered once this transaction commits, and only the bits read from the store: a bit
    # handed out here may be rolled back (its bulletin's savepoint) and must not be reused.
    event.listen(conn, "commit", lambda _conn: cache.update(stored), once=True)
    return known


def read_bits(conn) -> dict[str, dict[str, int]]:
    """kind -> key -> bit, as the store handed them out."""
    dims: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for kind, key, bit in conn.execute(select(Dimension.kind, Dimension.key, Dimension.bit)):
        dims.setdefault(kind, {})[key] = bit
    return dims


def bits_of(keys: Iterable[str], bits: dict[str, int]) -> int:
    """The bit set of these keys; keys the store never saw have no bit and are left out."""
    return sum(1 << bits[k] for k in set(keys) if k in bits)


def keys_in(bitset: int | None, bits: dict[str, int]) -> list[str]:
    """The keys whose bit is set."""
    return [key for key, bit in bits.items() if (bitset or 0) >> bit & 1]


def count_bits(bitset: int | None) -> int:
    return bin(bitset or 0).count("1")


def totals_by_key(rows, bits: dict[str, int]) -> dict[str, list]:
    """Rows (bit set, *values) -> key -> values summed over the rows whose set holds the key."""
    totals: dict[str, list] = {}
    for bitset, *values in rows:
        for key in keys_in(bitset, bits):
            acc = totals.setdefault(key, [0] * len(values))
            for i, v in enumerate(values):
                acc[i] += v or 0
    return totals
