"""Reports of one activity grouped into events, as pure functions.

The same activity is often reported by several outlets, days apart, in other words and with
counts rounded differently. Two reports are one event when every rule agrees (the rules'
numbers are in data/lexicons/events.toml):

- dates: explicit event dates equal; or, for a report with none (近日), the other's date lies
  in the window before its publication date (two undated reports: published within the window);
- places: the same place at the finest level both name (a community or village when both name
  one, else a street); reports naming no place of ours only when both cover the whole district;
  a district-wide round-up that names places beyond the other's is never one local activity;
- source: two reports of one bulletin (one page) are never one event;
- text: character shingles of the text with place names and digits taken out (the blocking
  matched those already), compared by MinHash (datasketch): enough of the shorter text is
  found in the longer one, and not only a few stock phrases (余名居民参加) of a short one.

Precision first: a false merge hides an activity. A report joins an event only when it agrees
with every report the rules put in it and agrees with, and is similar to, at least one of them.

Reviewers decide over the rules with a group key (the correction field `event`): reports with
the same key are one event whatever the rules say, reports with different keys are different
events; a key starting with `s:` (a split) makes a closed event that no report joins by the
rules. `Index` places reports one at a time, so the store can load only the recent events that
a new bulletin's reports could join (etl/store/events.py), and `etl extract` can group the
files it is given (`group_records`).
"""
from __future__ import annotations

import functools
import re
import secrets
import struct
import tomllib
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Hashable, Iterable

import numpy as np
from datasketch import MinHash

from .segment import Phrases, occurrences

SPLIT, MERGE = "s:", "m:"  # the prefixes of a reviewer's group key
SCHEME = "affine32"  # datasketch's permutation scheme: 32-bit hash values
NOT_CONTENT = re.compile(r"[\W\d_]+")  # punctuation, spaces and digits end a run of shingles
UNSET = object()  # a value not worked out yet (None is one)


@dataclass(frozen=True)
class EventRules:
    window_days: int = 10
    same_bulletin: bool = False
    shingle: int = 2
    num_perm: int = 256
    seed: int = 1
    min_containment: float = 0.17
    min_shared: int = 15
    min_shingles: int = 20

    @property
    def tag(self) -> bytes:
        """What a stored signature was made with: another shingle size, seed or permutation
        count makes stored signatures useless, and they are made again."""
        return struct.pack("<I", zlib.crc32(f"{self.shingle}/{self.num_perm}/{self.seed}/{SCHEME}/v1".encode()))


def load_event_rules(path: Path) -> EventRules:
    """The rules of a district's data folder (lexicons/events.toml); the defaults when absent."""
    if not path.is_file():
        return EventRules()
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    dates, places, text = config.get("dates", {}), config.get("places", {}), config.get("text", {})
    base = EventRules()
    return EventRules(
        window_days=int(dates.get("undated_window_days", base.window_days)),
        same_bulletin=bool(places.get("same_bulletin", base.same_bulletin)),
        shingle=int(text.get("shingle", base.shingle)), num_perm=int(text.get("num_perm", base.num_perm)),
        seed=int(text.get("seed", base.seed)),
        min_containment=float(text.get("min_containment", base.min_containment)),
        min_shared=int(text.get("min_shared", base.min_shared)),
        min_shingles=int(text.get("min_shingles", base.min_shingles)))


def new_key(kind: str) -> str:
    """A fresh group key for a merge (`m:`) or a split (`s:`)."""
    return kind + secrets.token_hex(6)


# ---- text signatures -------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _names(place_names: frozenset[str]):
    return Phrases(n for n in place_names if len(n) >= 2)


def content(text: str, place_names: frozenset[str]) -> str:
    """The text as compared: place names (every alias of the gazetteer, the district's and the
    city's names) and digits out, each run of other characters separated by a space."""
    cut = []
    last = 0
    for start, end, _ in occurrences(_names(place_names), text):
        if start >= last:
            cut.append(text[last:start])
            last = end
        elif end > last:
            last = end
    cut.append(text[last:])
    return NOT_CONTENT.sub(" ", " ".join(cut)).strip()


def shingle_codes(text: str, k: int) -> np.ndarray:
    """The distinct k-character shingles of `text` (runs split at spaces) as 32-bit codes."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if len(chars) < k:
        return np.zeros(0, dtype=np.uint32)
    ok = chars != ord(" ")
    codes = np.zeros(len(chars) - k + 1, dtype=np.uint32)
    valid = np.ones(len(codes), dtype=bool)
    for j in range(k):  # a polynomial of the k code points, wrapping at 2^32
        codes = codes * np.uint32(1000003) + chars[j:len(chars) - k + 1 + j]
        valid &= ok[j:len(chars) - k + 1 + j]
    codes = np.sort(codes[valid])  # then each once: np.unique does the same, slower on short arrays
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    return codes[first]


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int):
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


@dataclass(frozen=True)
class Signature:
    """A text's MinHash (datasketch's hash values) and its number of distinct shingles. Kept
    as the bare values: a stored signature is read back for every comparison."""
    hashvalues: np.ndarray  # uint32, one per permutation
    size: int  # distinct shingles

    def to_bytes(self, rules: EventRules) -> bytes:
        return rules.tag + struct.pack("<I", self.size) + self.hashvalues.astype("<u4").tobytes()

    @staticmethod
    def fits(data: bytes | None, rules: EventRules) -> bool:
        """Whether stored bytes are a signature made under these rules."""
        return bool(data) and len(data) == 8 + 4 * rules.num_perm and bytes(data[:4]) == rules.tag

    @classmethod
    def from_bytes(cls, data: bytes | None, rules: EventRules) -> Signature | None:
        """None when there is none, or it was made under other rules."""
        if not cls.fits(data, rules):
            return None
        size = struct.unpack("<I", bytes(data[4:8]))[0]
        return cls(np.frombuffer(bytes(data[8:]), dtype="<u4").astype(np.uint32), size)


# The MurmurHash3 finalizer of 32-bit values, (shift, multiplier, shift, multiplier, shift):
# datasketch's affine32 scheme mixes each value with it before permuting.
FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


def min_hashes(codes: np.ndarray, rules: EventRules) -> np.ndarray:
    """The MinHash of these shingle codes (uint32) as datasketch's MinHash(scheme="affine32")
    computes it with the identity as its hash function: each code mixed (FMIX32), then each
    permutation's least a * h + b (mod 2^32). One numpy expression for all the codes, where
    datasketch's update_batch goes through a Python list of them (tests/test_events.py holds
    them equal)."""
    a, b = _permutations(rules.num_perm, rules.seed)
    if not len(codes):
        return np.full(rules.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    s1, m1, s2, m2, s3 = FMIX32
    h = codes ^ (codes >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    h = h ^ (h >> s3)
    permuted = np.multiply.outer(h, a)
    permuted += b
    return permuted.min(axis=0)


def signature(text: str, place_names: frozenset[str], rules: EventRules) -> Signature:
    codes = shingle_codes(content(text, place_names), rules.shingle)
    return Signature(min_hashes(codes, rules), int(len(codes)))


def resemblance(a: Signature, b: Signature) -> tuple[float, float]:
    """(containment of the smaller text in the larger, shingles shared), both estimated from
    the MinHash signatures' Jaccard similarity (the share of equal hash values, as
    datasketch's MinHash.jaccard) and the numbers of shingles."""
    if not a.size or not b.size:
        return 0.0, 0.0
    jaccard = float(np.count_nonzero(a.hashvalues == b.hashvalues)) / len(a.hashvalues)
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return min(1.0, shared / min(a.size, b.size)), shared


# ---- reports and the rules -------------------------------------------------------------------

@dataclass(eq=False)
class Report:
    """One report as the rules see it. `ref` is the caller's id (an article id, a (bulletin,
    seq) pair); `source` the bulletin it came from; `text` is needed only when no stored
    signature is."""
    ref: Hashable
    source: str
    units: frozenset[str]
    streets: frozenset[str]
    district_wide: bool
    event_date: str | None  # YYYY-MM-DD, or --MM-DD with no year
    issue_date: str | None  # the publication date, YYYY-MM-DD (else not used)
    text: str | None = None
    group: str | None = None  # a reviewer's key
    excluded: bool = False  # not an article: an event of its own, joined by nothing
    stored_signature: bytes | None = None
    _signature: Signature | None = field(default=None, repr=False)
    made_signature: bool = False  # computed here (the store keeps it)
    _window: object = field(default=UNSET, repr=False)  # `window`'s, once asked

    def signature(self, place_names: frozenset[str], rules: EventRules) -> Signature:
        if self._signature is None:
            self._signature = Signature.from_bytes(self.stored_signature, rules)
            if self._signature is None:
                self._signature = signature(self.text or "", place_names, rules)
                self.made_signature = True
        return self._signature

    @property
    def places(self) -> bool:
        return bool(self.units or self.streets)


def _day(value: str | None) -> date | None:
    if not value or len(value) != 10 or value.startswith("--"):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def window(report: Report, rules: EventRules) -> tuple[date, date] | str | None:
    """When the activity happened: (first, last) day, or 'MM-DD' when only the month and day
    are known, or None when nothing is (such a report is joined by nothing). Worked out once
    per report, as its signature (placing one compares it with every report of the events
    near it, each time asking both windows)."""
    if report._window is UNSET:
        report._window = _window(report, rules)
    return report._window


def _window(report: Report, rules: EventRules) -> tuple[date, date] | str | None:
    day = _day(report.event_date)
    if day is not None:
        return day, day
    if report.event_date and report.event_date.startswith("--"):
        issue = _day(report.issue_date)
        if issue is None:
            return report.event_date[2:]
        month, dom = int(report.event_date[2:4]), int(report.event_date[5:7])
        year = issue.year - (1 if (month, dom) > (issue.month, issue.day) else 0)
        try:
            day = date(year, month, dom)
        except ValueError:
            return None
        return day, day
    issue = _day(report.issue_date)
    if issue is None:
        return None
    return issue - timedelta(days=rules.window_days), issue


def dates_agree(a: Report, b: Report, rules: EventRules) -> bool:
    x, y = window(a, rules), window(b, rules)
    if x is None or y is None:
        return False
    if isinstance(x, str) or isinstance(y, str):  # a month and day with no year
        if isinstance(x, str) and isinstance(y, str):
            return x == y
        month_day, span = (x, y) if isinstance(x, str) else (y, x)
        return span[0] == span[1] and span[0].strftime("%m-%d") == month_day
    return x[0] <= y[1] and y[0] <= x[1]


def places_agree(a: Report, b: Report) -> bool:
    if a.units and b.units:
        shared = a.units & b.units
    elif a.streets and b.streets:
        shared = a.streets & b.streets
    elif not a.places and not b.places:
        return a.district_wide and b.district_wide
    else:
        return False
    if not shared:
        return False
    if a.district_wide != b.district_wide:  # a round-up citing this place among others is not it
        wide, local = (a, b) if a.district_wide else (b, a)
        return wide.units <= local.units and wide.streets <= local.streets
    return True


def may_be_one(a: Report, b: Report, rules: EventRules) -> bool:
    """Everything but the text agrees."""
    if a.excluded or b.excluded:
        return False
    if a.source == b.source and not rules.same_bulletin:
        return False
    return dates_agree(a, b, rules) and places_agree(a, b)


def text_score(a: Report, b: Report, place_names: frozenset[str], rules: EventRules) -> float | None:
    """How alike the texts are (the containment), when alike enough to be one event; else None."""
    x, y = a.signature(place_names, rules), b.signature(place_names, rules)
    if min(x.size, y.size) < rules.min_shingles:
        return None
    containment, shared = resemblance(x, y)
    return containment if containment >= rules.min_containment and shared >= rules.min_shared else None


def place_keys(report: Report) -> list[str]:
    """The keys under which an event is found: each place the report names, or the district."""
    keys = [f"u:{u}" for u in sorted(report.units)] + [f"s:{s}" for s in sorted(report.streets)]
    return keys or (["d:"] if report.district_wide else [])


# ---- events ----------------------------------------------------------------------------------

@dataclass(eq=False)
class Event:
    id: Hashable
    members: list[Report] = field(default_factory=list)
    new: bool = True  # made here, not loaded from the store
    changed: bool = True  # a member joined or left

    @property
    def key(self) -> str | None:
        return next((m.group for m in self.members if m.group), None)

    @property
    def closed(self) -> bool:
        """A split's event, or a report that is not an article: nothing joins it by the rules."""
        key = self.key
        return bool(key and key.startswith(SPLIT)) or any(m.excluded for m in self.members)


class Index:
    """Events known so far, found by place and by reviewer key; reports are placed one at a
    time. `new_id` makes an id for an event made here."""

    def __init__(self, rules: EventRules, place_names: frozenset[str], new_id=None):
        self.rules, self.place_names = rules, place_names
        self.events: dict[Hashable, Event] = {}
        self._by_place: dict[str, set[Hashable]] = {}
        self._by_key: dict[str, Hashable] = {}
        self._counter = 0
        self._new_id = new_id or self._next_id

    def _next_id(self) -> Hashable:
        self._counter += 1
        return ("new", self._counter)

    def _file(self, event: Event, report: Report) -> None:
        for key in place_keys(report):
            self._by_place.setdefault(key, set()).add(event.id)
        if report.group:
            self._by_key.setdefault(report.group, event.id)

    def add_event(self, event_id: Hashable, members: Iterable[Report]) -> Event:
        """An event as the store holds it."""
        event = Event(event_id, [], new=False, changed=False)
        self.events[event_id] = event
        for m in members:
            event.members.append(m)
            self._file(event, m)
        return event

    def candidates(self, report: Report) -> list[Event]:
        found: set[Hashable] = set()
        for key in place_keys(report):
            found |= self._by_place.get(key, set())
        return [self.events[i] for i in sorted(found, key=repr) if i in self.events]

    def match(self, report: Report) -> tuple[Event | None, float]:
        """The event this report joins by the rules (the most similar one), if any."""
        best, best_score = None, -1.0
        if report.excluded or (report.group or "").startswith(SPLIT):
            return None, 0.0
        for event in self.candidates(report):
            key = event.key
            if event.closed or (key and report.group and key != report.group):
                continue
            # Every report the rules put there must agree; reports a reviewer put there (by key)
            # bind only themselves.
            if not all(may_be_one(report, m, self.rules) for m in event.members if not m.group):
                continue
            # Compared with those that may be one with it: every one of the rules' (they agree)
            # and those of the reviewer's that do.
            scores = [text_score(report, m, self.place_names, self.rules) for m in event.members
                      if not m.group or may_be_one(report, m, self.rules)]
            scores = [s for s in scores if s is not None]
            if scores and max(scores) > best_score:
                best, best_score = event, max(scores)
        return best, best_score

    def place(self, report: Report) -> Event:
        """Put the report in an event: the one of its reviewer key, else the one the rules
        find, else a new one."""
        event = self.events.get(self._by_key.get(report.group)) if report.group else None
        if event is None:
            event, _ = self.match(report)
        if event is None:
            event = Event(self._new_id())
            self.events[event.id] = event
        event.members.append(report)
        event.changed = True
        self._file(event, report)
        return event


def place_all(reports: Iterable[Report], rules: EventRules, place_names: frozenset[str]) -> list[list[Report]]:
    """The events of a set of reports (no store): each a list of reports, in placing order."""
    index = Index(rules, place_names)
    for report in sorted(reports, key=lambda r: sort_key(r, rules)):
        index.place(report)
    return [e.members for e in index.events.values()]


def sort_key(report: Report, rules: EventRules) -> tuple:
    """The order reports are placed in: those a reviewer grouped first (so their events exist
    when the others look for one), then the earliest first (by the first day they may have
    happened)."""
    span = window(report, rules)
    first = span[0].isoformat() if isinstance(span, tuple) else "9999"
    return (0 if report.group else 1, first, report.source, str(report.ref))


# ---- the records of `etl extract` ------------------------------------------------------------

def report_of(article, record, facts=None) -> Report:
    """An extracted article (etl.extract.ArticleRecord of a BulletinRecord) as a report."""
    facts = facts or article.facts()
    issue = record.issue.value if record.issue.value and len(record.issue.value) == 10 else None
    return Report(ref=(record.name, article.seq), source=record.name, units=frozenset(facts.units),
                  streets=frozenset(facts.streets), district_wide=facts.district_wide,
                  event_date=facts.event_date, issue_date=issue, text=article.text, group=facts.event,
                  excluded=facts.excluded)


def group_records(records, rules: EventRules, place_names: frozenset[str]) -> dict[tuple[str, int], str]:
    """(bulletin, seq) -> event key for the articles of the records given: the same key for all
    reports of one event (the `bulletin#seq` of its first published report)."""
    reports = [report_of(a, r) for r in records for a in r.articles]
    out = {}
    for members in place_all(reports, rules, place_names):
        first = min(members, key=lambda m: (m.issue_date or "9999", m.ref))
        name, seq = first.ref
        for m in members:
            out[m.ref] = f"{name}#{seq}"
    return out
