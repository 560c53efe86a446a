"""What the query became: each word's base forms and compound parts, the
forms added for it, and the filters.  People then see why something matched
or did not."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...notes import text as note_text
from ...text import one_line, safe_display

if TYPE_CHECKING:
    from ..app import ArkistoApp


def _shown(values) -> str:
    return ", ".join(one_line(safe_display(v)) for v in values)


def explain_text(ex: dict, s) -> Text:
    """Built as ``Text`` from cleaned parts: the query, its words and the
    filters are the user's and the index's text, never markup."""
    out = Text()
    out.append(s("explain_query", query=one_line(safe_display(ex["query"])) or "–"), style="bold")
    out.append("\n" + s("explain_analyzer", analyzer=one_line(safe_display(ex["analyzer"]))) + "\n\n", style="dim")
    for w in ex["words"]:
        out.append(one_line(safe_display(w["word"])), style="bold")
        if "ignored" in w:
            out.append("  " + s("explain_stopword") + "\n", style="dim")
            continue
        out.append("  " + s("explain_base_forms") + " ")
        out.append(_shown(w["base_forms"]))
        if w["compound_parts"]:
            out.append("  " + s("explain_parts") + " ")
            out.append(_shown(w["compound_parts"]))
        out.append("\n")
    if ex["expanded"] != ex["query"]:
        out.append("\n" + s("explain_searched_as") + "\n", style="bold")
        out.append(one_line(safe_display(ex["expanded"])) + "\n")
    if ex["filters"] or ex.get("amounts"):
        out.append("\n" + s("explain_filters") + "\n", style="bold")
        for facet, values in ex["filters"].items():
            out.append(f"{s(facet)}: ")
            out.append(" | ".join(one_line(safe_display(v)) for v in values) + "\n")
        for typed in ex.get("amounts", []):  # summa:>100000: all of them hold
            out.append(f"{s('amounts_col').capitalize()}: ")
            out.append(one_line(safe_display(typed)) + "\n")
    for hint in ex["hints"]:
        out.append("\n" + s("query_hint", hint=one_line(safe_display(note_text(hint, s.lang)))) + "\n",
                   style="italic")
    out.append("\n" + s("explain_matches", n=ex["matches"]))
    if ex.get("all_words_matches", ex["matches"]) != ex["matches"]:
        out.append(" (" + s("all_words", n=ex["all_words_matches"]) + ")")
    out.append("\n")
    out.append("\n" + s("explain_close"), style="dim")
    return out


class ExplainScreen(ModalScreen[None]):
    """The query explanation.

    | Key | Does |
    | :- | :- |
    | Esc, q, F2, ? | close |
    """

    BINDINGS = [
        Binding("escape", "dismiss", show=False),
        Binding("q", "dismiss", show=False),
        Binding("f2", "dismiss", show=False),
        Binding("question_mark", "dismiss", show=False),
    ]

    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen > VerticalScroll {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, explanation: dict) -> None:
        super().__init__()
        self._explanation = explanation

    def compose(self) -> ComposeResult:
        s = cast("ArkistoApp", self.app).strings
        with VerticalScroll() as scroll:
            scroll.border_title = s("explain")
            yield Static(explain_text(self._explanation, s), markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
