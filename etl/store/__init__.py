"""Store stage: the schema, the writes of one bulletin, and the bit sets the figures read."""
from .bits import bits_of, count_bits, dimension_bits, keys_in, read_bits, totals_by_key
from .engine import database_url, make_engine
from .schema import (Article, ArticleText, Base, Bulletin, CorrectionRow, CountRow, Dimension, Event, EvidenceRow,
                     Label, Place, StoreMeta)
from .stats import stats
from .write import store_bulletin

__all__ = ["Article", "ArticleText", "Base", "Bulletin", "CorrectionRow", "CountRow", "Dimension", "Event", "EvidenceRow", "Label", "Place", "StoreMeta",
           "bits_of", "count_bits", "database_url", "dimension_bits", "keys_in", "make_engine", "read_bits",
           "stats", "store_bulletin", "totals_by_key"]
