"""Python's cyclic garbage collector, held off while a result is on its way.

Painting a page of results makes and drops tens of thousands of small
objects inside Textual (strips, their caches, options), many of them in
reference cycles that only the collector frees.  At a million decisions
the automatic collections took 27 ms per search and paint on average
(2.2 s over 40 typed queries and the empty query between them), and a
full one of 15-25 ms landed between a keystroke and its results about
every other query.

So from the moment a search is sent to the moment its result is painted
(or the search is superseded, or fails) the collector waits; the objects
made meanwhile are collected by the first automatic collection after it,
while the user reads.  The window is short (the search and one paint),
so the garbage it lets pile up is that of one page.  The backend's own
collections are few (about 20 ms over the same 40 queries) and wait too:
the collector is per process.

Only the UI thread opens and closes windows (Textual's event loop), so
no lock is needed.  A window that is already closed closes no other.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

LONGEST = 2.0  # seconds after which the caller closes a window whatever happened
_open = 0  # windows open now
_was_enabled = True  # whether the collector ran before the first of them


def hold() -> Callable[[], None]:
    """Hold the collector off until the returned function is called
    (calling it again does nothing).  Windows may overlap: the collector
    runs again, if it ran before, when the last one closes."""
    global _open, _was_enabled
    if _open == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _open += 1
    closed = False

    def release() -> None:
        global _open
        nonlocal closed
        if closed:
            return
        closed = True
        _open -= 1
        if _open == 0 and _was_enabled:
            gc.enable()

    return release


def reset() -> None:
    """Close every window (the app is closing): the collector runs again if
    it ran before the first."""
    global _open
    if _open:
        _open = 0
        if _was_enabled:
            gc.enable()
