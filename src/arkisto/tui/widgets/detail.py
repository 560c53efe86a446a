"""The detail pane: one whole record, scrollable."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPane(VerticalScroll, can_focus=True):
    """One record laid out for reading (see ``present.record_text``).

    | Key | Does |
    | :- | :- |
    | ↑ ↓ PgUp PgDn | scroll |
    """

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.record_id: str | None = None
        self.record = None

    def compose(self):
        yield Static("", id="detail-body", markup=False)

    def show_record(self, rec, text: Text) -> None:
        self.record_id = rec.id
        self.record = rec
        self.query_one("#detail-body", Static).update(text)
        self.scroll_home(animate=False)

    def show_placeholder(self, message: str) -> None:
        self.record_id = None
        self.record = None
        self.query_one("#detail-body", Static).update(Text(message, style="dim"))
