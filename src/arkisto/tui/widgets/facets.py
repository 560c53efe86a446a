"""The facet panel: each facet's values with counts; Enter toggles a filter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..present import count_cells, distinct_shortenings, facet_display, facet_title, facet_value_prompt

# The order facets are listed in (most useful first); a facet not named here
# (a newer service's) follows in the service's order.  The municipality goes
# first when there are several: "Kaupunginhallitus" is then five bodies.
ORDER = ("committee", "official", "year", "presenter", "funded_project", "funder", "outcome", "kind", "municipality")
ONLY_WITH_CHOICE = ("municipality", "kind")  # shown where there is more than one value
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
    class ValueHighlighted(Message):
        """A value is highlighted: ``full`` is its whole name when the list
        shows it shortened, else ""."""

        facet_panel: FacetPanel
        full: str

        @property
        def control(self) -> FacetPanel:
            return self.facet_panel

    @dataclass
    class Toggled(Message):
        """A facet value was picked: add or remove it as a filter."""

        facet_panel: FacetPanel
        facet: str
        value: str

        @property
        def control(self) -> FacetPanel:
            return self.facet_panel

    @dataclass
    class WantsAll(Message):
        """A facet was opened whose values the search listed only in part
        (``SearchService.facet`` gives them all; ``fill`` shows them)."""

        facet_panel: FacetPanel
        facet: str

        @property
        def control(self) -> FacetPanel:
            return self.facet_panel

    def __init__(self, **kw) -> None:
        super().__init__(markup=False, **kw)
        self.expanded: set[str] = set()
        self._facets: dict = {}
        self._s = None
        self.full_names: dict[str, str] = {}  # option id -> "Facet: whole value", where shortened

    def set_enter_label(self, label: str) -> None:
        """Show Enter in the footer as ``label`` (the class's bindings are
        shared; this instance gets its own, in the UI language)."""
        bindings = (self._merged_bindings or BindingsMap()).copy()
        bindings.key_to_bindings["enter"] = [Binding("enter", "select", label)]
        self._bindings = bindings

    def show(self, facets: dict, s) -> None:
        self._facets, self._s = facets, s
        self._render_options()
        for name in sorted(self.expanded):
            self._want_all(name)

    def fill(self, facet) -> None:
        """Show all the values of ``facet`` (fetched after ``WantsAll``)."""
        if facet.name in self._facets:
            self._facets[facet.name] = facet
            self._render_options()

    def _want_all(self, name: str) -> None:
        facet = self._facets.get(name)
        if facet is not None and facet.truncated:
            self.post_message(self.WantsAll(self, name))

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
        self.full_names = {}
        for name in self.facet_order():
            facet = self._facets[name]
            values = [v for v in facet.values if v.count or v.selected]
            if not values:
                continue
            # Municipality and kind only help where there is a choice.
            if name in ONLY_WITH_CHOICE and len(values) < 2 and not any(v.selected for v in values):
                continue
            if options:
                options.append(None)
            title = facet_title(name, s)
            options.append(Option(Text(title, style="bold"), id=f"h{SEP}{name}", disabled=True))
            expanded = name in self.expanded
            shown = values if expanded else values[:SHOWN]
            # a selected value is always listed
            shown += [v for v in values[SHOWN:] if v.selected and not expanded]
            # No two values listed may look the same once cut to the panel's
            # width.  Only the listed ones are cut: a facet of 10,000
            # presenters shows five until it is opened.
            full = [facet_display(name, v.value, s) for v in shown]
            cells = count_cells([max(v.count for v in values)])  # the widest count, also of those not shown
            cut = dict(zip(full, distinct_shortenings(full, max(width - cells, 0)) if width else full))
            for v in shown:
                oid = f"v{SEP}{name}{SEP}{v.value}"
                text = facet_display(name, v.value, s)
                if cut[text] != text:
                    self.full_names[oid] = s("facet_value_full", facet=title, value=text)
                options.append(Option(facet_value_prompt(name, v.value, v.count, v.selected, s, width, cut[text],
                                                        cells - 3),
                                      id=oid))
            # A facet the search listed in part says how many values it has.
            total = len(values)
            if facet.truncated and facet.size is not None:
                total = max(total, facet.size + sum(1 for v in values if v.selected and not v.count))
            if total > SHOWN:
                label = s("show_less") if expanded else s("show_all", n=total)
                options.append(Option(Text("  " + label, style="italic"), id=f"x{SEP}{name}"))
        self.set_options(options)
        ids = [self.get_option_at_index(i).id for i in range(self.option_count)]
        if before in ids:
            self.highlighted = ids.index(before)
        elif self.option_count:
            enabled = [i for i in range(self.option_count) if not self.get_option_at_index(i).disabled]
            self.highlighted = enabled[0] if enabled else None

    @property
    def highlighted_full(self) -> str:
        """The highlighted value's whole name if it is shown shortened, else ""."""
        if self.highlighted is None or self.highlighted >= self.option_count:
            return ""
        return self.full_names.get(self.get_option_at_index(self.highlighted).id or "", "")

    def facet_order(self) -> list[str]:
        """The facets to list, in order (see ``ORDER``)."""
        names = [n for n in ORDER if n in self._facets] + [n for n in self._facets if n not in ORDER]
        municipality = self._facets.get("municipality")
        if municipality is not None and sum(1 for v in municipality.values if v.count or v.selected) > 1:
            names.remove("municipality")
            names.insert(0, "municipality")
        return names

    def on_resize(self) -> None:
        self._render_options()

    def watch__mouse_hovering_over(self, index: int | None) -> None:
        """The whole name of a shortened value as the tooltip (plain text)."""
        option = self.get_option_at_index(index) if index is not None and index < self.option_count else None
        full = self.full_names.get(option.id or "") if option is not None else None
        self.tooltip = Text(full) if full else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.ValueHighlighted(self, self.full_names.get(event.option.id or "", "")))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, rest = (event.option.id or "").partition(SEP)
        if kind == "x":
            self.expanded ^= {rest}
            self._render_options(keep=event.option.id)
            if rest in self.expanded:
                self._want_all(rest)
        elif kind == "v":
            facet, _, value = rest.partition(SEP)
            self.post_message(self.Toggled(self, facet, value))
