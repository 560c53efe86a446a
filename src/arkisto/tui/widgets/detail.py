"""The detail pane: one whole record, scrollable."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

PERSONAL = "bold yellow"  # the badge
SPAN = "underline yellow"  # personal data in the text


class DetailPane(VerticalScroll, can_focus=True):
    """One record laid out for reading (see ``present.record_text``).

    | Key | Does |
    | :- | :- |
    | ↑ ↓ PgUp PgDn | scroll |
    | m | mask / show the personal data (a record that holds some) |
    """

    BINDINGS = [Binding("m", "toggle_mask", "henkilötiedot", show=False)]

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.record_id: str | None = None
        self.record = None
        self.masked = False  # personal data shown as its kind ("[nimi]")
        self.mask_chosen: bool | None = None  # the user's `m`, over the config's `redact`
        self._text: Text | None = None

    def compose(self):
        yield Static("", id="detail-body", markup=False)

    def show_record(self, rec, text: Text) -> None:
        self.record_id = rec.id
        self.record = rec
        self._text = text
        self.masked = self.mask_chosen if self.mask_chosen is not None else self._config_masks(rec)
        self.query_one("#detail-body", Static).update(self._personal_view(text))
        self.scroll_home(animate=False)

    def show_placeholder(self, message: str) -> None:
        self.record_id = None
        self.record = None
        self._text = None
        self.query_one("#detail-body", Static).update(Text(message, style="dim"))

    def _config_masks(self, rec) -> bool:
        """Whether the config's `redact` setting masks this record."""
        from ...ingest.personal import redaction_due

        settings = getattr(self.app, "settings", None)
        mode = getattr(settings, "redact", "never")
        return mode != "never" and redaction_due(rec, mode, getattr(settings, "redact_after_days", 0))

    def action_toggle_mask(self) -> None:
        self.masked = not self.masked
        self.mask_chosen = self.masked
        if self.record is not None and self._text is not None:
            self.query_one("#detail-body", Static).update(self._personal_view(self._text))

    def _personal_view(self, text: Text) -> Text:
        """The record's text with a badge, and its personal data marked or
        masked.  The spans are found in the laid-out text by their words (the
        layout joins and indents lines)."""
        rec: Any = self.record
        spans = getattr(rec, "personal", None) or []
        if not spans:
            return text
        from ...ingest.personal import LABELS, field_text

        s = getattr(self.app, "strings", None)
        say = s if s is not None else (lambda key: key)
        found: list[tuple[int, int, str]] = []
        for sp in spans:
            words = (field_text(rec, sp.field) or "")[sp.start:sp.end].split()
            if not words:
                continue
            pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
            found += [(m.start(), m.end(), sp.kind) for m in pattern.finditer(text.plain)]
        found.sort()
        out = Text()
        out.append(f"⚠ {say('personal_badge')} · {say('personal_masked' if self.masked else 'personal_shown')}\n\n",
                   style=PERSONAL)
        pos = 0
        for a, b, kind in found:
            if a < pos:
                continue
            out.append_text(text[pos:a])
            if self.masked:
                out.append(LABELS[kind], style=PERSONAL)
            else:
                part = text[a:b]
                part.stylize(SPAN)
                out.append_text(part)
            pos = b
        out.append_text(text[pos:])
        return out
