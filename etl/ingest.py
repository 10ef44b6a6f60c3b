"""Ingest: files -> read -> split -> extract -> store.

Unchanged bulletins are skipped by content hash before any parsing. With one worker, this
process parses the files one after the other and stores them a batch at a time: one
transaction for the bulletins parsed within about a second (at most BATCH_BULLETINS), written
again with each bulletin in a savepoint of its own when one fails; the batch's summaries and
keyword index are written once, at its end, and its outcomes (and progress) are told once it
is committed. With more workers, each worker parses a share of the files (WORKER_BULLETINS, at
most WORKER_BYTES) and stores them in one transaction, while this process reads and hashes.

What can go wrong, and what happens:
- a file that cannot be read, parsed or stored (whatever a parser raises, data the store
  refuses): that file is refused with the reason (its savepoint rolled back: nothing of it is
  stored); the others go on, those of its batch included;
- the store itself fails (a read-only SQLite file, a full disk, a PostgreSQL server that
  went away and does not come back): the ingest stops; the report says what was stored
  before, in the batches committed (each bulletin is whole or absent), and which files were
  not processed (the failing batch's among them), and running the same ingest again completes
  it. A lock held by another ingest, or one dropped connection, is waited out and the batch
  written again.
"""
from __future__ import annotations

import gc
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar, Union

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from .dates import IssueDate
from .extract import BulletinRecord
from .knowledge import load_knowledge
from .pipeline import ParseOptions, content_hash, could_not_parse, given_issue, parse_bytes, read_file
from .read import ReadError
from .store import Article, Bulletin, grams, make_engine
from .store.engine import writing
from .store.summaries import Changes
from .store.write import Written, display_name, source_of, unchanged_reason, write_bulletin, write_pending

ATTEMPTS = 6
# A 1-worker ingest commits a batch of bulletins at a time: at most this many, or those read
# and parsed within this many seconds (a progress bar still moves each second).
BATCH_BULLETINS = 50
BATCH_SECONDS = 1.0
# Files a worker parses, then stores in one transaction: per-transaction work (the summaries'
# cells, the keyword index, the events read) shared by several, while the workers take turns
# at the store's one writer. At most this many files and bytes (a share of big files is short:
# the shares waiting and running are held in memory).
WORKER_BULLETINS = 10
WORKER_BYTES = 4 << 20
T = TypeVar("T")
# A path, or a (path, name) pair: the file at `path` is stored under `name` (an upload's own name).
Item = Union[str, Path, tuple[Union[str, Path], str]]


class StoreError(RuntimeError):
    """The store cannot be written (not one file's fault): the batch stops."""


@dataclass
class FileOutcome:
    path: str  # the file's source: the path as given, or the name given with it
    status: str  # stored | replaced | unchanged | refused
    articles: int = 0
    reason: str = ""  # why refused; for the others, what was replaced or duplicated and why
    name: str = ""  # the file name shown
    other: str = ""  # the source of the bulletin replaced (replaced) or duplicated (unchanged)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    store_error: str = ""  # set when the store failed and the batch stopped
    not_processed: list[str] = field(default_factory=list)  # files never stored because of that

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def articles_written(self) -> int:
        return sum(o.articles for o in self.outcomes if o.status in ("stored", "replaced"))

    def summary(self) -> str:
        """What happened, in Chinese then English: counts, then each file that was replaced,
        kept beside a namesake, a duplicate or refused, and why; a store failure last."""
        n = len(self.outcomes)
        counts = [self.count(s) for s in ("stored", "replaced", "unchanged", "refused")]
        lines = [f"共 {n} 个文件：新存 {counts[0]}，替换 {counts[1]}，未变 {counts[2]}，拒绝 {counts[3]}；"
                 f"写入 {self.articles_written} 篇文章 ({n} files: {counts[0]} stored, {counts[1]} replaced, "
                 f"{counts[2]} unchanged, {counts[3]} refused; {self.articles_written} articles written)"]
        for o in self.outcomes:
            if o.status == "replaced":
                lines.append(f"  替换 (replaced) {o.path}: {o.reason}")
            elif o.status == "stored" and o.reason:
                lines.append(f"  另存 (stored beside a namesake) {o.path}: {o.reason}")
            elif o.status == "unchanged" and o.other and o.other != o.path:
                lines.append(f"  重复 (duplicate) {o.path}: {o.reason}")
        lines += [f"  拒绝 (refused) {o.path}: {o.reason}" for o in self.refused]
        if self.store_error:
            shown = self.not_processed[:10]
            more = len(self.not_processed) - len(shown)
            lines.append(f"存储失败，导入已停止：{self.store_error}")
            lines.append(f"  以上 {n} 个文件已处理（已存的公报都完整）；{len(self.not_processed)} 个文件未处理。"
                         f"修复存储后重新运行同一命令即可补齐 (the {n} files above were processed, every stored "
                         f"bulletin is whole; {len(self.not_processed)} files were not processed: run the same "
                         f"ingest again once the store is fixed)")
            lines += [f"  未处理 (not processed) {p}" for p in shown]
            if more:
                lines.append(f"  …另有 {more} 个 (and {more} more)")
        return "\n".join(lines)


@dataclass
class Job:
    path: str  # where the bytes were read from
    source: str  # where the file came from, as stored
    name: str  # the file name (issue dates are read from it)
    data: bytes
    digest: str
    issue: IssueDate | None  # stated outside the text (option or sidecar)
    limit: int


def parse_job(job: Job) -> BulletinRecord:
    return parse_bytes(job.name, job.data, load_knowledge(), job.issue, job.limit)


def _transient(error: DBAPIError) -> bool:
    """A lock held by another writer, or a connection dropped (retried on a new one)."""
    message = str(error.orig).lower() if error.orig is not None else str(error).lower()
    return error.connection_invalidated or "locked" in message or "busy" in message or "deadlock" in message


def describe_store_error(error: BaseException) -> str:
    """A store failure as the user reads it: what, then what to do (Chinese, then English)."""
    detail = " ".join(str(getattr(error, "orig", None) or error).split())[:300]
    lowered = detail.lower()
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        zh, en = "数据库只读，无法写入；请检查数据库文件及其所在文件夹的写权限", \
            "the store is read-only; check the write permissions of the database file and its folder"
    elif "disk is full" in lowered or "no space" in lowered:
        zh, en = "磁盘已满；请腾出空间", "the disk is full; free some space"
    elif "could not parse sqlalchemy url" in lowered or "can't load plugin" in lowered:
        zh, en = "数据库地址无法识别；请写 SQLite 文件路径或 URL（sqlite:///文件、postgresql+psycopg://用户@主机/库）", \
            "the store's address is not understood; give a SQLite file's path or a URL " \
            "(sqlite:///file, postgresql+psycopg://user@host/db)"
    elif "does not exist" in lowered:
        zh, en = "数据库不存在（可能已被删除）；请检查 --db / DATABASE_URL", \
            "the database does not exist (it may have been dropped); check --db / DATABASE_URL"
    else:
        zh, en = "无法写入数据库（服务器可能已停止或连接中断）；请检查数据库服务后重试", \
            "cannot write to the store (the server may have stopped or the connection was lost); " \
            "check the database server and try again"
    return f"{zh}。详情：{detail} ({en}. Detail: {detail})"


def parsed(job: Job) -> BulletinRecord | FileOutcome:
    """The file's bulletin, or its refusal when it cannot be read or parsed."""
    try:
        return parse_job(job)
    except ReadError as e:
        return FileOutcome(job.source, "refused", reason=str(e), name=job.name)
    except Exception as e:  # noqa: BLE001 - one bad file never stops the others
        return FileOutcome(job.source, "refused", reason=str(could_not_parse(job.name, e)), name=job.name)


def written_outcome(job: Job, record: BulletinRecord, written: Written | FileOutcome) -> FileOutcome:
    if isinstance(written, FileOutcome):
        return written
    articles = len(record.articles) if written.status in ("stored", "replaced") else 0
    return FileOutcome(job.source, written.status, articles, written.reason, job.name, written.other)


def refusing(job: Job, write: Callable[[], Written]) -> Written | FileOutcome:
    """One bulletin's write, or the file refused when the store refuses its data (`write` must
    leave nothing behind when it raises). A failure of the store itself is raised."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except IntegrityError as e:
            # Another ingest stored the same bulletin meanwhile: the next attempt finds it.
            if attempt == ATTEMPTS - 1:
                return FileOutcome(job.source, "refused", name=job.name, reason=_not_stored(job.name, e))
        except DataError as e:  # a value the store does not take (the writer bounds what it knows of)
            return FileOutcome(job.source, "refused", name=job.name, reason=_not_stored(job.name, e))
        except SQLAlchemyError:
            raise
        except Exception as e:  # noqa: BLE001 - this file's records could not be written
            return FileOutcome(job.source, "refused", name=job.name, reason=_not_stored(job.name, e))
        time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def retried(write: Callable[[], T]) -> T:
    """`write` (a whole transaction), again after a lock held by another ingest or a dropped
    connection; StoreError when the store cannot be written."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except DBAPIError as e:
            cause = _first_failure(e)
            if not _transient(cause) or attempt == ATTEMPTS - 1:
                raise StoreError(describe_store_error(cause)) from e
        except SQLAlchemyError as e:
            raise StoreError(describe_store_error(e)) from e
        time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _first_failure(error: DBAPIError) -> DBAPIError:
    """The failure that started it: SQLite rolls the whole transaction back on some errors (a
    full disk), and rolling back to the bulletin's savepoint then fails with 'no such
    savepoint', which says nothing of why."""
    first, context = error, error.__context__
    while context is not None:
        if isinstance(context, DBAPIError):
            first = context
        context = context.__context__
    return first


class _BulletinFailed(Exception):
    """A bulletin of a batch written without savepoints failed (its index in the batch, how)."""

    def __init__(self, index: int, error: Exception):
        super().__init__(index, error)
        self.index, self.error = index, error


def store_batch(engine: Engine, batch: list[tuple[Job, BulletinRecord]], synthetic: bool) -> list[FileOutcome]:
    """Parsed files written in one transaction, their summaries' cells written once at the end.
    The outcomes hold once this returns: the batch is committed. StoreError when the store
    cannot be written: then nothing of the batch is stored. The bulletins are written one after
    the other; when one of them fails, the batch is rolled back and written again with each
    bulletin in a savepoint of its own, the failed one meeting its failure again as its first
    attempt (a file whose data the store refuses is rolled back alone and refused). Savepoints
    only then: SQLite copies each page a savepoint changes, to undo it."""
    failed: dict[int, Exception] = {}

    def write(guarded: bool) -> list[FileOutcome]:
        total, indexing = Changes(), grams.Pending()
        with writing(engine) as conn:
            if guarded:
                outcomes = [written_outcome(job, record, refusing(job, lambda: _in_savepoint(
                    conn, job, record, synthetic, total, indexing, failed.pop(i, None))))
                    for i, (job, record) in enumerate(batch)]
            else:
                outcomes = [written_outcome(job, record, _unguarded(conn, i, job, record, synthetic, total, indexing))
                            for i, (job, record) in enumerate(batch)]
            write_pending(conn, total, indexing)
        return outcomes
    try:
        return retried(lambda: write(guarded=False))
    except _BulletinFailed as e:
        failed[e.index] = e.error
        return retried(lambda: write(guarded=True))


def _unguarded(conn: Connection, index: int, job: Job, record: BulletinRecord, synthetic: bool, total: Changes,
               indexing: grams.Pending) -> Written:
    try:
        return write_bulletin(conn, record, job.digest, total, indexing, synthetic, source=job.source)
    except Exception as e:
        raise _BulletinFailed(index, e) from e


def _in_savepoint(conn: Connection, job: Job, record: BulletinRecord, synthetic: bool, total: Changes,
                  indexing: grams.Pending, failure: Exception | None = None) -> Written:
    """One bulletin of a batch; what it leaves to the batch's end is kept only once its
    savepoint holds: a refused bulletin changed nothing. `failure`: how its write without a
    savepoint failed, raised as this attempt's outcome."""
    if failure is not None:
        raise failure
    changes, texts = total.scope(), dict(indexing.texts)
    try:
        with conn.begin_nested():
            written = write_bulletin(conn, record, job.digest, changes, indexing, synthetic, source=job.source)
    except BaseException:
        indexing.texts = texts
        raise
    total.absorb(changes)
    return written


def _stored_by_this_ingest(engine: Engine, job: Job) -> FileOutcome:
    """The outcome of a file a worker stored before its pool broke: retried alone after another
    file killed a worker, it finds its own bulletin (this ingest sends each content once)."""
    with Session(engine) as session:
        articles = session.scalar(select(func.count(Article.id)).join(Bulletin, Bulletin.id == Article.bulletin_id)
                                  .where(Bulletin.content_hash == job.digest))
    return FileOutcome(job.source, "stored", articles, name=job.name)


def _not_stored(name: str, error: BaseException) -> str:
    detail = " ".join(str(getattr(error, "orig", None) or error).split())[:300]
    return (f"{name}: 数据库拒绝了此文件的数据，未存储：{detail}；请检查文件内容，其他文件不受影响 "
            f"(the store refused this file's data, not stored: {detail}; check the file; the other files "
            f"are not affected)")


_worker_engine: Engine | None = None


def _start_worker(url: str) -> None:
    global _worker_engine
    _worker_engine = make_engine(url)


def _worker_batch(jobs: list[Job], synthetic: bool) -> list[FileOutcome]:
    """A worker's share: its files parsed, then those parsed stored in one transaction
    (`store_batch`), as the one-worker ingest stores a batch. Their outcomes, in order."""
    records = [parsed(job) for job in jobs]
    batch = [(job, record) for job, record in zip(jobs, records) if not isinstance(record, FileOutcome)]
    stored = iter(store_batch(_worker_engine, batch, synthetic) if batch else ())
    return [record if isinstance(record, FileOutcome) else next(stored) for record in records]


def _resolve(item: Item) -> tuple[Path, str]:
    """(where to read, the source as given)."""
    if isinstance(item, tuple):
        path, name = item
        return Path(path), str(name)
    return Path(item), str(item)


@dataclass
class Entry:
    """A file of the batch being written: its outcome when reading or parsing decided it, else
    its job and parsed bulletin (the outcome comes with the batch's commit)."""
    index: int
    digest: str | None
    outcome: FileOutcome | None = None
    job: Job | None = None
    record: BulletinRecord | None = None


class Batch:
    """The files read since the last commit, in order."""

    def __init__(self):
        self.entries: list[Entry] = []
        self.started = 0.0

    def add(self, entry: Entry) -> None:
        if not self.entries:
            self.started = time.monotonic()
        self.entries.append(entry)

    def bulletins(self) -> list[tuple[Job, BulletinRecord]]:
        return [(e.job, e.record) for e in self.entries if e.outcome is None]

    def full(self) -> bool:
        return len(self.bulletins()) >= BATCH_BULLETINS or time.monotonic() - self.started >= BATCH_SECONDS


def _ingest_in_batches(engine: Engine, jobs: Iterable[tuple[int, str | None, Job | FileOutcome]], synthetic: bool,
                       done: Callable[[int, FileOutcome], None], known: dict[str, str]) -> StoreError | None:
    """Parse the files one after the other in this process and store them a batch at a time
    (`store_batch`); a batch's outcomes are told (`done`) once it is committed. A store failure
    ends the ingest: the failing batch's files stay not processed, except those that reading or
    parsing refused and the duplicates of bulletins stored before (`known`: hash -> source)."""
    batch = Batch()

    def commit() -> StoreError | None:
        try:
            stored = iter(store_batch(engine, batch.bulletins(), synthetic))
        except StoreError as e:
            for entry in batch.entries:
                if entry.outcome and (entry.outcome.status == "refused" or entry.digest in known):
                    done(entry.index, entry.outcome)
            return e
        for entry in batch.entries:
            outcome = entry.outcome or next(stored)
            if outcome.status in ("stored", "replaced"):
                known[entry.digest] = outcome.path
            done(entry.index, outcome)
        batch.entries.clear()
        return None

    # What lives once the first file is parsed (the knowledge, its segmenting dictionary built
    # by that parse) is left out of the garbage collector's full passes until the ingest ends:
    # each pass went through all of it again (some 6 % of a 5,000-article ingest).
    frozen = False
    try:
        for index, digest, job in jobs:
            if isinstance(job, FileOutcome):
                batch.add(Entry(index, digest, job))
            else:
                record = parsed(job)
                if not frozen:
                    gc.freeze()
                    frozen = True
                batch.add(Entry(index, digest, record) if isinstance(record, FileOutcome)
                          else Entry(index, digest, job=job, record=record))
            if batch.full():
                failure = commit()
                if failure:
                    return failure
        return commit() if batch.entries else None
    finally:
        if frozen:
            gc.unfreeze()


def ingest_paths(engine: Engine, paths: Iterable[Item], workers: int = 1,
                 options: ParseOptions = ParseOptions(), progress: Callable[[FileOutcome], None] | None = None,
                 synthetic: bool = False) -> IngestReport:
    """Store each file as a bulletin (a batch of them per transaction, each whole or absent: see
    the module's docstring); a refused file never stops the others. With workers > 1, N
    processes parse and store in parallel.

    `paths`: file paths (a path's source is the path as given), or (path, name) pairs: the file
    at `path` is stored under `name`, its source and display name. The import page writes each
    upload to its own temporary path and passes (that path, the upload's own name), so two
    uploads named page2.txt in one batch are two bulletins (unless one is an edit of the
    other), e.g.::

        for i, upload in enumerate(files):
            path = Path(tmp) / str(i) / "upload"   # one folder per upload
            path.parent.mkdir(); path.write_bytes(upload.getvalue())
            items.append((path, upload.name))
        report = ingest_paths(engine, items)

    What replaces what (etl/store/identity.py): the same bytes stored under any name are
    'unchanged' (skipped before parsing; a duplicate says of what); a file of the same name, no
    conflicting issue date and at least half its text in common with a stored bulletin is an
    edit: 'replaced'; anything else is 'stored' beside the others. Each outcome's `reason` says
    why, `other` names the bulletin replaced or duplicated; `report.summary()` lists them.

    `progress` hears of each file's outcome, in the order of the files, once its batch is
    committed. When the store itself fails (read-only, gone), the ingest stops:
    `report.store_error` says why and what to do, `report.not_processed` lists the files not
    stored; what was stored before is whole. Nothing is raised for a bad file or a failed store."""
    report = IngestReport()
    limit = options.limit
    items = list(paths)
    finished: set[int] = set()

    def done(index: int, outcome: FileOutcome) -> None:
        finished.add(index)
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)

    def stop(error: StoreError) -> IngestReport:
        report.store_error = str(error)
        report.not_processed = [_resolve(item)[1] for i, item in enumerate(items) if i not in finished]
        return report

    try:
        with Session(engine) as session:
            known = dict(session.execute(select(Bulletin.content_hash, Bulletin.source)).all())
    except SQLAlchemyError as e:
        return stop(StoreError(describe_store_error(e)))
    seen: dict[str, str] = {}  # content hash -> source, for the files of this ingest

    def jobs() -> Iterator[tuple[int, str | None, Job | FileOutcome]]:
        """Each file, read one at a time, with its content hash: a job to parse, or its outcome
        when reading decides it (unreadable, or unchanged: skipped by hash)."""
        for index, item in enumerate(items):
            path, given = _resolve(item)
            source = source_of(given)
            name = display_name(source)
            digest = None
            try:
                data = read_file(path, limit, name)  # the size is checked before a huge file is read
                digest = content_hash(data)
                stored = known.get(digest) or seen.get(digest)
                if stored is not None:
                    yield index, digest, FileOutcome(source, "unchanged", reason=unchanged_reason(stored, source),
                                                     name=name, other=stored)
                    continue
                issue = given_issue(path, options.issue_date)
                seen[digest] = source
            except ReadError as e:
                yield index, digest, FileOutcome(source, "refused", reason=str(e), name=name)
                continue
            except Exception as e:  # noqa: BLE001 - e.g. a path that is not a file
                yield index, digest, FileOutcome(source, "refused", reason=str(could_not_parse(name, e)), name=name)
                continue
            yield index, digest, Job(str(path), source, name, data, digest, issue, limit)

    if workers <= 1 or engine.url.database in (None, "", ":memory:"):  # a memory store lives in one process
        failure = _ingest_in_batches(engine, jobs(), synthetic, done, known)
        return stop(failure) if failure else report
    # Each worker parses a few files and writes them in one transaction while this process
    # reads and hashes; a bounded window keeps memory flat for any batch.
    url = engine.url.render_as_string(hide_password=False)

    def new_pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=size, initializer=_start_worker, initargs=(url,))

    pool = new_pool(workers)
    window: deque = deque()  # (the files of a worker's share, its future)
    share: list[tuple[int, Job]] = []  # the files of the next share, read and hashed
    suspects: list[tuple[int, Job]] = []  # in a worker that died: which one killed it is not known
    failure: StoreError | None = None

    def collect(files: list[tuple[int, Job]], future) -> None:
        nonlocal failure
        try:
            outcomes = future.result()
        except StoreError as e:
            failure = failure or e
        except BrokenProcessPool:
            suspects.extend(files)
        except Exception as e:  # noqa: BLE001 - a worker's unexpected failure on these files
            for index, job in files:
                done(index, FileOutcome(job.source, "refused", reason=str(could_not_parse(job.name, e)), name=job.name))
        else:
            for (index, _), outcome in zip(files, outcomes):
                done(index, outcome)

    def recover() -> None:
        """A worker died (a crash in a parser, or killed for memory): each file that was in the
        pool is parsed again alone; the one that kills its worker again is refused."""
        nonlocal failure
        for index, job in suspects:
            with new_pool(1) as alone:
                try:
                    (outcome,) = alone.submit(_worker_batch, [job], synthetic).result()
                    if outcome.status == "unchanged" and job.digest not in known:
                        # Its worker stored it, and the pool broke before it said so.
                        outcome = _stored_by_this_ingest(engine, job)
                    done(index, outcome)
                except BrokenProcessPool:
                    done(index, FileOutcome(job.source, "refused", name=job.name, reason=(
                        f"{job.name}: 处理此文件时工作进程意外退出（解析器崩溃或内存不足）；请检查文件或换一种格式，"
                        f"其他文件不受影响 (the worker process died while parsing this file: a parser crashed or "
                        f"ran out of memory; check the file or save it in another format; the other files are not "
                        f"affected)")))
                except StoreError as e:
                    failure = failure or e
        suspects.clear()

    def heal() -> None:
        """Drain the broken pool, retry the files it held one by one, start a new pool."""
        nonlocal pool
        while window:
            collect(*window.popleft())
        pool.shutdown(wait=True, cancel_futures=True)
        recover()
        pool = new_pool(workers)

    def submit() -> None:
        files = list(share)
        share.clear()
        if suspects:
            heal()
        try:
            window.append((files, pool.submit(_worker_batch, [job for _, job in files], synthetic)))
        except BrokenProcessPool:
            heal()
            window.append((files, pool.submit(_worker_batch, [job for _, job in files], synthetic)))

    try:
        for index, _, job in jobs():
            if isinstance(job, FileOutcome):
                done(index, job)
                continue
            share.append((index, job))
            if len(share) >= WORKER_BULLETINS or sum(len(j.data) for _, j in share) >= WORKER_BYTES:
                submit()
            while window and (len(window) >= 2 * workers or window[0][1].done()) and not failure:
                collect(*window.popleft())
            if failure:
                break
        if share and not failure:
            submit()
        for files, future in window:  # after a failure, only what already runs is waited for
            if not (failure and future.cancel()):
                collect(files, future)
        window.clear()
        if suspects and not failure:
            recover()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return stop(failure) if failure else report

