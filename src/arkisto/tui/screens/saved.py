"""Saved searches in the TUI.

- ``SaveSearchScreen`` (Ctrl+S, the palette): asks a name for the current
  query and filters (shown below the field), Enter saves, Esc cancels.
- ``SavedSearchesScreen`` (Ctrl+O, the palette): the saved searches, each
  with how many of its matches are new since it was last opened here (the
  TUI's own mark: ``arkisto new`` keeps another).  The counts come from the
  backend's thread one by one, so the list shows at once and never waits
  for them.  Enter opens one (the search screen applies its query and
  filters, and moves its mark), Delete removes it, Esc closes.

Names, queries and filter values are shown as Text, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from ...i18n import Strings
from ...saved import NAME_MAX, SavedSearch
from ...text import one_line, safe_display

if TYPE_CHECKING:
    from ..app import ArkistoApp


def describe(query: str, filters: dict[str, list[str]], s: Strings) -> str:
    """A search's query and filters on one line, as the query language writes them."""
    parts = [query] if query else []
    for facet, values in filters.items():
        for v in values:
            parts.append(f'{facet}:"{v}"' if any(c in v for c in ' "()') else f"{facet}:{v}")
    return one_line(safe_display(" ".join(parts))) or s("saved_everything")


class SaveSearchScreen(ModalScreen[str | None]):
    """Returns the name typed, or None when cancelled."""

    DEFAULT_CSS = """
    SaveSearchScreen { align: center middle; }
    SaveSearchScreen > Vertical {
        width: 70; max-width: 95%; height: auto; padding: 1 2; border: round $accent; background: $panel;
    }
    SaveSearchScreen Label { width: 1fr; margin-bottom: 1; }
    SaveSearchScreen Input { margin-bottom: 1; }
    SaveSearchScreen Horizontal { height: auto; align-horizontal: right; }
    SaveSearchScreen Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, query: str, filters: dict[str, list[str]], s: Strings) -> None:
        super().__init__()
        self.search_query, self.filters, self.s = query, filters, s

    def compose(self) -> ComposeResult:
        s = self.s
        with Vertical():
            yield Label(Text(s("save_title"), style="bold"))
            yield Input(one_line(safe_display(self.search_query))[:NAME_MAX], id="save-name",
                        placeholder=s("save_name"), max_length=NAME_MAX)
            yield Label(Text(describe(self.search_query, self.filters, s), style="italic"), id="save-what")
            yield Label(Text(s("save_keys"), style="dim"))
            with Horizontal():
                yield Button(s("export_cancel"), id="save-cancel")
                yield Button(s("save_button"), id="save-ok", variant="primary")

    def on_mount(self) -> None:
        # The query is offered as the name, selected: typing replaces it,
        # an arrow key keeps it to edit.
        field = self.query_one("#save-name", Input)
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#save-name")
    @on(Button.Pressed, "#save-ok")
    def action_save(self) -> None:
        name = self.query_one("#save-name", Input).value.strip()
        if name:
            self.dismiss(name)

    @on(Button.Pressed, "#save-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SavedSearchesScreen(ModalScreen[SavedSearch | None]):
    """Returns the search to open, or None."""

    DEFAULT_CSS = """
    SavedSearchesScreen { align: center middle; }
    SavedSearchesScreen > Vertical {
        width: 100; max-width: 95%; height: auto; max-height: 90%; padding: 0 1;
        border: round $accent; background: $panel;
    }
    SavedSearchesScreen OptionList { height: auto; max-height: 30; margin: 1 0; }
    SavedSearchesScreen Label { width: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("q", "cancel", show=False),
        Binding("delete", "remove", show=False),
    ]

    def __init__(self, searches: list[SavedSearch], s: Strings) -> None:
        super().__init__()
        self.searches, self.s = list(searches), s
        self.counts: dict[str, int | None] = {}  # name -> new since opened (None: could not count)

    @property
    def arkisto(self) -> ArkistoApp:
        return cast("ArkistoApp", self.app)

    def compose(self) -> ComposeResult:
        s = self.s
        with Vertical() as box:
            box.border_title = s("saved_title")
            if not self.searches:
                yield Label(Text(s("saved_none_tui")), id="saved-empty")
            yield OptionList(*[self._option(item) for item in self.searches], id="saved-list")
            yield Label(Text(s("saved_keys"), style="dim"))

    def _option(self, item: SavedSearch) -> Option:
        s = self.s
        text = Text()
        text.append(safe_display(item.name), style="bold")
        text.append("  " + describe(item.query, item.filters, s), style="dim")
        if item.name in self.counts:
            n = self.counts[item.name]
            text.append("  ")
            if n is None:
                text.append("?")
            elif n:
                text.append(s("saved_new_count", n=n), style="bold")
            else:
                text.append(s("saved_no_new"), style="dim")
        else:
            text.append("  …", style="dim")
        return Option(text)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.count_all()

    @work(exclusive=True, group="saved-counts", exit_on_error=False)
    async def count_all(self) -> None:
        """Each search's new count, on the backend's thread, one by one."""
        backend = self.arkisto.backend
        for item in list(self.searches):
            try:
                n = await backend.submit(backend.count_new, item.query, item.filters, item.opened)
            except Exception:
                n = None
            self.counts[item.name] = n
            self._refresh(item)

    def _refresh(self, item: SavedSearch) -> None:
        if item not in self.searches:
            return
        i = self.searches.index(item)
        options = self.query_one(OptionList)
        options.replace_option_prompt_at_index(i, self._option(item).prompt)

    @on(OptionList.OptionSelected)
    def opened(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.searches[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_remove(self) -> None:
        options = self.query_one(OptionList)
        i = options.highlighted
        if i is None or not self.searches:
            return
        item = self.searches.pop(i)
        options.remove_option_at_index(i)
        screen = self.arkisto.search_screen
        if screen is not None:
            screen.remove_saved(item)
