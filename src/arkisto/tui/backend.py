"""The TUI's side of the search core: one daemon thread that owns the
``SearchService``, and plain functions the screens run on it.  No Textual.

Why one thread and not a thread worker per search: the service keeps one Whoosh
searcher per thread and closes them only on ``reopen()``/``close()``, so a
new thread per keystroke would leave a searcher (and its open files) behind
each time.  Jobs queue on the one thread; a job whose awaiting task was
cancelled (an exclusive worker superseded by a newer keystroke) is skipped
before it starts, so only the newest query runs.  The thread is a daemon so
quitting never waits for it.

An indexer may publish while the TUI is open, and a publish removes every
generation but the newest two: after two publishes the one the service reads
is gone.  Each job that reads the index therefore runs through ``_recovering``,
which on a failure looks whether the generation was removed or replaced and,
if so, opens the newest one and runs the job again (here, on the service
thread); ``take_reopened()`` tells the screen, which says so.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the search package imports Whoosh: not at startup
    from ..search.results import SearchResult
    from ..search.service import SearchService

# Values per facet a search lists: the panel shows five until a facet is
# opened (then it fetches the facet whole), the command palette up to 200.
# Listing all of them cost a search 20–30 ms at a million decisions (10,000
# presenters, 5,000 projects).
FACET_LIMIT = 200


@dataclass(frozen=True)
class Request:
    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    offset: int = 0
    limit: int = 50

    def filter_lists(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.filters.items() if v}


def _resolve(fut: asyncio.Future, result: Any = None, exc: BaseException | None = None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


def run_in_daemon(fn: Callable[..., Any], *args: Any, name: str = "arkisto-job") -> asyncio.Future:
    """Run ``fn`` on a new daemon thread; await the returned future."""
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def target() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to the awaiting task
            loop.call_soon_threadsafe(_resolve, fut, None, exc)
        else:
            loop.call_soon_threadsafe(_resolve, fut, result)

    threading.Thread(target=target, name=name, daemon=True).start()
    return fut


class Backend:
    """The search service and the one thread that touches it."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.svc: SearchService | None = None  # once opened
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._opened: tuple | None = None  # (name, st_dev, st_ino) of the generation read
        self._reopened = False  # a job opened the newest generation by itself

    # --- plumbing ------------------------------------------------------------------

    def submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Run ``fn(*args)`` on the service thread; await the result."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="arkisto-search", daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._jobs.put((fn, args, loop, fut))
        return fut

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, args, loop, fut = job
            if fut is None:  # fire and forget (close)
                try:
                    fn(*args)
                except Exception:
                    pass
                continue
            if fut.cancelled():  # superseded while queued
                continue
            try:
                result = fn(*args)
            except BaseException as exc:
                if loop.is_closed():
                    continue
                loop.call_soon_threadsafe(_resolve, fut, None, exc)
            else:
                if loop.is_closed():
                    continue
                loop.call_soon_threadsafe(_resolve, fut, result)

    def shutdown(self) -> None:
        """Close the service on its own thread and stop the thread (no wait)."""
        if self._thread is None:
            return

        def close() -> None:
            if self.svc is not None:
                self.svc.close()
                self.svc = None

        self._jobs.put((close, (), None, None))
        self._jobs.put(None)
        self._thread = None

    # --- jobs (each runs on the service thread) ------------------------------------

    def open(self):
        """Open the index.  Raises NoIndexError and the other ArkistoErrors."""
        from ..search.service import SearchService  # imports Whoosh: off the startup path

        if self.svc is not None:
            self.svc.close()
            self.svc = None
        self.svc = SearchService(self.index_dir)
        self._opened = self._identity(self.svc.generation)
        self._warm()
        return self.svc

    def _open_svc(self) -> SearchService:
        """The open service (every job but ``open`` runs after it)."""
        svc = self.svc
        assert svc is not None, "the index is not open"
        return svc

    def _warm(self) -> None:
        # What the first search would read (the facet and project arrays,
        # the frequent terms' tables, the field lengths), read now.
        self._open_svc().warm()
        # Everything loaded so far (Textual, Whoosh, the analyser, the
        # caches) lives as long as the app: move it out of the cyclic
        # collector's sight.  A full collection over it took 50-80 ms and,
        # landing between a keystroke and its results, was the slowest part
        # of one search in twenty.
        import gc

        gc.freeze()

    # --- a generation removed under the service ------------------------------------

    def _identity(self, name: str | None) -> tuple | None:
        """A generation's name and its directory's inode: a rebuilt index can
        reuse the name, never the directory."""
        if name is None:
            return None
        try:
            st = (self._open_svc().store.root / name).stat()
        except OSError:
            return None
        return name, st.st_dev, st.st_ino

    @property
    def opened(self) -> tuple | None:
        """The identity of the generation the service reads."""
        return self._opened

    def live(self) -> tuple | None:
        """The identity of the live generation (None when there is none to
        read).  Cheap: CURRENT and one stat, so the screen polls it."""
        if self.svc is None:
            return None
        try:
            return self._identity(self.svc.store.current_name())
        except Exception:
            return None

    def _generation_gone(self) -> bool:
        """The live generation is no longer the one the service opened:
        a newer one was published, or the index was replaced.  False when
        there is no live one to go to (the job's own error then stands)."""
        live = self.live()
        return live is not None and live != self._opened

    def _recovering(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)``; if it fails because the generation it read was
        removed or replaced, open the newest generation and run it once more.
        Any other failure (or one on the newest generation) is raised."""
        try:
            return fn(*args)
        except Exception:
            if not self._generation_gone():
                raise
        self.reopen()
        self._reopened = True
        return fn(*args)

    def take_reopened(self) -> bool:
        """True (once) when a job had to open the newest generation."""
        reopened, self._reopened = self._reopened, False
        return reopened

    def doc_count(self) -> int:
        return self._recovering(self.svc.doc_count) if self.svc else 0

    def search(self, req: Request, redaction: tuple = ("never", 0), snippets: int | None = None) -> SearchResult:
        """The request's page of hits; with a redaction (the config's mode and
        days) the hits' titles and snippets hold no personal data.
        ``snippets``: the hits that get their snippet now (those on the
        screen); ``fill_snippets`` makes the rest."""
        def run() -> SearchResult:
            svc = self._open_svc()
            res = svc.search(req.query, filters=req.filter_lists(), sort=req.sort, limit=req.limit,
                             offset=req.offset, facet_limit=FACET_LIMIT, snippets=snippets)
            if redaction[0] != "never":
                from ..export import redact_hit

                for h in res.hits:
                    redact_hit(h, svc, *redaction)
            return res

        return self._recovering(run)

    def fill_snippets(self, res: SearchResult) -> list[int]:
        """The snippets ``search`` left for later, on their hits (made from
        the hits' records, redacted already where the config says so);
        returns the hits' places in ``res.hits``."""
        return self._recovering(self._open_svc().fill_snippets, res)

    def facet(self, req: Request, name: str):
        """All the values of the request's facet ``name`` (a search lists
        ``FACET_LIMIT``)."""
        return self._recovering(lambda: self._open_svc().facet(name, req.query, req.filter_lists()))

    def projects(self, req: Request, programmes: bool = False) -> tuple[list, list]:
        """The funded projects (or, with ``programmes``, the programmes with
        their recipients) of the request's query and filters, and the
        query's notes."""
        def run() -> tuple[list, list]:
            svc = self._open_svc()
            if programmes:
                return svc.programmes(req.query, req.filter_lists()), svc.plan(req.query).notes
            return svc.projects(req.query, req.filter_lists())

        return self._recovering(run)

    def project(self, key: str):
        """A project's timeline (``funding.ProjectTimeline``), or None."""
        return self._recovering(lambda: self._open_svc().project(key))

    def get(self, record_id: str):
        return self._recovering(lambda: self._open_svc().get(record_id))

    def explain(self, query: str, filters: dict[str, list[str]]) -> dict:
        return self._recovering(lambda: self._open_svc().explain(query, filters))

    def related(self, rec) -> tuple[list[tuple[str, str]], list[tuple[str, str, list[str]]]]:
        """(same case id, similar): (id, citation · title) pairs, and for
        similar decisions the words they share too."""
        from ..cite import citation

        if self.svc is None:
            return [], []
        try:
            rel = self._recovering(self.svc.related, rec.id, 5)
        except Exception:
            return [], []

        def line(h) -> tuple[str, str]:
            other = h.record
            cite = citation(other) if other is not None else h.title
            title = h.title if h.title and h.title not in cite else ""
            return h.id, " · ".join(x for x in (cite, title) if x)

        return [line(h) for h in rel["same_case"]], [(*line(h), list(h.shared)) for h in rel["similar"]]

    # Saved searches: what is new (search/service.py).

    def count_new(self, query: str, filters: dict[str, list[str]], since) -> int:
        return self._recovering(lambda: self._open_svc().count_new(query, filters, since))

    def newest_indexed(self):
        return self._recovering(lambda: self._open_svc().newest_indexed())

    def newest_match(self, query: str, filters: dict[str, list[str]]):
        return self._recovering(lambda: self._open_svc().newest_match(query, filters))

    def reopen(self) -> int:
        self._open_svc().reopen()
        self._opened = self._identity(self._open_svc().generation)
        self._warm()
        return self._open_svc().doc_count()

    def rebuild_paths(self) -> list[str]:
        """The folders an index that must be rebuilt (another analyzer or
        schema) was built from, read from its manifest without opening it."""
        from ..search.store import IndexStore

        try:
            manifest = IndexStore(self.index_dir).manifest()
        except Exception:
            return []
        roots = [p for p in getattr(manifest, "roots", []) if Path(p).exists()]
        return roots or sorted(p for p in manifest.sources if Path(p).exists())

    def source_paths(self) -> list[str]:
        """The folders and files the index was built from (so new files in
        them are added and deleted ones removed), else its source files."""
        if self.svc is None:
            return []
        roots = [p for p in getattr(self.svc.manifest, "roots", []) if Path(p).exists()]
        if roots:
            return roots
        from ..search.store import IndexStore

        # An index from before roots were recorded: its source files, from
        # the manifest on disk (the service keeps it without them).
        try:
            manifest = IndexStore(self.index_dir).manifest(self.svc.generation)
        except Exception:
            return []
        return sorted(p for p in manifest.sources if Path(p).exists())

    def export(self, req: Request, path: Path, fmt: str = "jsonl",
               redaction: tuple = ("never", 0)) -> tuple[int, Path]:
        """Write the request's results to ``path`` as ``fmt`` ("csv" or
        "jsonl"), through a temporary file renamed into place, personal data
        redacted as ``redaction`` (the config's mode and days) asks."""
        from ..export import Redacting, write_export

        path = Path(path)
        tmp = path.with_name(path.name + ".part")

        def write() -> int:  # from the start again if run twice
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                return write_export(Redacting(self.svc, *redaction), fh, fmt, req.query, req.filter_lists())

        try:
            n = self._recovering(write)
            tmp.replace(path)
        except BaseException:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise
        return n, path
