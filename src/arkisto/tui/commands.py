"""The command palette (Ctrl+P): language, theme, re-index, export, copy,
sort, filters, refresh, help, quit — every title in the UI language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from ..text import one_line, safe_display
from .present import facet_label, facet_title

if TYPE_CHECKING:
    from .app import ArkistoApp


# A title holds facet values, which are document data: it is never read as
# markup.  Textual reads a ``str`` prompt or help as markup (and so does
# ``Matcher.highlight``), where ``[@click=app.quit]`` runs an action when
# clicked and ``[/]`` raises MarkupError, which ends the provider's search and
# drops every entry after it.  A ``Content`` object is taken as it is.


def plain(text: str) -> Content | None:
    """``text`` as plain Content (None when empty: no help line)."""
    return Content(text) if text else None


def highlight(matcher: Matcher, title: str) -> Content:
    """``title`` as plain Content with the letters the query matched styled,
    like ``Matcher.highlight`` but without parsing ``title`` as markup."""
    content = Content(title)
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    if not score:
        return content
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ArkistoCommands(Provider):
    """arkisto's own commands (they replace Textual's English system commands)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = cast("ArkistoApp", self.app)
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
            yield (s("copy_csl"), s("cmd_copy_csl_help"), partial(screen.action_copy, "csl"))
            yield (s("copy_bibtex"), s("cmd_copy_bibtex_help"), partial(screen.action_copy, "bibtex"))
            yield (s("key_open_source"), s("cmd_open_source_help"), screen.action_open_source)
            for sort in ("relevance", "newest", "oldest"):
                yield (s("cmd_sort", sort=s(f"sort_{sort}")), s("cmd_sort_help"), partial(screen.action_cycle_sort, sort))
            yield (s("clear_filters"), s("cmd_clear_help"), screen.action_clear_filters)
            yield (s("key_save_search"), s("cmd_save_search_help"), screen.action_save_search)
            yield (s("key_saved_searches"), s("cmd_saved_searches_help"), screen.action_saved_searches)
            # Filter by any value of any facet of the current results:
            # "Rajaa: Toimielin – Kaupunginhallitus (129)".
            result = getattr(screen, "result", None)
            if result is not None:
                for facet, f in result.facets.items():
                    label = facet_title(facet, s)
                    for v in f.values[:200]:
                        mark = "✓ " if v.selected else ""
                        value = one_line(safe_display(facet_label(facet, v.value, s)))
                        title = f"{mark}{s('filter_by', facet=label)} – {value} ({v.count})"
                        yield (title, "", partial(screen.toggle_filter, facet, v.value))
            yield (s("key_refresh"), s("cmd_refresh_help"), screen.action_refresh)
            yield (s("explain"), s("explain_help"), screen.action_explain)
            yield (s("key_projects"), s("cmd_projects_help"), screen.action_projects)
            yield (s("help"), s("cmd_help_help"), screen.action_help)
        yield (s("quit"), "", app.action_quit)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            # Content, not str: Textual reads a str help as markup.
            yield DiscoveryHit(Content(title), callback, text=title,
                               help=plain(help_text))  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(matcher, title), callback, text=title,
                          help=plain(help_text))  # type: ignore[arg-type]  # Content: see discover
