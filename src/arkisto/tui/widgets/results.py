"""One page of hits (never more than ``page_size`` options), with options
for the previous and next page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..present import hit_prompt

if TYPE_CHECKING:  # the search package imports Whoosh: not at startup
    from ...search.results import Hit, SearchResult

PREV, NEXT = "\x00prev", "\x00next"
PERSONAL = "bold yellow"  # the badge of a hit whose record holds personal data


class ResultList(OptionList):
    """A page of hits.

    | Key | Does |
    | :- | :- |
    | ↑ ↓ | move |
    | Enter | open the hit |
    | n / p | next / previous page |
    """

    BINDINGS = [
        Binding("n", "page(1)", "next page", show=False),
        Binding("p", "page(-1)", "previous page", show=False),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
        Binding("g", "first", show=False),
        Binding("G", "last", show=False),
    ]

    DEFAULT_CSS = """
    ResultList, ResultList:focus { height: 1fr; max-height: 100%; border: none; padding: 0; }
    ResultList > .option-list--option { padding: 0 1; }
    """

    @dataclass
    class HitHighlighted(Message):
        result_list: ResultList
        hit: Hit

        @property
        def control(self) -> ResultList:
            return self.result_list

    @dataclass
    class HitOpened(Message):
        result_list: ResultList
        hit: Hit

        @property
        def control(self) -> ResultList:
            return self.result_list

    @dataclass
    class PageRequested(Message):
        result_list: ResultList
        delta: int

        @property
        def control(self) -> ResultList:
            return self.result_list

    def __init__(self, **kw) -> None:
        super().__init__(markup=False, **kw)
        self.hits: list[Hit] = []
        self._by_id: dict[str, Hit] = {}

    def show(self, result: SearchResult, s) -> None:
        """Replace the list with the result's page of hits."""
        self.hits = list(result.hits)
        self._by_id = {h.id: h for h in self.hits}
        options: list = []
        if result.offset > 0:
            options.append(Option(Text(s("prev_page"), style="bold"), id=PREV))
            options.append(None)
        for i, hit in enumerate(self.hits):
            if i:
                options.append(None)
            options.append(Option(self._prompt(hit, s, result.offset + i + 1), id=hit.id))
        if result.offset + len(self.hits) < result.total:
            options.append(None)
            options.append(Option(Text(s("next_page"), style="bold"), id=NEXT))
        if not options:
            options.append(Option(Text(s("no_results"), style="dim"), disabled=True))
        self.set_options(options)
        first = 2 if result.offset > 0 and self.hits else 0
        self.highlighted = first if self.option_count and not self.get_option_at_index(first).disabled else None
        self.scroll_home(animate=False)

    def _prompt(self, hit: Hit, s, number: int) -> Text:
        prompt = hit_prompt(hit, s, number)
        if hit.record is not None and hit.record.personal:
            prompt.append("\n")
            prompt.append(f"⚠ {s('personal_badge')}", style=PERSONAL)
        return prompt

    def fill(self, result: SearchResult, places: list[int], s) -> None:
        """The hits at ``places`` of the shown result again, now with the
        snippets the search left for later."""
        for i in places:
            hit = result.hits[i]
            if self._by_id.get(hit.id) is hit:
                self.replace_option_prompt(hit.id, self._prompt(hit, s, result.offset + i + 1))

    def fits(self) -> int:
        """How many hits the list can show at its height, at most: a hit
        with a snippet takes at least four lines (its title, a line of
        metadata, the snippet and a separator), and one more may show in
        part.  (Were one shorter, its snippet would follow a moment later.)"""
        return max(4, self.size.height // 4 + 1)

    def set_enter_label(self, label: str) -> None:
        """Show Enter in the footer as ``label`` (the class's bindings are
        shared; this instance gets its own, in the UI language)."""
        bindings = (self._merged_bindings or BindingsMap()).copy()
        bindings.key_to_bindings["enter"] = [Binding("enter", "select", label)]
        self._bindings = bindings

    @property
    def current_hit(self):
        if self.highlighted is None:
            return None
        return self._by_id.get(self.get_option_at_index(self.highlighted).id or "")

    def action_page(self, delta: int) -> None:
        self.post_message(self.PageRequested(self, delta))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        hit = self._by_id.get(event.option.id or "")
        if hit is not None:
            self.post_message(self.HitHighlighted(self, hit))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id
        if oid == PREV:
            self.post_message(self.PageRequested(self, -1))
        elif oid == NEXT:
            self.post_message(self.PageRequested(self, 1))
        elif oid in self._by_id:
            self.post_message(self.HitOpened(self, self._by_id[oid]))
