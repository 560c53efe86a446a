"""How hits, facets and records look: pure functions from the search core's
objects to ``rich.text.Text``.  No Textual and no widgets here, so each can be
unit-tested on its own.

Document text is untrusted.  Everything is built as ``Text`` (never markup),
and control characters are stripped with ``safe_display`` before display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from ..i18n import Strings
from ..models import NO_DATE
from ..render import fi_date, header_lines, record_sections
from ..text import one_line, safe_display

MATCH = "bold reverse"
TITLE = "bold"
META = "dim"
LABEL = "bold underline"
MISSING = "italic"
SNIPPET_CHARS = 160


def clean_spans(text: str, spans: Iterable[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """``safe_display(text)`` with ``spans`` (offsets into ``text``) moved to
    the matching offsets in the cleaned text."""
    cleaned = safe_display(text)
    spans = list(spans)
    if cleaned == text:
        return text, [(a, b) for a, b in spans if 0 <= a < b <= len(text)]
    pos = [0] * (len(text) + 1)  # old offset -> new offset
    n = 0
    for i, ch in enumerate(text):
        pos[i] = n
        if safe_display(ch) == ch:
            n += 1
    pos[len(text)] = n
    return cleaned, [(pos[a], pos[b]) for a, b in spans if 0 <= a < b <= len(text) and pos[a] < pos[b]]


def highlighted(text: str, spans: Iterable[tuple[int, int]], style: str = MATCH, base: str = "") -> Text:
    """``Text`` of ``text`` (cleaned) with ``spans`` styled as matches."""
    clean, spans = clean_spans(text, spans)
    out = Text(clean, style=base)
    for a, b in spans:
        out.stylize(style, a, b)
    return out


def shorten(text: str, spans: list[tuple[int, int]], limit: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """Cut ``text`` to about ``limit`` characters at a word boundary, keeping
    the spans that fit."""
    if len(text) <= limit:
        return text, spans
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return text[:cut].rstrip() + " …", [(a, b) for a, b in spans if b <= cut]


def facet_label(facet: str, value: str, s: Strings) -> str:
    """A facet value as shown: outcomes, kinds and the year of records
    without a date ("päiväys puuttuu") are translated."""
    if facet == "year" and value == NO_DATE:
        return s("no_date")
    if facet == "outcome":
        return s.outcome(value)
    if facet == "kind":
        label = s(f"kind_{value}")
        return value if label == f"kind_{value}" else label
    return value


def hit_meta(hit, s: Strings) -> str:
    date = fi_date(hit.meeting_date)
    parts = [
        hit.municipality,
        hit.committee,
        " ".join(x for x in [date, hit.section and f"§ {hit.section}"] if x) or (str(hit.year) if hit.year else ""),
        s.outcome(hit.outcome) if hit.outcome else (s("kind_annual_report") if hit.kind == "annual_report" else ""),
    ]
    return " · ".join(one_line(safe_display(p)) for p in parts if p)


def relaxed_notice(result, s: Strings) -> str:
    """What the count means when results with only some of the words follow
    those with every word; "" otherwise."""
    n = getattr(result, "all_words_total", None)
    if n is None:
        return ""
    return s("all_words", n=n) if n else s("no_all_words")


def hit_prompt(hit, s: Strings, number: int | None = None) -> Text:
    """One result: title, a line of metadata, and the snippet with matches."""
    out = Text()
    if number is not None:
        out.append(f"{number}. ", style=META)
    out.append(one_line(safe_display(hit.title)) or one_line(safe_display(hit.id)), style=TITLE)
    meta = hit_meta(hit, s)
    missing = getattr(hit, "missing", None)
    if meta or missing:
        out.append("\n")
        out.append(meta, style=META)
    if missing:  # a relaxed result: say which of the query's words it lacks
        out.append(" · " if meta else "", style=META)
        out.append(s("missing_words", words=", ".join(one_line(safe_display(w)) for w in missing)), style=MISSING)
    snippet, spans = clean_spans(hit.snippet or "", hit.highlights or [])
    snippet, spans = shorten(snippet, spans)
    if snippet:
        out.append("\n")
        out.append_text(highlighted(snippet, spans))
    return out


def facet_value_prompt(facet: str, value: str, count: int, selected: bool, s: Strings, width: int = 0) -> Text:
    """``✓  129 Kaupunginhallitus``: counts first, so they line up; one line,
    cut with an ellipsis to ``width`` cells (when given)."""
    out = Text(end="")
    out.append("✓" if selected else " ", style="bold")
    out.append(f"{count:>5} ", style="dim")
    out.append(one_line(safe_display(facet_label(facet, value, s))) or "—", style="bold" if selected else "")
    if width > 0:
        out.truncate(width, overflow="ellipsis")
    return out


def filters_summary(filters: dict[str, list[str]], s: Strings) -> str:
    parts = []
    for facet, values in filters.items():
        if values:
            shown = ", ".join(one_line(safe_display(facet_label(facet, v, s))) for v in values)
            parts.append(f"{s(facet)}: {shown}")
    return "; ".join(parts)


# --- the detail pane ---------------------------------------------------------------


def match_spans(text: str, terms: Sequence[str], lang: str | None = None) -> list[tuple[int, int]]:
    """Offsets of the words in ``text`` whose lemmas or compound parts are
    among the query's analysed ``terms`` (so inflected forms match), read
    in the record's language."""
    if not terms or not text:
        return []
    from ..search.highlight import match_spans as spans  # imports Whoosh: only once results exist

    return spans(text, set(terms), lang)


def record_text(rec, s: Strings, terms: Sequence[str] = (), related=((), ())) -> Text:
    """The whole record, laid out as ``arkisto show`` lays it out (the same
    ``render`` helpers), with the query's words highlighted."""
    out = Text()
    lang = getattr(rec, "language", None)
    head = [safe_display(line) for line in header_lines(rec, s)]
    for i, line in enumerate(head):
        if i:
            out.append("\n")
        out.append_text(highlighted(line, match_spans(line, terms, lang), base=TITLE if i == 0 else META))
    for label, body in record_sections(rec, s):
        out.append("\n\n")
        out.append(one_line(safe_display(label)), style=LABEL)
        out.append("\n")
        body = safe_display(body)
        out.append_text(highlighted(body, match_spans(body, terms, lang)))
    same, similar = related if isinstance(related, tuple) and len(related) == 2 else (related, ())
    for label, items in ((s("related"), same), (s("similar"), similar)):
        if items:
            out.append("\n\n")
            out.append(label, style=LABEL)
            for _rid, citation in items:
                out.append("\n• ")
                out.append(one_line(safe_display(citation)))
    return out


def citation(rec, fmt: str = "text") -> str:
    """The record's citation (cite.py): plain text on one line; CSL-JSON and
    BibTeX as they are, cleaned of control characters."""
    from ..cite import cite

    text = safe_display(cite(rec, fmt))
    return one_line(text) if fmt == "text" else text
