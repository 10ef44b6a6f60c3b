"""The official divisions of the district, and every spelling that resolves to them.

Loaded from the district's data files (see data/district.toml): the NBS list of
streets, communities and villages, and the alias table (short forms, historical
names, typos seen in print, names of other districts).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

COMMITTEE_SUFFIX = re.compile(r"(居民委员会|村民委员会|居委会|村委会)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # official short name: 民和社区, 先锋村, 开源街道
    full_name: str  # as in the NBS list: 民和社区居民委员会
    level: str  # street | community | village
    street: str  # the street it belongs to (itself for a street)


@dataclass(frozen=True)
class Alias:
    """A surface form found in text and what it resolves to."""
    text: str
    status: str  # official | short_form | historical | variant_or_typo | other_district | area_not_division
    division: Division | None  # None for places that are not ours
    level: str  # street | community | village | area
    note: str = ""


@dataclass
class Gazetteer:
    district: str
    divisions: list[Division]
    aliases: dict[str, Alias] = field(default_factory=dict)

    @property
    def streets(self) -> list[Division]:
        return [d for d in self.divisions if d.level == "street"]

    @property
    def units(self) -> list[Division]:
        """Communities and villages."""
        return [d for d in self.divisions if d.level in ("community", "village")]

    def units_of(self, street: str) -> list[Division]:
        return [d for d in self.units if d.street == street]


def short_name(full_name: str) -> str:
    return COMMITTEE_SUFFIX.sub("", full_name)


def _level_of(name: str) -> str:
    if name.endswith(("街道", "镇", "乡")):
        return "street"
    if name.endswith("村"):
        return "village"
    if name.endswith("社区"):
        return "community"
    return "area"


def load_gazetteer(divisions_csv: Path, aliases_csv: Path | None = None) -> Gazetteer:
    divisions: list[Division] = []
    by_code: dict[str, Division] = {}
    district = ""
    with open(divisions_csv, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    street_names = {r["code"]: r["name"] for r in rows if r["level"] == "street"}
    for row in rows:
        if row["level"] == "district":
            district = row["name"]
            continue
        level = row["level"]
        street = row["name"] if level == "street" else street_names.get(row["parent_code"], row["parent_name"])
        division = Division(row["code"], short_name(row["name"]), row["name"], level, street)
        divisions.append(division)
        by_code[division.code] = division

    gaz = Gazetteer(district, divisions)
    for d in divisions:
        gaz.aliases[d.name] = Alias(d.name, "official", d, d.level)
        gaz.aliases.setdefault(d.full_name, Alias(d.full_name, "official", d, d.level))
    if aliases_csv and Path(aliases_csv).exists():
        with open(aliases_csv, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                _add_alias(gaz, row, by_code)
    _derive_typo_stems(gaz)
    return gaz


def _add_alias(gaz: Gazetteer, row: dict, by_code: dict[str, Division]) -> None:
    text, kind = row["alias"].strip(), row["kind"].strip()
    if not text or text in gaz.aliases and gaz.aliases[text].status == "official":
        return
    division = by_code.get(row.get("code", "").strip()) if kind != "other_district" else None
    if kind in ("historical", "variant_or_typo", "short_form") and division is None:
        kind = "historical_unresolved" if kind == "historical" else kind
    level = division.level if division else _level_of(text)
    gaz.aliases[text] = Alias(text, kind, division, level, row.get("note", ""))


def _derive_typo_stems(gaz: Gazetteer) -> None:
    """A misspelt street stem (清源 for 清远) is misspelt in its communities' names too."""
    for alias in list(gaz.aliases.values()):
        if alias.status != "variant_or_typo" or alias.division is None or alias.level != "street":
            continue
        wrong, right = alias.text.removesuffix("街道"), alias.division.name.removesuffix("街道")
        if not wrong or wrong == right:
            continue
        for unit in gaz.units_of(alias.division.name):
            if unit.name.startswith(right):
                typo = wrong + unit.name[len(right):]
                gaz.aliases.setdefault(typo, Alias(typo, "variant_or_typo", unit, unit.level,
                                                   f"derived from the street spelling {alias.text}"))
