"""One error vocabulary for the whole program.  Each error has a plain message
with what to do, and its own exit code (documented in ``arkisto --help``)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_NO_RESULTS = 1
EXIT_USAGE = 2
EXIT_NO_INDEX = 3
EXIT_LOCKED = 4
EXIT_DAMAGED = 5
EXIT_REBUILD = 6
EXIT_DISK_FULL = 7
EXIT_PERMISSION = 8
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0    success (search: at least one result)
  1    search found nothing; show: no such id
  2    usage error (bad option or argument)
  3    no index at the given location (run `arkisto index PATH…` first)
  4    index is locked by another arkisto process; search: the index is still
       being built (its first build is running, by the pid named)
  5    index is damaged (rebuild it with `arkisto index --rebuild PATH…`)
  6    index was built by another version or analyzer (rebuild it)
  7    disk full
  8    permission denied
  130  interrupted (Ctrl-C; 129 for SIGHUP, 143 for SIGTERM); the index keeps
       what was done, or is as it was after an interrupted --rebuild
"""


class ArkistoError(Exception):
    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class NoIndexError(ArkistoError):
    exit_code = EXIT_NO_INDEX


class IndexLockedError(ArkistoError):
    exit_code = EXIT_LOCKED


class IndexBuildingError(IndexLockedError):
    """No index yet, because another process is building it (exit 4, as a
    locked index): a search says so and by which pid, rather than inviting a
    second build."""

    def __init__(self, message: str, hint: str | None = None, pid: int | None = None):
        super().__init__(message, hint)
        self.pid = pid


class IndexDamagedError(ArkistoError):
    exit_code = EXIT_DAMAGED


class RebuildNeededError(ArkistoError):
    exit_code = EXIT_REBUILD


class DiskFullError(ArkistoError):
    exit_code = EXIT_DISK_FULL


class PermissionDeniedError(ArkistoError):
    exit_code = EXIT_PERMISSION


def from_os_error(exc: OSError, what: str, hint: str | None = None) -> ArkistoError:
    """The error (and exit code) for an OSError while ``what``.  ``hint``
    replaces the index-specific advice for errors about other files."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"disk full while {what}",
                             hint or "Free some space and run the command again; the previous index is intact.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(
            f"permission denied while {what}: {exc.filename or ''}".rstrip(": "),
            hint or "Check the owner and permissions of the index directory, or choose another with --index.",
        )
    if hint is not None:
        return ArkistoError(f"error while {what}: {exc.strerror or exc}", hint)
    return IndexDamagedError(f"cannot read or write the index while {what}: {exc}", "Rebuild it with `arkisto index --rebuild PATH…`.")
