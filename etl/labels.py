"""Themes and service types from keyword lexicons (data/lexicons/themes.csv, services.csv).

A keyword counts where jieba (its user dictionary keeps keywords and place names
whole) makes it a word, so 文化西街社区 never counts as 文化. A label's
score adds its keyword weights, more for the headline and the lead; labels
close enough to the best one are kept, the best first.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from .knowledge import Knowledge
from .segment import Segmentation, occurrences

TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
REPEAT_CAP = 3  # a keyword said ten times is not ten times the evidence
# The least score a label needs: a service is a specific delivery (a talk, a drill, a
# hand-out), so one passing mention of a weak word (发放, 讲解) does not make it one.
MIN_SCORE = {"theme": 3.0, "service": 3.5}
RELATIVE_TO_BEST = 0.2


@dataclass(slots=True)
class LabelHit:
    key: str
    keyword: str
    start: int
    end: int


def _choose(scores: dict[str, float], least: float) -> list[str]:
    if not scores:
        return []
    best = max(scores.values())
    return sorted((key for key, s in scores.items() if s >= least and s >= RELATIVE_TO_BEST * best),
                  key=lambda key: -scores[key])


def _inside(spans):
    """pos -> whether pos lies in one of the half-open spans: a bisect over the merged spans,
    so the keyword step stays linear in the text's length however many places it names."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    starts = [s for s, _ in merged]
    if not merged:
        return lambda pos: False

    def inside(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < merged[i][1]
    return inside


def labels(text: str, seg: Segmentation, kb: Knowledge, title_end: int, lead_end: int,
           masked: list[tuple[int, int]] = ()):
    """(themes, services, theme hits, service hits, theme scores): labels best first, hits of
    kept labels, and every theme's score (how close the call was).
    A keyword counts where jieba makes it a whole word, and not inside a place name
    (`masked` spans: 文化西街社区 is no 文化)."""
    scores = {"theme": defaultdict(float), "service": defaultdict(float)}
    hits: list[tuple[str, LabelHit]] = []
    in_place = _inside(masked)
    counted: dict[str, int] = defaultdict(int)  # keyword -> times it counted
    for start, end, word in occurrences(kb.keyword_automaton, text, ordered=False):
        if counted[word] >= REPEAT_CAP:
            continue  # it adds nothing more: no need to ask whether it is a word here
        if in_place(start) or not seg.is_token(start, end):
            continue
        counted[word] += 1
        place = TITLE_WEIGHT if start < title_end else LEAD_WEIGHT if start < lead_end else 1.0
        for kind, k in kb.keyword_index[word]:
            scores[kind][k.key] += k.weight * place
            if counted[word] == 1:  # evidence: where each keyword is first found
                hits.append((kind, LabelHit(k.key, word, start, end)))
    themes, services = _choose(scores["theme"], MIN_SCORE["theme"]), _choose(scores["service"], MIN_SCORE["service"])
    return (themes, services, [h for kind, h in hits if kind == "theme" and h.key in themes],
            [h for kind, h in hits if kind == "service" and h.key in services], dict(scores["theme"]))
