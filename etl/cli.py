"""python -m etl {ingest,extract,evaluate,stats,corrections,bench,brief}: a thin layer over the library.

Each command calls one library function; what the library refuses becomes a message
here, at the edge.
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def issue_date_option(value: str) -> str:
    from .dates import stated_issue
    try:
        return stated_issue(value, "option").value
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def cmd_extract(args) -> int:
    from .pipeline import ParseOptions, Refusal, extract_rows, parse_paths
    failed = 0
    records = []
    for result in parse_paths(args.paths, ParseOptions(issue_date=args.issue_date)):
        if isinstance(result, Refusal):
            print(f"拒绝 (refused): {result.reason}", file=sys.stderr)
            failed += 1
        else:
            records.append(result)
    # Every article's `event` key groups the reports of one event among all the files given,
    # so the rows are printed once every file is read.
    rows = iter(extract_rows(records, evidence=args.evidence))
    for record in records:
        for _ in record.articles:
            print(json.dumps(next(rows), ensure_ascii=False))
        if args.show_dropped:
            for d in record.dropped:
                print(json.dumps({"bulletin": record.name, "dropped": d.as_dict()}, ensure_ascii=False))
    return 1 if failed else 0


def cmd_evaluate(args) -> int:
    from .evaluate import BARS, GoldError, evaluate, format_errors, format_scorecard
    from .knowledge import load_knowledge
    paths = (args.paths or []) + ([args.texts] if args.texts else []) or [load_knowledge().bulletins_dir]
    scope = set(args.community_scope.split(",")) if args.community_scope else None
    try:
        result = evaluate(args.gold, paths, scope, args.partial, args.errors)
    except GoldError as e:
        print(e, file=sys.stderr)
        return 2
    print(json.dumps(result.card, ensure_ascii=False) if args.json else format_scorecard(result.card, BARS[args.bars]))
    if args.errors:
        print()
        print(format_errors(result.errors))
    return 0


STORE_FAILED = 3  # exit code: the store could not be opened or written


def open_store(db: str | None):
    """The store's engine, or None after saying why it cannot be opened (no traceback)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .ingest import describe_store_error
    from .store import database_url, make_engine
    try:
        return make_engine(db)
    except (SQLAlchemyError, OSError) as e:
        print(f"无法打开数据库 {database_url(db).split('@')[-1]}：{describe_store_error(e)} "
              f"(cannot open the store)", file=sys.stderr)
        return None


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    from .ingest import ingest_paths
    from .pipeline import ParseOptions
    from .sources import bulletin_paths
    from .store import database_url
    paths = bulletin_paths(args.paths)
    if not paths:
        print("没有找到公报文件；请给出 .txt、.pdf、.docx 或 .html 文件或文件夹 (no bulletin files found in: "
              + " ".join(args.paths) + "; give .txt, .pdf, .docx or .html files or folders)", file=sys.stderr)
        return 2
    engine = open_store(args.db)
    if engine is None:
        return STORE_FAILED
    with tqdm(total=len(paths), unit="file", desc="ingest", disable=args.quiet, file=sys.stderr) as bar:
        report = ingest_paths(engine, paths, workers=args.workers,
                              options=ParseOptions(issue_date=args.issue_date, max_mb=args.max_mb),
                              progress=lambda _: bar.update())
    print(report.summary())
    print(f"store: {database_url(args.db).split('@')[-1]}")
    if report.store_error:
        print("存储失败，导入未完成；见上方说明 (the store failed and the ingest is incomplete; see above)",
              file=sys.stderr)
        return STORE_FAILED
    return 1 if report.refused else 0


def cmd_stats(args) -> int:
    from .store import stats
    engine = open_store(args.db)
    if engine is None:
        return STORE_FAILED
    figures = stats(engine)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:24s} {value}")
    return 0


def cmd_corrections_export(args) -> int:
    from pathlib import Path

    from .store import make_engine
    from .store.review import reviewed_as_gold
    gold, texts = reviewed_as_gold(make_engine(args.db))
    if args.texts:  # every bulletin as plain text, under the name the gold file gives it
        folder = Path(args.texts)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (folder / Path(name).with_suffix(".txt").name).write_text(text, encoding="utf-8")
        for row in gold:
            row["bulletin"] = Path(row["bulletin"]).with_suffix(".txt").name
    out = Path(args.output)
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in gold), encoding="utf-8")
    print(f"{len(gold)} 篇已核对文章写入 {out}" + (f"，{len(texts)} 份公报原文写入 {args.texts}" if args.texts else "")
          + f" ({len(gold)} reviewed articles written)")
    if args.texts:
        print(f"score the extractor against them: python -m etl evaluate --gold {out} --texts {args.texts} --partial")
    return 0


def cmd_corrections_orphans(args) -> int:
    from .store import make_engine
    from .store.review import orphans
    rows = orphans(make_engine(args.db))
    for o in rows:
        print(f"{o['id']}\t{o['bulletin']}\t{o['title'][:30]}\t{o['field']}\t{o['reviewer']}\t{o['created_at']}")
    print(f"{len(rows)} 条更正失去了对应的文章 ({len(rows)} orphaned corrections)", file=sys.stderr)
    return 0


def cmd_bench(args) -> int:
    from tools.bench import main as bench_main  # a tool on top of every layer
    return bench_main(args)


def date_option(value: str):
    from datetime import date
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{value!r} (a date is YYYY-MM-DD)") from e


def cmd_brief(args) -> int:
    from pathlib import Path

    from dashboard.briefing import FORMATS, BriefingError, make  # a briefing uses every layer
    from dashboard.briefing.options import filters_from_options
    from dashboard.exports import ImageExportUnavailable

    from .store import make_engine
    out = Path(args.output)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        print("请用 --format 选择 docx、pdf 或 pptx，或让 -o 的文件名以其结尾。"
              " (Choose --format docx|pdf|pptx, or end the -o file name with one.)", file=sys.stderr)
        return 2
    try:
        f = filters_from_options(args.date_from, args.date_to, args.street, args.community, args.theme,
                                 args.service, args.q, args.undated)
        _, data = make(make_engine(args.db), f, fmt, base_url=args.base_url)
    except (BriefingError, ImageExportUnavailable) as e:
        print(str(e), file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成简报 (briefing written): {out} ({fmt}, {len(data) / 1024:.0f} KB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="bulletin ETL (公报数据处理)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="store bulletins in the database",
                       description="Store bulletins. Exit code 0: all stored or unchanged; 1: some files were "
                                   "refused (the others were stored); 2: no files given; 3: the store could "
                                   "not be opened or written (what was stored before is whole; run again).")
    p.add_argument("paths", nargs="+", help="bulletin files or folders")
    p.add_argument("--db", help="SQLite file or SQLAlchemy URL (default: $DATABASE_URL or the district's SQLite file)")
    p.add_argument("--workers", type=int, default=1, help="parse in N processes")
    p.add_argument("--issue-date", type=issue_date_option, help="issue date of the bulletin(s), YYYY-MM-DD")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--max-mb", type=float, help="refuse files larger than this (default 20, or $ETL_MAX_FILE_MB)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("stats", help="counts of what the store holds")
    p.add_argument("--db", help="SQLite file or SQLAlchemy URL")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("bench", help="benchmark ETL and dashboard queries on a synthetic corpus")
    p.add_argument("--articles", type=int, default=2000, help="articles in the synthetic ETL corpus")
    p.add_argument("--query-articles", type=int, default=10000, help="articles in the bulk-loaded query store")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL"),
                   help="PostgreSQL server URL; the benchmark creates and drops its own database there")
    p.add_argument("--repeat", type=int, default=2, help="best of N runs for jieba alone and the 1-worker ETL")
    p.add_argument("--hostile-scale", type=float, default=1.0,
                   help="size of the hostile files of the worst case (1: the attacks of issue 9; 0: skip)")
    p.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("corrections", help="reviewers' corrections: export as a gold file, list orphans")
    corrections = p.add_subparsers(dest="action", required=True)
    q = corrections.add_parser("export", help="reviewed articles as a gold JSONL (../shared/gold format)")
    q.add_argument("-o", "--output", required=True, help="the gold JSONL file to write")
    q.add_argument("--texts", help="also write the bulletins' texts here, for etl evaluate --texts")
    q.add_argument("--db", help="SQLite file or SQLAlchemy URL")
    q.set_defaults(func=cmd_corrections_export)
    q = corrections.add_parser("orphans", help="corrections whose article is no longer in the store")
    q.add_argument("--db", help="SQLite file or SQLAlchemy URL")
    q.set_defaults(func=cmd_corrections_orphans)

    p = sub.add_parser("brief", help="a briefing (工作简报) of the filtered view as Word, PDF or slides")
    p.add_argument("--from", dest="date_from", type=date_option, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=date_option, help="last day, YYYY-MM-DD")
    p.add_argument("--street", action="append", help="a street (repeat, or comma-separated)")
    p.add_argument("--community", action="append", help="a community or village (repeat, or comma-separated)")
    p.add_argument("--theme", action="append", help="a theme, key or Chinese name (elderly, 为老服务)")
    p.add_argument("--service", action="append", help="a service type, key or Chinese name")
    p.add_argument("--q", help="a keyword in the headline or the text")
    p.add_argument("--undated", action=argparse.BooleanOptionalAction, default=True,
                   help="count articles whose date is unknown, as the dashboard does by default (default: yes)")
    p.add_argument("--format", choices=("docx", "pdf", "pptx"), help="default: the suffix of -o")
    p.add_argument("-o", "--output", required=True, help="the file to write")
    p.add_argument("--db", help="SQLite file or SQLAlchemy URL (default: $DATABASE_URL or the district's SQLite file)")
    p.add_argument("--base-url", default=os.environ.get("PINGCHENG_BASE_URL", "http://localhost:8501"),
                   help="where the dashboard is served, for the links to articles (default: $PINGCHENG_BASE_URL "
                        "or http://localhost:8501)")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("extract", help="print one JSON object per article (with its event key)")
    p.add_argument("paths", nargs="+", help="bulletin files or folders")
    p.add_argument("--issue-date", type=issue_date_option, help="issue date of the bulletin(s), YYYY-MM-DD")
    p.add_argument("--evidence", action=argparse.BooleanOptionalAction, default=True,
                   help="include the evidence list (default: yes)")
    p.add_argument("--show-dropped", action="store_true",
                   help="after a bulletin's articles, one line per line of it left out of them, with the "
                        "reason: {\"bulletin\": …, \"dropped\": {\"line\", \"text\", \"reason\"}}")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score extraction against a gold JSONL")
    p.add_argument("--gold", required=True, help="the gold JSONL (records.md fields)")
    p.add_argument("paths", nargs="*", help="bulletins to extract (default: the district's sample bulletins)")
    p.add_argument("--texts", help="a folder of bulletin texts to extract (the gold's bulletins)")
    p.add_argument("--community-scope", help="comma list of districts whose gold communities are scored")
    p.add_argument("--partial", action="store_true",
                   help="the gold covers only some articles (reviewed ones): others are not counted as errors")
    p.add_argument("--errors", action="store_true",
                   help="list what was missed and invented, per field and per phenomenon tag")
    p.add_argument("--bars", choices=["seed", "dev"], default="seed",
                   help="the thresholds shown beside the scores (seed gold set or development set)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader stopped (`etl extract … | head`): nothing more to say, and no traceback.
        # Python's own flush of stdout at exit would fail again: it goes to /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
