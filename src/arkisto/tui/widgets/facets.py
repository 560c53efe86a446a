"""The facet panel: each facet's values with counts; Enter toggles a filter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..present import facet_value_prompt

# The order facets are listed in (most useful first).
ORDER = ("committee", "official", "year", "presenter", "funded_project", "funder", "outcome", "kind", "municipality")
SHOWN = 5  # values per facet before "show all"
SEP = "\x1f"


class FacetPanel(OptionList):
    """Facet values with counts for the current query.

    | Key | Does |
    | :- | :- |
    | ↑ ↓ | move |
    | Enter, space | toggle the filter (or show all / fewer values) |
    """

    BINDINGS = [Binding("space", "select", "toggle", show=False),
                Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False),
                Binding("g", "first", show=False), Binding("G", "last", show=False)]

    DEFAULT_CSS = """
    FacetPanel, FacetPanel:focus { height: 1fr; max-height: 100%; border: none; padding: 0; }
    """

    @dataclass
    class Toggled(Message):
        """A facet value was picked: add or remove it as a filter."""

        facet_panel: FacetPanel
        facet: str
        value: str

        @property
        def control(self) -> FacetPanel:
            return self.facet_panel

    def __init__(self, **kw) -> None:
        super().__init__(markup=False, **kw)
        self.expanded: set[str] = set()
        self._facets: dict = {}
        self._s = None

    def show(self, facets: dict, s) -> None:
        self._facets, self._s = facets, s
        self._render_options()

    def _render_options(self, keep: str | None = None) -> None:
        s = self._s
        if s is None:
            return
        before = keep
        if before is None and self.highlighted is not None and self.option_count:
            before = self.get_option_at_index(self.highlighted).id
        # one line per value: leave room for a scrollbar whether or not one shows
        width = max(self.content_region.width - self.styles.scrollbar_size_vertical, 0)
        options: list = []
        for name in ORDER:
            facet = self._facets.get(name)
            if facet is None:
                continue
            values = [v for v in facet.values if v.count or v.selected]
            if not values:
                continue
            # Municipality and kind only help where there is a choice.
            if name in ("municipality", "kind") and len(values) < 2 and not any(v.selected for v in values):
                continue
            if options:
                options.append(None)
            options.append(Option(Text(s(name), style="bold"), id=f"h{SEP}{name}", disabled=True))
            expanded = name in self.expanded
            shown = values if expanded else values[:SHOWN]
            # a selected value is always listed
            shown += [v for v in values[SHOWN:] if v.selected and not expanded]
            for v in shown:
                options.append(Option(facet_value_prompt(name, v.value, v.count, v.selected, s, width),
                                      id=f"v{SEP}{name}{SEP}{v.value}"))
            if len(values) > SHOWN:
                label = s("show_less") if expanded else s("show_all", n=len(values))
                options.append(Option(Text("  " + label, style="italic"), id=f"x{SEP}{name}"))
        self.set_options(options)
        ids = [self.get_option_at_index(i).id for i in range(self.option_count)]
        if before in ids:
            self.highlighted = ids.index(before)
        elif self.option_count:
            enabled = [i for i in range(self.option_count) if not self.get_option_at_index(i).disabled]
            self.highlighted = enabled[0] if enabled else None

    def on_resize(self) -> None:
        self._render_options()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, rest = (event.option.id or "").partition(SEP)
        if kind == "x":
            self.expanded ^= {rest}
            self._render_options(keep=event.option.id)
        elif kind == "v":
            facet, _, value = rest.partition(SEP)
            self.post_message(self.Toggled(self, facet, value))
