"""Scorecard of the extractor against a hand-made gold file (records.md, "How extraction is scored")."""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .knowledge import load_knowledge
from .pipeline import Refusal, parse_paths

IGNORED = re.compile(r"[\s“”\"'‘’《》（）()，,。.、：:；;！!？?/·\-—…]+")
TITLE_CHARS, SENTENCE_CHARS, MIN_SIMILARITY = 16, 30, 0.5
SET_FIELDS = ("streets", "communities", "themes", "services", "participants", "quantities", "reporters")

# Thresholds the extractor must reach on the seed gold set (issue #2).
THRESHOLDS = {
    "segmentation_recall": 0.95, "segmentation_precision": 0.95, "streets_f1": 0.95,
    "communities_f1": 0.95, "reporters_f1": 0.95, "participants_f1": 0.90, "quantities_f1": 0.80,
    "themes_f1": 0.80, "services_f1": 0.70, "event_date_acc": 0.95, "district_wide_acc": 0.85,
}


def _opening(text: str | None, size: int) -> str:
    return IGNORED.sub("", text or "")[:size]


def similarity(a: dict, b: dict) -> float:
    best = 0.0
    for key, size in (("title", TITLE_CHARS), ("first_sentence", SENTENCE_CHARS)):
        x, y = _opening(a.get(key), size), _opening(b.get(key), size)
        if x and y:
            best = max(best, difflib.SequenceMatcher(None, x, y).ratio())
    return best


def pair_articles(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """Gold index -> predicted index, within each bulletin, most similar pairs first."""
    pairs: dict[int, int] = {}
    bulletins = {g["bulletin"] for g in gold} | {Path(p.get("bulletin", "")).name for p in pred}
    for name in bulletins:
        gi = [i for i, g in enumerate(gold) if g["bulletin"] == name]
        pj = [j for j, p in enumerate(pred) if Path(p.get("bulletin", "")).name == name]
        candidates = sorted(((similarity(gold[i], pred[j]), i, j) for i in gi for j in pj), reverse=True)
        used_pred: set[int] = set()
        for score, i, j in candidates:
            if score < MIN_SIMILARITY:
                break
            if i not in pairs and j not in used_pred:
                pairs[i] = j
                used_pred.add(j)
    return pairs


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def scores(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return (2 * p * r / (p + r) if p + r else 0.0), p, r


def _values(items) -> set:
    return {i["value"] for i in items or () if isinstance(i, dict) and i.get("value") is not None}


def field_set(article: dict, key: str, street_of: dict[str, str], gold: bool) -> set:
    if key in ("participants", "quantities"):
        return _values(article.get(key))
    if key == "streets" and gold:
        named = set(article.get("streets_in_text") or article.get("streets") or [])
        return named | {street_of[c] for c in article.get("communities") or [] if c in street_of}
    return set(article.get(key) or [])


def score(gold: list[dict], pred: list[dict], street_of: dict[str, str]) -> dict:
    pairs = pair_articles(gold, pred)
    tallies = {k: Tally() for k in SET_FIELDS}
    date_ok = wide_ok = primary_ok = 0
    for i, g in enumerate(gold):
        p = pred[pairs[i]] if i in pairs else {}
        for k in SET_FIELDS:
            tallies[k].add(field_set(g, k, street_of, True), field_set(p, k, street_of, False))
        if i in pairs:
            date_ok += (g.get("event_date") or None) == (p.get("event_date") or None)
            wide_ok += bool(g.get("district_wide")) == bool(p.get("district_wide"))
            primary_ok += bool(g.get("themes") and p.get("themes") and g["themes"][0] == p["themes"][0])
    for j in set(range(len(pred))) - set(pairs.values()):
        for k in SET_FIELDS:
            tallies[k].add(set(), field_set(pred[j], k, street_of, False))
    n = len(pairs)
    card = {
        "articles_gold": len(gold), "articles_pred": len(pred), "articles_matched": n,
        "segmentation_recall": n / len(gold) if gold else 1.0,
        "segmentation_precision": n / len(pred) if pred else 0.0,
        "event_date_acc": date_ok / n if n else 0.0,
        "district_wide_acc": wide_ok / n if n else 0.0,
        "primary_theme_acc": primary_ok / len(gold) if gold else 0.0,
    }
    for k, tally in tallies.items():
        card[f"{k}_f1"], card[f"{k}_p"], card[f"{k}_r"] = tally.scores()
    return card


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def extract_for_scoring(paths) -> list[dict]:
    """`etl extract`'s rows for the bulletins among the paths (a refused file has none)."""
    return [row for result in parse_paths(paths) if not isinstance(result, Refusal)
            for row in result.rows(evidence=False)]


def evaluate_paths(gold_path: Path | str, paths) -> dict:
    gaz = load_knowledge().gazetteer
    street_of = {d.name: d.street for d in gaz.units}
    return score(load_jsonl(gold_path), extract_for_scoring(paths), street_of)


def format_scorecard(card: dict) -> str:
    lines = [f"articles: gold {card['articles_gold']}, extracted {card['articles_pred']}, "
             f"paired {card['articles_matched']}", ""]
    lines.append(f"{'measure':28s} {'score':>6s}  {'bar':>5s}")
    for key, value in card.items():
        if isinstance(value, float):
            bar = THRESHOLDS.get(key)
            mark = "" if bar is None else ("  ok" if value >= bar else "  BELOW")
            lines.append(f"{key:28s} {value:6.3f}  {'' if bar is None else f'{bar:.2f}':>5s}{mark}")
    return "\n".join(lines)
