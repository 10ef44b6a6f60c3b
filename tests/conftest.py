import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, text

from browser_support import CHROMIUM, CHROMIUM_ARGS, Offline, offline_page
from etl.knowledge import load_knowledge
from etl.store import make_engine
from support import POSTGRES_ADMIN_URL


@pytest.fixture(scope="session", autouse=True)
def default_store_outside_the_checkout(tmp_path_factory):
    """A test that opens the default store (no DATABASE_URL, no --db) writes a temporary file,
    never the checkout's data/pingcheng.db, which is a user's store."""
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('default-store') / 'store.db'}"
    yield
    if saved is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = saved


@pytest.fixture(scope="session")
def kb():
    return load_knowledge()


def _postgres_or_skip():
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
        return admin
    except Exception as e:  # noqa: BLE001 - any connection failure means no server
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but did not answer at {POSTGRES_ADMIN_URL}: {e}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ADMIN_URL}")


@pytest.fixture
def postgres_server():
    """The server's admin URL, once it answers (a failure in CI, a skip elsewhere)."""
    _postgres_or_skip().dispose()
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url():
    """A fresh database on the PostgreSQL server, dropped afterwards."""
    admin = _postgres_or_skip()
    name = f"pingcheng_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


# ---- the real browser (tests marked `browser`; the helpers are in browser_support.py) ----------

@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium (never a downloaded build), one per test module."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def offline():
    return Offline()


@pytest.fixture
def page(browser, offline):
    """A page in a fresh context; the test fails if the page tried to reach the network."""
    with offline_page(browser, offline) as pg:
        yield pg
