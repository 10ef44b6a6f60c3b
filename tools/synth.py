"""SYNTHETIC bulletins for benchmarks, recombined from the real sample articles.

Every file is named YYYY-MM-DD_synthetic_NNNNNN.txt and is written only where the
caller asks (a temporary folder in `etl bench`), never into data/: these are not
real reports. Places are swapped for other official names of the district, dates
spread over ten years, counts varied.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from etl.knowledge import Knowledge, load_knowledge
from etl.pipeline import Refusal, parse_paths
from etl.places import find_places
from etl.read import normalise

NUMBER = re.compile(r"\d+")
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
README = ("SYNTHETIC benchmark corpus made by `python -m etl bench` / tools.synth from the real sample "
          "bulletins: places, dates and counts are invented. Not real reports; never ingest into a real store.\n")


@dataclass
class SourceArticle:
    title_lines: list[str]
    paragraphs: list[str]


def source_articles(kb: Knowledge) -> list[SourceArticle]:
    """The sample bulletins' articles that have a headline, as headline lines and paragraphs."""
    out = []
    for record in parse_paths([kb.bulletins_dir], kb=kb):
        if isinstance(record, Refusal):
            continue
        for article in record.articles:
            head, body = article.text[:article.body_offset - 2], article.text[article.body_offset:]
            if head:
                out.append(SourceArticle(head.split("\n"), body.split("\n")))
    return out


def _swap_places(text: str, rng: random.Random, kb: Knowledge) -> str:
    gaz = kb.gazetteer
    streets = [s.name for s in gaz.streets]
    street_map: dict[str, str] = {}
    unit_map: dict[str, str] = {}
    mentions = [p for p in find_places(normalise(text), kb) if p.status == "ours"]
    for p in sorted(mentions, key=lambda p: p.start, reverse=True):
        new_street = street_map.setdefault(p.street, rng.choice(streets))
        if p.level == "street":
            replacement = new_street
        else:
            units = gaz.units_of(new_street) or gaz.units
            replacement = unit_map.setdefault(p.name, rng.choice(units).name)
            if p.surface != p.name:  # a short form in a list (锦祥、柳航里等社区): keep it short
                replacement = replacement.removesuffix("社区")
        text = text[:p.start] + replacement + text[p.end:]
    return text


def _vary_numbers(text: str, rng: random.Random) -> str:
    def vary(m: re.Match) -> str:
        value = int(m.group(0))
        if len(m.group(0)) == 4 and 1990 <= value <= 2030:  # a year: left for the date shift
            return m.group(0)
        return str(max(1, int(value * rng.uniform(0.5, 1.6))))
    return NUMBER.sub(vary, text)


def _shift_dates(text: str, issue: date, rng: random.Random) -> str:
    def shift(m: re.Match) -> str:
        day = issue - timedelta(days=rng.randint(0, 20))
        return f"{day.month}月{day.day}日"
    text = MONTH_DAY.sub(shift, text)
    return re.sub(r"(?<!\d)20[12]\d年", f"{issue.year}年", text)


def make_bulletin(articles: list[SourceArticle], issue: date, rng: random.Random, kb: Knowledge,
                  per_bulletin: int) -> str:
    parts = []
    for source in rng.sample(articles, min(per_bulletin, len(articles))):
        body = "\n\n".join(source.paragraphs)
        body = _shift_dates(_vary_numbers(_swap_places(body, rng, kb), rng), issue, rng)
        title = "\n".join(_swap_places(line, rng, kb) for line in source.title_lines)
        parts.append(title + "\n\n" + body)
    return "\n\n".join(parts) + "\n"


def write_corpus(folder: Path, n_articles: int, seed: int = 7, per_bulletin: int = 10,
                 kb: Knowledge | None = None, start: date = date(2016, 1, 1), years: int = 10) -> list[Path]:
    """Write bulletins holding about n_articles articles in total; returns their paths."""
    kb = kb or load_knowledge()
    rng = random.Random(seed)
    articles = source_articles(kb)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(README, encoding="utf-8")
    paths = []
    span = years * 365
    for i in range((n_articles + per_bulletin - 1) // per_bulletin):
        issue = start + timedelta(days=rng.randrange(span))
        path = folder / f"{issue.isoformat()}_synthetic_{i:06d}.txt"
        path.write_text(make_bulletin(articles, issue, rng, kb, per_bulletin), encoding="utf-8")
        paths.append(path)
    return paths
