"""A parser child can neither outlive nor out-hold its parent.

A kill -9 of ``arkisto index`` while a PDF was being parsed left the forked
child running with PPID 1, holding the index's LOCK and its pipe, and every
later run exited 4 ("locked by another arkisto process") for ever."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arkisto.errors import EXIT_LOCKED
from arkisto.ingest.isolate import PARENT_GONE, run_isolated
from helpers import FIXTURES, HEINOLA

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

PDF_ROOTS = [FIXTURES / "annual-reports", FIXTURES / "lapua-cloudnc"]  # Kauhava's report parses for seconds


def _ppid(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name in (…) may hold spaces


def _children(pid: int) -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == pid]


def _with_marker(marker: str) -> list[int]:
    """Live processes whose command line names ``marker`` (this test's index)."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmd:
            found.append(int(p))
    return found


def _gone(marker: str, within: float) -> list[int]:
    deadline = time.monotonic() + within
    while (left := _with_marker(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_kill_9_while_parsing_pdfs_leaves_no_orphan_and_no_lock(tmp_path: Path):
    ix = tmp_path / "ix-orphans"
    marker = str(ix)
    cmd = [sys.executable, "-m", "arkisto", "index", *map(str, PDF_ROOTS), "--index", marker, "--wait", "0", "--quiet"]
    rnd = random.Random(12)
    parsing_kills = 0
    try:
        for _ in range(20):
            # --wait 0: the run must take the lock at once, so a lock held by
            # an earlier run's orphan fails it here with exit code 4.
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert proc.poll() != EXIT_LOCKED, "the index stayed locked after the previous kill"
            parsing_kills += bool(_children(proc.pid))
            time.sleep(rnd.uniform(0, 1.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert _gone(marker, within=5) == [], "a parser child outlived the killed indexer"
        assert parsing_kills >= 15  # the kills did land while a PDF was being parsed
        tiny = tmp_path / "tiny"
        tiny.mkdir()
        (tiny / HEINOLA.name).write_bytes(HEINOLA.read_bytes())
        r = subprocess.run([sys.executable, "-m", "arkisto", "index", str(tiny), "--index", marker, "--wait", "0"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
    finally:
        for pid in _with_marker(marker):  # what a failure left behind: this test's own processes
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _descriptors():
    """(fd, target) of every descriptor the process holds."""
    out = []
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
        try:
            out.append((fd, os.readlink(f"/proc/self/fd/{fd}")))
        except OSError:
            pass
    return out


def test_child_keeps_no_inherited_descriptor_but_its_pipe(tmp_path: Path):
    held = open(tmp_path / "LOCK", "w")  # as the index lock is held while parsing
    try:
        fds = run_isolated(_descriptors, (), timeout=30, memory_mb=512)
    finally:
        held.close()
    targets = [t for _, t in fds]
    assert str(tmp_path / "LOCK") not in targets
    pipes = [t for t in targets if t.startswith("pipe:")]
    assert len(pipes) == 1  # its own end of the result pipe, not the parent's
    assert all(t == os.devnull or t.startswith("pipe:") or t.startswith("/proc/") for t in targets), targets


def test_child_has_a_deadline_of_its_own(tmp_path: Path):
    """Even if its parent never kills it, a parser child ends itself."""
    script = (
        "import os, sys\n"
        "from arkisto.ingest.isolate import detach\n"
        "detach(1, os.getppid(), 1)\n"
        "while True: pass\n"
    )
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert r.returncode == -signal.SIGALRM
    assert time.monotonic() - t0 < 30


def test_child_of_a_dead_parent_exits_at_once():
    """The parent died before the child asked to die with it: the child sees
    that its parent pid is not the one it had, and exits."""
    script = (
        "import os, time\n"
        "from arkisto.ingest.isolate import detach\n"
        "detach(1, os.getppid() + 1_000_000, 60)\n"
        "time.sleep(60)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], timeout=30)
    assert r.returncode == PARENT_GONE


def test_child_forked_from_a_thread_works():
    """The TUI indexes in a worker thread; the child must start from there too."""
    import threading

    out = []
    t = threading.Thread(target=lambda: out.append(run_isolated(os.getpid, (), timeout=30, memory_mb=512)))
    t.start()
    t.join(60)
    assert out and out[0] != os.getpid()
