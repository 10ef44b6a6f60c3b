"""The import page (issue 9): each upload reaches the ETL under its own name from a folder of its
own, so two uploads named alike in one batch are two bulletins; a store that cannot be written
is said in Chinese first, with what was stored, never a traceback."""
import tempfile
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from dashboard import imports
from etl.formats import max_bytes
from etl.ingest import ingest_paths
from etl.store import Bulletin, make_engine, stats
from support import ROOT, SAMPLES, page_failures

PAGES = sorted(SAMPLES.glob("*.txt"))
IMPORT_PAGE = "dashboard/app_pages/import.py"


def _upload(name: str, data: bytes):
    return SimpleNamespace(name=name, size=len(data), getvalue=lambda: data)


def test_two_uploads_of_one_name_are_two_bulletins_and_leave_no_files(engine, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the uploads are written
    uploads = [_upload("page2.txt", PAGES[0].read_bytes()), _upload("page2.txt", PAGES[2].read_bytes()),
               _upload("page2.txt", PAGES[0].read_bytes())]
    steps = []
    rows, report = imports.import_uploads(engine, uploads, max_bytes(), lambda *step: steps.append(step))
    assert [(r["文件"], r["结果"]) for r in rows] == [("page2.txt", "已导入")] * 2 + [("page2.txt", "已存在，跳过")]
    assert not report.store_error and steps == [(1, 3, "page2.txt"), (2, 3, "page2.txt"), (3, 3, "page2.txt")]
    with Session(engine) as s:
        assert s.execute(select(Bulletin.source, Bulletin.name)).all() == [("page2.txt", "page2.txt")] * 2
    assert stats(engine)["articles"] == rows[0]["文章数"] + rows[1]["文章数"] > 0
    assert list(scratch.glob("pingcheng-import-*")) == []  # the temporary folders are gone


def test_an_upload_name_never_reaches_the_file_system(engine):
    rows, _ = imports.import_uploads(engine, [_upload("../../x/2025-06-03_第2版.txt", PAGES[1].read_bytes()),
                                              _upload("..", PAGES[3].read_bytes())], max_bytes())
    assert [(r["文件"], r["结果"]) for r in rows] == [("2025-06-03_第2版.txt", "已导入"), ("..", "拒绝")]
    with Session(engine) as s:  # the upload's own name, not the temporary file's, gives the issue date
        assert s.scalar(select(Bulletin.issue_date)) == "2025-06-03"


def test_a_store_failure_says_why_and_what_was_stored_chinese_first():
    rows = [{"文件": "a.txt", "结果": "已导入", "文章数": 7, "说明": ""},
            {"文件": "b.txt", "结果": "已存在，跳过", "文章数": 0, "说明": ""},
            {"文件": "c.txt", "结果": imports.NOT_PROCESSED, "文章数": 0, "说明": ""}]
    message = imports.store_failure(rows, "数据库只读，无法写入。详情：attempt to write db_file (the store is read-only)")
    assert message.startswith("导入中途停止：数据库无法写入。")
    assert "已导入 1 个文件，共 7 篇文章" in message and "1 个此前已导入" in message and "1 个文件未处理" in message
    assert message.index("已导入 1 个文件") < message.index("(The import stopped") and "Stored: 1 file(s), 7 article(s)" in message
    assert r"db\_file" in message  # the store's words show as they are, not as markdown


# ---- the page (AppTest) ----------------------------------------------------------------------

def _import_page(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("PINGCHENG_IMPORT", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(IMPORT_PAGE).run()
    assert not page_failures(at)
    return at


def _import(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files]).run()
    next(b for b in at.button if b.label == "开始导入").click().run()
    assert not page_failures(at)


def test_the_page_stores_two_uploads_of_one_name(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_paths(make_engine(url), PAGES[:1])
    at = _import_page(url, monkeypatch)
    _import(at, [("page2.txt", PAGES[1].read_bytes()), ("page2.txt", PAGES[2].read_bytes())])
    table = at.dataframe[0].value
    assert list(table["结果"]) == ["已导入", "已导入"] and list(table["文件"]) == ["page2.txt", "page2.txt"]
    assert any(m.value.startswith("完成：2 个文件已导入") for m in at.success)
    assert stats(make_engine(url))["bulletins"] == 3


def test_a_read_only_store_is_said_in_chinese_with_what_was_stored(tmp_path, monkeypatch):
    store = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{store}")
    ingest_paths(engine, PAGES[:1])
    engine.dispose()
    # Opened read-only, as SQLite opens a file it may not write (root may write any file).
    at = _import_page(f"sqlite:///file:{store}?mode=ro&uri=true", monkeypatch)
    _import(at, [(PAGES[0].name, PAGES[0].read_bytes()), ("new.txt", PAGES[1].read_bytes())])
    table = at.dataframe[0].value
    assert list(table["结果"]) == ["已存在，跳过", imports.NOT_PROCESSED]
    (error,) = [e.value for e in at.error]
    assert error.startswith("导入中途停止：数据库无法写入。数据库只读")
    assert "the store is read-only" in error and "已导入 0 个文件" in error and "1 个文件未处理" in error
    assert "Traceback" not in error and not at.success and not at.exception
    assert stats(make_engine(f"sqlite:///{store}"))["bulletins"] == 1

