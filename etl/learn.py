"""What reviewers teach the extractor, written into the district's own data files (with their
consent, line by line): a spelling of an official place as an alias, a keyword of a theme or
service type. New bulletins then resolve and label these by themselves."""
from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

from .gazetteer import Division
from .knowledge import data_dir, reload_knowledge

WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]{2,20}")


class LearnError(ValueError):
    """What cannot be added, and why (in Chinese)."""


def _config(root: Path) -> dict:
    return tomllib.loads((root / "district.toml").read_text(encoding="utf-8"))


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def alias_line(surface: str, division: Division) -> str:
    """The line the district's alias file gains (shown to the reviewer before it is added)."""
    if not WORD.fullmatch(surface or ""):
        raise LearnError(f"“{surface}”不能作为地名别名：只能是 2 到 20 个汉字、字母或数字")
    if surface == division.name:
        raise LearnError(f"“{surface}”已是官方名称")
    return _csv_line([surface, division.code, division.full_name, "variant_or_typo", "added by a reviewer"])


def keyword_line(key: str, keyword: str, weight: float = 2.0) -> str:
    if not WORD.fullmatch(keyword or ""):
        raise LearnError(f"“{keyword}”不能作为关键词：只能是 2 到 20 个汉字、字母或数字")
    return _csv_line([key, keyword, f"{weight:g}"])


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if line in text.splitlines(keepends=True) or line.rstrip("\n") in text.splitlines():
        return  # already there
    with open(path, "a", encoding="utf-8", newline="") as f:
        if text and not text.endswith("\n"):
            f.write("\n")
        f.write(line)


def add_alias(surface: str, division: Division, root: Path | None = None) -> str:
    """Append the alias to the district's alias file; returns the line added."""
    root = root or data_dir()
    line = alias_line(surface, division)
    _append(root / _config(root)["aliases"], line)
    reload_knowledge()
    return line


def add_keyword(kind: str, key: str, keyword: str, root: Path | None = None, weight: float = 2.0) -> str:
    """Append a theme (kind "theme") or service keyword to its lexicon; returns the line added."""
    root = root or data_dir()
    line = keyword_line(key, keyword, weight)
    lexicons = root / _config(root).get("lexicons", "lexicons")
    _append(lexicons / ("themes.csv" if kind == "theme" else "services.csv"), line)
    reload_knowledge()
    return line
