"""Saved searches, and the marks that say what is new in each.

A saved search is a name, a query and filters (facet -> values, as
``SearchService.search`` takes them).  They live in one JSON file in the
user's data directory::

    ~/.local/share/arkisto/saved.json     ($XDG_DATA_HOME/arkisto/saved.json;
                                           $ARKISTO_SAVED names another file)
    {"version": 1,
     "searches": [{"name": "Varhaiskasvatus",
                   "query": "varhaiskasvatus",
                   "filters": {"municipality": ["Heinola"]},
                   "created": "2026-12-05T14:50:00.123456+00:00",
                   "opened": "2026-12-05T14:50:00.123456+00:00",
                   "reported": null}]}

**What is new.**  Every record carries the time it first entered the index
(``first_indexed``, kept across re-indexing).  A record is new in a saved
search when it matches and its time is after the search's mark.  A mark is
the newest ``first_indexed`` the user was shown, not the clock: a record
indexed while ``arkisto new`` was printing is newer than every record it
printed, so the next run prints it, and each record is printed once.
Records indexed before times were kept have none and are never new.

There are two marks, kept apart: ``opened`` moves when the search is opened
in the TUI, ``reported`` when ``arkisto new`` prints it.  A cron job mailing
``arkisto new`` does not hide the TUI's new counts, and opening a search in
the TUI does not stop the next e-mail.  Both start at the index's newest
time when the search is saved (what was there then is not new), and only
move forward.

**Safe writes.**  The file is written whole: to ``saved.json.tmp`` in the
same folder, fsync, ``os.replace``, fsync of the folder, so a kill or a
power cut leaves the old state or the new, never a mix.  Each change is a
read-modify-write under an exclusive lock (``saved.json.lock``, flock): two
writers (the TUI and a cron job) both get their change in, the later one
last.  A file that does not read (not JSON, not this shape, not readable)
is never emptied or written over: it is moved aside to
``saved.json.damaged-YYYYmmddTHHMMSS`` and reported with both paths
(``SavedDamagedError``); the next use starts from no saved searches.

Nothing here imports Whoosh or Textual.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import EXIT_NO_RESULTS, EXIT_SAVED_DAMAGED, EXIT_USAGE, ArkistoError, from_os_error
from .i18n import Msg

FILE_NAME = "saved.json"
VERSION = 1
NAME_MAX = 80  # characters of a name kept
MARKS = ("opened", "reported")  # the TUI's, the CLI's (``arkisto new``)


class SavedDamagedError(ArkistoError):
    """The saved searches file did not read; it was moved aside."""

    exit_code = EXIT_SAVED_DAMAGED


class UnknownSavedSearchError(ArkistoError):
    exit_code = EXIT_NO_RESULTS


class SavedNameError(ArkistoError):
    exit_code = EXIT_USAGE


@dataclass
class SavedSearch:
    name: str
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    created: datetime | None = None
    opened: datetime | None = None  # the TUI's mark
    reported: datetime | None = None  # the CLI's mark (``arkisto new``)

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "filters": self.filters,
                "created": _iso(self.created), "opened": _iso(self.opened), "reported": _iso(self.reported)}

    def mark(self, which: str) -> datetime | None:
        return getattr(self, _mark_attr(which))


def default_path() -> Path:
    """``$ARKISTO_SAVED``, else saved.json in the user's data directory
    (as the index: ``locations.data_home``, which follows XDG_DATA_HOME)."""
    env = os.environ.get("ARKISTO_SAVED")
    if env:
        return Path(env).expanduser()
    from .locations import data_home

    return data_home() / FILE_NAME


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


def clean_name(name: str) -> str:
    """A name as kept: control, invisible and bidi characters removed,
    spaces squashed, at most NAME_MAX characters.  (Names are shown as text,
    never markup: "[b]x" stays "[b]x".)"""
    text = " ".join(_UNPRINTABLE.sub(" ", name or "").split())
    return text[:NAME_MAX].strip()


# --- reading and writing ---------------------------------------------------------------


def load(path: Path | None = None) -> list[SavedSearch]:
    """The saved searches (none when the file does not exist yet).  A file
    that does not read is moved aside and SavedDamagedError raised."""
    path = path or default_path()
    with _locked(path):
        return _read(path)


def save(searches: list[SavedSearch], path: Path | None = None) -> None:
    """Write the whole list (atomically, under the lock)."""
    path = path or default_path()
    with _locked(path):
        _write(path, searches)


@contextlib.contextmanager
def editing(path: Path | None = None) -> Iterator[list[SavedSearch]]:
    """Read, change and write under one lock: ``with editing() as s: ...``;
    the list as it is at the end of the block is written (not when the
    block raises)."""
    path = path or default_path()
    with _locked(path):
        searches = _read(path)
        yield searches
        _write(path, searches)


def find(searches: list[SavedSearch], name: str) -> SavedSearch:
    """The search of that name (as cleaned), else UnknownSavedSearchError
    naming the saved searches."""
    wanted = clean_name(name)
    for s in searches:
        if s.name == wanted:
            return s
    names = ", ".join(f'"{s.name}"' for s in searches)
    raise UnknownSavedSearchError(Msg("saved_unknown", name=wanted, names=names or Msg("saved_none_short")),
                                  Msg("hint_saved_list"))


def add(name: str, query: str, filters: dict[str, list[str]] | None, newest: datetime | None,
        path: Path | None = None, replace: bool = False) -> SavedSearch:
    """Save a search.  ``newest`` is the index's newest ``first_indexed``
    now: both marks start there (what the index holds is not new)."""
    cleaned = clean_name(name)
    if not cleaned:
        raise SavedNameError(Msg("saved_name_empty"))
    filters = {str(k): [str(v) for v in vs] for k, vs in (filters or {}).items() if vs}
    with editing(path) as searches:
        for i, s in enumerate(searches):
            if s.name == cleaned:
                if not replace:
                    raise SavedNameError(Msg("saved_exists", name=cleaned), Msg("hint_saved_replace"))
                del searches[i]
                break
        item = SavedSearch(cleaned, query, filters, created=datetime.now(timezone.utc), opened=newest,
                           reported=newest)
        searches.append(item)
    return item


def remove(name: str, path: Path | None = None) -> SavedSearch:
    with editing(path) as searches:
        item = find(searches, name)
        searches.remove(item)
    return item


def move_mark(name: str, which: str, when: datetime | None, path: Path | None = None) -> None:
    """Move one search's mark (``opened`` or ``reported``) to ``when``."""
    advance(which, {name: when}, path)


def advance(which: str, newest: dict[str, datetime | None], path: Path | None = None) -> None:
    """Move the ``which`` mark of each named search to the newest time the
    user was shown in it, never back (a search removed meanwhile is
    passed over).  One write for all of them."""
    attr = _mark_attr(which)
    with editing(path) as searches:
        for s in searches:
            when = newest.get(s.name)
            old = getattr(s, attr)
            if when is not None and (old is None or when > old):
                setattr(s, attr, when)


def _mark_attr(which: str) -> str:
    if which not in MARKS:
        raise ValueError(f"mark must be one of {', '.join(MARKS)}")
    return which


# --- the file --------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(path: Path):
    """The exclusive lock of the saved searches (``saved.json.lock``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise from_os_error(exc, "creating", path, hint=Msg("hint_saved_folder")) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read(path: Path) -> list[SavedSearch]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        if exc.errno in (errno.ENOENT,):
            return []
        _damaged(path, str(exc.strerror or exc))
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        _damaged(path, str(exc))
    try:
        return _from_json(parsed)
    except (TypeError, ValueError, KeyError) as exc:
        _damaged(path, str(exc))
    raise AssertionError("unreachable")


def _from_json(parsed: object) -> list[SavedSearch]:
    if not isinstance(parsed, dict) or parsed.get("version") != VERSION or not isinstance(parsed.get("searches"), list):
        raise ValueError(f'not a saved searches file (version {VERSION} with a list of "searches")')
    out: list[SavedSearch] = []
    seen: set[str] = set()
    for n, item in enumerate(parsed["searches"], 1):
        if not isinstance(item, dict):
            raise ValueError(f"search {n} is not an object")
        name, query, filters = item.get("name"), item.get("query", ""), item.get("filters", {})
        if not isinstance(name, str) or not clean_name(name) or not isinstance(query, str):
            raise ValueError(f"search {n}: name and query must be text")
        if not isinstance(filters, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
                for k, v in filters.items()):
            raise ValueError(f"search {n}: filters must map facets to lists of text")
        name = clean_name(name)
        if name in seen:
            raise ValueError(f"search {n}: the name {name!r} twice")
        seen.add(name)
        out.append(SavedSearch(name, query, {k: list(v) for k, v in filters.items()},
                               created=_time(item.get("created"), n), opened=_time(item.get("opened"), n),
                               reported=_time(item.get("reported"), n)))
    return out


def _time(value: object, n: int) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"search {n}: a time must be text")
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="microseconds") if when is not None else None


def _damaged(path: Path, error: str):
    """Move the file aside (never lost, never written over) and raise."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, aside)
    except OSError as exc:
        raise SavedDamagedError(Msg("saved_damaged_kept", path=str(path), error=error,
                                    move_error=str(exc.strerror or exc))) from None
    _fsync_dir(path.parent)
    raise SavedDamagedError(Msg("saved_damaged", path=str(path), error=error, aside=str(aside)),
                            Msg("hint_saved_damaged"))


def _write(path: Path, searches: list[SavedSearch]) -> None:
    text = json.dumps({"version": VERSION, "searches": [s.to_json() for s in searches]},
                      ensure_ascii=False, indent=1) + "\n"
    tmp = path.with_name(path.name + ".tmp")  # one writer at a time: the lock is held
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise from_os_error(exc, "writing", path, hint=Msg("hint_saved_folder")) from None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
