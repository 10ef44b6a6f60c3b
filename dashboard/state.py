"""The shared filters in the session, the sidebar and the URL. Each filter's key, SQL and words
are defined once in analytics.filters.FILTERS; this module draws each one's widget from that
definition and keeps the three in step: the URL decides on a session's first run, the widgets
after that, and the URL follows so the address bar can be bookmarked or sent."""
from __future__ import annotations

import streamlit as st

from analytics.filters import FILTERS, URL_KEYS, Filters, FilterSpec
from etl.knowledge import load_knowledge

from . import paint
from .vocabulary import service_names, theme_names

PENDING = "_pending_filters"  # filters asked for by a click, applied before the widgets are drawn


def widget_key(spec: FilterSpec) -> str:
    return f"f_{spec.url_key}"


def current() -> Filters:
    return st.session_state.get("filters", Filters())


def request(**changes) -> None:
    """Cross-filter from a click: every page shows the new filters on the next run."""
    st.session_state[PENDING] = current().with_(**changes)
    st.rerun()


def _apply(f: Filters) -> None:
    for spec in FILTERS:
        value = getattr(f, spec.field)
        st.session_state[widget_key(spec)] = list(value) if isinstance(value, tuple) else value


def _options(spec: FilterSpec) -> tuple[list[str], dict[str, str] | None]:
    """A list filter's choices (and their words, when keys are codes)."""
    gaz = load_knowledge().gazetteer
    if spec.widget.options == "streets":
        return [s.name for s in gaz.streets], None
    if spec.widget.options == "units":
        chosen = st.session_state.get("f_streets") or []
        return [u.name for u in gaz.units if not chosen or u.street in chosen], None
    names = theme_names() if spec.widget.options == "themes" else service_names()
    return list(names), names


def _draw(spec: FilterSpec, container) -> None:
    key, w = widget_key(spec), spec.widget
    if w.kind == "date":
        container.date_input(w.label, key=key, format="YYYY-MM-DD")
    elif w.kind == "checkbox":
        container.checkbox(w.label, key=key, help=w.help or None)
    elif w.kind == "text":
        container.text_input(w.label, key=key, placeholder=w.placeholder, max_chars=100)
    elif w.kind == "choice":
        words = dict(w.choices)
        container.selectbox(w.label, list(words), key=key, format_func=words.get, help=w.help or None,
                            placeholder="请选择")
    else:
        options, names = _options(spec)
        # No "Select all" (Streamlit has no Chinese for it; and all selected is no filter anyway).
        container.multiselect(w.label, options, key=key, placeholder=w.placeholder, help=w.help or None,
                              format_func=(lambda k: names.get(k, k)) if names else str, select_all=False)


def _from_widgets() -> Filters:
    values = {}
    for spec in FILTERS:
        value = st.session_state.get(widget_key(spec), spec.default)
        if isinstance(spec.default, tuple):
            value = tuple(value or ())
        elif isinstance(spec.default, str):
            value = (value or "").strip()
        values[spec.field] = spec.default if value is None and spec.default is not None else value
    return Filters(**values)


def begin() -> Filters:
    """The run's filters, before the page draws anything: from the URL on a session's first run,
    from a click's request, else from the widgets' values (which the session holds before the
    widgets are drawn again); the URL is kept in step. The widgets themselves are drawn after
    the page (`sidebar`): a new tab shows the page's figures without waiting for the browser to
    lay out a dozen input widgets first."""
    if "_filters_loaded" not in st.session_state:  # first run of a session: the URL decides
        _apply(Filters.from_params(st.query_params))
        st.session_state["_filters_loaded"] = True
    if PENDING in st.session_state:
        _apply(st.session_state.pop(PENDING))
    for spec in FILTERS:  # streets before communities: a community's choices follow the streets
        if spec.widget.kind == "multiselect":
            options = set(_options(spec)[0])
            key = widget_key(spec)
            # A value from an old or edited URL that is no longer a choice is dropped, not an error.
            st.session_state[key] = [v for v in st.session_state.get(key) or [] if v in options]
    f = _from_widgets()
    st.session_state["filters"] = f
    wanted = f.to_params()
    shown = {k: st.query_params.get_all(k) for k in st.query_params if k in URL_KEYS}
    if shown != wanted:  # other parameters (an open article) stay as they are
        others = {k: st.query_params.get_all(k) for k in st.query_params if k not in URL_KEYS}
        st.query_params.from_dict({**others, **wanted})
    return f


def _clear() -> None:
    st.session_state[PENDING] = Filters()


def sidebar() -> None:
    """Draw the filters' widgets in the sidebar, showing the values `begin` took for this run
    (same keys, so the browser keeps each widget mounted from run to run); in a new tab's first
    paint, only what asks for them (dashboard.paint)."""
    with st.sidebar:
        if paint.first():
            paint.ask_for_the_rest()
            return
        st.header("筛选")
        date_columns = iter(st.columns(2))  # the two dates side by side, the rest one a row
        for spec in FILTERS:
            _draw(spec, next(date_columns) if spec.widget.kind == "date" else st)
        # A callback: the next run starts with no filters (the button is drawn after the page).
        st.button("清除全部筛选", width="stretch", on_click=_clear)


def article_param() -> int | None:
    """The open article from the URL (?article=ID). Anything but a plain number of a sane size
    (², 99999999999999999999, text) is ignored with a notice."""
    raw = st.query_params.get("article")
    if raw is None or raw == "":
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        return int(raw)
    st.caption("链接中的文章编号无效，已忽略。")
    return None
