"""Format detection by content (not only by extension) and dispatch to the
ingest module for that format.  Every parser is a function from a path to an
:class:`IngestResult`; nothing here raises for a bad file."""

from __future__ import annotations

import atexit
import errno
import hashlib
import json
import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..i18n import Msg
from . import isolate
from .common import IngestError, IngestResult, Problem, clean_record
from .isolate import Child, Worker

Parser = Callable[[Path, bytes], IngestResult]

# The budget of one file.  Every file is parsed in a child process with a time
# and a memory limit, so that no file can stop the run: a PDF in a child of
# its own, any other file in a worker reused from file to file (see
# isolate.Worker).  The biggest text allowed parses in under 10 s here
# (60 MB: minutes text 3.6 s, Ahjo JSON 7.7 s, HTML 2.8 s).
MAX_TEXT_BYTES = 64 * 1024 * 1024
MAX_PDF_BYTES = int(os.environ.get("ARKISTO_PDF_MAX_MB", "512")) * 1024 * 1024
ISOLATE = os.environ.get("ARKISTO_ISOLATE", "1") != "0"
ISOLATE_PDF = ISOLATE and os.environ.get("ARKISTO_PDF_ISOLATE", "1") != "0"
PDF_TIMEOUT = float(os.environ.get("ARKISTO_PDF_TIMEOUT", "300"))
PDF_MEMORY_MB = int(os.environ.get("ARKISTO_PDF_MEMORY_MB", "2048"))
FILE_TIMEOUT = float(os.environ.get("ARKISTO_FILE_TIMEOUT", "120"))
FILE_MEMORY_MB = int(os.environ.get("ARKISTO_FILE_MEMORY_MB", "2048"))


def sniff(path: Path, head: bytes) -> str:
    """The format name for a file, from its first bytes (and name as a hint)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF") or stripped.startswith(b"%PDF"):
        return "pdf"
    if not stripped:
        return "empty"
    if b"\x00" in head[:8192]:
        return "binary"
    if stripped[:1] in (b"{", b"["):
        # JSON first: API dumps carry HTML inside their strings.
        if path.suffix.lower() == ".jsonl" or _is_jsonl(stripped):
            return "jsonl"
        return "json"
    low = stripped[:2048].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low or b"<body" in low:
        return "html"
    return "text"


def _is_jsonl(head: bytes) -> bool:
    lines = [line for line in head.split(b"\n")[:3] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(lines[0])
        return True
    except ValueError:
        return False


def _not_regular(mode: int) -> Msg:
    """What a file that is not a regular file is, for a message."""
    if stat.S_ISFIFO(mode):
        return Msg("ingest_fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Msg("ingest_device")
    if stat.S_ISSOCK(mode):
        return Msg("ingest_socket")
    if stat.S_ISDIR(mode):
        return Msg("ingest_folder")
    return Msg("ingest_special_file")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a source file for reading, only if it is a regular file.

    iter_files already leaves out everything else; this is the second guard,
    for a file swapped for a FIFO or a device between the walk and the read.
    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a
    writer, and the type is checked on the opened descriptor itself.  Raises
    OSError with a plain ``strerror``."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # what opening a socket says
            raise OSError(errno.ENXIO, "a socket or device, not a regular file") from None
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "a symbolic link loop") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"{_not_regular(mode)}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a source file's content, read a MiB at a time; only a
    regular file is read (see open_regular)."""
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_path(path: Path, on_page: Callable[[int, int], None] | None = None) -> IngestResult:
    """Parse one file into records, never raising for bad content.

    ``on_page(pages read, pages)`` hears of a PDF's pages as their text is
    extracted (from the parsing child, over its pipe), so that progress can
    move inside a long document."""
    source = read_source(path)
    if isinstance(source, IngestResult):
        return source
    kind, data = source
    try:
        if kind == "pdf" and ISOLATE_PDF:
            # A child of its own: a fresh heap for each PDF, the costly kind.
            return start_pdf(path, data).wait(on_page)
        if kind != "pdf" and ISOLATE:
            return _in_worker(kind, path, data)
    except IngestError as exc:
        return failed(path, kind, exc)
    return _parse_with(kind, path, data, progress=on_page)


def failed(path: Path, kind: str, exc: IngestError) -> IngestResult:
    """The result of a file whose parsing stopped (a limit, a dead child)."""
    r = IngestResult(path=str(path), format=kind)
    r.error(exc.message)
    return r


def start_pdf(path: Path, data: bytes) -> Child:
    """A PDF's parsing child, started (forked from the calling thread) with
    the PDF limits; ``.wait(on_page)`` gives its IngestResult or raises
    IngestError."""
    preload_pdf()
    return Child(_parse_with, ("pdf", path, data), PDF_TIMEOUT, PDF_MEMORY_MB, progress=True)


def read_source(path: Path) -> tuple[str, bytes] | IngestResult:
    """A source file's kind (sniffed from its content) and bytes, or the
    result that says why it is not parsed (unreadable, empty, binary, over
    its size limit)."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(65536)
            kind = sniff(path, head)
            too_big = size > (MAX_PDF_BYTES if kind == "pdf" else MAX_TEXT_BYTES)
            data = head + fh.read() if kind not in ("empty", "binary") and not too_big else head
    except OSError as exc:
        r = IngestResult(path=str(path), format="unreadable")
        r.error(Msg("problem_cannot_read", error=str(exc.strerror or exc)))
        return r
    if kind == "empty":
        r = IngestResult(path=str(path), format="empty")
        r.error(Msg("ingest_empty_file"))
        return r
    if kind == "binary":
        r = IngestResult(path=str(path), format="binary")
        r.error(Msg("ingest_binary_file"))
        return r
    if too_big:
        r = IngestResult(path=str(path), format=kind)
        limit, what = (MAX_PDF_BYTES, "ingest_kind_pdfs") if kind == "pdf" else (MAX_TEXT_BYTES, "ingest_kind_texts")
        r.error(Msg("ingest_too_big", size=size // (1024 * 1024), what=Msg(what), limit=limit // (1024 * 1024)))
        return r
    return kind, data


_PRELOADED = False


def preload_pdf() -> None:
    """Import the PDF readers here, in the parent, once: a forked child
    inherits them.  Each child importing them itself (PDFium, the four
    readers, personal-data detection) cost 0.48 s per PDF, more than parsing
    a short one takes (benchmarks/README.md, "PDF-heavy build")."""
    global _PRELOADED
    if _PRELOADED:
        return
    _PRELOADED = True
    from . import PARSERS, personal  # noqa: F401  (imported for the children)
    from .pdf import ENGINE

    PARSERS["pdf"]()
    if ENGINE == "pdfium":
        import pypdfium2  # noqa: F401


_WORKER: Worker | None = None
_WORKER_LOCK = threading.Lock()


def _in_worker(kind: str, path: Path, data: bytes) -> IngestResult:
    """_parse_with in the reused worker, within FILE_TIMEOUT and FILE_MEMORY_MB."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            atexit.register(stop_worker)
        _WORKER = worker_for(_WORKER)
        return _WORKER.call((kind, path, data), FILE_TIMEOUT)


def worker_for(worker: Worker | None) -> Worker:
    """``worker`` if it can parse the next file (alive, forked by this
    thread, with today's parsers), else a new one (the old one ended)."""
    from . import PARSERS

    # A worker forked before a parser was swapped (tests do) would run the old one.
    key = tuple(PARSERS.items())
    if worker is not None and worker.usable(_parse_with, FILE_MEMORY_MB, key):
        return worker
    if worker is not None:
        worker.stop()
    return Worker(_parse_with, FILE_MEMORY_MB, key)


def stop_worker() -> None:
    """End the parsing worker, if there is one (it also ends by itself when
    idle, and with this process)."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is not None:
            _WORKER.stop()
            _WORKER = None


def _parse_with(kind: str, path: Path, data: bytes, progress: Callable[[int, int], None] | None = None) -> IngestResult:
    """The first candidate parser's result; ``progress`` hears of PDF pages
    as they are read (see parse_path)."""
    if progress is None:
        return _parse_candidates(kind, path, data)
    from .pdf import pages_to

    with pages_to(progress):
        return _parse_candidates(kind, path, data)


def _parse_candidates(kind: str, path: Path, data: bytes) -> IngestResult:
    from . import parsers_for

    for parser in parsers_for(kind, path, data):
        try:
            result = parser(path, data)
        except IngestError as exc:
            result = IngestResult(path=str(path), format=kind)
            result.error(exc.message)
        except MemoryError:
            if isolate.IN_CHILD:
                raise  # the isolating parent reports the memory limit
            result = IngestResult(path=str(path), format=kind)
            result.error(Msg("ingest_out_of_memory"))
        except Exception as exc:  # a parser bug must not stop the run
            result = IngestResult(path=str(path), format=kind)
            result.error(Msg("ingest_internal_error", type=type(exc).__name__, error=str(exc)))
        if result is not None:
            from .personal import detect

            for rec in result.records:
                if not result.cleaned:
                    clean_record(rec)
                rec.personal = detect(rec)  # on the cleaned text, whose offsets are kept
            return result
    result = IngestResult(path=str(path), format=kind)
    result.error(Msg("ingest_no_parser", kind=kind))
    return result


SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"}
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".zip", ".gz", ".exe", ".so", ".pyc", ".md5", ".sha1"}


def iter_files(
    paths: Iterable[str | os.PathLike[str]], on_problem: Callable[[Problem], None] | None = None
) -> Iterator[Path]:
    """Regular files under the given paths, recursively, in a stable order.

    Only regular files are yielded, so that nothing downstream ever opens a
    FIFO (it would wait for a writer for ever), a device (/dev/zero never
    ends) or a socket.  Those, symbolic link loops, broken links, and links
    that lead out of the folder being indexed are reported to ``on_problem``
    one by one, and the walk goes on.  A symbolic link to a folder is not
    followed (the folder it leads to is indexed where it is, if at all)."""

    def report(path: str, message: Msg) -> None:
        if on_problem:
            on_problem(Problem.of(path, message))

    for p in paths:
        path = Path(p)
        try:
            st = os.stat(path)
        except OSError as exc:
            report(str(path), _link_problem(exc) if os.path.islink(path)
                   else Msg("ingest_cannot_read", error=str(exc.strerror or exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, report)
        elif stat.S_ISREG(st.st_mode):
            yield path
        else:
            report(str(path), Msg("ingest_not_regular", what=_not_regular(st.st_mode)))


def _link_problem(exc: OSError) -> Msg:
    if exc.errno == errno.ELOOP:
        return Msg("ingest_link_loop")
    if exc.errno == errno.ENOENT:
        return Msg("ingest_link_missing")
    return Msg("ingest_link_unfollowable", error=str(exc.strerror or exc))


def _inside(target: str, tree: str) -> bool:
    return target == tree or target.startswith(tree.rstrip(os.sep) + os.sep)


def _walk(top: Path, report: Callable[[str, Msg], None]) -> Iterator[Path]:
    tree = os.path.realpath(top)

    def unreadable(exc: OSError) -> None:
        report(exc.filename or str(top), Msg("ingest_cannot_read_folder", error=str(exc.strerror or exc)))

    for root, dirs, files in os.walk(top, onerror=unreadable):
        kept = []
        for d in sorted(dirs):
            if d in SKIP_DIRS or d.startswith("."):
                continue
            full = os.path.join(root, d)
            if os.path.islink(full):
                target = os.path.realpath(full)
                if not _inside(target, tree):
                    report(full, Msg("ingest_link_folder_outside", target=target, tree=tree))
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() in SKIP_SUFFIXES:
                continue
            if name.lower() in {"readme.md", "readme.txt", "readme"}:
                continue
            full = os.path.join(root, name)
            try:
                lst = os.lstat(full)
                st = os.stat(full) if stat.S_ISLNK(lst.st_mode) else lst
            except OSError as exc:
                report(full, _link_problem(exc) if os.path.islink(full)
                       else Msg("ingest_cannot_read", error=str(exc.strerror or exc)))
                continue
            if stat.S_ISLNK(lst.st_mode):
                target = os.path.realpath(full)
                if not stat.S_ISREG(st.st_mode):
                    report(full, Msg("ingest_link_not_regular", what=_not_regular(st.st_mode), target=target))
                    continue
                if not _inside(target, tree):
                    report(full, Msg("ingest_link_outside", target=target, tree=tree))
                    continue
            elif not stat.S_ISREG(st.st_mode):
                report(full, Msg("ingest_not_regular", what=_not_regular(st.st_mode)))
                continue
            yield Path(root) / name


