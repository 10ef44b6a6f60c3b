"""Which HTML path reads a page better: the BeautifulSoup path of etl/formats.py, or
trafilatura (a maintained main-content extractor)? Issue 10 asks for trafilatura where it
measurably does better on HTML built from the development set's texts.

Each dev-set text becomes a web page: the lines before its first gold headline go into a
header block, the lines after its last paragraph into a footer block, headlines into <h2>,
the rest into <p>. Both paths' text then goes through the same extractor and is scored
against the dev-set gold (as `etl evaluate --community-scope` does).

    .venv/bin/python -m tools.html_compare [--devset ../shared/devset] [--keep DIR]

Needs trafilatura (requirements.txt, Tools). Result on 2026-11-25 (branch extract): the
BeautifulSoup path plus the line-level furniture rules scored as well or better on every
measure (reporters F1 1.000 vs 0.942, streets F1 0.982 vs 0.960, segmentation recall
1.000 vs 0.993), so formats.py keeps it.
"""
from __future__ import annotations

import argparse
import html
from pathlib import Path

from etl import formats
from etl.evaluate import load_jsonl, score, street_of_units
from etl.extract import extract_bulletin
from etl.knowledge import load_knowledge

MEASURES = ("segmentation_recall", "segmentation_precision", "streets_f1", "streets_p", "communities_f1",
            "reporters_f1", "participants_f1", "quantities_f1", "themes_f1", "services_f1", "event_date_acc")


def page(text: str, headlines: set[str]) -> str:
    """A web page holding the text: header block, headlines and paragraphs, footer block."""
    lines = [line.strip() for line in text.splitlines()]
    heads = [i for i, line in enumerate(lines) if line in headlines]
    first = min(heads) if heads else 0
    ends = [i for i, line in enumerate(lines) if line.endswith(("。", "）", "”", ")"))]
    last = max(ends) if ends else len(lines) - 1
    block = "".join
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>"
            + html.escape(lines[first] if lines else "") + "</title></head><body>"
            + "<div class=\"top\">" + block(f"<div>{html.escape(x)}</div>" for x in lines[:first] if x) + "</div>"
            + "<div class=\"content\">"
            + block((f"<h2>{html.escape(x)}</h2>" if x in headlines else f"<p>{html.escape(x)}</p>")
                    for x in lines[first:last + 1] if x)
            + "</div><div class=\"bottom\">" + block(f"<div>{html.escape(x)}</div>" for x in lines[last + 1:] if x)
            + "</div></body></html>")


def trafilatura_text(markup: str) -> str:
    import trafilatura
    return trafilatura.extract(markup, output_format="txt", include_comments=False, include_tables=False,
                               favor_recall=True, deduplicate=False) or ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "devset")
    parser.add_argument("--keep", type=Path, help="write the built pages here")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    gold = load_jsonl(args.devset / "gold.jsonl")
    headlines: dict[str, set[str]] = {}
    for g in gold:
        headlines.setdefault(g["bulletin"], set()).update(p.strip() for p in g["title"].split(" / ") if p.strip())
    rows: dict[str, list[dict]] = {"beautifulsoup": [], "trafilatura": []}
    for path in sorted((args.devset / "texts").glob("*.txt")):
        markup = page(path.read_text(encoding="utf-8"), headlines.get(path.name, set()))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / (path.stem + ".html")).write_text(markup, encoding="utf-8")
        for kind, text in (("beautifulsoup", formats._html_text(markup)), ("trafilatura", trafilatura_text(markup))):
            rows[kind] += extract_bulletin(text, path.name, kb).rows(evidence=False)
    street_of = street_of_units()
    print(f"{'measure':24s} " + " ".join(f"{k:>14s}" for k in rows))
    cards = {k: score(gold, pred, street_of, kb.district, {kb.district}) for k, pred in rows.items()}
    for m in MEASURES:
        print(f"{m:24s} " + " ".join(f"{cards[k][m]:14.3f}" for k in rows))


if __name__ == "__main__":
    main()
