"""SYNTHETIC bulletins for benchmarks, recombined from the real sample articles.

Every file is named YYYY-MM-DD_synthetic_NNNNNN.txt (a companion page: …_b.txt) and is written only where the
caller asks (a temporary folder in `etl bench`), never into data/: these are not
real reports. Places are swapped for other official names of the district, dates
spread over ten years, counts varied. Some pages have a companion page of another outlet a
few days later that reports some of the same activities again, rewritten (another headline,
no lead, the last paragraph left out, counts rounded): duplicates for the events to find.
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


@dataclass
class Written:
    """One synthetic article as printed: its headline lines and paragraphs."""
    title_lines: list[str]
    paragraphs: list[str]

    def text(self) -> str:
        return "\n".join(self.title_lines) + "\n\n" + "\n\n".join(self.paragraphs)


def make_articles(articles: list[SourceArticle], issue: date, rng: random.Random, kb: Knowledge,
                  count: int) -> list[Written]:
    out = []
    for source in rng.sample(articles, min(count, len(articles))):
        body = "\n\n".join(source.paragraphs)
        body = _shift_dates(_vary_numbers(_swap_places(body, rng, kb), rng), issue, rng)
        out.append(Written([_swap_places(line, rng, kb) for line in source.title_lines], body.split("\n\n")))
    return out


def make_bulletin(articles: list[SourceArticle], issue: date, rng: random.Random, kb: Knowledge,
                  per_bulletin: int) -> str:
    return "\n\n".join(a.text() for a in make_articles(articles, issue, rng, kb, per_bulletin)) + "\n"


LEAD = re.compile(r"^(?:本报讯|又讯)?[（(][^）)]{0,30}[）)]|^(?:本报讯|又讯)")
PEOPLE = re.compile(r"(\d+)(余|多)?(名|位|人)")


def _round_people(m: re.Match) -> str:
    value = int(m.group(1))
    if value < 20:
        return m.group(0)
    return f"{value // 10 * 10}余{m.group(3)}"


def rewrite(article: Written) -> Written:
    """Another outlet's report of the same activity: the headline lines in another order (or
    with a tail), no lead, the last paragraph left out, head counts rounded (126名 → 120余名);
    the places and the date stay."""
    title = list(reversed(article.title_lines)) if len(article.title_lines) > 1 else \
        [article.title_lines[0] + " 活动侧记"]
    paragraphs = article.paragraphs[:-1] if len(article.paragraphs) > 1 else list(article.paragraphs)
    paragraphs = [LEAD.sub("", paragraphs[0]).lstrip("，, ")] + paragraphs[1:]
    return Written(title, [PEOPLE.sub(_round_people, p) for p in paragraphs])


def write_corpus(folder: Path, n_articles: int, seed: int = 7, per_bulletin: int = 10,
                 kb: Knowledge | None = None, start: date = date(2016, 1, 1), years: int = 10,
                 companions: float = 0.3, repeated: int = 3) -> list[Path]:
    """Write bulletins holding about n_articles articles in total; returns their paths. A share
    `companions` of the pages get a companion page 1-4 days later whose first `repeated`
    articles report activities of the page again, rewritten."""
    kb = kb or load_knowledge()
    rng = random.Random(seed)
    articles = source_articles(kb)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(README, encoding="utf-8")
    paths = []
    span = years * 365
    written, i = 0, 0
    while written < n_articles:
        issue = start + timedelta(days=rng.randrange(span))
        page = make_articles(articles, issue, rng, kb, min(per_bulletin, n_articles - written))
        path = folder / f"{issue.isoformat()}_synthetic_{i:06d}.txt"
        path.write_text("\n\n".join(a.text() for a in page) + "\n", encoding="utf-8")
        paths.append(path)
        written += len(page)
        if written < n_articles and rng.random() < companions:
            later = issue + timedelta(days=rng.randint(1, 4))
            again = [rewrite(a) for a in page[:repeated]]
            fresh = make_articles(articles, later, rng, kb, max(0, min(per_bulletin, n_articles - written) - len(again)))
            companion = folder / f"{later.isoformat()}_synthetic_{i:06d}_b.txt"
            companion.write_text("\n\n".join(a.text() for a in again + fresh) + "\n", encoding="utf-8")
            paths.append(companion)
            written += len(again) + len(fresh)
        i += 1
    return paths
