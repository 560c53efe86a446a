"""Parsing the next PDFs while this one is indexed: both cores at work.

Each PDF is still parsed in a child process of its own, with its time and
memory limits (isolate.Child); what changes is that up to ``jobs`` such
children run at once, while the building thread writes the records of the
file before.  The children are forked by the building thread itself, between
files (a fork from another thread could copy a lock that thread holds, and
the child would wait on it until its deadline); a thread per child only
reads its pipe, so the child never waits to send its pages and its answer.
The build takes the results in its own order, so records, their ids and the
progress are as with one child at a time.

Every other kind (JSON, HTML, text) is parsed one file ahead too, in a
reused worker of the read-ahead's own (isolate.Worker, forked once by the
building thread, replaced after a file it could not finish), with the same
time and memory limits as the build's worker: a folder of 10,000 JSON
decisions spent a third of its build waiting for that worker
(benchmarks/README.md, "Build").  Memory stays bounded: at most ``jobs``
PDFs and one other file are read and wait to be taken.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import detect, isolate
from .common import IngestError, IngestResult


def default_jobs() -> int:
    """PDFs parsed at once: ARKISTO_PARSE_JOBS, else one per core (at most
    2: the build's own thread needs a core too).  One where PDFs are parsed
    in this process (ARKISTO_PDF_ISOLATE=0): PDFium is not thread-safe."""
    if not detect.ISOLATE_PDF:
        return 1
    given = os.environ.get("ARKISTO_PARSE_JOBS", "")
    if given.strip().isdigit() and int(given) > 0:
        return int(given)
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class Parsed:
    """A file read ahead: its content hash, and its records unless it was
    unchanged (its hash as before) or is not a PDF."""

    digest: str
    result: IngestResult | None = None


@dataclass
class _Job:
    digest: str
    pages: queue.Queue = field(default_factory=queue.Queue)  # (done, total) ..., then None
    result: IngestResult | None = None
    thread: threading.Thread | None = None


class ParseAhead:
    """Up to ``jobs`` PDFs parsed at once, ahead of the file being indexed."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.cancel = threading.Event()
        self.started: dict[Path, _Job] = {}
        self.worker: isolate.Worker | None = None  # other kinds, one file at a time
        self.in_worker: _Job | None = None

    def wanted(self, path: Path) -> bool:
        """Whether ``start`` may take ``path`` now: a PDF, or another file
        when the worker is free (none is under way in it)."""
        if path.suffix.lower() == ".pdf":
            return True
        return detect.ISOLATE and self.in_worker is None

    def start(self, path: Path, prev_sha: str | None) -> None:
        """Read ``path`` and fork its parsing child, unless it is under way,
        ``jobs`` are, or its content hash is ``prev_sha`` (unchanged: the
        build passes it over).  Anything that is not a plain readable PDF is
        left to the build (parse_path says what is wrong with it)."""
        if self.jobs < 2 or path in self.started:
            return
        pdfs = sum(1 for job in self.started.values() if job is not self.in_worker)
        if path.suffix.lower() == ".pdf" and pdfs >= self.jobs:
            return
        source = detect.read_source(path)
        if isinstance(source, IngestResult):
            return
        if source[0] != "pdf":
            self._start_in_worker(path, *source, prev_sha)
            return
        if pdfs >= self.jobs:
            return
        kind, data = source
        job = self._job(path, data, prev_sha)
        if job is None:
            return
        try:
            child = detect.start_pdf(path, data)
        except OSError:  # no fork (out of processes): the build parses it itself, and says so
            self.started.pop(path)
            return
        del data, source  # the child has its copy
        _answer_in_thread(job, path, kind,
                          lambda: child.wait(lambda done, total: job.pages.put((done, total)), self.cancel))

    def _job(self, path: Path, data: bytes, prev_sha: str | None) -> _Job | None:
        """The file's job, started; None when its content hash is
        ``prev_sha`` (unchanged: the build passes it over, nothing to parse)."""
        job = _Job(digest=hashlib.sha256(data).hexdigest())
        self.started[path] = job
        if job.digest == prev_sha:
            job.pages.put(None)
            return None
        return job

    def _start_in_worker(self, path: Path, kind: str, data: bytes, prev_sha: str | None) -> None:
        """A file other than a PDF, parsed in the read-ahead's worker while
        the building thread indexes; a thread waits for its answer, so the
        worker never waits to send it."""
        if not detect.ISOLATE or self.in_worker is not None:
            return
        job = self._job(path, data, prev_sha)
        if job is None:
            return
        try:
            self.worker = worker = detect.worker_for(self.worker)
            worker.send((kind, path, data), detect.FILE_TIMEOUT)
        except IngestError as exc:
            job.result = detect.failed(path, kind, exc)
            job.pages.put(None)
            return
        except OSError:  # no fork (out of processes): the build parses it itself
            self.started.pop(path)
            return
        self.in_worker = job
        del data
        _answer_in_thread(job, path, kind, worker.receive)

    def take(self, path: Path, on_page=None) -> Parsed | None:
        """The file's reading, once done (its pages told to ``on_page`` as
        they come, in this thread), or None if it was not started."""
        job = self.started.pop(path, None)
        if job is None:
            return None
        while True:
            event = job.pages.get()
            if event is None:
                break
            if on_page is not None:
                on_page(*event)
        if job is self.in_worker:
            self.in_worker = None
        return Parsed(digest=job.digest, result=job.result)

    def settle(self) -> None:
        """Wait until no thread of ours runs: each file under way is read to
        its end (its result and pages kept for ``take``).  Before a fork."""
        for job in list(self.started.values()):
            if job.thread is not None:
                job.thread.join()

    def close(self) -> None:
        """Stop: children still parsing are ended, their results dropped."""
        self.cancel.set()
        if self.worker is not None:
            job = self.in_worker
            if job is not None and job.thread is not None:
                self.worker.interrupt()  # its answer is not wanted; the waiting thread sees it end
                job.thread.join()
            self.worker.stop()
            self.worker = None
            self.in_worker = None
        for job in self.started.values():
            if job.thread is not None:
                job.thread.join()
        self.started.clear()


def _answer_in_thread(job: _Job, path: Path, kind: str, answer) -> None:
    """Wait for ``answer()`` (a parsing child's or the worker's) on a thread
    of its own, so the child never waits to send; a limit it hit becomes
    the file's failed result.  ``take`` sees the end on ``job.pages``."""

    def wait() -> None:
        try:
            job.result = answer()
        except IngestError as exc:
            job.result = detect.failed(path, kind, exc)
        finally:
            job.pages.put(None)

    job.thread = threading.Thread(target=wait, name="arkisto-parse", daemon=True)
    job.thread.start()
