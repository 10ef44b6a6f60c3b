import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from etl.knowledge import load_knowledge
from etl.store import make_engine
from support import POSTGRES_ADMIN_URL


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
