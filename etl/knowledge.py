"""Everything the extractor knows, loaded from data files.

data/district.toml names the district and which files describe it (its gazetteer,
its lexicons, its sample bulletins, its default store); data/lexicons/ holds the
taxonomy, keyword lexicons, units and the small grammars of these reports. Another
district is another data folder (ETL_DATA_DIR), not new code.
"""
from __future__ import annotations

import csv
import functools
import logging
import os
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jieba

from .credits import Credits, compile_credits
from .dates import published_pattern
from .events import EventRules, load_event_rules
from .furniture import FurnitureRule, load_rules
from .gazetteer import Gazetteer, load_gazetteer
from .segment import Dictionary, Phrases

jieba.setLogLevel(logging.WARNING)

PROJECT_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("ETL_DATA_DIR", PROJECT_DIR / "data"))


@dataclass
class Keyword:
    key: str
    text: str
    weight: float


@dataclass(eq=False)  # hashed by identity: caches key on the loaded instance
class Knowledge:
    district: str
    gazetteer: Gazetteer
    taxonomy: dict[str, dict[str, str]]  # kind -> key -> zh
    themes: list[Keyword]
    services: list[Keyword]
    units: dict[str, str]  # unit -> kind
    skip_after: tuple[str, ...]
    skip_before: tuple[str, ...]
    rate_words: tuple[str, ...]  # in the clause before a number, they make it a price or a rate (每斤, 户均)
    frequency_words: tuple[str, ...]  # …and a count of sessions a frequency (每月开展1次)
    structure_nouns: tuple[str, ...]
    what_stop: re.Pattern  # ends the counted noun read after a unit
    leading_verb: re.Pattern  # a verb before the counted noun, not part of it
    participation: list[tuple[str, str, str]]  # cue, before|after, participant|count
    district_markers: tuple[str, ...]
    district_actors: tuple[str, ...]
    district_subject: tuple[str, ...]
    district_plan: tuple[str, ...]  # a sentence saying what will be done: its 各街道 is no scope
    neighbours: tuple[str, ...]  # the city's other districts (云冈区), named short on their pages (云冈发布)
    single_site: re.Pattern
    not_district: frozenset[str]
    section_labels: frozenset[str]  # brief column labels among them
    brief_labels: frozenset[str]
    series_pattern: re.Pattern
    meta_pattern: re.Pattern
    published_pattern: re.Pattern
    credits: Credits
    furniture: list[FurnitureRule]  # page furniture, line by line (furniture.txt)
    place_suffixes: tuple[str, ...]  # the endings of place names that open a headline (layout.txt)
    place_names: frozenset[str]  # the gazetteer's names, the district and its city
    outline_path: Path
    boundaries_path: Path
    bulletins_dir: Path
    store_path: Path
    source: str = ""  # the words of "数据来源：…" on charts and briefings (district.toml `source`)
    events: EventRules = field(default_factory=EventRules)  # which reports are one event (events.toml)
    keyword_index: dict = field(repr=False, default=None)
    keyword_automaton: Phrases = field(repr=False, default=None)
    alias_automaton: Phrases = field(repr=False, default=None)

    # Built on first use: a few seconds and some 100 MB that only segmenting needs (the
    # dashboard loads the knowledge for its names and never segments).
    @functools.cached_property
    def tokenizer(self) -> jieba.Tokenizer:
        return _build_tokenizer(self)

    @functools.cached_property
    def dictionary(self) -> Dictionary:
        """The tokenizer's dictionary as an automaton, to segment fast (etl/segment.py)."""
        return Dictionary(self.tokenizer)


def _read_rules(path: Path) -> list[tuple[str, str]]:
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, text = line.partition(",")
            rules.append((kind.strip(), text.strip()))
    return rules


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _keywords(path: Path) -> list[Keyword]:
    return [Keyword(r["key"], r["keyword"], float(r["weight"])) for r in _read_csv(path)]


def _words(words) -> re.Pattern:
    """Any of the words, longest first."""
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) or r"(?!)")


def keyword_index(themes: list[Keyword], services: list[Keyword]) -> dict[str, list[tuple[str, Keyword]]]:
    """word -> [(kind, keyword)], one lookup per token for both taxonomies."""
    index: dict[str, list[tuple[str, Keyword]]] = defaultdict(list)
    for kind, keywords in (("theme", themes), ("service", services)):
        for k in keywords:
            index[k.text].append((kind, k))
    return dict(index)


def load_knowledge(root: Path | None = None) -> Knowledge:
    return _load(Path(root) if root else data_dir())


def reload_knowledge() -> None:
    """Forget what was loaded: the data files changed (a reviewer added an alias or a keyword)."""
    _load.cache_clear()


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> Knowledge:
    config = tomllib.loads((root / "district.toml").read_text(encoding="utf-8"))
    lex_dir = root / config.get("lexicons", "lexicons")
    gazetteer = load_gazetteer(root / config["divisions"], root / config["aliases"])

    taxonomy: dict[str, dict[str, str]] = {}
    for row in _read_csv(lex_dir / "taxonomy.csv"):
        taxonomy.setdefault(row["kind"], {})[row["key"]] = row["zh"]

    quantity_rules = _read_rules(lex_dir / "quantity_rules.txt")
    scope_rules = _read_rules(lex_dir / "district_scope.txt")
    layout_rules = _read_rules(lex_dir / "layout.txt")
    participation = [(r["cue"], r["where"], r["means"]) for r in _read_csv(lex_dir / "participation.csv")]

    def pick(rules, kind):
        return tuple(text for k, text in rules if k == kind)

    published = pick(layout_rules, "published")
    meta = pick(layout_rules, "meta") + (("^(?:" + "|".join(map(re.escape, published)) + ")[：:]",)
                                         if published else ())
    outline = root / config["outline"]
    kb = Knowledge(
        district=config["name"],
        gazetteer=gazetteer,
        taxonomy=taxonomy,
        themes=_keywords(lex_dir / "themes.csv"),
        services=_keywords(lex_dir / "services.csv"),
        units={r["unit"]: r["kind"] for r in _read_csv(lex_dir / "units.csv")},
        skip_after=pick(quantity_rules, "skip_after"),
        skip_before=pick(quantity_rules, "skip_before"),
        rate_words=pick(quantity_rules, "rate_before"),
        frequency_words=pick(quantity_rules, "frequency_before"),
        structure_nouns=pick(quantity_rules, "structure"),
        # The counted noun ends where a participation cue (…参加) or another verb begins.
        what_stop=_words([cue for cue, where, _ in participation if where == "after"]
                         + list(pick(quantity_rules, "what_stop"))),
        leading_verb=re.compile(r"^.*(?:" + _words(pick(quantity_rules, "leading_verb")).pattern + ")"),
        participation=participation,
        district_markers=pick(scope_rules, "marker"),
        district_actors=pick(scope_rules, "actor"),
        district_subject=pick(scope_rules, "subject"),
        district_plan=pick(scope_rules, "plan"),
        neighbours=pick(scope_rules, "neighbour"),
        single_site=re.compile("|".join(pick(scope_rules, "single_site")) or r"(?!)"),
        not_district=frozenset(pick(scope_rules, "not_district")),
        section_labels=frozenset(pick(layout_rules, "section") + pick(layout_rules, "brief")),
        brief_labels=frozenset(pick(layout_rules, "brief")),
        series_pattern=re.compile("|".join(pick(layout_rules, "series")) or r"(?!)"),
        meta_pattern=re.compile("|".join(meta) or r"(?!)"),
        published_pattern=published_pattern(published),
        credits=compile_credits(_read_rules(lex_dir / "credits.txt")),
        furniture=load_rules(lex_dir / "furniture.txt"),
        place_suffixes=pick(layout_rules, "place_suffix"),
        place_names=frozenset(gazetteer.aliases) | _district_names(config),
        outline_path=outline,
        boundaries_path=outline.parent / "boundaries.geojson",
        bulletins_dir=root / config.get("bulletins", "bulletins"),
        store_path=root / config.get("store", "store.db"),
        source=config.get("source", ""),
        events=load_event_rules(lex_dir / "events.toml"),
    )
    kb.keyword_index = keyword_index(kb.themes, kb.services)
    kb.keyword_automaton = Phrases(kb.keyword_index)
    kb.alias_automaton = Phrases(a for a in gazetteer.aliases if len(a) >= 2)
    return kb


def _district_names(config: dict) -> set[str]:
    """The district's and its city's names as headlines print them: 平城区, 平城, 大同市, 大同,
    大同平城, 大同市平城区."""
    district = config["name"]
    names = {district, district.removesuffix("区").removesuffix("县")} - {""}
    if config.get("city"):
        cities = {config["city"], config["city"].removesuffix("市")}
        names |= cities | {c + d for c in cities for d in set(names)}
    return names


def _build_tokenizer(kb: Knowledge) -> jieba.Tokenizer:
    """jieba with a user dictionary of place names and lexicon keywords, so they stay whole words."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    words = set(kb.gazetteer.aliases)
    words.update(k.text for k in kb.themes + kb.services)
    words.update(d.name.removesuffix("街道") for d in kb.gazetteer.streets)
    for word in sorted(words):
        if len(word) >= 2:
            tokenizer.add_word(word, freq=200000)
    return tokenizer
