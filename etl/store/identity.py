"""What a bulletin is, and when a new file replaces a stored bulletin.

A bulletin is identified by what it holds (the SHA-256 of its bytes), where it came from (its
source: the path as given on the command line, or an upload's own name) and its issue date.

The rule, applied to each file as it is stored:

1. **The same content is already stored** (under any name): the file is `unchanged`, and
   skipped before parsing. When it was stored from another source the outcome says so
   (a duplicate: "identical to …").
2. **An edited version** replaces the stored bulletin it edits, in one transaction. A stored
   bulletin is the one edited when
   - it has the same file name (the last part of the source: `2025-06-03/page2.txt` and
     `page2.txt` match, so a moved folder, or a store made before sources were kept, still
     finds its bulletins), and
   - its issue date does not contradict the file's (both stated to the day or month and
     different: page2 of two issues), and
   - the texts are similar enough to be an edit: at least EDIT_SIMILARITY of their
     6-character pieces are shared (Jaccard over the sets; ~0.9 for corrected typos or an
     added article, ~0 for another issue's page).
   Of several, the most similar is replaced. The outcome gives the replaced source and the
   similarity.
3. **Anything else is a new bulletin**, stored beside the others. When a bulletin of the same
   name was not replaced, the outcome says why (other issue date, or too different) so a
   stale version can be noticed.
"""
from __future__ import annotations

from dataclasses import dataclass

SHINGLE = 6
EDIT_SIMILARITY = 0.5
SAMPLE_ABOVE = 20_000  # characters; longer texts are compared on a fixed 1/8 of their pieces
SAMPLE_EVERY = 8


def _pieces(text: str, sample: bool) -> set[int]:
    compact = "".join(text.split())
    pieces = {hash(compact[i:i + SHINGLE]) for i in range(max(len(compact) - SHINGLE + 1, 1))}
    return {p for p in pieces if p % SAMPLE_EVERY == 0} if sample else pieces


def similarity(old: str, new: str) -> float:
    """Share of 6-character pieces the two texts have in common (Jaccard; 1.0 identical),
    white space ignored. Linear in the texts' length."""
    sample = max(len(old), len(new)) > SAMPLE_ABOVE
    a, b = _pieces(old, sample), _pieces(new, sample)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Candidate:
    """A stored bulletin of the same file name."""
    id: int
    source: str
    issue_date: str | None
    issue_precision: str
    text: str


def dates_conflict(a: str | None, a_precision: str, b: str | None, b_precision: str) -> bool:
    """Two issue dates stated (to the day or month, not inferred from the text) that differ."""
    stated = ("day", "month")
    return bool(a and b and a_precision in stated and b_precision in stated and a != b)


def edited(candidates: list[Candidate], text: str, issue_date: str | None, issue_precision: str
           ) -> tuple[Candidate | None, str]:
    """The stored bulletin this text is an edit of (or None), and why, in Chinese then English."""
    best, best_score, notes = None, 0.0, []
    for c in candidates:
        if dates_conflict(c.issue_date, c.issue_precision, issue_date, issue_precision):
            notes.append((f"与同名的 {c.source} 出版日期不同（{c.issue_date} / {issue_date}）",
                          f"{c.source} has the same name but another issue date, {c.issue_date}"))
            continue
        score = similarity(c.text, text)
        if score >= EDIT_SIMILARITY and score > best_score:
            best, best_score = c, score
        elif score < EDIT_SIMILARITY:
            notes.append((f"与同名的 {c.source} 文字只有 {score:.0%} 相同，不是它的修订版",
                          f"{c.source} has the same name but only {score:.0%} of the text in common, "
                          f"so this is not an edit of it"))
    if best is not None:
        return best, (f"替换了 {best.source}：同名且文字 {best_score:.0%} 相同，视为修订版 "
                      f"(replaced {best.source}: same name and {best_score:.0%} of the text in common, an edited version)")
    if notes:
        zh = "；".join(n[0] for n in notes)
        en = "; ".join(n[1] for n in notes)
        return None, f"作为另一份公报保存，未替换任何公报：{zh} (kept as another bulletin, nothing replaced: {en})"
    return None, ""
