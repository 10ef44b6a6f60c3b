"""Page furniture: the lines of a copied page that are not article text.

E-paper navigation, page lists, date pickers, site headers and footers, breadcrumbs,
reprint disclaimers, WeChat furniture, editor and source lines, lists of other
articles. The patterns are data (data/lexicons/furniture.txt); this module only
applies them, one decision per line, and says why a line was dropped so that
nothing disappears unseen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TERMINAL = "。！？!?"
LIST_ITEM_MAX = 40  # a related-article or page-list item is a headline, not a paragraph


@dataclass(frozen=True)
class FurnitureRule:
    kind: str  # line | list
    reason: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Dropped:
    """A line left out of the articles, and why."""
    line: int  # 0-based line number in the bulletin text
    text: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line + 1, "text": self.text, "reason": self.reason}


def parse_rules(lines: list[str]) -> list[FurnitureRule]:
    rules = []
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[0] not in ("line", "list"):
            raise ValueError(f"furniture rule not understood: {line!r}")
        rules.append(FurnitureRule(parts[0], parts[1], re.compile(parts[2])))
    return rules


def load_rules(path: Path | str) -> list[FurnitureRule]:
    return parse_rules(Path(path).read_text(encoding="utf-8").splitlines())


_PREFILTER: dict[int, tuple[list, re.Pattern, list]] = {}


def _prefilter(rules: list[FurnitureRule]) -> tuple[re.Pattern, list[FurnitureRule]]:
    """The rules anchored at the line's start as one pattern tried at the start only (most lines
    are article text and match none, which one match tells), and the other rules."""
    cached = _PREFILTER.get(id(rules))
    if cached is None or cached[0] is not rules:
        anchored = [r for r in rules if r.pattern.pattern.startswith("^")]
        floating = [r for r in rules if not r.pattern.pattern.startswith("^")]
        pattern = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in anchored) or "(?!)")
        cached = (rules, pattern, floating)
        _PREFILTER[id(rules)] = cached
    return cached[1], cached[2]


def _match(text: str, rules: list[FurnitureRule], prefilter=None) -> FurnitureRule | None:
    """The first rule (in file order) that the line matches."""
    if prefilter is not None:
        anchored, floating = prefilter
        if not anchored.match(text) and not any(r.pattern.search(text) for r in floating):
            return None
    for rule in rules:
        if rule.pattern.search(text):
            return rule
    return None


def _list_item(text: str) -> bool:
    core = text.strip()
    return bool(core) and len(core) <= LIST_ITEM_MAX and core.rstrip("”’」』）)")[-1:] not in TERMINAL


def furniture_lines(lines: list[str], rules: list[FurnitureRule]) -> dict[int, str]:
    """Line number -> reason, for every line of `lines` that is page furniture.

    A `list` rule drops its own line and the short unterminated lines after it (related
    headlines, a page list) up to the first blank line that follows an item, or the first
    line that reads as body text.
    """
    out: dict[int, str] = {}
    prefilter = _prefilter(rules)
    in_list: str | None = None
    items = 0
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            if in_list and items:
                in_list = None
            continue
        rule = _match(text, rules, prefilter)
        if rule is not None:
            out[i] = rule.reason
            if rule.kind == "list":
                in_list, items = rule.reason, 0
            elif in_list:
                items += 1
            continue
        if in_list and _list_item(text):
            out[i] = in_list
            items += 1
            continue
        in_list = None
    _account_echoes(lines, out)
    return out


# A WeChat post's header line (云冈发布  2025年02月14日 19:02  山西) names its account before the date.
ACCOUNT_HEADER = re.compile(r"^\s*((?:\S{2,20}\s+){1,3})\d{4}\s*(?:年|[-/.])")


def _account_echoes(lines: list[str], out: dict[int, str]) -> None:
    """A line printing only the account's name of a WeChat header line (the copy's first line,
    above the title) is furniture too."""
    names = set()
    for i, reason in out.items():
        if reason == "wechat":
            m = ACCOUNT_HEADER.match(lines[i])
            if m:
                names.update(w for w in m.group(1).split() if len(w) >= 2 and w != "原创")
    if names:
        for i, line in enumerate(lines):
            if i not in out and line.strip() in names:
                out[i] = "wechat"


def drop_furniture(text: str, rules: list[FurnitureRule]) -> tuple[str, list[Dropped]]:
    """The text with furniture lines blanked (line numbers and offsets of other lines kept
    as far as line numbers go), and the dropped lines with their reasons."""
    lines = text.split("\n")
    decisions = furniture_lines(lines, rules)
    dropped = [Dropped(i, lines[i].strip(), reason) for i, reason in sorted(decisions.items())]
    kept = ["" if i in decisions else line for i, line in enumerate(lines)]
    return "\n".join(kept), dropped
