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


def facet_title(facet: str, s: Strings) -> str:
    """A facet's heading in the UI language; a facet the UI has no name for
    (a newer service's) is titled from its own name ("funded_project" ->
    "Funded project") rather than left out."""
    title = s(facet)
    return facet.replace("_", " ").capitalize() if title == facet else title


def shorten_middle(text: str, width: int, head: int | None = None) -> str:
    """``text`` in ``width`` characters, cut in the middle ("Kaupunkiy…lupajaosto"):
    names of bodies share their beginnings ("Kaupunkiympäristölautakunta",
    "Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto") and differ at
    either end.  ``head`` characters are kept from the start (default: a little
    over half of what fits)."""
    if len(text) <= width or width < 3:
        return text[:max(width, 0)]
    room = width - 1
    if head is None:
        head = (room + 1) // 2 + 1
    head = max(1, min(head, room - 1))
    return text[:head] + "…" + text[len(text) - (room - head):]


def distinct_shortenings(texts: Sequence[str], width: int) -> list[str]:
    """Each of ``texts`` shortened to ``width`` so that no two look the same:
    where the middle cuts of two names coincide, the cut moves until each
    differs; where only their middles differ, the part where they part is shown."""
    out = [shorten_middle(t, width) for t in texts]
    for _ in range(2):
        seen: dict[str, list[int]] = {}
        for i, shown in enumerate(out):
            seen.setdefault(shown, []).append(i)
        clashes = [ix for ix in seen.values() if len(ix) > 1 and len({texts[i] for i in ix}) > 1]
        if not clashes:
            break
        taken = set(out)
        for ix in clashes:
            for i in ix[1:] if len({texts[j] for j in ix}) == len(ix) else ix:
                out[i] = _distinct_cut(texts[i], [texts[j] for j in ix if texts[j] != texts[i]], width, taken)
                taken.add(out[i])
    return out


def _distinct_cut(text: str, others: list[str], width: int, taken: set[str]) -> str:
    """A cut of ``text`` that none of ``others`` (which look the same) share."""
    for head in range(1, width - 1):
        shown = shorten_middle(text, width, head)
        if shown not in taken and all(shorten_middle(o, width, head) != shown for o in others):
            return shown
    # They differ only deep in the middle: show where they part.
    part = max(len(_common_prefix(text, o)) for o in others)
    head = max(1, width // 4)
    middle = text[max(part - 2, head):][: width - head - 2]
    return text[:head] + "…" + middle + "…"


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def count_cells(counts: Iterable[int]) -> int:
    """Cells before a facet value: the mark, a space, the widest count and a
    space ("✓ 129 "), so the counts of one facet line up and its names get
    the rest."""
    return 3 + max((len(str(c)) for c in counts), default=1)


def facet_value_prompt(facet: str, value: str, count: int, selected: bool, s: Strings, width: int = 0,
                       shown: str | None = None, digits: int = 5) -> Text:
    """``✓   129 Kaupunginhallitus``: counts first, right-aligned in ``digits``,
    so they line up; one line, cut to ``width`` cells (when given).  ``shown``
    is the value as it fits (see ``distinct_shortenings``); else it is cut in
    the middle here."""
    out = Text(end="")
    out.append("✓" if selected else " ", style="bold")
    out.append(f" {count:>{digits}} ", style="dim")
    label = shown if shown is not None else facet_display(facet, value, s)
    if shown is None and width > digits + 3:
        label = shorten_middle(label, width - digits - 3)
    out.append(label or "—", style="bold" if selected else "")
    if width > 0:
        out.truncate(width, overflow="ellipsis")
    return out


def facet_display(facet: str, value: str, s: Strings) -> str:
    """A facet value as one clean line of text (document text: no controls)."""
    return one_line(safe_display(facet_label(facet, value, s)))


def filters_summary(filters: dict[str, list[str]], s: Strings) -> str:
    parts = []
    for facet, values in filters.items():
        if values:
            shown = ", ".join(one_line(safe_display(facet_label(facet, v, s))) for v in values)
            parts.append(f"{facet_title(facet, s)}: {shown}")
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
