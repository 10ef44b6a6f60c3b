"""A new tab shows its figures first, and everything else just after them.

The browser lays out every element a run sends before it paints the page, and most of a new
tab's wait was laying out elements nobody looks at first: the sidebar's dozen input widgets
(date fields, multiselects: their scripts loaded, compiled and drawn), the export menus, the
briefing control, the latest articles. So a session's first run in a browser draws only what a
page says first (the title, the key figures, the charts) and a small element that, once the
browser has painted them, asks for the next run; that one, and every run after it, draws
everything. Elements the first run leaves out keep their place (an empty container), so the
second run adds to the page and moves nothing already drawn.

Without a browser (AppTest) nothing is painted, and every run draws everything."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import streamlit as st

STATIC = Path(__file__).resolve().parent / "static"
PAINTED = "_painted"  # set once the browser has drawn the session's first run

_component = st.components.v2.component(
    "pingcheng_painted", js=(STATIC / "painted.js").read_text(encoding="utf-8"), isolate_styles=False)


def _in_browser() -> bool:
    try:
        return bool(st.context.url)
    except Exception:  # noqa: BLE001 - no browser context (AppTest)
        return False


def begin() -> None:
    """At the start of a run: is it a new tab's first paint? (decided once per run)."""
    st.session_state["_first_paint"] = not st.session_state.get(PAINTED) and _in_browser()


def first() -> bool:
    """This run draws the page's figures only (a new tab's first paint)."""
    return bool(st.session_state.get("_first_paint"))


def later(draw: Callable[[], None]) -> None:
    """Draw `draw` here, except in a first paint, when only its place is kept."""
    slot = st.container()
    if not first():
        with slot:
            draw()


def _painted() -> None:
    st.session_state[PAINTED] = True


def ask_for_the_rest() -> None:
    """In a first paint: the element that asks for the next run once the browser has drawn this one."""
    _component(key="painted", on_painted_change=_painted)
