"""python -m etl {ingest,extract,evaluate,stats}"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .extract import extract_bulletin
from .lexicon import load_lexicons
from .read import ReadError, read_text
from .sources import bulletin_paths


def cmd_extract(args) -> int:
    lex = load_lexicons()
    failed = 0
    for path in bulletin_paths(args.paths):
        try:
            text = read_text(path)
        except (OSError, ReadError) as e:
            print(f"skipped: {e}", file=sys.stderr)
            failed += 1
            continue
        record = extract_bulletin(text, path.name, path, args.issue_date, lex)
        for article in record.articles:
            row = article.as_json()
            row["issue_date"] = record.issue.value
            row["issue_date_precision"] = record.issue.precision
            if not args.evidence:
                row.pop("evidence")
            print(json.dumps(row, ensure_ascii=False))
    return 1 if failed else 0


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_paths, format_scorecard
    card = evaluate_paths(Path(args.gold), args.paths or [load_lexicons().bulletins_dir])
    print(json.dumps(card, ensure_ascii=False) if args.json else format_scorecard(card))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="平城区 bulletin ETL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print one JSON object per article")
    p.add_argument("paths", nargs="+", help="bulletin files or folders")
    p.add_argument("--issue-date", help="issue date of the bulletin(s), YYYY-MM-DD")
    p.add_argument("--evidence", action=argparse.BooleanOptionalAction, default=True,
                   help="include the evidence list (default: yes)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score extraction against a gold JSONL")
    p.add_argument("--gold", required=True)
    p.add_argument("paths", nargs="*", help="bulletins to extract (default: data/bulletins)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
