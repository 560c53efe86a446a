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

Only PDFs are parsed ahead: they are the costly kind, and their children
are forked per file.  Every other file goes to the reused worker
(isolate.Worker), from the building thread as before.  Memory stays bounded:
at most ``jobs`` files are read and wait to be taken.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import detect
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

    @staticmethod
    def wanted(path: Path) -> bool:
        return path.suffix.lower() == ".pdf"

    def start(self, path: Path, prev_sha: str | None) -> None:
        """Read ``path`` and fork its parsing child, unless it is under way,
        ``jobs`` are, or its content hash is ``prev_sha`` (unchanged: the
        build passes it over).  Anything that is not a plain readable PDF is
        left to the build (parse_path says what is wrong with it)."""
        if self.jobs < 2 or path in self.started or len(self.started) >= self.jobs:
            return
        source = detect.read_source(path)
        if isinstance(source, IngestResult) or source[0] != "pdf":
            return
        kind, data = source
        job = _Job(digest=hashlib.sha256(data).hexdigest())
        self.started[path] = job
        if job.digest == prev_sha:
            job.pages.put(None)
            return
        try:
            child = detect.start_pdf(path, data)
        except OSError:  # no fork (out of processes): the build parses it itself, and says so
            self.started.pop(path)
            return
        del data, source  # the child has its copy

        def wait() -> None:
            try:
                job.result = child.wait(lambda done, total: job.pages.put((done, total)), self.cancel)
            except IngestError as exc:
                job.result = detect.failed(path, kind, exc)
            finally:
                job.pages.put(None)

        job.thread = threading.Thread(target=wait, name="arkisto-parse", daemon=True)
        job.thread.start()

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
        return Parsed(digest=job.digest, result=job.result)

    def close(self) -> None:
        """Stop: children still parsing are ended, their results dropped."""
        self.cancel.set()
        for job in self.started.values():
            if job.thread is not None:
                job.thread.join()
        self.started.clear()
