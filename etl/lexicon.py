"""Everything the extractor knows, loaded from data files.

data/district.toml names the district and its gazetteer; data/lexicons/ holds
the taxonomy, keyword lexicons, units and the small grammars of these reports.
"""
from __future__ import annotations

import csv
import functools
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import jieba

from .gazetteer import Gazetteer, load_gazetteer
from .segment import automaton

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
class Lexicons:
    district: str
    city: str
    gazetteer: Gazetteer
    taxonomy: dict[str, dict[str, str]]  # kind -> key -> zh
    themes: list[Keyword]
    services: list[Keyword]
    units: dict[str, str]  # unit -> kind
    skip_after: tuple[str, ...]
    skip_before: tuple[str, ...]
    structure_nouns: tuple[str, ...]
    participation: list[tuple[str, str, str]]  # cue, before|after, participant|count
    district_markers: tuple[str, ...]
    district_actors: tuple[str, ...]
    district_subject: tuple[str, ...]
    single_site: re.Pattern
    not_district: frozenset[str]
    section_labels: frozenset[str]
    series_pattern: re.Pattern
    meta_pattern: re.Pattern
    outline_path: Path
    bulletins_dir: Path
    tokenizer: jieba.Tokenizer = field(repr=False, default=None)
    keyword_index: dict = field(repr=False, default=None)
    keyword_automaton: object = field(repr=False, default=None)
    alias_automaton: object = field(repr=False, default=None)


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


def load_lexicons(root: Path | None = None) -> Lexicons:
    return _load(Path(root) if root else data_dir())


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> Lexicons:
    config = tomllib.loads((root / "district.toml").read_text(encoding="utf-8"))
    lex_dir = root / config.get("lexicons", "lexicons")
    gazetteer = load_gazetteer(root / config["divisions"], root / config["aliases"])

    taxonomy: dict[str, dict[str, str]] = {}
    for row in _read_csv(lex_dir / "taxonomy.csv"):
        taxonomy.setdefault(row["kind"], {})[row["key"]] = row["zh"]

    quantity_rules = _read_rules(lex_dir / "quantity_rules.txt")
    scope_rules = _read_rules(lex_dir / "district_scope.txt")
    layout_rules = _read_rules(lex_dir / "layout.txt")

    def pick(rules, kind):
        return tuple(text for k, text in rules if k == kind)

    lex = Lexicons(
        district=config["name"],
        city=config.get("city", ""),
        gazetteer=gazetteer,
        taxonomy=taxonomy,
        themes=_keywords(lex_dir / "themes.csv"),
        services=_keywords(lex_dir / "services.csv"),
        units={r["unit"]: r["kind"] for r in _read_csv(lex_dir / "units.csv")},
        skip_after=pick(quantity_rules, "skip_after"),
        skip_before=pick(quantity_rules, "skip_before"),
        structure_nouns=pick(quantity_rules, "structure"),
        participation=[(r["cue"], r["where"], r["means"]) for r in _read_csv(lex_dir / "participation.csv")],
        district_markers=pick(scope_rules, "marker"),
        district_actors=pick(scope_rules, "actor"),
        district_subject=pick(scope_rules, "subject"),
        single_site=re.compile("|".join(pick(scope_rules, "single_site")) or r"(?!)"),
        not_district=frozenset(pick(scope_rules, "not_district")),
        section_labels=frozenset(pick(layout_rules, "section")),
        series_pattern=re.compile("|".join(pick(layout_rules, "series")) or r"(?!)"),
        meta_pattern=re.compile("|".join(pick(layout_rules, "meta")) or r"(?!)"),
        outline_path=root / config["outline"],
        bulletins_dir=root / config.get("bulletins", "bulletins"),
    )
    lex.tokenizer = _build_tokenizer(lex)
    from .labels import keyword_index
    lex.keyword_index = keyword_index(lex.themes, lex.services)
    lex.keyword_automaton = automaton(lex.keyword_index)
    lex.alias_automaton = automaton(a for a in gazetteer.aliases if len(a) >= 2)
    return lex


def _build_tokenizer(lex: Lexicons) -> jieba.Tokenizer:
    """jieba with a user dictionary of place names and lexicon keywords, so they stay whole words."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    words = set(lex.gazetteer.aliases)
    words.update(k.text for k in lex.themes + lex.services)
    words.update(d.name.removesuffix("街道") for d in lex.gazetteer.streets)
    for word in sorted(words):
        if len(word) >= 2:
            tokenizer.add_word(word, freq=200000)
    return tokenizer
