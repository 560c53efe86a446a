"""The command palette (Ctrl+P): language, theme, re-index, export, copy,
sort, filters, refresh, help, quit — every title in the UI language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..text import one_line, safe_display


class ArkistoCommands(Provider):
    """arkisto's own commands (they replace Textual's English system commands)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        s = app.strings
        screen = app.search_screen
        for lang in ("fi", "en"):
            if lang != s.lang:
                yield (s("cmd_lang", name=s(f"lang_name_{lang}")), s("cmd_lang_help"), partial(app.set_language, lang))
        yield (s("theme"), s("cmd_theme_help"), app.action_change_theme)
        if screen is not None:
            yield (s("reindex"), s("cmd_reindex_help"), screen.action_reindex)
            yield (s("export"), s("cmd_export_help"), screen.action_export)
            yield (s("copy"), s("cmd_copy_help"), screen.action_copy)
            for sort in ("relevance", "newest", "oldest"):
                yield (s("cmd_sort", sort=s(f"sort_{sort}")), s("cmd_sort_help"), partial(screen.action_cycle_sort, sort))
            yield (s("clear_filters"), s("cmd_clear_help"), screen.action_clear_filters)
            # Filter by any value of any facet of the current results:
            # "Rajaa: Toimielin – Kaupunginhallitus (129)".
            result = getattr(screen, "result", None)
            if result is not None:
                for facet, f in result.facets.items():
                    label = s(facet)
                    for v in f.values[:200]:
                        mark = "✓ " if v.selected else ""
                        value = one_line(safe_display(v.value))
                        title = f"{mark}{s('filter_by', facet=label)} – {value} ({v.count})"
                        yield (title, "", partial(screen.toggle_filter, facet, v.value))
            yield (s("key_refresh"), s("cmd_refresh_help"), screen.action_refresh)
            yield (s("explain"), s("explain_help"), screen.action_explain)
            yield (s("help"), s("cmd_help_help"), screen.action_help)
        yield (s("quit"), "", app.action_quit)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            # Content(...) is plain text: a facet value is document data, never markup.
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
