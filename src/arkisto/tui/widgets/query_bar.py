"""The query input and the line under it: hit count, hints, filters, sort."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...notes import text as note_text
from ...text import one_line, safe_display
from ..present import filters_summary, relaxed_notice


class QueryBar(Vertical):
    """The query input, and an info line: hits, query hints, filters, sort."""

    DEFAULT_CSS = """
    QueryBar { height: auto; }
    QueryBar > Input { width: 1fr; }
    QueryBar > #info { height: 1; padding: 0 1; color: $text-muted; }
    QueryBar > #info.-hint { color: $text-warning; }
    """

    @dataclass
    class Changed(Message):
        """The query text changed (``at``: when, by ``time.monotonic``)."""

        query_bar: QueryBar
        text: str
        at: float = field(default_factory=time.monotonic)

        @property
        def control(self) -> QueryBar:
            return self.query_bar

    @dataclass
    class Submitted(Message):
        """Enter or ↓ in the input: the user wants the results."""

        query_bar: QueryBar

        @property
        def control(self) -> QueryBar:
            return self.query_bar

    def __init__(self, placeholder: str, cursor_blink: bool = True, **kw) -> None:
        super().__init__(**kw)
        self._placeholder = placeholder
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, id="query", select_on_focus=False)
        yield Static("", id="info", markup=False)

    def on_mount(self) -> None:
        self.input.cursor_blink = self._cursor_blink

    @property
    def input(self) -> Input:
        return self.query_one("#query", Input)

    @property
    def value(self) -> str:
        return self.input.value

    def set_placeholder(self, text: str) -> None:
        self.input.placeholder = text

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    def on_key(self, event) -> None:
        if event.key == "down":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))

    def show_info(self, result, s, show_timing: bool = True) -> None:
        """The line under the input for a search result."""
        info = self.query_one("#info", Static)
        out = Text()
        if result.hits:
            start = result.offset + 1
            end = result.offset + len(result.hits)
            if result.total > len(result.hits):
                out.append(s("result_range", start=start, end=end, total=result.total), style="bold")
            else:
                out.append(s("result_count", total=result.total), style="bold")
        else:
            out.append(s("result_count", total=result.total) if result.total else s("no_results"), style="bold")
        # The notes next to the count: the line is cut at the window's width.
        for hint in result.hints:
            out.append(" · ")
            out.append(s("query_hint", hint=one_line(safe_display(note_text(hint, s.lang)))), style="bold")
        if show_timing:
            out.append(f" · {result.elapsed_ms:.0f} ms")
        out.append(" · " + s("sort_label", sort=s(f"sort_{result.sort}")))
        filters = filters_summary(result.filters, s)
        if filters:
            out.append(" · " + s("filters_active", filters=filters))
        relaxed = relaxed_notice(result, s)
        if relaxed:
            out.append(" · ")
            out.append(relaxed, style="bold")
        info.set_class(bool(result.hints or relaxed), "-hint")
        info.update(out)

    def show_searching(self, text: str) -> None:
        """A search is taking a while: say so (the result replaces it)."""
        info = self.query_one("#info", Static)
        info.set_class(False, "-hint")
        info.update(Text(text, style="italic"))

    def show_text(self, text: str) -> None:
        info = self.query_one("#info", Static)
        info.set_class(False, "-hint")
        info.update(Text(one_line(safe_display(text))))
