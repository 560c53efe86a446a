"""The detail pane: one whole record, scrollable, and below it the other
handlings of the same case and similar decisions, each of which opens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...text import one_line, safe_display

LABEL = "bold underline"


class RelatedList(OptionList):
    """The same case's other handlings and similar decisions: ↑ ↓ to move,
    Enter opens one in the detail pane (Backspace goes back)."""

    BINDINGS = [
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    DEFAULT_CSS = """
    RelatedList, RelatedList:focus { height: auto; max-height: 100%; border: none; padding: 0; margin-top: 1; }
    RelatedList.-empty { display: none; }
    """

PERSONAL = "bold yellow"  # the badge
SPAN = "underline yellow"  # personal data in the text


class DetailPane(VerticalScroll, can_focus=True):
    """One record laid out for reading (see ``present.record_text``).

    | Key | Does |
    | :- | :- |
    | ↑ ↓ PgUp PgDn | scroll |
    | Tab | to the same case / similar decisions; Enter opens one |
    | Backspace | back to the record opened before |
    | o | open the source document |
    | m | mask / show the personal data (a record that holds some) |
    """

    BINDINGS = [Binding("m", "toggle_mask", "henkilötiedot", show=False)]

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 1fr; }
    """

    @dataclass
    class RecordOpened(Message):
        """Enter on a related decision: open ``record_id`` in the pane."""

        pane: DetailPane
        record_id: str

        @property
        def control(self) -> DetailPane:
            return self.pane

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.record_id: str | None = None
        self.record = None
        self.related_ids: list[str] = []  # the ids the related list offers, in order
        self.masked = False  # personal data shown as its kind ("[nimi]")
        self.mask_chosen: bool | None = None  # the user's `m`, over the config's `redact`
        self._text: Text | None = None

    def compose(self):
        yield Static("", id="detail-body", markup=False)
        yield RelatedList(id="detail-related", classes="-empty")

    def show_record(self, rec, text: Text) -> None:
        if rec.id != self.record_id:
            self.show_related((), (), None)
        self.record_id = rec.id
        self.record = rec
        self._text = text
        self.masked = self.mask_chosen if self.mask_chosen is not None else self._config_masks(rec)
        self.query_one("#detail-body", Static).update(self._personal_view(text))
        self.scroll_home(animate=False)

    def show_placeholder(self, message: str) -> None:
        self.record_id = None
        self.record = None
        self.show_related((), (), None)
        self._text = None
        self.query_one("#detail-body", Static).update(Text(message, style="dim"))

    def show_related(self, same, similar, s) -> None:
        """``same``: (id, citation) pairs; ``similar``: (id, citation,
        shared words) triples.  Headings are disabled options; every other
        option opens its record."""
        options: list[Option] = []
        ids: list[str] = []
        if s is not None:
            for key, items in (("related", same), ("similar", similar)):
                if not items:
                    continue
                options.append(Option(Text(s(key), style=LABEL), disabled=True))
                for item in items:
                    rid, label = item[0], item[1]
                    shared = item[2] if len(item) > 2 else ()
                    prompt = Text("• " + one_line(safe_display(label)))
                    if shared:
                        prompt.append("\n  " + s("shared_words", words=", ".join(
                            one_line(safe_display(w)) for w in shared)), style="dim")
                    options.append(Option(prompt, id=f"{key}:{len(ids)}"))
                    ids.append(rid)
        related = self.query_one(RelatedList)
        related.set_options(options)
        related.set_class(not ids, "-empty")
        self.related_ids = ids
        if ids:
            related.highlighted = next(i for i, o in enumerate(options) if not o.disabled)

    @on(OptionList.OptionSelected, "#detail-related")
    def related_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or ""
        index = int(oid.split(":", 1)[1]) if ":" in oid else -1
        if 0 <= index < len(self.related_ids):
            self.post_message(self.RecordOpened(self, self.related_ids[index]))

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
