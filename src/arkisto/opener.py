"""Opening a record's source document (the TUI's `o`): the local file at the
record's page where there is one (``file:///…/minutes.pdf#page=7``), else
the address it was published at.  No Textual here.

The opener is a plain function ``(target) -> bool`` so the TUI can be given
another (tests give one that records what it was asked and launches
nothing).  The default hands the target to the desktop (``xdg-open``,
``open``, ``os.startfile``) and never to a browser that would run inside the
terminal the TUI is drawn in."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Opener = Callable[[str], bool]


def source_target(rec, base: Path | None = None) -> str | None:
    """What `o` opens for ``rec``: its own source file, or a file it was
    merged from, that still exists (a PDF at the record's page), else an
    http(s) address among its sources; None when there is neither."""
    sources = [rec.source, *getattr(rec, "also", [])]
    for src in sources:
        path = Path(src.path)
        if re.match(r"https?://", src.path):
            continue
        if not path.is_absolute() and base is not None and not path.exists():
            path = base / path
        if path.is_file():
            uri = path.resolve().as_uri()
            if src.page and (path.suffix.lower() == ".pdf" or "pdf" in src.format):
                uri += f"#page={src.page}"
            return uri
    for src in sources:
        if re.match(r"https?://", src.path):
            return src.path
    return None


def default_opener(target: str) -> bool:
    """Hand ``target`` to the desktop; True when something took it.  Blocks
    up to a few seconds (run it off the UI thread)."""
    try:
        if sys.platform == "darwin":
            cmd = ["open", target]
        elif os.name == "nt":  # pragma: no cover - not the platform the tests run on
            os.startfile(target)  # type: ignore[attr-defined]
            return True
        else:
            # Without a display, xdg-open would start a text browser in this
            # very terminal, under the TUI.
            if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
                return False
            tool = shutil.which("xdg-open")
            if tool is None:
                return False
            cmd = [tool, target]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            return proc.wait(timeout=5) == 0
        except subprocess.TimeoutExpired:
            return True  # still handing it over: it was taken
    except OSError:
        return False
