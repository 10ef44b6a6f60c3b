"""Issue 9, item 6: when the store cannot be written (a read-only SQLite file, a PostgreSQL
database that goes away mid-ingest), the ingest stops with a clear message and a summary of
what was stored, exit code 3, no traceback; a dropped connection alone is retried."""
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from etl.ingest import ingest_paths
from etl.store import make_engine, stats
from support import POSTGRES_ADMIN_URL, ROOT, SAMPLES

PAGES = sorted(SAMPLES.glob("*.txt"))


def _corpus(folder, copies):
    folder.mkdir(exist_ok=True)
    for i in range(copies):
        for sample in PAGES:
            text_ = sample.read_text(encoding="utf-8")
            (folder / f"{i:03d}_{sample.name}").write_text(text_ + f"\n\n（第{i}份）\n", encoding="utf-8")
    return sorted(folder.glob("*.txt"))


def _ingest(paths, db, *extra):
    return subprocess.Popen([sys.executable, "-m", "etl", "ingest", *map(str, paths), "--db", db, "--quiet", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_read_only_sqlite_store_stops_the_ingest_with_a_message_and_a_summary(tmp_path, workers):
    store = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{store}")
    ingest_paths(engine, PAGES[:1])
    engine.dispose()
    # Opened read-only, as SQLite opens a file it may not write (root may write any file, so the
    # test asks for read-only explicitly).
    read_only = f"sqlite:///file:{store}?mode=ro&uri=true"
    run = _ingest(PAGES[:3], read_only, "--workers", workers)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 3, out + err
    assert "Traceback" not in err + out
    assert "1 unchanged" in out  # the summary of what was done before the failure
    assert "数据库只读" in out and "the store is read-only" in out
    assert "2 files were not processed" in out and f"未处理 (not processed) {PAGES[1]}" in out
    assert stats(make_engine(f"sqlite:///{store}"))["bulletins"] == 1


def test_a_store_that_cannot_be_opened_is_said_so(tmp_path):
    run = _ingest(PAGES[:1], "postgresql+psycopg://postgres@127.0.0.1:1/none")
    out, err = run.communicate(timeout=120)
    assert run.returncode == 3 and "无法打开数据库" in err and "Traceback" not in err


def _admin():
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _wait_for_bulletins(url, proc, at_least):
    engine = make_engine(url)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if stats(engine)["bulletins"] >= at_least:
            break
        time.sleep(0.05)
    engine.dispose()
    assert proc.poll() is None, "the ingest finished first; make the corpus larger"


def test_a_postgresql_database_dropped_mid_ingest_stops_it_with_a_summary(tmp_path, postgres_url):
    paths = _corpus(tmp_path / "corpus", 12)
    proc = _ingest(paths, postgres_url)
    _wait_for_bulletins(postgres_url, proc, 3)
    name = postgres_url.rsplit("/", 1)[1]
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 3, out + err
    assert "Traceback" not in out + err
    assert "存储失败，导入已停止" in out and "does not exist" in out
    assert "stored" in out.splitlines()[0] and "files were not processed" in out


def test_a_dropped_postgresql_connection_is_retried_and_the_ingest_completes(tmp_path, postgres_url):
    paths = _corpus(tmp_path / "corpus", 8)
    proc = _ingest(paths, postgres_url)
    _wait_for_bulletins(postgres_url, proc, 3)
    name = postgres_url.rsplit("/", 1)[1]
    admin = _admin()
    with admin.connect() as conn:  # the server stays up; the ingest's connections are cut
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    admin.dispose()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert stats(make_engine(postgres_url))["bulletins"] == len(paths)
