"""Storage on a real SQLite file and a real PostgreSQL server."""
import os
import shutil
import subprocess
import sys

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from etl.ingest import ingest_paths
from etl.store import Article, Bulletin, Dimension, Place, make_engine, stats
from support import ROOT, SAMPLES


def test_ingest_samples_then_again_changes_nothing(engine):
    first = ingest_paths(engine, sorted(SAMPLES.glob("*.txt")))
    assert first.count("stored") == 5 and not first.refused
    before = stats(engine)
    assert before["bulletins"] == 5 and before["articles"] == 46
    again = ingest_paths(engine, sorted(SAMPLES.glob("*.txt")))
    assert again.count("unchanged") == 5
    assert stats(engine) == before


def test_an_edited_file_replaces_its_old_records(engine, tmp_path):
    path = tmp_path / "page.txt"
    body = ("本报讯（记者 郑林）近日，崇仁社区开展义诊活动。医护人员为居民测量血压、血糖，讲解慢性病预防知识，"
            "并为行动不便的老人提供上门服务，受到居民欢迎。\n")
    path.write_text("标题一\n\n" + body, encoding="utf-8")
    ingest_paths(engine, [path])
    path.write_text("标题二\n\n" + body.replace("崇仁社区", "先锋村") + "\n另一篇\n\n本报讯（记者 尚丽）近日，文兴社区开展讲座。\n",
                    encoding="utf-8")
    report = ingest_paths(engine, [path])
    assert report.outcomes[0].status == "replaced" and "replaced" in report.outcomes[0].reason
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Bulletin)) == 1
        assert s.scalars(select(Article.title).order_by(Article.seq)).all() == ["标题二", "另一篇"]
        names = set(s.scalars(select(Place.name)))
    assert "崇仁社区" not in names and {"先锋村", "文兴社区", "鹿苑街道"} <= names


def test_a_failed_write_leaves_the_old_bulletin_whole(engine, tmp_path, monkeypatch):
    path = tmp_path / "page.txt"
    shutil.copy(SAMPLES / "000_8acc8cdd8bbd3a19.txt", path)
    ingest_paths(engine, [path])
    before = stats(engine)
    path.write_text(path.read_text(encoding="utf-8") + "\n补充\n\n本报讯（记者 甲乙）近日，新增活动。\n",
                    encoding="utf-8")

    import etl.store.write as store
    real_rows = store.child_rows
    calls = {"n": 0}

    def failing_rows(record, facts, article_id):  # the third article's rows cannot be written
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_rows(record, facts, article_id)

    monkeypatch.setattr(store, "child_rows", failing_rows)
    report = ingest_paths(engine, [path])  # that file is refused with the reason; nothing is raised
    assert [o.status for o in report.outcomes] == ["refused"] and "disk full" in report.outcomes[0].reason
    assert stats(engine) == before


def test_an_older_store_gains_new_columns_without_manual_steps(db_url):
    from sqlalchemy import create_engine, inspect, text
    old = create_engine(db_url)
    with old.begin() as conn:  # the articles table as an older version made it: no section column
        conn.execute(text("CREATE TABLE bulletins (id INTEGER PRIMARY KEY, name VARCHAR(255))"))
        conn.execute(text("CREATE TABLE articles (id INTEGER PRIMARY KEY, bulletin_id INTEGER, title TEXT)"))
    old.dispose()
    from etl.store import make_engine
    engine = make_engine(db_url)
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    assert {"section", "activity_date", "date_precision"} <= columns
    engine.dispose()


def test_the_same_files_get_the_same_dimension_bits_whatever_the_hash_seed(tmp_path):
    """Keys reach the store as sets, whose order follows Python's hash seed; the bits handed
    out must not (two stores of the same files agree bit for bit)."""
    dimensions = []
    for seed in ("1", "2", "3"):
        url = f"sqlite:///{tmp_path / f'seed{seed}.db'}"
        env = dict(os.environ, PYTHONHASHSEED=seed, DATABASE_URL=url)
        subprocess.run([sys.executable, "-m", "etl", "ingest", str(SAMPLES), "--quiet"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        engine = make_engine(url)
        with engine.connect() as conn:
            dimensions.append(sorted(conn.execute(select(Dimension.kind, Dimension.key, Dimension.bit)).all()))
        engine.dispose()
    assert len(dimensions[0]) > 10
    assert dimensions[0] == dimensions[1] == dimensions[2]
