"""Format detection by content (not only by extension) and dispatch to the
ingest module for that format.  Every parser is a function from a path to an
:class:`IngestResult`; nothing here raises for a bad file."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..text import decode_bytes
from .common import IngestError, IngestResult

Parser = Callable[[Path, bytes], IngestResult]

MAX_TEXT_BYTES = 64 * 1024 * 1024
ISOLATE_PDF = os.environ.get("ARKISTO_PDF_ISOLATE", "1") != "0"
PDF_TIMEOUT = float(os.environ.get("ARKISTO_PDF_TIMEOUT", "300"))
PDF_MEMORY_MB = int(os.environ.get("ARKISTO_PDF_MEMORY_MB", "2048"))


def run_isolated(fn, args: tuple, timeout: float, memory_mb: int):
    """Run ``fn(*args)`` in a forked child with a wall-clock timeout and an
    address-space limit of ``memory_mb`` above what the process already maps.
    Returns its result or raises IngestError saying which limit was hit."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, memory_mb), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise IngestError(
                f"parsing took longer than {timeout:.0f} s and was stopped "
                "(a PDF that makes the parser loop?); skipped"
            )
        try:
            status, value = recv.recv()
        except EOFError:
            proc.join(5)
            code = proc.exitcode
            raise IngestError(f"the parser process died (exit code {code}); the file may be damaged or too large") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()
    if status == "ok":
        return value
    if status == "memory":
        raise IngestError(f"parsing needed more than {memory_mb} MiB of memory (a decompression bomb?); skipped")
    raise IngestError(value)


def _child(conn, fn, args, memory_mb):  # pragma: no cover - runs in the child
    import resource

    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    limit = current + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        result = fn(*args)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", f"internal error while parsing ({type(exc).__name__}: {exc}); please report it"))
    finally:
        conn.close()
        os._exit(0)


def read_text(path: Path, result: IngestResult, data: bytes | None = None) -> str:
    """A text file's content as clean NFC text; repairs are noted on ``result``."""
    if data is None:
        data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise IngestError("binary content (NUL bytes) in a text file")
    text, notes = decode_bytes(data)
    for note in notes:
        result.repaired(note)
    return text


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


def parse_path(path: Path) -> IngestResult:
    """Parse one file into records, never raising for bad content."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
        size = path.stat().st_size
    except OSError as exc:
        r = IngestResult(path=str(path), format="unreadable")
        r.error(f"cannot read file: {exc.strerror or exc}")
        return r
    kind = sniff(path, head)
    if kind == "empty":
        r = IngestResult(path=str(path), format="empty")
        r.error("empty file (nothing but whitespace)")
        return r
    if kind == "binary":
        r = IngestResult(path=str(path), format="binary")
        r.error("binary content (NUL bytes), not a document arkisto can read")
        return r
    if kind != "pdf" and size > MAX_TEXT_BYTES:
        r = IngestResult(path=str(path), format=kind)
        r.error(f"file is {size // (1024 * 1024)} MiB; text inputs over {MAX_TEXT_BYTES // (1024 * 1024)} MiB are skipped")
        return r
    try:
        data = path.read_bytes()
    except OSError as exc:
        r = IngestResult(path=str(path), format="unreadable")
        r.error(f"cannot read file: {exc.strerror or exc}")
        return r
    if kind == "pdf" and ISOLATE_PDF:
        # PDF parsing runs in a child process with a time and memory limit, so
        # a PDF that makes the parser loop or explode cannot stop the run.
        try:
            return run_isolated(_parse_with, (kind, path, data), PDF_TIMEOUT, PDF_MEMORY_MB)
        except IngestError as exc:
            r = IngestResult(path=str(path), format="pdf")
            r.error(str(exc))
            return r
    return _parse_with(kind, path, data)


def _parse_with(kind: str, path: Path, data: bytes) -> IngestResult:
    from . import parsers_for

    last: IngestResult | None = None
    for parser in parsers_for(kind, path, data):
        try:
            result = parser(path, data)
        except IngestError as exc:
            result = IngestResult(path=str(path), format=kind)
            result.error(str(exc))
        except MemoryError:
            if ISOLATE_PDF and kind == "pdf":
                raise  # the isolating parent reports the memory limit
            result = IngestResult(path=str(path), format=kind)
            result.error("ran out of memory while parsing; skipped")
        except Exception as exc:  # a parser bug must not stop the run
            result = IngestResult(path=str(path), format=kind)
            result.error(f"internal error while parsing ({type(exc).__name__}: {exc}); please report it")
        if result is not None:
            return result
        last = result
    if last is None:
        last = IngestResult(path=str(path), format=kind)
        last.error(f"no parser for this {kind} file")
    return last


SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"}
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".zip", ".gz", ".exe", ".so", ".pyc", ".md5", ".sha1"}


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files under the given paths, recursively, in a stable order."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or Path(name).suffix.lower() in SKIP_SUFFIXES:
                        continue
                    if name.lower() in {"readme.md", "readme.txt", "readme"}:
                        continue
                    yield Path(root) / name
        else:
            yield path


def title_from_text(text: str) -> str | None:
    for line in text.split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if len(line) >= 8 and re.search(r"[A-Za-zÅÄÖåäö]{3}", line):
            return line[:120]
    return None
