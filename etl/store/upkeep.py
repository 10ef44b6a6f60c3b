"""What writes keep up to date beside their rows (the summaries, the keyword index): kept by
every write, or, only to measure what keeping it costs (tools/bench.py), not; and the seconds
spent keeping it in this process."""
from __future__ import annotations

import contextlib
import time


class Upkeep:
    def __init__(self):
        self.on = True
        self.seconds = 0.0

    @contextlib.contextmanager
    def switched(self, on: bool):
        """Writes in this process keep it (on) or not: a store written without it is not
        consistent and must not be read."""
        saved, self.on = self.on, on
        try:
            yield
        finally:
            self.on = saved

    @contextlib.contextmanager
    def timed(self, also=None):
        """Time spent keeping it, added here (and to `also.seconds`, a caller's own count)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.seconds += spent
            if also is not None:
                also.seconds += spent
