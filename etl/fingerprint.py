"""What identifies an article's text across re-ingests and small OCR changes: a key of its
normalised text, and a similarity of two texts that small edits barely move."""
from __future__ import annotations

import hashlib
import re

# Spaces, punctuation and symbols differ between an e-paper's text layer and its OCR, and
# between copies of one report; the words do not: the runs of letters and digits are kept.
WORDS = re.compile(r"[^\W_]+")
ANCHOR_CHARS = 400


def normalised(text: str) -> str:
    # The runs joined: a quarter faster than taking out what lies between them.
    return "".join(WORDS.findall(text or ""))


def article_key(text: str) -> str:
    """The same text gives the same key, whatever its spacing and punctuation."""
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()


def anchor(text: str) -> str:
    """The opening of an article, kept with a correction to find the article again when its
    text has changed a little (an edited bulletin, a better extractor)."""
    return normalised(text)[:ANCHOR_CHARS]


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character pairs of two normalised texts (0–1)."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x or y else 1.0
