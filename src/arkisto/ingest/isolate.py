"""Parsing in a child process that can neither outlive nor out-hold its parent.

A parser that loops or explodes must not stop the run, so it runs in a forked
child with a time and a memory limit.  The child must also never be left
behind: a kill -9 of ``arkisto index`` once left the PDF child running with
PPID 1, holding the index's LOCK (an flock is shared with a forked child) and
both ends of its result pipe, and every later run exited 4.  So the child

- gives up every descriptor it inherited except its end of the pipe (each is
  pointed at /dev/null: the lock, the parent's end of the pipe, the terminal),
- dies with its parent (PR_SET_PDEATHSIG on Linux), and exits at once if the
  parent died before that was set (its parent pid is no longer the one it had),
- has a deadline of its own (SIGALRM and RLIMIT_CPU a little after the
  parent's timeout), should the parent be stopped and not kill it.
"""

from __future__ import annotations

import errno
import math
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe

from .common import IngestError

# Seconds the child's own deadline lies beyond the parent's timeout.
CHILD_GRACE = 5
# The exit code of a child whose parent died before it could ask to die with it.
PARENT_GONE = 86


def _load_prctl() -> Callable[[int, int], int] | None:
    """libc's prctl, or None where there is none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # loaded in the parent: the child must start fast
_PR_SET_PDEATHSIG = 1


def _open_fds() -> list[int]:
    try:
        return [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        return []


def detach(keep: int, parent: int, seconds: float) -> None:
    """Cut a freshly forked child loose from everything its parent holds.

    Runs first thing in the child.  ``keep`` is the one descriptor it may
    keep (its end of the result pipe), ``parent`` the pid of the process that
    forked it, ``seconds`` its deadline."""
    # The parent's death ends the child.  If the parent is already gone, the
    # signal will never come: exit now.
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(PARENT_GONE)
    # Its own deadline, in wall-clock and CPU time; the default actions
    # (not any handler the parent installed) end it.
    for sig in (signal.SIGALRM, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    whole = max(1, math.ceil(seconds))
    signal.alarm(whole)
    try:
        import resource

        # CPU time as the backstop of the alarm (one that is blocked, say).
        resource.setrlimit(resource.RLIMIT_CPU, (whole + CHILD_GRACE, whole + 2 * CHILD_GRACE))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    _drop_descriptors(keep)


def _drop_descriptors(keep: int) -> None:
    """Every inherited descriptor but ``keep`` now refers to /dev/null.

    Pointing them at /dev/null rather than closing them releases what they
    held (the lock, the pipe ends) just the same, and keeps their numbers
    taken: an inherited file object collected in the child closes its
    /dev/null, never a file the child opened since."""
    null = os.open(os.devnull, os.O_RDWR)
    fds = _open_fds()
    if fds:
        for fd in fds:
            if fd not in (keep, null):
                try:
                    os.dup2(null, fd)
                except OSError as exc:
                    if exc.errno != errno.EBADF:  # the listing's own descriptor, gone
                        raise
    else:  # no /proc: close what is there instead
        for fd in (0, 1, 2):
            if fd != keep:
                os.dup2(null, fd)
        high = max(keep, null)
        os.closerange(3, min(keep, null))
        os.closerange(min(keep, null) + 1, high)
        os.closerange(high + 1, _max_fd())
    if null > 2:
        os.close(null)


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 16)
    except (OSError, ValueError):
        return 4096


def run_isolated(fn, args: tuple, timeout: float, memory_mb: int):
    """Run ``fn(*args)`` in a forked child with a wall-clock timeout and an
    address-space limit of ``memory_mb`` above what the process already maps.
    Returns its result or raises IngestError saying which limit was hit."""
    recv, send = Pipe(duplex=False)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            detach(send.fileno(), parent, timeout + CHILD_GRACE)
            _child(send, fn, args, memory_mb)
        finally:
            os._exit(0)
    send.close()
    try:
        if not recv.poll(timeout):
            raise IngestError(
                f"parsing took longer than {timeout:.0f} s and was stopped "
                "(a file that makes the parser loop?); skipped"
            )
        try:
            status, value = recv.recv()
        except EOFError:
            code = _reap(pid, wait=5)
            pid = 0
            raise IngestError(f"the parser process died ({_describe(code)}); the file may be damaged or too large") from None
    finally:
        if pid:
            _kill(pid)
        recv.close()
    if status == "ok":
        return value
    if status == "memory":
        raise IngestError(f"parsing needed more than {memory_mb} MiB of memory (a decompression bomb?); skipped")
    raise IngestError(value)


def _reap(pid: int, wait: float) -> int | None:
    """The child's wait status once it has exited (killed after ``wait``
    seconds if it has not)."""
    import time

    deadline = time.monotonic() + wait
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= deadline:
            _kill(pid)
            return None
        time.sleep(0.01)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _describe(status: int | None) -> str:
    if status is None:
        return "it hung"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(sig).name}"
        except ValueError:
            return f"killed by signal {sig}"
    return f"exit code {os.WEXITSTATUS(status)}"


def _child(conn: Connection, fn, args, memory_mb: int) -> None:  # pragma: no cover - runs in the child
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
