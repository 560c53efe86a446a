"""One error vocabulary for the whole program.  Each error has a plain message
with what to do, and its own exit code (documented in ``arkisto --help``)."""

from __future__ import annotations

from .i18n import Msg, Strings

EXIT_OK = 0
EXIT_NO_RESULTS = 1
EXIT_USAGE = 2
EXIT_NO_INDEX = 3
EXIT_LOCKED = 4
EXIT_DAMAGED = 5
EXIT_REBUILD = 6
EXIT_DISK_FULL = 7
EXIT_PERMISSION = 8
EXIT_SAVED_DAMAGED = 9
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0    success (search: at least one result; new: also when nothing is new)
  1    search found nothing; show: no such id; new, saved remove: no saved
       search of that name (the message names those there are)
  2    usage error (bad option or argument)
  3    no index at the given location (run `arkisto index PATH…` first)
  4    index is locked by another arkisto process; search: the index is still
       being built (its first build is running, by the pid named)
  5    index is damaged (rebuild it with `arkisto index --rebuild PATH…`)
  6    index was built by another version or analyzer (rebuild it)
  7    disk full
  8    permission denied
  9    the saved searches file could not be read: it was moved aside (both
       paths are named) and nothing else was done; the next run starts afresh
  130  interrupted (Ctrl-C; 129 for SIGHUP, 143 for SIGTERM); the index keeps
       what was done, or is as it was after an interrupted --rebuild
"""


class ArkistoError(Exception):
    """An error with its exit code.  Its message and hint are :class:`Msg`
    (a key in i18n.STRINGS and its parameters), said in the UI's language
    where they are shown (:meth:`render`); ``message``, ``hint`` and
    ``str()`` are the English.  A plain string is a message as it is."""

    exit_code = 2

    def __init__(self, message: str | Msg, hint: str | Msg | None = None):
        self.msg = message if isinstance(message, Msg) else Msg(message)
        self.hint_msg = hint if isinstance(hint, Msg) or hint is None else Msg(hint)
        super().__init__(str(self.msg))

    @property
    def key(self) -> str:
        return self.msg.key

    @property
    def params(self) -> dict:
        return self.msg.params

    @property
    def message(self) -> str:
        return str(self.msg)

    @property
    def hint(self) -> str | None:
        return str(self.hint_msg) if self.hint_msg is not None else None

    def render(self, s: Strings) -> tuple[str, str | None]:
        """(message, hint) in the language of ``s``."""
        return self.msg.render(s), self.hint_msg.render(s) if self.hint_msg is not None else None

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

    def __init__(self, message: str | Msg, hint: str | Msg | None = None, pid: int | None = None):
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


def from_os_error(exc: OSError, action: str, path: object = "", hint: str | Msg | None = None) -> ArkistoError:
    """The error (and exit code) for an OSError while doing ``action`` (a key
    ``do_<action>``: writing, reading, creating …) to ``path``.  ``hint``
    replaces the index-specific advice for errors about other files.  The
    operating system's own words (``strerror``) stay as it gives them."""
    import errno

    what = Msg(f"do_{action}", path=str(path))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(Msg("err_disk_full", what=what), hint or Msg("hint_disk_full"))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(
            Msg("err_permission", what=what, file=f": {exc.filename}" if exc.filename else ""),
            hint or Msg("hint_permission"),
        )
    if hint is not None:
        return ArkistoError(Msg("err_os", what=what, error=str(exc.strerror or exc)), hint)
    return IndexDamagedError(Msg("err_os_index", what=what, error=str(exc)), Msg("hint_rebuild_short"))
