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
import shutil
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    IndexDamagedError,
    IndexLockedError,
    NoIndexError,
    RebuildNeededError,
    from_os_error,
)
from .analysis import analyzer_id
from .schema import SCHEMA_VERSION

MANIFEST = "MANIFEST.json"
CURRENT = "CURRENT"
LOCK = "LOCK"
GEN_PREFIX = "gen-"

# What reading damaged (or tampered) index data raises: a pickle that does not
# decode or names what arkisto never stores (safe_pickle.UnsafeIndexData is an
# UnpicklingError), a block that does not inflate, a record cut short.
DECODE_ERRORS = (pickle.UnpicklingError, zlib.error, struct.error, EOFError)


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

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


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


class IndexStore:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    # --- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        return (self.root / CURRENT).is_file()

    def current_name(self) -> str:
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise NoIndexError(
                f"no index at {self.root}",
                "Build one with `arkisto index PATH…` (or point --index / ARKISTO_INDEX at an existing one).",
            ) from None
        except OSError as exc:
            raise from_os_error(exc, f"reading {self.root / CURRENT}") from None
        if not name.startswith(GEN_PREFIX) or "/" in name:
            raise IndexDamagedError(f"index at {self.root} is damaged (CURRENT names {name!r})", REBUILD_HINT)
        return name

    def current_dir(self) -> Path:
        return self.root / self.current_name()

    def manifest(self, gen: str | None = None) -> Manifest:
        gen = gen or self.current_name()
        path = self.root / gen / MANIFEST
        try:
            return Manifest.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexDamagedError(f"index at {self.root} is damaged: {gen} has no manifest", REBUILD_HINT) from None
        except (ValueError, TypeError) as exc:
            raise IndexDamagedError(f"index at {self.root} is damaged: unreadable manifest ({exc})", REBUILD_HINT) from None

    def check(self, manifest: Manifest, deep: bool = False) -> None:
        """Refuse an index whose files do not match its manifest.  The quick
        check compares names and sizes; ``deep`` also compares SHA-256."""
        if manifest.schema_version != SCHEMA_VERSION or manifest.analyzer != analyzer_id():
            raise RebuildNeededError(
                f"index at {self.root} was built with analyzer {manifest.analyzer!r} "
                f"(schema {manifest.schema_version}); this arkisto uses {analyzer_id()!r} (schema {SCHEMA_VERSION})",
                "Rebuild it: `arkisto index --rebuild PATH…` with the folders it was built from.",
            )
        gen_dir = self.root / manifest.generation
        try:
            present = {p.name for p in gen_dir.iterdir()} - {MANIFEST}
        except OSError as exc:
            raise from_os_error(exc, f"opening {gen_dir}") from None
        expected = set(manifest.files)
        if not expected <= present:
            missing = ", ".join(sorted(expected - present)[:3])
            raise IndexDamagedError(f"index at {self.root} is damaged: {manifest.generation} is missing {missing}",
                                    REBUILD_HINT)
        foreign = sorted(n for n in present - expected if not _is_lock(n))
        if foreign:
            raise IndexDamagedError(
                f"index at {self.root} holds files arkisto did not write: {manifest.generation}/{foreign[0]}",
                "Remove them or rebuild the index; arkisto will not open files it cannot vouch for.",
            )
        for name, info in manifest.files.items():
            p = gen_dir / name
            if p.stat().st_size != info["size"]:
                raise IndexDamagedError(
                    f"index at {self.root} is damaged: {manifest.generation}/{name} has the wrong size", REBUILD_HINT)
            if deep:
                ok = sha256_file(p) == info["sha256"]
            else:
                ok = "edges" not in info or _edge_hash(p) == info["edges"]
            if not ok:
                raise IndexDamagedError(
                    f"index at {self.root} is damaged: {manifest.generation}/{name} does not match its hash",
                    REBUILD_HINT,
                )

    def open_index(self, deep: bool = False):
        """(whoosh index, manifest) of the live generation, after checking it."""
        from whoosh import index as windex

        manifest = self.manifest()
        self.check(manifest, deep=deep)
        from whoosh.filedb.filestore import FileStorage

        try:
            # Without mmap: Whoosh maps every file it opens, and the pages it
            # touches count against the process (a 100k-decision index: 855 MB
            # resident just to open, 58 MB without), for no measurable speed.
            storage = FileStorage(str(self.root / manifest.generation), supports_mmap=False)
            return storage.open_index(), manifest
        except (OSError, EOFError, ValueError, KeyError, windex.IndexError) as exc:
            raise IndexDamagedError(f"index at {self.root} is damaged ({type(exc).__name__}: {exc})", REBUILD_HINT) from None
        except Exception as exc:  # UnpicklingError and friends
            raise IndexDamagedError(f"index at {self.root} is damaged ({type(exc).__name__})", REBUILD_HINT) from None

    # --- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, wait: float = 10.0, what: str = "index"):
        """The one-writer lock.  Waits up to ``wait`` seconds, then raises
        IndexLockedError naming the holder's pid and start time."""
        self._ensure_root()
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise from_os_error(exc, f"creating {path}") from None
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        holder = _read_holder(path)
                        raise IndexLockedError(
                            f"index at {self.root} is locked by another arkisto process{holder}",
                            "Wait for it to finish, or stop it, then run the command again.",
                        ) from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "since": time.time(), "what": what}).encode())
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise from_os_error(exc, f"creating {self.root}") from None

    def generations(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and p.name.startswith(GEN_PREFIX))

    def clean_partial(self) -> list[str]:
        """Remove generations a crashed writer left: newer than CURRENT, or
        without a manifest.  Call with the lock held."""
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
            if live is None or g > live or not (self.root / g / MANIFEST).exists():
                shutil.rmtree(self.root / g, ignore_errors=True)
                removed.append(g)
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
        Keeps the previous generation and removes older ones."""
        # Files hard-linked from the previous generation keep their hashes.
        previous_files: dict[str, dict] = {}
        if self.exists():
            try:
                previous_files = self.manifest().files
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
        for g in self.generations():
            if g not in (gen_dir.name, previous):
                shutil.rmtree(self.root / g, ignore_errors=True)

    def discard(self, gen_dir: Path) -> None:
        shutil.rmtree(gen_dir, ignore_errors=True)


REBUILD_HINT = "Rebuild it with `arkisto index --rebuild PATH…` (the index is a cache of your documents; nothing else is lost)."


def _read_holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return ""
    if not info:
        return ""
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("since", 0)))
    return f" (pid {info.get('pid')}, {info.get('what', 'writing')} since {since})"
