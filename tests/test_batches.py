"""A 1-worker ingest writes a batch of bulletins per transaction, each in a savepoint (issue 10):
a file whose data the store refuses is rolled back alone and the others of its batch are
stored; when the store fails mid-ingest the report says stored only what was committed and
lists the rest as not processed; a batch may hold a bulletin and its edited version, or two
reports of one event. On SQLite and PostgreSQL, with real refusals and failures of the store
(a trigger, a full SQLite file): every check reads the store back."""
import pytest
from sqlalchemy import event, func, select

from etl import ingest
from etl.facts import Facts
from etl.ingest import ingest_paths
from etl.store import Article, Bulletin, Event, keys_in, read_bits, stats, summaries
from summary_checks import stored_cells
from support import BULLETIN_PAGES

ONE_BATCH = 10_000  # seconds: a batch is closed by its number of bulletins only


@pytest.fixture
def batches_of(monkeypatch):
    def size(bulletins: int) -> None:
        monkeypatch.setattr(ingest, "BATCH_BULLETINS", bulletins)
        monkeypatch.setattr(ingest, "BATCH_SECONDS", ONE_BATCH)
    return size


def _files(folder, pages):
    """(path, name) pairs, each file in a folder of its own: one name may come twice."""
    items = []
    for i, (name, version) in enumerate(pages):
        path = folder / f"{i}" / name
        path.parent.mkdir(parents=True)
        path.write_text(BULLETIN_PAGES[name][version], encoding="utf-8")
        items.append((path, name))
    return items


def _consistent(engine) -> None:
    """The summaries kept batch by batch equal those counted again from the rows; every event
    has reports and every report's event exists; each article's bits say its themes."""
    kept = stored_cells(engine)
    with engine.begin() as conn:
        summaries.rebuild(conn)
    assert stored_cells(engine) == kept
    with engine.connect() as conn:
        events = set(conn.execute(select(Event.id)).scalars())
        assert set(conn.execute(select(Article.event_id)).scalars()) == events
        themes = read_bits(conn)["theme"]
        for bits, extracted in conn.execute(select(Article.theme_bits, Article.extracted)):
            assert sorted(keys_in(bits, themes)) == sorted(Facts.from_json(extracted).themes)


def _names(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(Bulletin.name)).scalars())


REFUSE_CALLIGRAPHY = {  # the store refuses the article about calligraphy (after its bulletin row)
    "sqlite": ["CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN instr(NEW.title, '书法') > 0 "
               "BEGIN SELECT RAISE(ABORT, 'refused by the store'); END"],
    "postgresql": ["CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF position('书法' in NEW.title) > 0 THEN "
                   "RAISE EXCEPTION 'refused by the store' USING ERRCODE = 'data_exception'; END IF; RETURN NEW; "
                   "END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION refuse()"],
}
DROP_REFUSAL = {"sqlite": ["DROP TRIGGER refuse"], "postgresql": ["DROP TRIGGER refuse ON articles"]}


def _run(engine, statements) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_a_file_the_store_refuses_is_rolled_back_alone_and_the_rest_of_its_batch_is_stored(engine, tmp_path,
                                                                                              batches_of):
    batches_of(10)
    _run(engine, REFUSE_CALLIGRAPHY[engine.dialect.name])
    items = _files(tmp_path, [("2025-05-20_pcb_1.txt", 0), ("2025-05-22_dtwb_1.txt", 0), ("2025-06-18_pcb_2.txt", 0)])
    report = ingest_paths(engine, items)
    assert [o.status for o in report.outcomes] == ["stored", "refused", "stored"]
    assert "refused by the store" in report.outcomes[1].reason and not report.store_error
    # Nothing of the refused bulletin is left (its row was written before its articles were refused).
    assert _names(engine) == ["2025-05-20_pcb_1.txt", "2025-06-18_pcb_2.txt"]
    assert stats(engine)["articles"] == report.articles_written == 4
    _consistent(engine)
    # Its new theme's bit was rolled back with it; stored once the store takes it, it has one of its own.
    _run(engine, DROP_REFUSAL[engine.dialect.name])
    again = ingest_paths(engine, items)
    assert [o.status for o in again.outcomes] == ["unchanged", "stored", "unchanged"]
    _consistent(engine)


def test_a_batch_holding_a_bulletin_its_edit_and_another_report_of_its_event(engine, tmp_path, batches_of):
    batches_of(10)
    items = _files(tmp_path, [("2025-05-20_pcb_1.txt", 0), ("2025-05-22_dtwb_1.txt", 0), ("2025-05-20_pcb_1.txt", 1),
                              ("2025-05-22_dtwb_1.txt", 1)])
    report = ingest_paths(engine, items)
    assert [o.status for o in report.outcomes] == ["stored", "stored", "replaced", "replaced"]
    assert _names(engine) == ["2025-05-20_pcb_1.txt", "2025-05-22_dtwb_1.txt"]
    with engine.connect() as conn:
        texts = {b.name: b.text for b in conn.execute(select(Bulletin.name, Bulletin.text))}
        # The two reports of the flood drill (one bulletin each, both edited in the batch) are one event.
        drills = conn.execute(select(Article.event_id).where(Article.title.like("%防汛%"))).scalars().all()
        reports = conn.scalar(select(Event.reports).where(Event.id == drills[0]))
    assert texts["2025-05-22_dtwb_1.txt"].startswith("雨季将至") and "口哨声" in texts["2025-05-22_dtwb_1.txt"]
    assert len(drills) == 2 and len(set(drills)) == 1 and reports == 2
    _consistent(engine)


def _fill_the_store(engine):
    """Make every later write fail as a full disk does: a full SQLite file (its pages capped
    where they are), or PostgreSQL saying its disk is full. Returns what frees it again."""
    if engine.dialect.name == "sqlite":
        def capped(conn) -> None:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

        def freed(conn) -> None:
            conn.exec_driver_sql("PRAGMA max_page_count = 1073741823")
        event.listen(engine, "begin", capped)
        return lambda: (event.remove(engine, "begin", capped), event.listen(engine, "begin", freed))
    _run(engine, ["CREATE FUNCTION full_disk() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
                      "'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$ "
                      "LANGUAGE plpgsql",
                      "CREATE TRIGGER full_disk BEFORE INSERT ON bulletins FOR EACH ROW EXECUTE FUNCTION full_disk()"])
    return lambda: _run(engine, ["DROP TRIGGER full_disk ON bulletins"])


def test_a_store_failing_mid_ingest_reports_stored_only_what_was_committed(engine, tmp_path, batches_of):
    batches_of(2)
    pages = [("2025-05-20_pcb_1.txt", 0), ("2025-05-22_dtwb_1.txt", 0), ("2025-06-18_pcb_2.txt", 0),
             ("pcb_undated.txt", 0), ("2025-05-20_pcb_1.txt", 1)]
    items = _files(tmp_path, pages)
    told, undo = [], None

    def progress(outcome) -> None:
        nonlocal undo
        told.append(outcome.status)
        if len(told) == 2:  # the first batch is committed: the disk fills up
            undo = _fill_the_store(engine)
    report = ingest_paths(engine, items, progress=progress)
    assert "磁盘已满" in report.store_error and "the disk is full" in report.store_error
    assert [o.status for o in report.outcomes] == told == ["stored", "stored"]
    assert report.not_processed == [name for _, name in items[2:]]
    assert _names(engine) == ["2025-05-20_pcb_1.txt", "2025-05-22_dtwb_1.txt"]  # the second batch is absent
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Article.id))) == report.articles_written == 4
    undo()
    _consistent(engine)
