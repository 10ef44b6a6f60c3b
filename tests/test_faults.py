"""Crashes and concurrency: kill -9 during ingest, then re-run; two ingests into one store."""
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from etl.pipeline import parse_file
from etl.store import Article, Bulletin, make_engine, stats
from support import ROOT, SAMPLES


def _corpus(folder, copies):
    """Copies of the samples under new names, each made distinct (identical content would be one
    bulletin): expected articles per file name."""
    folder.mkdir()
    expected = {}
    for sample in sorted(SAMPLES.glob("*.txt")):
        n = len(parse_file(sample).articles)
        text = sample.read_text(encoding="utf-8")
        for i in range(copies):
            name = f"{i:03d}_{sample.name}"
            (folder / name).write_text(text.rstrip("\n") + f"\n\n（第{i}份）\n", encoding="utf-8")
            expected[name] = n
    return expected


def _ingest(folder, db, *extra):
    return subprocess.Popen([sys.executable, "-m", "etl", "ingest", str(folder), "--db", db, "--quiet", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _articles_per_bulletin(engine):
    with Session(engine) as s:
        rows = s.execute(select(Bulletin.name, func.count(Article.id))
                         .outerjoin(Article, Article.bulletin_id == Bulletin.id).group_by(Bulletin.name)).all()
    return dict(rows)


def test_kill_9_during_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path, db_url):
    expected = _corpus(tmp_path / "corpus", 30)
    engine = make_engine(db_url)
    proc = _ingest(tmp_path / "corpus", db_url)
    deadline = time.monotonic() + 120
    while stats(engine)["bulletins"] < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    partial = _articles_per_bulletin(engine)  # the store opens
    assert 0 < len(partial) < len(expected)
    assert all(partial[name] == expected[name] for name in partial), "a bulletin was half-written"
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    rerun = _ingest(tmp_path / "corpus", db_url)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"{len(expected) - len(partial)} stored" in out and f"{len(partial)} unchanged" in out
    assert _articles_per_bulletin(engine) == expected


def test_two_concurrent_ingests_into_one_store(tmp_path, db_url):
    expected = _corpus(tmp_path / "corpus", 8)
    first, second = _ingest(tmp_path / "corpus", db_url), _ingest(tmp_path / "corpus", db_url, "--workers", "2")
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    engine = make_engine(db_url)
    assert _articles_per_bulletin(engine) == expected
    assert stats(engine)["articles"] == sum(expected.values())
