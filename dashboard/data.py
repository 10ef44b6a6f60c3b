"""The store as the dashboard reads it: one engine per URL, the first-run build from the
district's sample bulletins, and query results cached per store version."""
from __future__ import annotations

from types import FunctionType
from typing import Callable

import streamlit as st

from analytics import queries
from analytics.filters import Filters
from etl.knowledge import load_knowledge
from etl.store import database_url, make_engine


def engine():
    return _engine(database_url())


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return make_engine(url)


VERSION_KEY = "_store_version"


def store_version(fresh: bool = False) -> tuple:
    """Changes whenever an ingest changes the store; part of every cached figure's key. Read
    from the store once per run of the app (start_run), so that a page of ten figures asks the
    store once, and the figures still follow an ingest made elsewhere on the next run."""
    if not fresh and VERSION_KEY in st.session_state:
        return st.session_state[VERSION_KEY]
    version = (database_url(), *queries.store_version(engine()))
    st.session_state[VERSION_KEY] = version
    return version


def start_run() -> tuple:
    """At the top of every run: the store's version, read once for the whole run."""
    return store_version(fresh=True)


def _function_name(fn: FunctionType) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs={FunctionType: _function_name})
def _cached(query: Callable, version: tuple, filters: Filters, args: tuple):
    # Every argument is part of the key (none starts with an underscore): the query itself,
    # the store version (a new bulletin makes new keys), the filters and the query's options.
    return query(engine(), filters, *args)


def figure(query: Callable, filters: Filters, *args):
    """`query(engine, filters, *args)` from analytics.queries, cached per store version."""
    return _cached(query, store_version(), filters, args)


def article(article_id: int) -> dict | None:
    return queries.article_detail(engine(), article_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _has_articles(version: tuple) -> bool:
    return queries.has_articles(engine())


def is_empty() -> bool:
    return not _has_articles(store_version())


def ensure_store() -> None:
    """First start on a fresh clone: build the store from the district's sample bulletins."""
    if start_run()[1]:  # bulletins stored: nothing to build
        return
    from etl.ingest import ingest_paths
    from etl.sources import bulletin_paths
    paths = bulletin_paths([load_knowledge().bulletins_dir])
    if not paths:
        return
    bar = st.progress(0.0, text="首次启动：正在导入样例公报…")
    done = []

    def progress(outcome) -> None:
        done.append(outcome)
        bar.progress(len(done) / len(paths), text=f"首次启动：已导入 {len(done)}/{len(paths)} 份公报")
    ingest_paths(engine(), paths, progress=progress)
    bar.empty()
    start_run()
