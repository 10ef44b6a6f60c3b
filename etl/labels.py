"""Themes and service types from keyword lexicons (data/lexicons/themes.csv, services.csv).

Keywords are matched on jieba tokens of the article (the user dictionary keeps
keywords and place names whole), so 文化西街社区 never counts as 文化. A label's
score adds its keyword weights, more for the headline and the lead; labels
close enough to the best one are kept, the best first.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .lexicon import Keyword, Lexicons

TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
REPEAT_CAP = 3  # a keyword said ten times is not ten times the evidence
MIN_SCORE = 3.0
RELATIVE_TO_BEST = 0.3


@dataclass(frozen=True)
class LabelHit:
    key: str
    keyword: str
    start: int
    end: int


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def keyword_hits(tokens: list[Token], keywords: list[Keyword]) -> list[tuple[Keyword, Token]]:
    by_text: dict[str, list[Keyword]] = defaultdict(list)
    for k in keywords:
        by_text[k.text].append(k)
    return [(k, t) for t in tokens for k in by_text.get(t.text, ())]


def score_labels(tokens: list[Token], keywords: list[Keyword], title_end: int, lead_end: int
                 ) -> tuple[list[str], list[LabelHit]]:
    scores: dict[str, float] = defaultdict(float)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    hits: list[LabelHit] = []
    for k, t in keyword_hits(tokens, keywords):
        seen[(k.key, k.text)] += 1
        place = TITLE_WEIGHT if t.start < title_end else LEAD_WEIGHT if t.start < lead_end else 1.0
        if seen[(k.key, k.text)] <= REPEAT_CAP:
            scores[k.key] += k.weight * place
        hits.append(LabelHit(k.key, k.text, t.start, t.end))
    if not scores:
        return [], []
    best = max(scores.values())
    keep = sorted((key for key, s in scores.items() if s >= MIN_SCORE and s >= RELATIVE_TO_BEST * best),
                  key=lambda key: -scores[key])
    return keep, [h for h in hits if h.key in keep]


def labels(tokens: list[Token], lex: Lexicons, title_end: int, lead_end: int):
    themes, theme_hits = score_labels(tokens, lex.themes, title_end, lead_end)
    services, service_hits = score_labels(tokens, lex.services, title_end, lead_end)
    return themes, services, theme_hits, service_hits
