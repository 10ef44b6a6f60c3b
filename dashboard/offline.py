"""Nothing the app shows or exports reaches for the network (the district's offices may have
none). The browser side is covered by the figures (no geo subplot, no CDN topojson), the page
icon (a local file) and the plotly locale (shipped in the app); this module covers the
server-side renderer: kaleido would load MathJax from a CDN into its page, and is given an
empty local script instead (the charts hold no LaTeX)."""
from __future__ import annotations

from pathlib import Path

import plotly.io as pio

NO_MATHJAX = Path(__file__).resolve().parent / "static" / "no_mathjax.js"


def configure_renderer() -> None:
    """plotly's kaleido default: no MathJax from cdnjs (plotly.js itself comes from the plotly
    package; no figure has a geo subplot, so no topojson is ever fetched)."""
    pio.defaults.mathjax = str(NO_MATHJAX)
