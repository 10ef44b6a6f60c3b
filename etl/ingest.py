"""Ingest: files -> read -> split -> extract -> store, one transaction per bulletin.

Unchanged bulletins are skipped by content hash before any parsing; parsing may
run in worker processes while this process writes.
"""
from __future__ import annotations

import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .dates import IssueDate
from .extract import BulletinRecord
from .knowledge import load_knowledge
from .pipeline import ParseOptions, content_hash, given_issue, parse_bytes, read_file
from .read import ReadError
from .store import Bulletin, make_engine, store_bulletin


ATTEMPTS = 6


@dataclass
class FileOutcome:
    path: str
    status: str  # stored | replaced | unchanged | refused
    articles: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    def summary(self) -> str:
        articles = sum(o.articles for o in self.outcomes if o.status in ("stored", "replaced"))
        lines = [f"{len(self.outcomes)} files: {self.count('stored')} stored, {self.count('replaced')} replaced, "
                 f"{self.count('unchanged')} unchanged, {self.count('refused')} refused; {articles} articles written"]
        lines += [f"  refused {o.path}: {o.reason}" for o in self.refused]
        return "\n".join(lines)


@dataclass
class Job:
    path: str
    name: str
    data: bytes
    digest: str
    issue: IssueDate | None  # stated outside the text (option or sidecar)
    limit: int


def parse_job(job: Job) -> BulletinRecord:
    return parse_bytes(job.name, job.data, load_knowledge(), job.issue, job.limit)


def process_job(engine: Engine, job: Job, synthetic: bool) -> FileOutcome:
    """Parse one file and store it; what happened, as an outcome."""
    try:
        record = parse_job(job)
    except ReadError as e:
        return FileOutcome(job.path, "refused", reason=str(e))
    for attempt in range(ATTEMPTS):
        try:
            status = store_bulletin(engine, record, job.digest, synthetic)
            break
        except (IntegrityError, OperationalError):
            # Another ingest wrote the same bulletin, or held the SQLite write lock: try again.
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return FileOutcome(job.path, status, len(record.articles) if status != "unchanged" else 0)


_worker_engine: Engine | None = None


def _start_worker(url: str) -> None:
    global _worker_engine
    _worker_engine = make_engine(url)


def _worker_job(job: Job, synthetic: bool) -> FileOutcome:
    return process_job(_worker_engine, job, synthetic)


def ingest_paths(engine: Engine, paths: Iterable[Path], workers: int = 1,
                 options: ParseOptions = ParseOptions(), progress: Callable[[FileOutcome], None] | None = None,
                 synthetic: bool = False) -> IngestReport:
    """A refused file never stops the others; each bulletin is stored in its own transaction.
    With workers > 1, N processes parse and store in parallel."""
    report = IngestReport()
    limit = options.limit

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)

    with Session(engine) as session:
        known = dict(session.execute(select(Bulletin.name, Bulletin.content_hash)).all())

    def jobs() -> Iterator[Job]:
        """Files that need parsing, read one at a time; the unchanged ones are skipped by hash."""
        for path in map(Path, paths):
            try:
                data = read_file(path, limit)  # the size is checked before a huge file is read
                digest = content_hash(data)
                if known.get(path.name) == digest:
                    done(FileOutcome(str(path), "unchanged"))
                    continue
                issue = given_issue(path, options.issue_date)
            except ReadError as e:
                done(FileOutcome(str(path), "refused", reason=str(e)))
                continue
            yield Job(str(path), path.name, data, digest, issue, limit)

    if workers <= 1 or engine.url.database in (None, "", ":memory:"):  # a memory store lives in one process
        for job in jobs():
            done(process_job(engine, job, synthetic))
        return report
    # Each worker parses and writes its own bulletins (one transaction each) while this process
    # reads and hashes; a bounded window keeps memory flat for any batch.
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(url,)) as pool:
        window: deque = deque()
        for job in jobs():
            window.append(pool.submit(_worker_job, job, synthetic))
            if len(window) >= 4 * workers:
                done(window.popleft().result())
        while window:
            done(window.popleft().result())
    return report
