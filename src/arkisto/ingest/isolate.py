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

``run_isolated`` forks such a child for one call (each PDF); ``Worker`` keeps
one for call after call (every other file), each call with its own deadline.
"""

from __future__ import annotations

import errno
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe

from ..i18n import Msg
from .common import IngestError

# Seconds the child's own deadline lies beyond the parent's timeout.
CHILD_GRACE = 5
# The exit code of a child whose parent died before it could ask to die with it.
PARENT_GONE = 86
# Seconds between looks at a cancel event while a child parses.
CANCEL_POLL = 0.1
# True in a parsing child: a MemoryError there is the memory limit, which the
# parent reports.
IN_CHILD = False


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


def detach(keep: int, parent: int, seconds: float | None) -> None:
    """Cut a freshly forked child loose from everything its parent holds.

    Runs first thing in the child.  ``keep`` is the one descriptor it may
    keep (its end of the result pipe), ``parent`` the pid of the process that
    forked it, ``seconds`` its deadline (None: the worker sets one per file)."""
    global IN_CHILD
    IN_CHILD = True
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
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if seconds is not None:
        set_deadline(seconds)
    _drop_descriptors(keep)


def set_deadline(seconds: float) -> None:
    """End this (child) process ``seconds`` from now: SIGALRM, and as its
    backstop RLIMIT_CPU a little later (should the alarm be blocked)."""
    whole = max(1, math.ceil(seconds))
    signal.alarm(whole)
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = math.ceil(used.ru_utime + used.ru_stime) + whole + CHILD_GRACE
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ImportError, ValueError, OSError):
        pass


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


def _fork() -> int:
    """os.fork without Python 3.12's warning about forking a multi-threaded
    process (the TUI indexes in a thread): the risk it warns of, a lock held
    by another thread at the fork, can at worst hang the child, and the
    child's deadline ends that."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning)
        return os.fork()


def run_isolated(fn, args: tuple, timeout: float, memory_mb: int,
                 on_progress: Callable[..., None] | None = None):
    """Run ``fn(*args)`` in a forked child with a wall-clock timeout and an
    address-space limit of ``memory_mb`` above what the process already maps.
    Returns its result or raises IngestError saying which limit was hit.

    With ``on_progress``, the child calls ``fn(*args, progress=report)``, and
    each ``report(*values)`` comes over the pipe to ``on_progress(*values)``
    here while the parent waits (the timeout is for the whole call)."""
    return Child(fn, args, timeout, memory_mb, progress=on_progress is not None).wait(on_progress)


class Child:
    """One ``fn(*args)`` in a forked, detached child, started at once and
    waited for later: a build forks the next PDF's child from its own thread
    (never from another thread, which might hold a lock the child would
    need), and a thread of its own may wait for it (see ingest/ahead.py).
    The time limit runs from the start."""

    def __init__(self, fn, args: tuple, timeout: float, memory_mb: int, progress: bool = False):
        self.timeout = timeout
        self.memory_mb = memory_mb
        recv, send = Pipe(duplex=False)
        parent = os.getpid()
        pid = _fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                detach(send.fileno(), parent, timeout + CHILD_GRACE)
                _child(send, fn, args, memory_mb, progress)
            finally:
                os._exit(0)
        send.close()
        self.pid = pid
        self.recv = recv
        self.deadline = time.monotonic() + timeout

    def wait(self, on_progress: Callable[..., None] | None = None, cancel: threading.Event | None = None):
        """The child's result, or IngestError saying which limit was hit.
        ``cancel`` set (by the thread that stops a build) ends the child
        within CANCEL_POLL seconds; IngestError says so."""
        pid, recv = self.pid, self.recv
        try:
            while True:
                left = max(0.0, self.deadline - time.monotonic())
                if not recv.poll(left if cancel is None else min(left, CANCEL_POLL)):
                    if cancel is not None and cancel.is_set():
                        raise IngestError(Msg("ingest_stopped"))
                    if time.monotonic() < self.deadline:
                        continue
                    raise _too_slow(self.timeout)
                try:
                    status, value = recv.recv()
                except EOFError:
                    code = _reap(pid, wait=5)
                    pid = 0
                    raise IngestError(Msg("ingest_child_died", how=_describe(code))) from None
                except Exception as exc:  # an answer that does not unpickle
                    raise IngestError(_internal(exc)) from None
                if status != "progress":
                    break
                if on_progress is not None:
                    on_progress(*value)
        finally:
            if pid:
                _kill(pid)
            self.pid = 0
            recv.close()
        if status == "ok":
            return value
        if status == "memory":
            raise _too_big(self.memory_mb)
        raise IngestError(value)

    def stop(self) -> None:
        """End the child without waiting for its answer."""
        if self.pid:
            _kill(self.pid)
            self.pid = 0
        self.recv.close()


def _too_slow(timeout: float) -> IngestError:
    return IngestError(Msg("ingest_too_slow", seconds=f"{timeout:.0f}"))


def _too_big(memory_mb: int) -> IngestError:
    return IngestError(Msg("ingest_too_much_memory", mb=memory_mb))


def _internal(exc: BaseException) -> Msg:
    """A parser's bug (or an answer that does not unpickle), said so."""
    return Msg("ingest_internal_error", type=type(exc).__name__, error=str(exc))


def _reap(pid: int, wait: float) -> int | None:
    """The child's wait status once it has exited (killed after ``wait``
    seconds if it has not)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored)
            return None
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


def _exited(pid: int) -> bool:
    """Whether the child has exited (it is reaped now if so)."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored)
        return True


def _describe(status: int | None) -> Msg:
    if status is None:
        return Msg("ingest_exit_none")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return Msg("ingest_killed_by", signal=signal.Signals(sig).name)
        except ValueError:
            return Msg("ingest_killed_by_number", n=sig)
    return Msg("ingest_exit_code", code=os.WEXITSTATUS(status))


def _limit_memory(memory_mb: int) -> None:  # pragma: no cover - runs in the child
    """An address-space limit of ``memory_mb`` above what is mapped now."""
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


def _child(conn: Connection, fn, args, memory_mb: int, progress: bool) -> None:  # pragma: no cover - in the child
    _limit_memory(memory_mb)

    def report(*values) -> None:
        try:
            conn.send(("progress", values))
        except OSError:  # the parent is gone: this child ends with it
            pass

    try:
        result = fn(*args, progress=report) if progress else fn(*args)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", _internal(exc)))
    finally:
        conn.close()


# --- a worker for many small files ----------------------------------------------

# A worker that has had nothing to do for this long exits by itself, and the
# parent starts a new one rather than use one that idle.
WORKER_IDLE = 60.0


class Worker:
    """One long-lived child that runs ``fn(*args)`` for one file after
    another, each within its own time limit.

    Forking a child per file costs 4 ms (10 ms from a 500 MB process), more
    than parsing a small file does; this child is forked once and reused,
    at about 0.3 ms per file.  It is as detached as run_isolated's child, and
    replaced after a file that it could not finish (too slow, too big, or it
    died)."""

    def __init__(self, fn, memory_mb: int, key: object = None):
        self.fn = fn
        self.memory_mb = memory_mb
        self.key = key  # what the work depends on in the parent; a worker forked before it changed is stale
        self.thread = threading.get_ident()  # PR_SET_PDEATHSIG follows the forking thread
        self.conn, theirs = Pipe(duplex=True)
        parent = os.getpid()
        self.pid = _fork()
        if self.pid == 0:  # pragma: no cover - the child
            try:
                self.conn.close()
                detach(theirs.fileno(), parent, None)
                _limit_memory(memory_mb)
                _serve(theirs, fn)
            finally:
                os._exit(0)
        theirs.close()
        self.last = time.monotonic()

    def usable(self, fn, memory_mb: int, key: object = None) -> bool:
        """Alive, forked by this thread for this work, and not about to idle out."""
        if not self.pid:
            return False
        if _exited(self.pid):
            self.pid = 0
            self.conn.close()
            return False
        return (
            fn is self.fn
            and memory_mb == self.memory_mb
            and key == self.key
            and self.thread == threading.get_ident()
            and time.monotonic() - self.last < WORKER_IDLE / 2
        )

    def call(self, args: tuple, timeout: float):
        """``fn(*args)`` in the worker; raises IngestError as run_isolated does."""
        self.send(args, timeout)
        return self.receive()

    def send(self, args: tuple, timeout: float) -> None:
        """Start ``fn(*args)`` in the worker; ``receive`` (from any one
        thread) gives its answer, within ``timeout`` of now."""
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        try:
            self.conn.send((timeout, args))
        except (EOFError, OSError):
            code = _reap(self.pid, wait=5)
            self.pid = 0
            self.conn.close()
            raise IngestError(Msg("ingest_child_died", how=_describe(code))) from None

    def receive(self):
        """The answer to what ``send`` started; raises IngestError as
        run_isolated does."""
        timeout = self.timeout
        try:
            ready = self.conn.poll(max(0.0, self.deadline - time.monotonic()))
            if ready:
                status, value = self.conn.recv()
        except (EOFError, OSError):
            code = _reap(self.pid, wait=5) if self.pid else None  # never waitpid(0): any child
            self.pid = 0
            self.conn.close()
            raise IngestError(Msg("ingest_child_died", how=_describe(code))) from None
        except Exception as exc:  # an answer that does not unpickle
            self.stop()
            raise IngestError(_internal(exc)) from None
        if not ready:
            self.stop()
            raise _too_slow(timeout)
        self.last = time.monotonic()
        if status == "ok":
            return value
        if status == "memory":
            self.stop()  # it exits after a MemoryError: its heap may be in pieces
            raise _too_big(self.memory_mb)
        raise IngestError(value)

    def stop(self) -> None:
        if self.pid:
            _kill(self.pid)
            self.pid = 0
        self.conn.close()

    def interrupt(self) -> None:
        """End the child now, from another thread than the one in
        ``receive``, which then sees it end (and reaps it)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _serve(conn: Connection, fn) -> None:  # pragma: no cover - runs in the child
    """The worker's loop: a job is (timeout, args); the answer (status, value)."""
    while conn.poll(WORKER_IDLE):
        try:
            timeout, args = conn.recv()
        except EOFError:
            return
        set_deadline(timeout + CHILD_GRACE)
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("memory", None))
            return
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            conn.send(("error", _internal(exc)))
        signal.alarm(0)
