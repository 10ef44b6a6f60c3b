"""Issue 9, item 2: a bulletin is what it is (content, source, issue date), not its file name.
A different bulletin never replaces another; an edited version does, and the summary says so."""
import subprocess
import sys

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

import etl.ingest
from etl.ingest import ingest_paths
from etl.pipeline import ParseOptions
from etl.store import Article, Bulletin, make_engine, stats
from support import ROOT, SAMPLES

PAGES = sorted(SAMPLES.glob("*.txt"))


def _copy(sample, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample.read_bytes())
    return path


def _bulletins(engine):
    with Session(engine) as s:
        return s.execute(select(Bulletin.source, Bulletin.name, func.count(Article.id))
                         .outerjoin(Article, Article.bulletin_id == Bulletin.id)
                         .group_by(Bulletin.id, Bulletin.source, Bulletin.name).order_by(Bulletin.id)).all()


def test_page2_of_two_issues_are_two_bulletins(engine, tmp_path):
    first = _copy(PAGES[0], tmp_path / "2025-06-03" / "page2.txt")
    second = _copy(PAGES[1], tmp_path / "2025-06-10" / "page2.txt")
    report = ingest_paths(engine, [first, second])
    assert [o.status for o in report.outcomes] == ["stored", "stored"]
    held = _bulletins(engine)
    assert [name for _, name, _ in held] == ["page2.txt", "page2.txt"]
    assert [source for source, _, _ in held] == [str(first), str(second)]
    # The summary's article count is what the store holds (it said 18 while 11 were kept).
    assert report.articles_written == stats(engine)["articles"] == sum(n for *_, n in held) == 18
    assert "另存 (stored beside a namesake)" in report.summary() and "not an edit" in report.outcomes[1].reason


def test_two_uploads_of_the_same_name_in_one_batch_are_both_kept(engine, tmp_path):
    """The import page passes (temporary path, the upload's own name) pairs."""
    a = _copy(PAGES[0], tmp_path / "0" / "upload.txt")
    b = _copy(PAGES[2], tmp_path / "1" / "upload.txt")
    report = ingest_paths(engine, [(a, "page2.txt"), (b, "page2.txt")])
    assert [(o.path, o.name, o.status) for o in report.outcomes] == [("page2.txt", "page2.txt", "stored")] * 2
    assert [(source, name) for source, name, _ in _bulletins(engine)] == [("page2.txt", "page2.txt")] * 2
    # The upload's name, not the temporary file's, gives the issue date.
    c = _copy(PAGES[3], tmp_path / "2" / "upload.txt")
    ingest_paths(engine, [(c, "2025-06-17_page2.txt")])
    with Session(engine) as s:
        assert s.scalar(select(Bulletin.issue_date).where(Bulletin.source == "2025-06-17_page2.txt")) == "2025-06-17"


def test_an_edited_version_replaces_its_bulletin_and_says_why(engine, tmp_path):
    path = _copy(PAGES[0], tmp_path / "page2.txt")
    ingest_paths(engine, [path])
    original = path.read_text(encoding="utf-8")
    edited = original.replace("社区", "社區", 1) + "\n补充报道\n\n本报讯（记者 郑林）近日，崇仁社区开展义诊活动，20余名居民参加。\n"
    path.write_text(edited, encoding="utf-8")
    report = ingest_paths(engine, [path])
    (outcome,) = report.outcomes
    assert outcome.status == "replaced" and outcome.other == str(path)
    assert "修订版" in outcome.reason and "edited version" in outcome.reason and "%" in outcome.reason
    assert "替换 (replaced)" in report.summary()
    assert stats(engine)["bulletins"] == 1 and stats(engine)["articles"] == outcome.articles


def test_the_same_bytes_under_another_name_are_a_duplicate_not_stored_twice(engine, tmp_path, monkeypatch):
    a = _copy(PAGES[0], tmp_path / "a" / "page.txt")
    b = _copy(PAGES[0], tmp_path / "b" / "copy.txt")
    ingest_paths(engine, [a])
    monkeypatch.setattr(etl.ingest, "parse_job", lambda job: (_ for _ in ()).throw(AssertionError("parsed")))
    report = ingest_paths(engine, [b, a])  # skipped by hash before any parsing
    assert [o.status for o in report.outcomes] == ["unchanged", "unchanged"]
    assert report.outcomes[0].other == str(a) and "duplicate" in report.outcomes[0].reason
    assert "重复 (duplicate)" in report.summary()
    assert stats(engine)["bulletins"] == 1


def test_the_same_name_with_another_issue_date_is_kept_beside(engine, tmp_path):
    path = _copy(PAGES[0], tmp_path / "page.txt")
    ingest_paths(engine, [path], options=ParseOptions(issue_date="2025-06-03"))
    path.write_text(path.read_text(encoding="utf-8") + "\n（转载）\n", encoding="utf-8")  # nearly the same text
    report = ingest_paths(engine, [path], options=ParseOptions(issue_date="2025-06-10"))
    assert report.outcomes[0].status == "stored" and "issue date" in report.outcomes[0].reason
    assert stats(engine)["bulletins"] == 2


def test_similarity_tells_an_edit_from_another_page():
    from etl.store.identity import similarity
    pages = [p.read_text(encoding="utf-8") for p in PAGES]
    assert similarity(pages[0], pages[0]) == 1.0
    assert similarity(pages[0], pages[0].replace("社区", "小区") + "\n新增一段。") > 0.5
    assert all(similarity(a, b) < 0.2 for i, a in enumerate(pages) for b in pages[i + 1:])


def test_a_long_upload_name_is_cut_to_its_column(engine, tmp_path):
    path = _copy(PAGES[0], tmp_path / "x.txt")
    name = "很长的文件名" * 60 + ".txt"
    report = ingest_paths(engine, [(path, name)])
    assert report.outcomes[0].status == "stored"
    ((source, shown, _),) = _bulletins(engine)
    assert name.endswith(source) and len(shown) == 255


OLD_SCHEMA = [  # bulletins and articles as the version before sources made them (ID: SERIAL on PostgreSQL)
    "CREATE TABLE bulletins (id ID PRIMARY KEY, name VARCHAR(255) NOT NULL, content_hash VARCHAR(64) NOT NULL, "
    "issue_date VARCHAR(10), issue_precision VARCHAR(16) NOT NULL, issue_source VARCHAR(16) NOT NULL, "
    "synthetic BOOLEAN NOT NULL, ingested_at TIMESTAMP NOT NULL, text TEXT NOT NULL, UNIQUE (name))",
    "CREATE TABLE articles (id ID PRIMARY KEY, bulletin_id INTEGER NOT NULL REFERENCES bulletins (id) "
    "ON DELETE CASCADE, seq INTEGER NOT NULL, title TEXT NOT NULL)",
    "INSERT INTO bulletins VALUES (1, 'page2.txt', 'abc', '2025-06-03', 'day', 'filename', false, "
    "'2025-06-03 10:00:00', '旧公报')",
    "INSERT INTO articles VALUES (1, 1, 1, '旧文章')",
    "SELECT setval('bulletins_id_seq', 1)",  # PostgreSQL only
]


def test_an_older_store_keyed_by_name_is_migrated_and_keeps_its_bulletins(db_url, tmp_path):
    old = create_engine(db_url)
    serial = "SERIAL" if old.dialect.name == "postgresql" else "INTEGER"
    with old.begin() as conn:
        for statement in OLD_SCHEMA:
            if "setval" not in statement or serial == "SERIAL":
                conn.execute(text(statement.replace("id ID", f"id {serial}")))
    old.dispose()
    engine = make_engine(db_url)
    with Session(engine) as s:
        assert s.execute(select(Bulletin.name, Bulletin.source)).all() == [("page2.txt", "page2.txt")]
        assert s.scalars(select(Article.title)).all() == ["旧文章"]  # the rebuild kept the articles
    assert not any(c["column_names"] == ["name"] for c in inspect(engine).get_unique_constraints("bulletins"))
    make_engine(db_url).dispose()  # a second opening finds nothing left to do
    report = ingest_paths(engine, [_copy(PAGES[0], tmp_path / "new" / "page2.txt")])
    assert report.outcomes[0].status == "stored", report.outcomes[0].reason
    assert stats(engine)["bulletins"] == 2
    with engine.begin() as conn:  # the articles still follow their bulletin
        conn.execute(text("DELETE FROM bulletins WHERE id = 1"))
    with Session(engine) as s:
        assert "旧文章" not in s.scalars(select(Article.title)).all()
    engine.dispose()


def test_the_command_line_summary_says_what_was_replaced(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    one = _copy(PAGES[0], tmp_path / "2025-06-03" / "page2.txt")
    _copy(PAGES[1], tmp_path / "2025-06-10" / "page2.txt")
    run = subprocess.run([sys.executable, "-m", "etl", "ingest", str(tmp_path), "--db", db, "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "2 stored" in run.stdout and "18 articles written" in run.stdout
    one.write_text(one.read_text(encoding="utf-8") + "\n更正：活动时间为上午九时。\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "etl", "ingest", str(tmp_path), "--db", db, "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert "1 replaced, 1 unchanged" in run.stdout and f"替换 (replaced) {one}" in run.stdout
