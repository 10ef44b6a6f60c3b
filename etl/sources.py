"""Finding bulletin files: paths or folders given on the command line."""
from __future__ import annotations

from pathlib import Path

from .formats import SUFFIXES as BULLETIN_SUFFIXES


def bulletin_paths(paths: list[str | Path], suffixes=BULLETIN_SUFFIXES) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            out.append(p)
    return out
