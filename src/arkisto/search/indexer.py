"""Building and updating the index from source files.

``index_paths`` parses each file (format detected by content), writes its
records into a new index generation, and publishes it atomically.  Files whose
content hash is unchanged since the last run are not parsed again; records of
files that changed are replaced, and records of files that were deleted from an
indexed folder are removed.  Problems never stop the run: each is reported
with its file (and record or line), and the summary counts them."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Any
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import from_os_error
from ..i18n import STRINGS, Msg, Strings, dump_msg, load_msg
from ..ingest import Problem, iter_files, parse_path
from ..ingest.ahead import ParseAhead, default_jobs
from ..ingest.detect import file_digest
from . import hotpostings, merge, termtables
from .schema import build_schema, group_document, single_document
from .store import IndexStore, Manifest
from .whoosh_format import WhooshPostings



@dataclass
class BuildProgress:
    """Where a build is, for a progress display (the CLI's, the TUI's).

    The indexer hands a copy to its ``progress`` callback when a file is
    started, as a PDF's pages are read (the parsing child reports each page),
    and when the phase changes.  The fraction done and the ETA go by bytes,
    not files: one 158-page PDF can take longer than a hundred small files,
    and counting its pages moves the fraction inside it."""

    phase: str = "scanning"  # "scanning" (finding files), "indexing", "writing" (committing), "done"
    files_total: int = 0
    files_done: int = 0  # files finished (indexed, unchanged or skipped)
    records: int = 0  # records written so far in this run
    current: str = ""  # the file being read
    pages_done: int = 0  # of the current file (a PDF), 0 when it has none
    pages_total: int = 0
    bytes_total: int = 0
    bytes_done: int = 0  # of the files finished
    current_bytes: int = 0  # the size of the current file
    elapsed: float = 0.0  # seconds since the files began

    @property
    def fraction(self) -> float:
        """How much of the work is done, 0..1 (the current file's pages count)."""
        if self.phase in ("writing", "done"):
            return 1.0
        done = float(self.bytes_done)
        if self.pages_total:
            done += self.current_bytes * min(self.pages_done, self.pages_total) / self.pages_total
        if self.bytes_total:
            return min(1.0, done / self.bytes_total)
        return min(1.0, self.files_done / self.files_total) if self.files_total else 0.0

    @property
    def rate(self) -> float:
        """Files finished per second."""
        return self.files_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, at the pace so far; None until a second has passed
        and something is done (an earlier guess would be noise)."""
        f = self.fraction
        if self.phase != "indexing" or self.elapsed < 1.0 or f <= 0.0:
            return None
        return self.elapsed * (1.0 - f) / f


ProgressFn = Callable[[BuildProgress], None]


# What the manifest remembers of a file that could not be read: its first
# few errors, each cut short.
FAILED_KEPT = 5
FAILED_CHARS = 500


_KNOWN: dict[str, Msg] = {}
_WHERE = re.compile(r"(record|item|line) (\d+)")
_KEPT = ("problem_", "ingest_")  # the keys a manifest's kept message may have


def _remembered(message: str) -> Msg:
    """A problem's English message from the manifest as a Msg: its key when
    it is one of the problem_/ingest_ messages with no parameters."""
    if not _KNOWN:
        _KNOWN.update({text: Msg(key) for key, text in STRINGS["en"].items()
                       if key.startswith(("problem_", "ingest_")) and "{" not in text})
    return _KNOWN.get(message) or Msg(message)


def _remembered_where(where: str | None) -> str | None:
    m = _WHERE.fullmatch(where) if where else None
    return Msg(f"ingest_where_{m.group(1)}", n=int(m.group(2))) if m else where

# A long build publishes what it has done every CHECKPOINT_SECONDS (or every
# CHECKPOINT_FILES files), so that a kill, a power cut or a closed terminal
# keeps it, and a re-run goes on from there.  See benchmarks/README.md for the
# measurements behind the defaults.
CHECKPOINT_SECONDS = float(os.environ.get("ARKISTO_CHECKPOINT_SECONDS", "300"))
CHECKPOINT_FILES = int(os.environ.get("ARKISTO_CHECKPOINT_FILES", "20000"))


@dataclass
class IndexReport:
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_skipped: int = 0  # nothing could be read from them
    files_skipped_unchanged: int = 0  # of those, unchanged since a run that could not read them
    files_deleted: int = 0
    files_moved: int = 0  # found again at a new path (same content)
    records: int = 0
    doc_count: int = 0
    repaired: int = 0
    warnings: int = 0
    checkpoints: int = 0  # generations published before the end of the run
    merged: int = 0  # records kept as part of another (the same decision from another file)
    problems: list[Problem] = field(default_factory=list)
    interrupted: bool = False
    signal: int = 0  # the signal that interrupted the run (SIGINT, SIGTERM, SIGHUP)
    discarded: bool = False  # an interrupted --rebuild: nothing was published
    pending: list[str] = field(default_factory=list)
    generation: str = ""
    by_format: dict[str, int] = field(default_factory=dict)

    def summary(self, s: Strings | None = None) -> str:
        """The counts in one sentence, in the language of ``s`` (English
        when none is given)."""
        s = s or Strings("en")
        parts = [
            s("sum_indexed", records=self.records, files=self.files_indexed),
            s("sum_unchanged", n=self.files_unchanged),
            s("sum_skipped", n=self.files_skipped) + (
                s("sum_skipped_unchanged", n=self.files_skipped_unchanged) if self.files_skipped_unchanged else ""),
            s("sum_repaired", n=self.repaired),
            s("sum_warnings", n=self.warnings),
        ]
        if self.files_deleted:
            parts.append(s("sum_deleted", n=self.files_deleted))
        if self.files_moved:
            parts.append(s("sum_moved", n=self.files_moved))
        if self.merged:
            parts.append(s("sum_merged", n=self.merged))
        return "; ".join(parts) + s("sum_holds", n=self.doc_count)


def index_paths(
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    lock_wait: float = 10.0,
    checkpoint_seconds: float | None = None,
    checkpoint_files: int | None = None,
    redact: bool = False,
) -> IndexReport:
    """Index files and folders into ``index_dir``.  See the module docstring.
    With ``redact``, personal data (ingest/personal.py) is replaced by its
    kind before anything is stored: the index holds none of it."""
    run = IndexRun(
        [Path(p) for p in paths], Path(index_dir), rebuild=rebuild, progress=progress, on_problem=on_problem,
        checkpoint_seconds=CHECKPOINT_SECONDS if checkpoint_seconds is None else checkpoint_seconds,
        checkpoint_files=CHECKPOINT_FILES if checkpoint_files is None else checkpoint_files,
    )
    run.redact = redact
    # Ctrl-C, SIGTERM and SIGHUP are held back and take effect at safe
    # points (between files), never inside Whoosh, halfway through a file's
    # records, or before the pending list is written.
    with _DeferSignals() as signals:
        return run.run(signals, lock_wait)


class IndexRun:
    """One run of ``arkisto index``: the files, the generation being
    written, and what the run has done so far.

    - ``run`` takes the lock, prepares a generation (a copy of the live one,
      or an empty one), indexes the files, and publishes.
    - Every file's records replace what the index had from that path; a
      record id that another file already has is kept from the first file,
      and the file that gave way is parsed again when the first goes away.
    - A file found again at a new path with the same content (a moved or
      renamed folder) takes the place of the old path.
    - One record per decision (``merge``): records of different files that
      are the same decision (or the same file in two folders) are merged
      into one document at the end of each batch (``_merge``), which keeps
      its members, so that when a file changes or goes the others are
      merged again without it (``_drop_source`` holds them back, the batch
      writes them again).
    - Checkpoints publish complete generations along the way (not during a
      ``--rebuild`` of an existing index, which publishes only a complete
      result).
    """

    def __init__(self, roots: list[Path], index_dir: Path, *, rebuild: bool, progress: ProgressFn | None,
                 on_problem: Callable[[Problem], None] | None, checkpoint_seconds: float, checkpoint_files: int):
        self.roots = roots
        self.store = IndexStore(index_dir)
        self.rebuild = rebuild
        self.progress = progress
        self.on_problem = on_problem
        self.checkpoint_seconds = checkpoint_seconds
        self.checkpoint_files = checkpoint_files
        self.report = IndexReport()
        self.state = BuildProgress()
        self.started = time.monotonic()
        self.sizes: dict[Path, int] = {}  # file -> its size in bytes, for the progress
        self.files: list[Path] = []
        self.keys: dict[Path, str] = {}  # file -> its resolved path, the key of sources
        self.old: Manifest | None = None  # the live generation's manifest (None: a new index, or --rebuild)
        self.sources: dict[str, dict] = {}
        self.gen_dir: Path | None = None
        self.ix: Any = None  # the Whoosh index of the generation being written
        self.writer: Any = None  # its Whoosh writer
        self.existing: Any = None  # a Whoosh searcher over the generation as copied (for ids of earlier runs)
        # A fresh build (no index before it, not --rebuild): after a
        # checkpoint ``existing`` holds only what this run wrote, so what the
        # run has not written is not asked of it (ids_written and ``written_keys``
        # answer "not there"; a 1M build made 10 % of its time's look-ups).
        self.fresh = False
        self.written_keys = _KeySet()  # the merge keys of the batches committed in a fresh build
        self.ids_written: dict[str, tuple[str, str]] = {}  # record id -> (path shown, key), in this run
        # One record per decision: merge keys written in this batch (-> the
        # token of their file), the keys whose records may merge at the end
        # of the batch, the members of merged documents whose other files
        # changed (to write again), and the files of each content hash.
        self.batch_keys: dict[str, str] = {}
        self.dirty: set[str] = set()
        self.held: dict[str, dict[str, dict]] = {}  # file key -> its members to write again, by record
        self.batch_dropped: set[str] = set()  # keys whose records were deleted in this batch
        self.by_digest: dict[str, set[str]] = {}
        self._own: set[int] | None = None  # the documents of the file being indexed, in ``existing``
        self.forced: set[str] = set()  # keys to parse again although unchanged
        self.changed_since_checkpoint = 0
        self.last_checkpoint = time.monotonic()
        self.old_live: Manifest | None = None  # the live generation's manifest, also for --rebuild
        self.seen: set[str] = set()
        self.processed: set[str] = set()  # keys handled in this run
        self.unchanged: set[str] = set()  # keys passed over as unchanged
        self.unread_unchanged: set[str] = set()  # of those, files an earlier run could not read
        self.dropped: set[str] = set()  # keys whose earlier records are deleted in this run
        self._missing_by_digest: dict[str, list[str]] | None = None
        self.redact = False  # store records with their personal data replaced (index --redact)
        # When records first entered the index (saved searches' "new"): the
        # times of ids the index had are kept, from ``existing`` or, for a
        # --rebuild, from the index it replaces (``previous``); new ids get
        # the clock's time, which never goes back past the index's newest.
        self.previous: Any = None
        self.clock = _Clock()
        self.ahead: ParseAhead | None = None  # PDFs parsed ahead while a file is indexed
        self._next: tuple[list[Path], int] | None = None  # the queue and where the next file is

    # --- problems -------------------------------------------------------------------

    def problem(self, p: Problem) -> None:
        r = self.report
        r.problems.append(p)
        if p.severity == "repaired":
            r.repaired += 1
        elif p.severity == "warning":
            r.warnings += 1
        if self.on_problem:
            self.on_problem(p)

    # --- progress ---------------------------------------------------------------------

    def _tell(self, **changes) -> None:
        """Update the progress model and hand a copy to the callback."""
        if self.progress is None:
            return
        st = self.state
        for k, v in changes.items():
            setattr(st, k, v)
        st.records = self.report.records
        st.elapsed = time.monotonic() - self.started
        self.progress(replace(st))

    def _on_page(self, done: int, total: int) -> None:
        self._tell(pages_done=done, pages_total=total)

    def _size(self, path: Path) -> int:
        size = self.sizes.get(path)
        if size is None:
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            self.sizes[path] = size
        return size

    # --- the run ----------------------------------------------------------------------

    def run(self, signals: _DeferSignals, lock_wait: float) -> IndexReport:
        self._tell(phase="scanning")
        self._collect()
        with self.store.lock(wait=lock_wait, what="indexing"):
            # Until this run publishes, every one of its files counts as not
            # done: whatever stops it (Ctrl-C, kill -9, a full disk),
            # --resume knows what to finish, and the content hashes skip
            # what was done.
            given = {str(f) for f in self.files}
            earlier = [p for p in read_pending(self.store.root) if p not in given]
            _write_pending(self.store.root, earlier + [str(f) for f in self.files])
            signals.check()
            self._prepare()
            try:
                try:
                    self._index_all(signals)
                except KeyboardInterrupt:
                    if signals.urgent or self.replacing:
                        raise
                    # Keep what is done: commit it as a complete generation,
                    # and list the files not yet done so a re-run (or
                    # --resume) finishes the job.
                    self.report.interrupted = True
                    self.report.signal = signals.signum or 2
                    self.report.pending = [str(f) for f in self.files
                                           if self.keys[f] not in self.processed or self.keys[f] in self.forced]
                self._tell(phase="writing", current="", pages_done=0, pages_total=0)
                self._commit()
            except KeyboardInterrupt:
                self._abandon()
                if not self.replacing:
                    raise
                # --rebuild publishes only a complete result: the index it
                # would replace keeps serving, as it was.
                assert self.old_live is not None  # replacing
                self.report.interrupted = self.report.discarded = True
                self.report.signal = signals.signum or 2
                self.report.generation = self.old_live.generation
                self.report.doc_count = self.old_live.doc_count
                _write_pending(self.store.root, earlier)
                return self.report
            except BaseException as exc:
                self._abandon()
                if isinstance(exc, OSError):
                    raise from_os_error(exc, "writing", self.gen_dir) from None
                raise
            # A signal that came while the last commit ran: everything is
            # done and is published, but the user asked to stop and is told.
            if signals.got:
                self.report.interrupted = True
                self.report.signal = signals.signum or 2
            self._close_existing()
            self._publish()
            _write_pending(self.store.root, earlier + self.report.pending)
        self._tell(phase="done")
        return self.report

    @property
    def replacing(self) -> bool:
        """A --rebuild of an index that exists: nothing is published until
        the new one is complete."""
        return self.rebuild and self.old_live is not None

    def _collect(self) -> None:
        seen: set[str] = set()
        for root in self.roots:
            if not root.exists() and not root.is_symlink():
                self.problem(Problem.of(str(root), Msg("problem_no_such_path")))
                continue
            for f in iter_files([root], on_problem=self._not_read):
                try:
                    key = str(f.resolve())
                except (OSError, RuntimeError) as exc:  # a symlink loop
                    self.problem(Problem.of(str(f), Msg("problem_cannot_resolve", error=str(exc))))
                    continue
                if key not in seen:
                    seen.add(key)
                    self.files.append(f)
                    self.keys[f] = key
        self.seen = seen
        self.report.files_seen = len(self.files)

    def _not_read(self, p: Problem) -> None:
        """A FIFO, device, socket, link loop or link out of the tree."""
        self.report.files_skipped += 1
        self.problem(p)

    def _prepare(self) -> None:
        """Repair what a crash or a user left, and open a new generation to write."""
        store = self.store
        try:
            repaired = store.repair_current()
            if repaired:
                self.problem(Problem.of(str(store.root), Msg("problem_current_repaired", gen=repaired),
                                        severity="repaired"))
            store.clean_partial()
            self.old_live = None
            if store.exists():
                self.old_live = store.manifest()
                if not self.rebuild:
                    store.check(self.old_live)
                    self.old = self.old_live
            self.gen_dir = store.new_generation(copy_current=self.old is not None)
        except OSError as exc:
            raise from_os_error(exc, "preparing", store.root) from None
        try:
            if self.old is None:
                # Without mmap, as every generation is opened (_open_gen): a
                # mapped compound segment is copied whole into memory by each
                # reader of the build (1 GB resident for a moment at 100k).
                from whoosh.filedb.filestore import FileStorage

                self.ix = FileStorage(str(self.gen_dir), supports_mmap=False).create_index(build_schema())
            else:
                self.ix = self._open_gen(self.gen_dir)
            self.writer = _writer(self.ix, fresh=self.old is None, files=len(self.files))
        except OSError as exc:
            store.discard(self.gen_dir)
            raise from_os_error(exc, "creating", self.gen_dir) from None
        self.sources = dict(self.old.sources) if self.old else {}
        for key, info in self.sources.items():
            self.by_digest.setdefault(info.get("sha256", ""), set()).add(key)
        # The records already in the index, to keep ids unique across runs.
        self.existing = self.ix.searcher() if self.old is not None else None
        self.fresh = self.old_live is None
        if self.existing is not None:
            self.clock.after(_newest_time(self.existing))
        elif self.old_live is not None:
            self.previous = _open_previous(store.root / self.old_live.generation)
            if self.previous is not None:
                self.clock.after(_newest_time(self.previous))

    @staticmethod
    def _open_gen(gen_dir: Path):
        # Without mmap: Whoosh wraps a mapped segment in BytesIO, a copy of
        # the whole file (2 GB resident to update a 100k index).
        from whoosh.filedb.filestore import FileStorage

        return FileStorage(str(gen_dir), supports_mmap=False).open_index()

    def _abandon(self) -> None:
        if self.writer is not None:
            try:
                self.writer.cancel()
            except Exception:
                pass
            self.writer = None
        self._close_existing()
        if self.ix is not None:
            try:
                self.ix.close()
            except Exception:
                pass
        if self.gen_dir is not None:
            self.store.discard(self.gen_dir)

    def _close_existing(self) -> None:
        if self.previous is not None:
            try:
                self.previous.close()
            except Exception:
                pass
            self.previous = None
        if self.existing is not None:
            try:
                self.existing.close()
            except Exception:
                pass
            self.existing = None

    # --- files ------------------------------------------------------------------------

    def _index_all(self, signals: _DeferSignals) -> None:
        self.ahead = ParseAhead(default_jobs())
        try:
            self._index_queue(signals)
        finally:
            self.ahead.close()
            self.ahead = None

    def _read_ahead(self, queue: list[Path], n: int) -> None:
        """Start parsing the PDFs among the next files (this one included)
        in children of their own, and the next other file in the read-ahead's
        worker, while this thread indexes (see ingest/ahead.py)."""
        ahead = self.ahead
        if ahead is None or ahead.jobs < 2:
            return
        for path in queue[n:n + max(ahead.jobs, 2)]:
            if not ahead.wanted(path):
                continue
            key = self.keys[path]
            prev = self.sources.get(key)
            same = prev is not None and prev.get("version") == __version__ and key not in self.forced
            ahead.start(path, prev.get("sha256") if same and prev is not None else None)

    def _index_queue(self, signals: _DeferSignals) -> None:
        self._remove_deleted()
        queue = list(self.files) + self._requeue()
        track = self.progress is not None
        if track:
            self.started = time.monotonic()
            self.state.bytes_total = sum(self._size(f) for f in queue)
        n = 0
        while n < len(queue):
            path = queue[n]
            n += 1
            signals.check()  # a signal takes effect here, between files
            if track:
                self._tell(phase="indexing", files_done=n - 1, files_total=len(queue), current=str(path),
                           pages_done=0, pages_total=0, current_bytes=self._size(path))
            self._read_ahead(queue, n - 1)
            self._next = (queue, n)
            self._index_file(path)
            self._next = None
            self.processed.add(self.keys[path])
            if track:
                self.state.bytes_done += self.state.current_bytes
                self.state.files_done = n
            more = self._requeue()
            if more:
                queue += more
                if track:
                    self.state.bytes_total += sum(self._size(f) for f in more)
            if self._checkpoint_due():
                if track:
                    self._tell(phase="writing", current="", pages_done=0, pages_total=0)
                self._checkpoint()

    def _requeue(self) -> list[Path]:
        """Files that gave way to record ids which are free now, and were
        passed over already (or are not among this run's files): they are
        parsed again at the end of the queue."""
        out = []
        for key in sorted(self.forced):
            if key in self.processed or key not in self.seen:
                if not os.path.isfile(key):
                    self.forced.discard(key)
                    continue
                path = Path(key)
                self.keys[path] = key
                self.seen.add(key)
                self.processed.discard(key)
                if key in self.unread_unchanged:
                    self.unread_unchanged.discard(key)
                    self.unchanged.discard(key)
                    self.report.files_skipped -= 1
                    self.report.files_skipped_unchanged -= 1
                elif key in self.unchanged:
                    self.unchanged.discard(key)
                    self.report.files_unchanged -= 1
                out.append(path)
        return out

    def _remove_deleted(self) -> None:
        """Files indexed under the given folders that are gone now: their
        records go, and the files that gave way to their ids are parsed
        again.  Files under folders that are gone altogether stay (an
        unmounted drive is not a deletion) until found again elsewhere."""
        root_keys = []
        for r in self.roots:
            try:
                if r.exists():
                    root_keys.append(str(r.resolve()))
            except (OSError, RuntimeError):
                continue
        for key in list(self.sources):
            under = any(key == rk or key.startswith(rk.rstrip(os.sep) + os.sep) for rk in root_keys)
            if under and key not in self.seen and not os.path.exists(key):
                self._drop_source(key)
                self.report.files_deleted += 1

    def _drop_source(self, key: str) -> None:
        """Remove a source's records from the generation being written, and
        mark the files whose records gave way to them for parsing again.
        A record merged with other files' records goes with it; theirs are
        held back to be written again (and merged again) at the end of the
        batch."""
        info = self.sources.pop(key, None)
        if info:
            self.by_digest.get(info.get("sha256", ""), set()).discard(key)
        token = merge.path_token(key)
        self.held.pop(key, None)  # its members held from other merged records: replaced or gone
        if self.existing is not None:
            for stored in self.existing.documents(mpaths=token):
                for m in merge.members_of(stored):
                    # Not those of files deleted or read again in this batch.
                    if m["path"] != key and m["path"] not in self.batch_dropped and m["path"] in self.sources:
                        self.held.setdefault(m["path"], {})[m["record"]] = m
        self.writer.delete_by_term("path", key)
        self.writer.delete_by_term("mpaths", token)
        self.dropped.add(key)
        self.batch_dropped.add(key)
        self.changed_since_checkpoint += 1
        if not info:
            return
        released = set(info.get("ids", []))
        if not released:
            return
        for other, oinfo in self.sources.items():
            if released & set(oinfo.get("gave_way", [])):
                self.forced.add(other)

    def _index_file(self, path: Path) -> None:
        """Index one file (or pass it over when its content is unchanged)."""
        report = self.report
        key = self.keys[path]
        # Read ahead (a PDF parsed in a child while the file before was
        # indexed), or now.
        early = self.ahead.take(path, self._on_page if self.progress else None) if self.ahead else None
        if self._next is not None:  # the files after this one start while it is indexed
            self._read_ahead(*self._next)
        try:
            digest = early.digest if early is not None else file_digest(path)  # reads regular files only
        except OSError as exc:
            self.problem(Problem.of(str(path), Msg("problem_cannot_read", error=str(exc.strerror or exc))))
            report.files_skipped += 1
            return
        prev = self.sources.get(key)
        if prev and prev.get("sha256") == digest and prev.get("version") == __version__ \
                and key not in self.forced:
            self.unchanged.add(key)
            if prev.get("ids") or prev.get("gave_way"):
                report.files_unchanged += 1
            else:
                self._still_unread(path, key, prev)
            return
        self.forced.discard(key)
        if prev is None:
            self._moved_from(key, digest)
        # Pages are reported only to a listener (the parsing child sends each over its pipe).
        if early is not None and early.result is not None:
            result = early.result
        else:
            result = parse_path(path, on_page=self._on_page) if self.progress else parse_path(path)
        if self.redact:
            from ..ingest.personal import redact

            result.records = [redact(r) for r in result.records]
        for p in result.problems:
            self.problem(p)
        if prev:
            self._drop_source(key)
        elif self.existing is not None and not self.fresh:
            # Not in the manifest, but an interrupted run may have written
            # records of this path before it could say so.  (A fresh build
            # wrote a path's records only while it was in ``sources``: taken
            # out, they were deleted with it.)
            self.writer.delete_by_term("path", key)
            self.writer.delete_by_term("mpaths", merge.path_token(key))
        twins = self.by_digest.get(digest, set()) - {key}  # the same content at other paths
        self._own = None
        ids: list[str] = []
        gave_way: list[str] = []
        for position, rec in enumerate(result.records):
            again = rec.id in self.ids_written  # a copy's record: this run wrote the id
            if not self._take_id(rec, path, key, twins):
                gave_way.append(rec.id)
                continue
            self.ids_written[rec.id] = (str(path), key)
            rec.first_indexed = self._first_indexed(rec.id, again)
            keys = merge.keys(rec, digest, position)
            self._note_keys(keys, key, bool(twins))
            self.writer.add_document(**single_document(rec, keys, key))
            ids.append(rec.id)
        if ids:
            report.files_indexed += 1
            report.records += len(ids)
            report.by_format[result.format] = report.by_format.get(result.format, 0) + 1
        else:
            report.files_skipped += 1
            if not any(p.severity == "error" for p in result.problems) and not gave_way:
                self.problem(Problem.of(str(path), Msg("problem_no_records")))
        self.sources[key] = {"sha256": digest, "ids": ids, "format": result.format, "version": __version__,
                             "errors": sum(1 for p in result.problems if p.severity == "error")}
        self.by_digest.setdefault(digest, set()).add(key)
        if gave_way:
            self.sources[key]["gave_way"] = gave_way
        elif not ids:
            # Remembered with the file's hash, so that a re-run, which does not
            # read an unchanged file again, still lists it as unread.
            errors = [p for p in result.problems if p.severity == "error"][:FAILED_KEPT] \
                or [Problem.of(str(path), Msg("problem_no_records"))]
            self.sources[key]["failed"] = [[p.where or "", p.message[:FAILED_CHARS]] for p in errors]
            # The same as keys and parameters, said in the UI's language on a re-run.
            self.sources[key]["failed_msg"] = [
                [dump_msg(p.where) if isinstance(p.where, Msg) else None,
                 dump_msg(p.msg) if p.msg is not None else None] for p in errors]
        self.changed_since_checkpoint += 1

    def _first_indexed(self, record_id: str, again: bool = True):
        """When the record first entered the index: the time the index has
        for its id (None for a record indexed before times were kept: it
        stays old), else now.  ``again``: this run has written the id before
        (a fresh build's index can have it only then)."""
        for searcher in (self.existing, self.previous):
            if searcher is None or (searcher is self.existing and self.fresh and not again):
                continue
            try:
                found, when = _stored_time(searcher, record_id)
            except Exception:  # the index a --rebuild replaces may be damaged: its times are lost
                if searcher is self.previous:
                    self.previous = None
                continue
            if found:
                return when
        return self.clock.now()

    def _still_unread(self, path: Path, key: str, prev: dict) -> None:
        """An unchanged file that could not be read in an earlier run: it is
        skipped again, and said so (from what the manifest remembers)."""
        self.report.files_skipped += 1
        self.report.files_skipped_unchanged += 1
        self.unread_unchanged.add(key)
        failed = prev.get("failed")
        kept = prev.get("failed_msg")
        kept = kept if isinstance(kept, list) else []
        entries: list[tuple[str | None, Msg]] = []
        if isinstance(failed, list):  # the manifest is read from disk: only strings, and short
            for i, entry in enumerate(failed[:FAILED_KEPT]):
                if isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
                    where: str | None = entry[0][:FAILED_CHARS] or None
                    message = entry[1][:FAILED_CHARS]
                    # As keys and parameters where the manifest keeps them,
                    # in the UI's language; else (an index written before
                    # they were kept) from the English: a message without
                    # parameters, and "record 3", "item 2", "line 12"; the
                    # rest as written.
                    msgs = kept[i] if i < len(kept) and isinstance(kept[i], list) and len(kept[i]) == 2 \
                        else [None, None]
                    said = load_msg(msgs[1], _KEPT) or _remembered(message)
                    where = load_msg(msgs[0], _KEPT) or _remembered_where(where)
                    entries.append((where, said))
        if not entries:
            entries = [(None, Msg("problem_not_read"))]
        for where, said in entries:
            self.problem(Problem.of(str(path), Msg("problem_unchanged_unread", message=said), where))

    def _moved_from(self, key: str, digest: str) -> None:
        """A new path whose content an indexed path had, and that path is
        gone: the file moved (or its folder did).  The old path's records
        go; this path's come in their place."""
        if self._missing_by_digest is None:
            self._missing_by_digest = {}
            for other, info in self.sources.items():
                if not os.path.exists(other):
                    self._missing_by_digest.setdefault(info.get("sha256", ""), []).append(other)
        olds = self._missing_by_digest.get(digest)
        while olds:
            other = olds.pop()
            if other in self.sources:
                self._drop_source(other)
                self.report.files_moved += 1
                return

    def _take_id(self, rec, path: Path, key: str, twins: AbstractSet[str] = frozenset()) -> bool:
        """False when another file has this record id (the first file keeps
        it, with a warning).  A copy of the same file (``twins``) is no
        conflict: its records merge with the copy's."""
        first = self.ids_written.get(rec.id)
        if first is not None and first[1] in twins:
            return True
        if first is not None:
            shown = first[0]
            also = Msg("problem_earlier_here") if shown == str(path) else Msg("problem_also_in", path=shown)
            self.problem(Problem.of(str(path), Msg("problem_duplicate_id", id=rec.id, also=also),
                                    severity="warning"))
            return False
        if self.existing is not None and not self.fresh:  # a fresh build's index has only ids_written
            other = self.existing.document(id=rec.id)
            opath = other.get("path") if other is not None else None
            if opath in twins:
                return True
            # The copy in the index stands unless its file's records are
            # being replaced in this run (what that file still has is in
            # ids_written, checked above).
            if opath is not None and opath != key and opath in self.sources and opath not in self.dropped:
                if not os.path.exists(opath):
                    # The other file is gone (moved, or deleted outside the
                    # folders given): this one takes its place.
                    self._drop_source(opath)
                    self.report.files_moved += 1
                    return True
                self.problem(Problem.of(str(path), Msg("problem_duplicate_id", id=rec.id,
                                                       also=Msg("problem_also_in", path=opath)), severity="warning"))
                return False
        return True

    # --- one record per decision ------------------------------------------------------

    def _note_keys(self, keys: list[str], key: str, twins: bool) -> None:
        """Mark the merge keys that another file has written in this batch,
        or that the index holds from another file (or all of them, for a
        copy of another file): their records are merged at the end of the
        batch."""
        token = merge.path_token(key)
        for k in merge.searchable(keys):
            other = self.batch_keys.setdefault(k, token)
            if twins or other != token or self._elsewhere(k, key, token):
                self.dirty.add(k)

    def _elsewhere(self, k: str, key: str, token: str) -> bool:
        """Whether a record of another file than ``key`` had the merge key
        ``k`` when the batch began (the file's own earlier records do not
        count: an update of a file is no merge)."""
        existing = self.existing
        if existing is None or (self.fresh and k not in self.written_keys) \
                or not existing.doc_frequency("mterms", k):
            return False
        if self._own is None:  # the file's earlier records, once per file
            self._own = _postings(existing, "path", key) | _postings(existing, "mpaths", token)
        return not _postings(existing, "mterms", k) <= self._own

    def _commit(self) -> None:
        """End a batch: write the held members again, commit, and merge the
        records that are the same decision."""
        for members in self.held.values():
            for m in members.values():
                self.dirty.update(m["keys"])
                self.writer.add_document(**group_document([m]))
        self.held = {}
        self.writer.commit()
        self.writer = None
        self._merge()
        if self.fresh:
            self.written_keys.add_all(self.batch_keys)
        self.batch_keys = {}
        self.dirty = set()
        self.batch_dropped = set()

    def _merge(self) -> None:
        """Merge the documents that share the batch's marked keys: each set
        of documents linked by keys is grouped again (``merge.partition``),
        and replaced where the grouping changed.  A writer is opened only
        when something changes."""
        if not self.dirty:
            return
        from .schema import record_from_json

        changes: list[tuple[list[int], list[list[dict]]]] = []
        with self.ix.searcher() as searcher:
            seen_keys: set[str] = set()
            seen_docs: set[int] = set()
            for start in sorted(self.dirty):
                if start in seen_keys:
                    continue
                seen_keys.add(start)
                docs = self._linked(searcher, start, seen_keys, seen_docs)
                if not 2 <= len(docs) <= merge.MAX_GROUP:
                    continue
                current = [ms for _n, ms in docs]
                groups = merge.partition([m for ms in current for m in ms], record_from_json)
                if not merge.same_grouping(groups, current):
                    changes.append(([n for n, _ms in docs], groups))
                    self.report.merged += max(0, sum(len(g) - 1 for g in groups)
                                              - sum(len(ms) - 1 for ms in current))
        if not changes:
            return
        # The writer's documents are the committed ones the searcher read:
        # the same numbers.
        self.writer = bulk_writer(self.ix)
        for docnums, groups in changes:
            for docnum in docnums:
                self.writer.delete_document(docnum)
            for group in groups:
                self.writer.add_document(**group_document(group))
        self.writer.commit()
        self.writer = None

    @staticmethod
    def _linked(searcher, start: str, seen_keys: set[str], seen_docs: set[int]) -> list[tuple[int, list[dict]]]:
        """The documents linked to the key ``start`` through shared keys,
        with their members (more than MAX_GROUP: the search stops)."""
        todo: list[str] = [start]
        docs: list[tuple[int, list[dict]]] = []
        while todo and len(docs) <= merge.MAX_GROUP:
            k = todo.pop()
            for docnum in searcher.document_numbers(mterms=k):
                if docnum in seen_docs:
                    continue
                seen_docs.add(docnum)
                members = merge.members_of(searcher.stored_fields(docnum))
                docs.append((docnum, members))
                for k2 in merge.terms_of(members):
                    if k2 not in seen_keys:
                        seen_keys.add(k2)
                        todo.append(k2)
        return docs

    # --- checkpoints and publishing ---------------------------------------------------------

    def _checkpoint_due(self) -> bool:
        if self.replacing or not self.changed_since_checkpoint:
            return False
        return (self.changed_since_checkpoint >= self.checkpoint_files
                or time.monotonic() - self.last_checkpoint >= self.checkpoint_seconds)

    def _checkpoint(self) -> None:
        """Publish what is done as a complete generation (its records
        merged, as at the end of the run) and go on writing a copy of it."""
        self._commit()
        self._close_existing()
        self._publish()
        self.report.checkpoints += 1
        self.old = self.store.manifest()
        self.gen_dir = self.store.new_generation(copy_current=True)
        self.ix = self._open_gen(self.gen_dir)
        remaining = len(self.files) - self.report.files_indexed - self.report.files_unchanged \
            - self.report.files_skipped
        self.writer = _writer(self.ix, fresh=self.old_live is None, files=remaining,
                              settle=self.ahead.settle if self.ahead is not None else None)
        self.existing = self.ix.searcher()
        self.changed_since_checkpoint = 0
        self.last_checkpoint = time.monotonic()
        _write_pending(self.store.root, [str(f) for f in self.files if self.keys[f] not in self.processed])

    def _publish(self) -> None:
        store = self.store
        assert self.gen_dir is not None  # prepared
        try:
            with self.ix.searcher() as s:
                doc_count = s.doc_count()
                # New segments' facet and project terms as arrays beside them (termtables.py).
                px = WhooshPostings(s)
                termtables.write_missing(self.gen_dir, px)
                # And their frequent terms' postings (hotpostings.py).
                hotpostings.write_missing(self.gen_dir, px)
            self.ix.close()
            given: list[str] = []
            for r in self.roots:
                try:
                    if r.exists():
                        given.append(str(r.resolve()))
                except (OSError, RuntimeError):
                    continue
            known = [r for r in (self.old.roots if self.old else []) if r not in given]
            manifest = Manifest(generation=self.gen_dir.name, doc_count=doc_count, sources=dict(self.sources),
                                roots=known + given)
            store.publish(self.gen_dir, manifest)
        except OSError as exc:
            store.discard(self.gen_dir)
            raise from_os_error(exc, "publishing", self.gen_dir) from None
        self.report.doc_count = doc_count
        self.report.generation = self.gen_dir.name


class _Clock:
    """Times for new records: UTC, strictly increasing, and never before a
    floor (the newest time the index already has, should the system clock
    have gone back).  Each record gets its own time, so that a saved
    search's mark (the newest time a user was shown) splits records shown
    from records not yet shown even when a run publishes checkpoints."""

    def __init__(self):
        self.last = 0  # microseconds since the epoch

    def after(self, us: int | None) -> None:
        if us is not None and us > self.last:
            self.last = us

    def now(self):
        from .schema import from_micros

        us = max(time.time_ns() // 1000, self.last + 1)
        self.last = us
        return from_micros(us)


def _newest_time(searcher) -> int | None:
    """The newest ``first_indexed`` in an index (microseconds), None when it
    has none (or no such column: an index from before times were kept)."""
    try:
        col = WhooshPostings(searcher).column("first_indexed")
    except Exception:
        return None
    if col is None:
        return None
    values, present = col
    return int(values[present].max()) if present.any() else None


class _KeySet:
    """A set of strings that may answer "there" for one that is not (a
    64-bit hash's collision) but never "not there" for one that is: kept as
    sorted hashes, 8 bytes a key (2 M merge keys at 1M decisions: 16 MB, not
    the 200 MB of a set of str).  Python's string hash is the process's own,
    and so is this set."""

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.int64)

    def add_all(self, keys: Iterable[str]) -> None:
        new = np.fromiter((hash(k) for k in keys), dtype=np.int64)
        if len(new):
            self._hashes = np.union1d(self._hashes, new)

    def __contains__(self, key: str) -> bool:
        h = hash(key)
        hashes = self._hashes
        i = int(hashes.searchsorted(h))
        return i < len(hashes) and int(hashes[i]) == h

    def __len__(self) -> int:
        return len(self._hashes)


def _open_previous(gen_dir: Path):
    """A searcher over the generation a --rebuild replaces, for the times
    its records first entered the index; None when it cannot be read (it may
    be damaged, or from an older version: the rebuild goes on without)."""
    try:
        return IndexRun._open_gen(gen_dir).searcher()
    except Exception:
        return None


def _stored_time(searcher, record_id: str):
    """(found, first_indexed) of a record id in an index: its own document,
    or the merged one it is a member of (the member's own time).  The index
    is untrusted: a time that does not read is None (old)."""
    import json

    docnum = searcher.document_number(id=record_id)
    if docnum is None and "aliases" in searcher.schema:
        docnum = searcher.document_number(aliases=merge.id_token(record_id))
    if docnum is None:
        return False, None
    stored = searcher.stored_fields(docnum)
    raw = stored.get("record")
    for m in merge.members_of(stored) if stored.get("members") else ():
        data = json.loads(m.get("record") or "{}")
        if isinstance(data, dict) and data.get("id") == record_id:
            raw = m["record"]
            break
    data = json.loads(raw) if isinstance(raw, str) else {}
    return True, _parse_time(data.get("first_indexed") if isinstance(data, dict) else None)


def _parse_time(value):
    from datetime import datetime, timezone

    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _postings(searcher, field: str, text: str) -> set[int]:
    """The documents with a term (deleted ones too: callers only ask
    whether there may be others), without a query's overhead."""
    try:
        return set(searcher.reader().postings(field, text).all_ids())
    except Exception as exc:  # TermNotFound
        if type(exc).__name__ == "TermNotFound" or isinstance(exc, KeyError):
            return set()
        raise


class _DeferSignals:
    """Hold back SIGINT, SIGTERM and SIGHUP (in the main thread):
    ``check()`` raises KeyboardInterrupt at a safe point once one came.  A
    second signal while the first waits for its safe point takes effect at
    once (the generation being written is discarded; the index as it was
    keeps serving).  Elsewhere (a worker thread, as in the TUI) it does
    nothing."""

    SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self):
        self.got = False
        self.urgent = False  # a second signal: stop now
        self.signum = 0
        self.old: dict[int, object] = {}

    def __enter__(self):
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                num = getattr(signal, name, None)
                if num is None:
                    continue
                try:
                    self.old[num] = signal.signal(num, self._handler)
                except (ValueError, OSError):
                    pass
        return self

    def _handler(self, signum, frame):
        if self.got:
            self.urgent = True
            raise KeyboardInterrupt
        self.got = True
        self.signum = signum

    def check(self) -> None:
        if self.got:
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        import signal

        for num, old in self.old.items():
            try:
                signal.signal(num, old)
            except (ValueError, OSError, TypeError):
                pass
        self.old = {}
        return False


def _writer(ix, fresh: bool, files: int, settle: Callable[[], None] | None = None):
    """A full build of many files uses one Whoosh sub-writer per core (each
    analyses and pools its share, and their segments are kept, not merged:
    measured 36 s -> 12.5 s for 10,000 decisions on 2 cores); updates use
    one writer, so they stay small and cheap.

    The sub-writers are forked here, at once, after ``settle`` has let the
    read-ahead's threads end: a child forked while another thread holds a
    lock (an import's, the allocator's) may wait on its copy for ever, and
    Whoosh would otherwise fork them at its first batch, mid-build."""
    procs = min(os.cpu_count() or 1, 4)
    if fresh and files >= 200 and procs > 1 and os.environ.get("ARKISTO_INDEX_PROCS", "") != "1":
        from .whoosh_format import prepare_subwriters, start_subwriters

        prepare_subwriters()  # Ctrl-C, a killed parent, arkisto's writer: see there
        if settle is not None:
            settle()
        writer = ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB)
        start_subwriters(writer)
        return writer
    return bulk_writer(ix)


# Memory a writer's postings may take before it writes them to a run file
# (each of a full build's sub-writers has its own): at 96 MB a 100k build's
# sub-writers each write a few runs, and stay near 200 MB.
WRITER_MB = int(os.environ.get("ARKISTO_WRITER_MB", "96") or 96)


def bulk_writer(ix):
    """One writer of Whoosh segments, arkisto's (``bulkwrite.BulkWriter``)."""
    from .bulkwrite import BulkWriter

    return BulkWriter(ix, limitmb=WRITER_MB)


PENDING = "PENDING.json"


def _write_pending(root: Path, pending: list[str]) -> None:
    import json

    path = root / PENDING
    if pending:
        path.write_text(json.dumps(pending, ensure_ascii=False, indent=0), encoding="utf-8")
    elif path.exists():
        path.unlink()


def indexed_roots(index_dir: str | os.PathLike[str]) -> list[str]:
    """The files and folders this index was built from (for an update that
    picks up new and deleted files in them)."""
    store = IndexStore(index_dir)
    try:
        return store.manifest(sources=False).roots
    except Exception:
        return []


def read_pending(index_dir: str | os.PathLike[str]) -> list[str]:
    import json

    path = Path(index_dir) / PENDING
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
