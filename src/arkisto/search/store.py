"""The index on disk: generations, a manifest, and one writer at a time.

    INDEX_DIR/            (created 0700)
      CURRENT             name of the live generation, switched by atomic rename
      LOCK                held (flock) by the one writer; says who and since when
      gen-000007/         a complete Whoosh index + MANIFEST.json
      gen-000006/         the previous generation, kept until the next one is verified

A writer builds a *new* generation (a copy of the live one plus changes),
fsyncs it, writes its manifest (file names, sizes and SHA-256 hashes, and the
source files it was built from), then switches CURRENT.  A crash at any point
leaves CURRENT pointing at a complete generation; a half-built generation is
removed by the next writer.  Readers only ever open what CURRENT names.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
import stat
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    ArkistoError,
    IndexBuildingError,
    IndexDamagedError,
    IndexLockedError,
    NoIndexError,
    RebuildNeededError,
    from_os_error,
)
from ..i18n import Msg
from .analysis import analyzer_id
from .schema import SCHEMA_VERSION
from .whoosh_format import whoosh_version

MANIFEST = "MANIFEST.json"
CURRENT = "CURRENT"
LOCK = "LOCK"
GEN_PREFIX = "gen-"

# What reading damaged (or tampered) index data raises: a pickle that does not
# decode or names what arkisto never stores (safe_pickle.UnsafeIndexData is an
# UnpicklingError), a block that does not inflate, a record cut short.
DECODE_ERRORS = (pickle.UnpicklingError, zlib.error, struct.error, EOFError, UnicodeDecodeError)


@dataclass
class Manifest:
    generation: str
    analyzer: str = field(default_factory=analyzer_id)
    schema_version: int = SCHEMA_VERSION
    created: float = field(default_factory=time.time)
    doc_count: int = 0
    files: dict[str, dict] = field(default_factory=dict)  # name -> {size, sha256}
    sources: dict[str, dict] = field(default_factory=dict)  # path -> {sha256, ids, format}
    roots: list[str] = field(default_factory=list)  # the files and folders given to `arkisto index`
    # The Whoosh that wrote the index: its private format is read directly
    # (whoosh_format.py), so another version's index is rebuilt.
    whoosh: str = field(default_factory=whoosh_version)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes, sources: bool = True) -> Manifest:
        """Raises ValueError (or TypeError) for a manifest that is not JSON
        or whose entries have the wrong types: it is read before anything
        else of the index and must never crash what reads it.

        ``sources=False``: without the sources (each file's hash and record
        ids), which only the indexer reads.  They are most of the manifest
        (100,000 files: 46 MB, and half a second of a search's start), and
        are cut out of the text unread (``_without_sources``)."""
        if not sources:
            text = _without_sources(text.encode("utf-8") if isinstance(text, str) else text)
        data = json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        m = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        if "whoosh" not in data:  # written before the version was recorded: unknown
            m.whoosh = ""
        if not isinstance(m.generation, str) or not isinstance(m.analyzer, str) \
                or not isinstance(m.schema_version, int) or not isinstance(m.doc_count, int) \
                or not isinstance(m.created, (int, float)) or not isinstance(m.whoosh, str):
            raise ValueError("entries of the wrong type")
        if not isinstance(m.files, dict) or not all(
                isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("size"), int)
                and isinstance(v.get("sha256"), str) and isinstance(v.get("edges", ""), str)
                for k, v in m.files.items()):
            raise ValueError("file entries of the wrong type")
        if any("/" in k or k in ("", ".", "..") for k in m.files):
            raise ValueError("file entries outside the generation")
        if not isinstance(m.sources, dict) or not all(
                isinstance(k, str) and isinstance(v, dict) for k, v in m.sources.items()):
            raise ValueError("source entries of the wrong type")
        if not isinstance(m.roots, list) or not all(isinstance(r, str) for r in m.roots):
            raise ValueError("root entries of the wrong type")
        if not sources:
            m.sources = {}  # read after all (another layout), and checked: not kept
        return m


_SOURCES = b'\n "sources": '
_TOP_KEY = b'\n "'
# What follows the sources in the layout ``to_json`` writes: its keys are
# sorted, and ``whoosh`` is the only one after ``sources``.
_AFTER_SOURCES = re.compile(rb'\n "whoosh": "[^"\\\n]*"\n\}\s*')


def _without_sources(text: bytes) -> bytes:
    """A manifest's text without its ``sources`` entry, found without
    scanning it: in the layout ``to_json`` writes (indent 1, sorted keys) a
    top-level key is the only thing that starts a line with one space and
    a quote (a string holds no newline; a nested key is indented further),
    ``sources`` is found near the start, and the last such line is
    ``whoosh``, the only key after it.  Any other layout is the whole
    text, parsed as ever.  What is cut is never interpreted; the rest is
    checked as any manifest is."""
    cut = _cut_sources(text, text, len(text))
    return text if cut is None else cut


def _cut_sources(head: bytes, tail: bytes, size: int) -> bytes | None:
    """``_without_sources`` from the first bytes of a manifest (``head``)
    and its last ones (``tail``, of a file of ``size`` bytes): the text
    without its sources, or None when these bytes do not show them in the
    layout ``to_json`` writes."""
    start = head.find(_SOURCES)
    end = tail.rfind(_TOP_KEY)
    if start < 0 or end < 4 or size - len(tail) + end <= start or not _AFTER_SOURCES.fullmatch(tail, end):
        return None
    if tail[end - 4:end] != b"\n }," and head[start:start + len(_SOURCES) + 3] != _SOURCES + b"{},":
        return None
    return head[:start] + tail[end:]


# A manifest this big is read by its ends when its sources are not wanted.
_ENDS = 64 * 1024


def _read_manifest(path: Path, sources: bool) -> bytes:
    """A manifest's bytes; without ``sources``, only its two ends when the
    sources between them can be cut unread (``_cut_sources``): 100,000
    files' sources are 46 MB."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if sources or size <= 2 * _ENDS:
            return fh.read()
        head = fh.read(_ENDS)
        fh.seek(size - _ENDS)
        tail = fh.read()
        if len(head) == _ENDS and len(tail) == _ENDS:
            cut = _cut_sources(head, tail, size)
            if cut is not None:
                return cut
        fh.seek(0)
        return fh.read()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_path(path.parent)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's content, read a MiB at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_EDGE = 64 * 1024


def _is_lock(name: str) -> bool:
    """Whoosh's own lock files (MAIN_WRITELOCK): never linked, hashed or trusted."""
    return name.endswith(".lock") or name.endswith("WRITELOCK")


def _edge_hash(path: Path) -> str:
    """SHA-256 of a file's first and last 64 KiB: checked on every open (the
    full hash is checked by ``arkisto check``), so a truncated, zeroed or
    replaced file is refused before Whoosh unpickles anything from it."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with open(path, "rb") as fh:
        h.update(fh.read(_EDGE))
        if size > 2 * _EDGE:
            fh.seek(size - _EDGE)
            h.update(fh.read(_EDGE))
        elif size > _EDGE:
            h.update(fh.read())
    return h.hexdigest()


_GEN_NAME = re.compile(r"gen-\d{6}")
LEASE_SUFFIX = ".readers"


class IndexStore:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        # Set when CURRENT was missing and the newest complete generation
        # was used instead (the next writer writes CURRENT back).
        self.recovered_current: str | None = None

    # --- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        """True when there is an index here: CURRENT, or (CURRENT lost) a
        generation with a manifest."""
        return (self.root / CURRENT).is_file() or self._newest_complete() is not None

    def current_name(self) -> str:
        try:
            raw = (self.root / CURRENT).read_bytes()
        except FileNotFoundError:
            found = self._newest_complete()
            if found is None:
                self._refuse_while_building()
                raise NoIndexError(Msg("err_no_index", path=str(self.root)), Msg("hint_no_index")) from None
            # CURRENT was removed (by hand, or by a tool that tidied up):
            # the newest complete generation is the index.
            self.recovered_current = found
            return found
        except IsADirectoryError:
            raise IndexDamagedError(Msg("err_current_folder", path=str(self.root)), REBUILD_HINT) from None
        except OSError as exc:
            raise from_os_error(exc, "reading", self.root / CURRENT) from None
        name = raw.decode("utf-8", "replace").strip()
        if not _GEN_NAME.fullmatch(name):
            shown = name[:40].encode("unicode_escape").decode("ascii")
            raise IndexDamagedError(Msg("err_current_names", path=str(self.root), name=repr(shown)), REBUILD_HINT)
        return name

    def _refuse_while_building(self) -> None:
        """No index yet: if a writer holds the lock, it is building the
        first one.  Say so, and by which pid, instead of "no index"."""
        holder = self.builder()
        if holder is None:
            return
        pid = holder.get("pid") if isinstance(holder.get("pid"), int) else None
        raise IndexBuildingError(Msg("err_building", path=str(self.root), holder=_holder_text(holder)),
                                 Msg("hint_building"), pid=pid)

    def builder(self) -> dict | None:
        """The holder's note ({pid, since, what}) when a writer holds the
        lock now, else None.  Tested with a shared, non-blocking flock on
        LOCK, released at once: a note left by a killed writer does not
        count, and nothing is created."""
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    return None
                return _holder_info(path) or {}
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def _newest_complete(self) -> str | None:
        """The newest generation whose manifest reads, or None."""
        for g in reversed(self.generations()):
            try:
                Manifest.from_json((self.root / g / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError):
                continue
            return g
        return None

    def current_dir(self) -> Path:
        return self.root / self.current_name()

    def manifest(self, gen: str | None = None, sources: bool = True) -> Manifest:
        """Generation ``gen``'s manifest (the live one by default); with
        ``sources=False`` without its sources (``Manifest.from_json``)."""
        gen = gen or self.current_name()
        path = self.root / gen / MANIFEST
        try:
            m = Manifest.from_json(_read_manifest(path, sources), sources=sources)
        except FileNotFoundError:
            raise IndexDamagedError(Msg("err_no_manifest", path=str(self.root), gen=gen), REBUILD_HINT) from None
        except NotADirectoryError:
            raise IndexDamagedError(Msg("err_gen_not_folder", path=str(self.root), gen=gen), REBUILD_HINT) from None
        except (ValueError, TypeError) as exc:
            raise IndexDamagedError(Msg("err_manifest_unreadable", path=str(self.root), error=str(exc)),
                                    REBUILD_HINT) from None
        except OSError as exc:
            raise from_os_error(exc, "reading", path) from None
        if m.generation != gen:
            raise IndexDamagedError(Msg("err_manifest_names", path=str(self.root), gen=gen,
                                        name=repr(m.generation[:40])), REBUILD_HINT)
        return m

    def check(self, manifest: Manifest, deep: bool = False) -> None:
        """Refuse an index whose files do not match its manifest.  The quick
        check compares names and sizes; ``deep`` also compares SHA-256."""
        if manifest.whoosh != whoosh_version():
            raise RebuildNeededError(
                Msg("err_rebuild_whoosh", path=str(self.root), theirs=manifest.whoosh or "?", ours=whoosh_version()),
                Msg("hint_rebuild_folders"),
            )
        if manifest.schema_version != SCHEMA_VERSION or manifest.analyzer != analyzer_id():
            raise RebuildNeededError(
                Msg("err_rebuild_analyzer", path=str(self.root), theirs=repr(manifest.analyzer),
                    their_schema=manifest.schema_version, ours=repr(analyzer_id()), our_schema=SCHEMA_VERSION),
                Msg("hint_rebuild_folders"),
            )
        gen_dir = self.root / manifest.generation
        try:
            present = {p.name for p in gen_dir.iterdir()} - {MANIFEST}
        except NotADirectoryError:
            raise IndexDamagedError(Msg("err_gen_not_folder", path=str(self.root), gen=manifest.generation),
                                    REBUILD_HINT) from None
        except OSError as exc:
            raise from_os_error(exc, "opening", gen_dir) from None
        expected = set(manifest.files)
        if not expected <= present:
            missing = ", ".join(sorted(expected - present)[:3])
            raise IndexDamagedError(Msg("err_gen_missing", path=str(self.root), gen=manifest.generation,
                                        files=missing), REBUILD_HINT)
        foreign = sorted(n for n in present - expected if not _is_lock(n))
        if foreign:
            raise IndexDamagedError(
                Msg("err_foreign_files", path=str(self.root), file=f"{manifest.generation}/{foreign[0]}"),
                Msg("hint_foreign_files"),
            )
        for name, info in manifest.files.items():
            p = gen_dir / name
            try:
                st = p.lstat()
                if not stat.S_ISREG(st.st_mode):
                    raise IndexDamagedError(
                        Msg("err_not_regular", path=str(self.root), file=f"{manifest.generation}/{name}"),
                        REBUILD_HINT)
                if st.st_size != info["size"]:
                    raise IndexDamagedError(
                        Msg("err_wrong_size", path=str(self.root), file=f"{manifest.generation}/{name}"),
                        REBUILD_HINT)
                if deep:
                    ok = sha256_file(p) == info["sha256"]
                else:
                    ok = "edges" not in info or _edge_hash(p) == info["edges"]
            except OSError as exc:
                raise from_os_error(exc, "reading", p) from None
            if not ok:
                raise IndexDamagedError(
                    Msg("err_hash_mismatch", path=str(self.root), file=f"{manifest.generation}/{name}"),
                    REBUILD_HINT,
                )

    def open_index(self, deep: bool = False, sources: bool = True):
        """(whoosh index, manifest, lease) of the live generation, after
        checking it.  The lease (see :meth:`lease`) keeps the generation on
        disk until it is released; close it with the index.  ``sources``:
        whether the manifest is read with its sources."""
        from whoosh import index as windex
        from whoosh.filedb.filestore import FileStorage

        for _attempt in range(5):
            manifest = self.manifest(sources=sources)
            lease = self.lease(manifest.generation)
            if lease is None:  # removed between reading CURRENT and taking the lease
                continue
            try:
                self.check(manifest, deep=deep)
                # Without mmap: Whoosh maps every file it opens, and the pages it
                # touches count against the process (a 100k-decision index: 855 MB
                # resident just to open, 58 MB without), for no measurable speed.
                storage = FileStorage(str(self.root / manifest.generation), supports_mmap=False)
                return storage.open_index(), manifest, lease
            except (OSError, EOFError, ValueError, KeyError, windex.IndexError) as exc:
                lease.release()
                raise IndexDamagedError(Msg("err_damaged_exc", path=str(self.root),
                                            error=f"{type(exc).__name__}: {exc}"), REBUILD_HINT) from None
            except ArkistoError:
                lease.release()
                raise
            except Exception as exc:  # UnpicklingError (and UnsafeIndexData) and friends
                lease.release()
                raise IndexDamagedError(Msg("err_damaged_exc", path=str(self.root),
                                            error=f"{type(exc).__name__}: {exc}"), REBUILD_HINT) from None
        raise IndexDamagedError(Msg("err_keeps_changing", path=str(self.root)), Msg("hint_try_again"))

    # --- reader leases -----------------------------------------------------------

    def lease(self, gen: str) -> Lease | None:
        """Hold generation ``gen`` on disk while reading it: a shared flock on
        ``INDEX/gen-NNNNNN.readers``.  A writer removes a generation only
        when it can take that lock exclusively, and removes the folder
        before the lease file, so a reader that got the lock and still finds
        the folder can read it until it releases.  Returns None when the
        generation is gone.  On a read-only index (a shared folder) the lease
        cannot be written and reading goes on without one."""
        path = self.root / (gen + LEASE_SUFFIX)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return Lease(None) if (self.root / gen).is_dir() else None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
        except OSError:
            os.close(fd)
            return Lease(None) if (self.root / gen).is_dir() else None
        if not (self.root / gen / MANIFEST).is_file():
            os.close(fd)
            return None
        return Lease(fd)

    def _remove_generation(self, gen: str) -> bool:
        """Remove ``gen`` unless a reader holds its lease.  With the writer
        lock held."""
        path = self.root / (gen + LEASE_SUFFIX)
        fd = None
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            pass
        except OSError:
            return False
        try:
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return False  # a reader has it open; a later writer removes it
            shutil.rmtree(self.root / gen, ignore_errors=True)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            return True
        finally:
            if fd is not None:
                os.close(fd)

    def _remove_stale_leases(self) -> None:
        gens = set(self.generations())
        try:
            names = [p.name for p in self.root.iterdir() if p.name.endswith(LEASE_SUFFIX)]
        except OSError:
            return
        for name in names:
            if name[: -len(LEASE_SUFFIX)] not in gens:
                with contextlib.suppress(OSError):
                    os.unlink(self.root / name)

    # --- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, wait: float = 10.0, what: str = "index"):
        """The one-writer lock.  Waits up to ``wait`` seconds, then raises
        IndexLockedError naming the holder's pid and start time.  The
        descriptor is close-on-exec, and child processes the writer forks
        close it (ingest.detect), so the lock never outlives the writer."""
        self._ensure_root()
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise from_os_error(exc, "creating", path) from None
        acquired = False
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    acquired = True
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise from_os_error(exc, "locking", path) from None
                    if time.monotonic() >= deadline:
                        holder = _read_holder(path)
                        raise IndexLockedError(Msg("err_locked", path=str(self.root), holder=holder),
                                               Msg("hint_locked")) from None
                    time.sleep(0.1)
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": time.time(), "what": what}).encode(), 0)
            except OSError as exc:
                raise from_os_error(exc, "writing", path) from None
            yield
        finally:
            # Only the holder clears the holder's note: a waiter that gave up
            # must not erase who holds the lock.
            if acquired:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
            os.close(fd)

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise from_os_error(exc, "creating", self.root) from None

    def generations(self) -> list[str]:
        try:
            return sorted(p.name for p in self.root.iterdir() if _GEN_NAME.fullmatch(p.name) and p.is_dir())
        except OSError:
            return []

    def repair_current(self) -> str | None:
        """With the writer lock held: write CURRENT back when it was lost
        and a complete generation exists.  Returns the generation named."""
        if (self.root / CURRENT).exists():
            return None
        found = self._newest_complete()
        if found is not None:
            _write_atomic(self.root / CURRENT, found + "\n")
        return found

    def clean_partial(self) -> list[str]:
        """Remove generations a crashed writer left: newer than CURRENT, or
        without a manifest.  Call with the lock held (and CURRENT repaired:
        without CURRENT, nothing with a manifest is removed)."""
        live = self.current_name() if self.exists() else None
        removed = []
        gens = self.generations()
        keep = {live}
        if live and live in gens:
            idx = gens.index(live)
            if idx > 0:
                keep.add(gens[idx - 1])
        for g in gens:
            if g in keep:
                continue
            has_manifest = (self.root / g / MANIFEST).exists()
            if (live is not None and g > live) or not has_manifest:
                if self._remove_generation(g):
                    removed.append(g)
        self._remove_stale_leases()
        return removed

    def new_generation(self, copy_current: bool) -> Path:
        """A new generation directory.  With ``copy_current``, the live
        generation's files are hard-linked into it (Whoosh never rewrites a
        file in place: new segments get new files, deletions go into the new
        TOC), so an update costs what it changes, not the index size."""
        gens = self.generations()
        n = int(gens[-1][len(GEN_PREFIX):]) + 1 if gens else 1
        gen_dir = self.root / f"{GEN_PREFIX}{n:06d}"
        gen_dir.mkdir(mode=0o700)
        if copy_current and self.exists():
            src = self.current_dir()
            for p in src.iterdir():
                if p.is_file() and p.name != MANIFEST and not _is_lock(p.name):
                    try:
                        os.link(p, gen_dir / p.name)
                    except OSError:
                        shutil.copy2(p, gen_dir / p.name)
        return gen_dir

    def publish(self, gen_dir: Path, manifest: Manifest) -> None:
        """fsync the generation, write its manifest, and switch CURRENT to it.
        Keeps the previous generation, and any a reader still holds, and
        removes the others."""
        # Files hard-linked from the previous generation keep their hashes.
        previous_files: dict[str, dict] = {}
        if self.exists():
            try:
                previous_files = self.manifest(sources=False).files
            except Exception:
                previous_files = {}
        files = {}
        for p in sorted(gen_dir.iterdir()):
            if p.is_file() and p.name != MANIFEST and not _is_lock(p.name):
                st = p.stat()
                old = previous_files.get(p.name)
                if old and old.get("ino") == st.st_ino and old.get("size") == st.st_size \
                        and old.get("mtime_ns") == st.st_mtime_ns:
                    files[p.name] = old
                    continue
                _fsync_path(p)
                files[p.name] = {"size": st.st_size, "sha256": sha256_file(p), "edges": _edge_hash(p),
                                 "ino": st.st_ino, "mtime_ns": st.st_mtime_ns}
        manifest.files = files
        manifest.generation = gen_dir.name
        _write_atomic(gen_dir / MANIFEST, manifest.to_json())
        _fsync_path(gen_dir)
        # Verify before switching: what we wrote must read back.
        self.check(Manifest.from_json((gen_dir / MANIFEST).read_text(encoding="utf-8")), deep=False)
        previous = self.current_name() if self.exists() else None
        _write_atomic(self.root / CURRENT, gen_dir.name + "\n")
        self.recovered_current = None
        for g in self.generations():
            if g not in (gen_dir.name, previous):
                self._remove_generation(g)
        self._remove_stale_leases()

    def discard(self, gen_dir: Path) -> None:
        shutil.rmtree(gen_dir, ignore_errors=True)


class Lease:
    """A reader's hold on one generation (see ``IndexStore.lease``)."""

    def __init__(self, fd: int | None):
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


REBUILD_HINT = Msg("hint_rebuild")


def _holder_info(path: Path) -> dict:
    """The lock holder's note, {} when there is none or it does not read."""
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _holder_text(info: dict) -> Msg | str:
    """" (pid 123, indexing since 2026-12-05 11:20:00)", or "" (no note).
    The note is read from disk: only its number and a known word are shown."""
    if not info:
        return ""
    pid = info.get("pid") if isinstance(info.get("pid"), int) else "?"
    since_raw = info.get("since", 0)
    since = time.strftime("%Y-%m-%d %H:%M:%S",
                          time.localtime(since_raw if isinstance(since_raw, (int, float)) else 0))
    what = "indexing" if info.get("what") in ("indexing", "index") else "writing"
    return Msg(f"holder_{what}", pid=pid, since=since)


def _read_holder(path: Path) -> Msg | str:
    return _holder_text(_holder_info(path))
