"""Building and updating the index from source files.

``index_paths`` parses each file (format detected by content), writes its
records into a new index generation, and publishes it atomically.  Files whose
content hash is unchanged since the last run are not parsed again; records of
files that changed are replaced, and records of files that were deleted from an
indexed folder are removed.  Problems never stop the run: each is reported
with its file (and record or line), and the summary counts them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import from_os_error
from ..ingest import Problem, iter_files, parse_path
from ..ingest.detect import file_digest
from .schema import build_schema, is_stub, natural_key, to_document
from .store import IndexStore, Manifest

ProgressFn = Callable[[int, int, str], None]


@dataclass
class IndexReport:
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_skipped: int = 0  # nothing could be read from them
    files_deleted: int = 0
    records: int = 0
    doc_count: int = 0
    repaired: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    interrupted: bool = False
    pending: list[str] = field(default_factory=list)
    generation: str = ""
    by_format: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{self.records} records from {self.files_indexed} files indexed",
            f"{self.files_unchanged} unchanged",
            f"{self.files_skipped} skipped",
            f"{self.repaired} repaired",
            f"{self.warnings} warnings",
        ]
        if self.files_deleted:
            parts.append(f"{self.files_deleted} removed (file deleted)")
        return "; ".join(parts) + f". The index holds {self.doc_count} records."


def index_paths(
    paths: Iterable[str | os.PathLike[str]],
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    progress: ProgressFn | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    lock_wait: float = 10.0,
) -> IndexReport:
    """Index files and folders into ``index_dir``.  See the module docstring."""

    report = IndexReport()
    roots = [Path(p) for p in paths]

    def problem(p: Problem) -> None:
        report.problems.append(p)
        if p.severity == "repaired":
            report.repaired += 1
        elif p.severity == "warning":
            report.warnings += 1
        if on_problem:
            on_problem(p)

    def not_read(p: Problem) -> None:  # a FIFO, device, socket, link loop or link out of the tree
        report.files_skipped += 1
        problem(p)

    files: list[Path] = []
    seen: set[str] = set()
    for root in roots:
        if not root.exists():
            problem(Problem(str(root), "no such file or folder"))
            continue
        for f in iter_files([root], on_problem=not_read):
            key = str(f.resolve())
            if key not in seen:
                seen.add(key)
                files.append(f)
    report.files_seen = len(files)

    # Ctrl-C is held back and takes effect at safe points (between files),
    # never inside Whoosh, halfway through a file's records, or before the
    # pending list is written.
    with _DeferInterrupt() as interrupts:
        return _index_locked(files, roots, seen, index_dir, rebuild, progress, problem, report, lock_wait,
                             interrupts)


def _index_locked(files, roots, seen, index_dir, rebuild, progress, problem, report, lock_wait, interrupts):
    from whoosh import index as windex

    store = IndexStore(index_dir)
    with store.lock(wait=lock_wait, what="indexing"):
        # Until this run publishes, every one of its files counts as not done:
        # whatever stops it (Ctrl-C, kill -9, a full disk), --resume knows
        # what to finish, and the content hashes skip what was done.
        earlier = [p for p in read_pending(store.root) if p not in {str(f) for f in files}]
        _write_pending(store.root, earlier + [str(f) for f in files])
        interrupts.check()
        try:
            store.clean_partial()
            old = None
            if store.exists() and not rebuild:
                old = store.manifest()
                store.check(old)
            gen_dir = store.new_generation(copy_current=old is not None)
        except OSError as exc:
            raise from_os_error(exc, f"preparing {index_dir}") from None
        try:
            if old is None:
                ix = windex.create_in(str(gen_dir), build_schema())
            else:
                # Without mmap: Whoosh wraps a mapped segment in BytesIO, a
                # copy of the whole file (2 GB resident to update a 100k index).
                from whoosh.filedb.filestore import FileStorage

                ix = FileStorage(str(gen_dir), supports_mmap=False).open_index()
            writer = _writer(ix, fresh=old is None, files=len(files))
        except OSError as exc:
            store.discard(gen_dir)
            raise from_os_error(exc, f"creating {gen_dir}") from None
        sources: dict[str, dict] = dict(old.sources) if old else {}
        # The records already in the index, to keep ids unique across runs.
        existing = ix.searcher() if old is not None else None
        ids_written: dict[str, str] = {}
        natkeys_written: dict[str, str] = {}
        stubs: list[tuple[object, str, str]] = []  # (record, path key, path) held to the end
        committed = False
        try:
            for n, path in enumerate(files):
                interrupts.check()  # Ctrl-C takes effect here, between files
                key = str(path.resolve())
                if progress:
                    progress(n, len(files), str(path))
                try:
                    digest = file_digest(path)  # reads regular files only
                except OSError as exc:
                    problem(Problem(str(path), f"cannot read file: {exc.strerror or exc}"))
                    report.files_skipped += 1
                    continue
                prev = sources.get(key)
                if prev and prev.get("sha256") == digest and prev.get("version") == __version__:
                    report.files_unchanged += 1
                    continue
                result = parse_path(path)
                for p in result.problems:
                    problem(p)
                if prev:
                    writer.delete_by_term("path", key)
                ids = []
                for rec in result.records:
                    if rec.id in ids_written:
                        first = ids_written[rec.id]
                        also = "earlier in this file" if first == str(path) else f"also in {first}"
                        problem(Problem(str(path), f"duplicate record id {rec.id} ({also}); kept the first",
                                        severity="warning"))
                        continue
                    if existing is not None:
                        other = existing.document(id=rec.id)
                        if other is not None and other.get("path") != key and other.get("path") in sources:
                            problem(Problem(str(path), f"duplicate record id {rec.id} (also in "
                                            f"{other.get('path')}); kept the first", severity="warning"))
                            continue
                    ids_written[rec.id] = str(path)
                    if is_stub(rec) and natural_key(rec):
                        # A listing entry: index it only if no fuller record
                        # of the same item turns up in this run or the index.
                        stubs.append((rec, key, str(path)))
                        ids.append(rec.id)
                        continue
                    nk = natural_key(rec)
                    if nk:
                        natkeys_written[nk] = str(path)
                    doc = to_document(rec)
                    doc["path"] = key
                    writer.add_document(**doc)
                    ids.append(rec.id)
                if ids:
                    report.files_indexed += 1
                    report.records += len(ids)
                    report.by_format[result.format] = report.by_format.get(result.format, 0) + 1
                else:
                    report.files_skipped += 1
                    if not any(p.severity == "error" for p in result.problems):
                        problem(Problem(str(path), "no records found in this file"))
                sources[key] = {"sha256": digest, "ids": ids, "format": result.format, "version": __version__,
                                "errors": sum(1 for p in result.problems if p.severity == "error")}
            if stubs:
                with ix.searcher() as current:
                    for rec, key, shown in stubs:
                        nk = natural_key(rec)
                        fuller = natkeys_written.get(nk)
                        if fuller is None:
                            other = current.document(natkey=nk)
                            if other and other.get("path") != key:
                                fuller = other.get("path")
                        if fuller:
                            sources[key]["ids"].remove(rec.id)
                            report.records -= 1
                            problem(Problem(shown, f"§ {rec.section} is also in {fuller} with its text; "
                                            "kept that one", severity="repaired"))
                            continue
                        doc = to_document(rec)
                        doc["path"] = key
                        writer.add_document(**doc)
            # Files that were indexed under these roots and are gone now.
            root_keys = [str(r.resolve()) for r in roots if r.exists()]
            for key in list(sources):
                under = any(key == rk or key.startswith(rk.rstrip(os.sep) + os.sep) for rk in root_keys)
                if under and key not in seen and not os.path.exists(key):
                    writer.delete_by_term("path", key)
                    del sources[key]
                    report.files_deleted += 1
            interrupts.check()
            writer.commit()
            committed = True
        except KeyboardInterrupt:
            # Keep what is done: commit it as a complete generation, and list
            # the files not yet done so a re-run (or --resume) finishes the job.
            report.interrupted = True
            done = set(sources)
            report.pending = [str(f) for f in files if str(f.resolve()) not in done]
            try:
                writer.commit()
                committed = True
            except BaseException:
                writer.cancel()
                store.discard(gen_dir)
                raise
        except BaseException as exc:
            if not committed:
                try:
                    writer.cancel()
                except Exception:
                    pass
            store.discard(gen_dir)
            if isinstance(exc, OSError):
                raise from_os_error(exc, f"writing {gen_dir}") from None
            raise
        if existing is not None:
            existing.close()
        try:
            with ix.searcher() as s:
                report.doc_count = s.doc_count()
            ix.close()
            given = [str(r.resolve()) for r in roots if r.exists()]
            known = [r for r in (old.roots if old else []) if r not in given]
            manifest = Manifest(generation=gen_dir.name, doc_count=report.doc_count, sources=sources,
                                roots=known + given)
            store.publish(gen_dir, manifest)
        except OSError as exc:
            store.discard(gen_dir)
            raise from_os_error(exc, f"publishing {gen_dir}") from None
        report.generation = gen_dir.name
        _write_pending(store.root, earlier + report.pending)
    return report


class _DeferInterrupt:
    """Hold back SIGINT (in the main thread): ``check()`` raises
    KeyboardInterrupt at a safe point if Ctrl-C was pressed.  Elsewhere (a
    worker thread, as in the TUI) it does nothing."""

    def __init__(self):
        self.got = False
        self.old = None

    def __enter__(self):
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            try:
                self.old = signal.signal(signal.SIGINT, self._handler)
            except ValueError:
                self.old = None
        return self

    def _handler(self, signum, frame):
        self.got = True

    def check(self) -> None:
        if self.got:
            self.got = False
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        import signal

        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)
            self.old = None
        return False


def _writer(ix, fresh: bool, files: int):
    """A full build of many files uses one Whoosh sub-writer per core (each
    analyses and pools its share, and their segments are kept, not merged:
    measured 36 s -> 12.5 s for 10,000 decisions on 2 cores); updates use
    one writer, so they stay small and cheap."""
    procs = min(os.cpu_count() or 1, 4)
    if fresh and files >= 200 and procs > 1 and os.environ.get("ARKISTO_INDEX_PROCS", "") != "1":
        _prepare_subwriters()
        return ix.writer(procs=procs, multisegment=True, limitmb=256)
    return ix.writer(limitmb=256)


_PATCHED = False


def _prepare_subwriters() -> None:
    """Whoosh's sub-writer processes must not die on the user's Ctrl-C (the
    parent commits what is done, and needs them for that) and must not
    outlive a parent that was killed (they would wait for work forever)."""
    global _PATCHED
    if _PATCHED:
        return
    import signal

    from whoosh.multiproc import SubWriterTask

    original = SubWriterTask.run

    def run(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        return original(self)

    SubWriterTask.run = run
    _PATCHED = True


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
        return store.manifest().roots
    except Exception:
        return []


def read_pending(index_dir: str | os.PathLike[str]) -> list[str]:
    import json

    path = Path(index_dir) / PENDING
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
