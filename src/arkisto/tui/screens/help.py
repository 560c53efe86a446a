"""The help: keys, the query language and where the index lives."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...text import safe_display

if TYPE_CHECKING:
    from ..app import ArkistoApp


def help_text(keys: list[tuple[str, str]], index_dir: Path, s) -> Text:
    """``keys`` is (key as shown, what it does) for each of the screen's keys."""
    out = Text()
    out.append(s("help_title"), style="bold underline")
    out.append("\n")
    rows: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for key, description in keys:
        if description in seen:  # F1 and ? both open the help: one row
            i = seen[description]
            rows[i] = (f"{rows[i][0]}, {key}", description)
            continue
        seen[description] = len(rows)
        rows.append((key, description))
    rows += [
        ("Tab ⇧Tab", s("help_tab")),
        ("↓ Enter", s("help_search_keys")),
        ("↑↓ j k g G PgUp PgDn", s("help_move_keys")),
        ("Enter n p", s("help_list_keys")),
        ("Enter ␣", s("help_facet_keys")),
        ("Ctrl+P", s("key_palette") + f" ({s('language')}, {s('theme')}, {s('reindex')})"),
    ]
    width = max(len(k) for k, _ in rows) + 2
    for key, desc in rows:
        out.append(f"  {key:<{width}}", style="bold")
        out.append(desc + "\n")
    out.append("\n")
    out.append(s("help_query"), style="bold underline")
    out.append("\n")
    out.append(s("query_help") + "\n\n")
    out.append(safe_display(s("help_index", path=str(index_dir))), style="dim")
    out.append("\n" + s("help_close"), style="dim")
    return out


class HelpScreen(ModalScreen[None]):
    """Keys and the query language.

    | Key | Does |
    | :- | :- |
    | Esc, ?, F1, q | close |
    """

    BINDINGS = [
        Binding("escape", "dismiss", show=False),
        Binding("question_mark", "dismiss", show=False),
        Binding("f1", "dismiss", show=False),
        Binding("q", "dismiss", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 95%; height: auto; max-height: 95%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, keys: list[tuple[str, str]], index_dir: Path) -> None:
        super().__init__()
        self._keys = keys
        self._index_dir = index_dir

    def compose(self) -> ComposeResult:
        s = cast("ArkistoApp", self.app).strings
        with VerticalScroll() as scroll:
            scroll.border_title = s("help")
            yield Static(help_text(self._keys, self._index_dir, s), markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
