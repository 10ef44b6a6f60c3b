"""How a store is opened: an SQLite file in the district's data folder by default
(district.toml names it); any SQLAlchemy URL (PostgreSQL for shared deployments) through
--db or DATABASE_URL. A store made by an older version is brought up to date on opening."""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from ..knowledge import load_knowledge
from . import grams, summaries
from .migrate import backfill_article_facts, backfill_events
from .schema import create_schema


def database_url(explicit: str | None = None) -> str:
    """--db, else $DATABASE_URL, else the district's SQLite file (district.toml `store`). A value
    that is no URL is a SQLite file's path (as sqlite-utils and datasette take them)."""
    given = explicit or os.environ.get("DATABASE_URL")
    if not given:
        return f"sqlite:///{load_knowledge().store_path}"
    return given if "://" in given else f"sqlite:///{given}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is off (it would commit at a SAVEPOINT's release):
    # SQLAlchemy's begin, commit and rollback are the only ones (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never block a writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: still consistent after a crash, fewer fsyncs
    # A checkpoint each 40 MB of WAL, not 4: every bulletin rewrites pages of the indexes, the
    # summaries and the keyword index, which are then copied back (and synced) far less often;
    # checkpoints took about a sixth of storing (5,000 synthetic articles).
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    # A page cache of 32 MB, not 2: an ingest's batch changes more pages than 2 MB hold, which
    # spilled to the WAL before its commit (written again at it) and were read back from there
    # (storing 5,000 articles made 41,700 reads and 76,200 writes; now 19,600 and 51,100).
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.execute("PRAGMA busy_timeout=30000")  # concurrent ingests wait instead of failing
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN when SQLAlchemy begins a transaction, so its reads and writes are one snapshot and
    savepoints nest in it. A writer's (`writing`) is IMMEDIATE: it takes the write lock first,
    waiting for another writer's commit (busy_timeout) instead of failing on a stale snapshot;
    a reader's is deferred and never waits (WAL)."""
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # the caller begins and commits itself (a migration)
    # Returned to the pool, an AUTOCOMMIT connection was reset to the driver's own handling.
    conn.connection.driver_connection.isolation_level = None
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("begin") == "immediate" else "BEGIN")


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes (engine.begin() for a writer): committed at the end, rolled
    back on an exception. On SQLite it holds the write lock from its start."""
    with engine.connect().execution_options(begin="immediate") as conn, conn.begin():
        yield conn


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith(("sqlite:///:memory:", "sqlite:///file:")):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)
    # A server connection may have been dropped while pooled; a SQLite file's cannot.
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    create_schema(engine)
    backfill_article_facts(engine)
    backfill_events(engine)
    grams.ensure(engine)  # a store from before the keyword index or the summaries gets them
    summaries.ensure(engine)
    return engine
