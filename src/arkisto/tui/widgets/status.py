"""The one-line status bar: what just happened (copied, exported, refreshed)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...text import one_line, safe_display


class StatusBar(Static):
    """The last thing that happened, in one line (plain text, never markup)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text; }
    StatusBar.-error { color: $text-error; }
    """

    def __init__(self, **kw) -> None:
        super().__init__("", markup=False, **kw)
        self.message = ""

    def say(self, message: str, error: bool = False) -> None:
        self.message = one_line(safe_display(message))
        self.set_class(error, "-error")
        self.update(Text(self.message))
