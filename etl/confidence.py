"""How much to trust an article's record: a score from 0 to 1 and the reasons that lowered it.

Each reason is a sign, seen in the text, that a stage may have gone wrong: the splitter
found no lead or no headline, the article stands next to page furniture or stops mid-
sentence, a place was not in the gazetteer, a count is vague, the date's year was
inferred, the best theme barely beat the next. A review queue sorts by the score.
"""
from __future__ import annotations

# What each sign costs. Splitting errors cost most: every field of a wrong article is wrong.
PENALTIES = {
    "no_lead": 0.15,  # no 本报讯/XX讯 lead: a feature, or a fragment of another article
    "no_headline": 0.15,  # body text with no headline above it
    "furniture_nearby": 0.1,  # page furniture right above or below: a cut may be off
    "cut_off": 0.1,  # the text stops mid-sentence
    "unknown_place": 0.1,  # a community-shaped name that is not in the gazetteer
    "no_place": 0.1,  # no place of ours and not district-wide: another district's, or a place missed
    "vague_count": 0.05,  # 数百名, 二三十名: a count with no single value
    "inferred_date": 0.05,  # a month and day whose year was taken from the publication
    "labels_close": 0.1,  # the first theme won by a hair
}
CLOSE_RATIO = 0.85  # the runner-up theme scored at least this share of the best


def labels_close(scores: dict[str, float]) -> bool:
    ranked = sorted(scores.values(), reverse=True)
    return len(ranked) >= 2 and ranked[0] > 0 and ranked[1] >= CLOSE_RATIO * ranked[0]


def confidence(reasons: list[str]) -> float:
    """1 minus the penalties of the reasons, never below 0."""
    return round(max(0.0, 1.0 - sum(PENALTIES.get(r, 0.0) for r in dict.fromkeys(reasons))), 3)
