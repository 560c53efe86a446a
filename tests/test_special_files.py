"""Only regular files are read.  A FIFO (reading it waits for a writer for
ever), a link to /dev/zero (it never ends), a socket, a symbolic link loop and
a link out of the folder are each reported by name, and the run goes on.

The indexer runs in a subprocess with a timeout, so that a regression fails
instead of hanging the suite."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from arkisto.ingest import iter_files, parse_path
from arkisto.ingest.detect import file_digest
from helpers import HEINOLA


@pytest.fixture(autouse=True, scope="module")
def _english():
    """These tests read the CLI's English messages (Finnish is the default),
    the module's own fixtures too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARKISTO_LANG", "en")
        yield


pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and Unix sockets")


def _socket(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX)
    if len(str(path)) < 100:
        s.bind(str(path))
    else:  # AF_UNIX paths are short: bind from inside the folder
        cwd = os.getcwd()
        os.chdir(path.parent)
        try:
            s.bind(path.name)
        finally:
            os.chdir(cwd)
    return s


@pytest.fixture
def hostile_folder(tmp_path: Path):
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    docs.mkdir()
    outside.mkdir()
    (docs / "good.txt").write_bytes(HEINOLA.read_bytes())
    (outside / "secret.txt").write_text("Päätös Hyväksyttiin.\n\nEsittelijä Salainen\n", encoding="utf-8")
    os.mkfifo(docs / "pipe.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "loop.txt").symlink_to("loop.txt")
    (docs / "out.txt").symlink_to(outside / "secret.txt")
    (docs / "outdir").symlink_to(outside)
    sock = _socket(docs / "sock.txt")
    try:
        yield docs
    finally:
        sock.close()


BAD = ["pipe.txt", "zero.txt", "loop.txt", "out.txt", "outdir", "sock.txt"]


def test_index_skips_special_files_and_links_by_name(hostile_folder: Path, tmp_path: Path):
    r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(hostile_folder), "--index", str(tmp_path / "ix")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "1 records from 1 files indexed" in r.stderr
    lines = r.stderr.splitlines()
    for name in BAD:
        said = [line for line in lines if line.startswith("skipped: ") and f"{hostile_folder / name}: " in line]
        assert len(said) == 1, (name, r.stderr)
    assert "named pipe" in r.stderr and "socket" in r.stderr and "link loop" in r.stderr
    assert "a device (/dev/zero)" in r.stderr and f"outside {hostile_folder}" in r.stderr
    # Nothing from outside the folder got in.
    s = subprocess.run([sys.executable, "-m", "arkisto", "search", "Salainen", "--index", str(tmp_path / "ix")],
                       capture_output=True, text=True, timeout=60)
    assert s.returncode == 1, s.stdout


def test_walk_yields_only_the_regular_file(hostile_folder: Path):
    problems = []
    files = list(iter_files([hostile_folder], on_problem=problems.append))
    assert files == [hostile_folder / "good.txt"]
    assert sorted(Path(p.path).name for p in problems) == sorted(BAD)
    assert all(p.severity == "error" for p in problems)


def test_special_file_given_by_name_is_reported(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe")
    problems = []
    assert list(iter_files([tmp_path / "pipe", "/dev/zero"], on_problem=problems.append)) == []
    assert [p.message for p in problems] == ["a named pipe (FIFO), not a regular file", "a device, not a regular file"]


def _returns_within(fn, seconds: float, unblock) -> object:
    """fn()'s result, or a test failure if it blocks (then ``unblock`` frees it)."""
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        unblock()
        t.join(5)
        pytest.fail(f"{fn} blocked")
    return out[0]


def test_a_file_swapped_for_a_fifo_after_the_walk_is_not_read(tmp_path: Path):
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)

    def unblock():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)

    result = _returns_within(lambda: parse_path(fifo), 10, unblock)
    assert result.records == []
    assert str(result.problems[0]) == f"{fifo}: cannot read file: a named pipe (FIFO), not a regular file"

    def digest():
        try:
            return file_digest(fifo)
        except OSError as exc:
            return exc

    exc = _returns_within(digest, 10, unblock)
    assert isinstance(exc, OSError) and "named pipe" in exc.strerror


def test_a_file_swapped_for_a_device_is_not_read(tmp_path: Path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    result = _returns_within(lambda: parse_path(link), 10, lambda: None)
    assert "a device, not a regular file" in str(result.problems[0])


def test_socket_is_not_opened(tmp_path: Path):
    short = Path(tempfile.mkdtemp(prefix="ark"))
    try:
        s = _socket(short / "s")
        result = parse_path(short / "s")
        s.close()
        assert "not a regular file" in str(result.problems[0])
    finally:
        for p in short.iterdir():
            p.unlink()
        short.rmdir()
