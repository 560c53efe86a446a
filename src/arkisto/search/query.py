"""The query language: words (all must match), "phrases", OR, NOT / -word,
prefix*, fuzzy~, and field filters in Finnish or English:

    toimielin:/committee:   esittelijä:/presenter:   vuosi:/year: (2024, 2020-2024, puuttuu)
    hanke:/project:         rahoittaja:/funder:      tulos:/outcome:
    kunta:/municipality:    laji:/kind:

Field filters become facet filters (matched case-insensitively against the
values in the index), so they combine with facet selections.  A malformed
query never raises: it is searched best-effort and a hint says what was
wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELD_ALIASES = {
    "toimielin": "committee", "committee": "committee", "lautakunta": "committee",
    "esittelijä": "presenter", "esittelija": "presenter", "presenter": "presenter",
    "vuosi": "year", "year": "year",
    "hanke": "funded_project", "project": "funded_project", "funded_project": "funded_project",
    "rahoittaja": "funder", "funder": "funder",
    "tulos": "outcome", "outcome": "outcome",
    "kunta": "municipality", "municipality": "municipality",
    "laji": "kind", "kind": "kind",
}

OUTCOME_ALIASES = {
    "hyväksytty": "approved", "hyväksyttiin": "approved", "muutettu": "amended", "muutettuna": "amended",
    "tiedoksi": "noted", "pöydälle": "tabled", "palautettu": "returned", "palautettiin": "returned",
    "äänestys": "voted", "äänestettiin": "voted", "hylätty": "rejected", "hylättiin": "rejected", "muu": "other",
}

_FIELD_RE = re.compile(r'(?<![\w"])(?P<name>[A-Za-zÅÄÖåäö_]+):(?:"(?P<q>[^"]*)"|(?P<v>[^\s"]+))')


@dataclass
class ParsedQuery:
    text: str  # the free-text part, for the Whoosh parser
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> raw values (lower-case patterns)
    hints: list[str] = field(default_factory=list)


# Bounds on what one query may ask of the analyser: a query is typed (or
# pasted) by a person, and a 100 KB paste must answer at once, not after
# the analyser has tried every suffix of every word as a compound part.
MAX_QUERY_CHARS = 1000
MAX_WORD_CHARS = 64
_LONG_WORD = re.compile(r"[^\s\"():]{%d,}" % (MAX_WORD_CHARS + 1))


def bound_query(query: str) -> tuple[str, list[str]]:
    """The query as it is searched: NFC (a query typed in decomposed form
    finds the normalised documents), no control characters, at most
    MAX_QUERY_CHARS characters and words of at most MAX_WORD_CHARS.
    Returns (query, hints saying what was cut)."""
    from ..text import clean

    hints: list[str] = []
    query = clean(query).replace("\n", " ").replace("\t", " ")
    if len(query) > MAX_QUERY_CHARS:
        cut = query[:MAX_QUERY_CHARS]
        if query[MAX_QUERY_CHARS].strip() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # not in the middle of a word
        query = cut
        hints.append(f"the query is long: searched its first {len(query)} characters")
    if _LONG_WORD.search(query):
        query = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD_CHARS], query)
        hints.append(f"words over {MAX_WORD_CHARS} characters were shortened")
    return query, hints


def split_query(query: str) -> ParsedQuery:
    """Pull ``field:value`` filters out of a query string."""
    filters: dict[str, list[str]] = {}
    hints: list[str] = []

    def repl(m: re.Match[str]) -> str:
        name = m.group("name").lower()
        value = (m.group("q") if m.group("q") is not None else m.group("v")).strip()
        facet = FIELD_ALIASES.get(name)
        if facet is None and m.group("v") is not None and re.fullmatch(r"[a-zåäö]{1,4}", m.group("v")):
            return m.group(0)  # a case ending after a colon: HSL:n, OKM:ssä, KHO:n
        if facet is None:
            hints.append(f"unknown field {name!r} searched as text; fields: " + ", ".join(sorted({k for k in FIELD_ALIASES if not k.isascii() or k in ('toimielin', 'vuosi', 'hanke', 'tulos', 'kunta', 'rahoittaja', 'laji')})))
            return " " + value + " "
        if not value:
            return " "
        if facet == "outcome":
            value = OUTCOME_ALIASES.get(value.lower(), value)
        filters.setdefault(facet, []).append(value)
        return " "

    text = _FIELD_RE.sub(repl, query)
    return ParsedQuery(text=re.sub(r"\s+", " ", text).strip(), filters=filters, hints=hints)


# Ways to ask for the records without a date (``vuosi:puuttuu``,
# ``year:none``, ``vuosi:"päiväys puuttuu"``), any case.
NO_DATE_ALIASES = frozenset({"puuttuu", "päiväys puuttuu", "ei päiväystä", "paivays puuttuu", "none", "no date",
                             "nodate", "missing", "-"})


def no_date(value: str) -> bool:
    """True when a year value asks for the records without a date."""
    return " ".join(value.split()).casefold() in NO_DATE_ALIASES


def expand_years(values: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """"2020-2024" -> the years in range that the index has; "puuttuu" ->
    the records without a date; returns (years, hints)."""
    from ..models import NO_DATE

    out: list[str] = []
    hints: list[str] = []
    for v in values:
        if no_date(v):
            out.append(NO_DATE)
            continue
        m = re.fullmatch(r"(\d{4})\s*(?:-|–|\.\.)\s*(\d{4})", v)
        if m:
            lo, hi = sorted((int(m.group(1)), int(m.group(2))))
            out += [y for y in known if y.isdigit() and lo <= int(y) <= hi] or [str(lo)]
        elif re.fullmatch(r"\d{4}", v):
            out.append(v)
        else:
            hints.append(f"year {v!r} is not a year, a range like 2020-2024, or puuttuu (no date)")
    return out, hints


def match_values(pattern: str, known: list[str]) -> list[str]:
    """Facet values a typed value means: exact (any case), else those starting
    with it, else those containing it."""
    p = pattern.casefold()
    exact = [k for k in known if k.casefold() == p]
    if exact:
        return exact
    starts = [k for k in known if k.casefold().startswith(p)]
    if starts:
        return starts
    return [k for k in known if p in k.casefold()]


CASE_ID = re.compile(
    r"\b(?:[A-ZÅÄÖ]{2,8}/\d{1,7}/[\d.]+/\d{4}|HEL \d{4}-\d{6}|\d{1,7}/[\d.]{5,}/\d{4}|[A-ZÅÄÖ]{2,8} \d{1,7}/[\d.]+/\d{4})\b",
    re.I,
)


def prepare_text(text: str) -> str:
    """Rewrites before the Whoosh parser: ``-word`` means NOT; ``§ 45`` and
    case ids ("OUKA/899/02.06.01.04/2017", "HEL 2021-012054") are identifiers,
    matched exactly in the identifier field or as a phrase in the text."""
    text = re.sub(r"(^|\s)-(?=[\w\"])", r"\1NOT ", text)

    def case(m: re.Match[str]) -> str:
        value = m.group(0)
        return f'(ident:"{value.lower()}" OR "{value}")'

    # Quotes around an identifier are the user's: keep them out of the way.
    text = re.sub(r'"(' + CASE_ID.pattern[2:-2] + r')"', lambda m: m.group(1), text, flags=re.I)
    text = CASE_ID.sub(case, text)
    # Other identifiers (LAPDno-2025-483, MliDno-2017-1225, SOTE-01-806-21):
    # letters and digits joined by - or /, matched whole in the identifier
    # field as well as in the text.
    def ident(m: re.Match[str]) -> str:
        return f'(ident:"{m.group(0).lower()}" OR {m.group(0)})'

    parts = re.split(r'("[^"]*"|\S+:\S+|\([^)]*ident:[^)]*\))', text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(
            r"(?<![\w/-])(?=[\w/-]*\d)(?=[\w/-]*[^\W\d_])[^\W_]+(?:[-/][^\W_]+)+(?![\w/-])", ident, parts[i]
        )
    text = "".join(parts)
    text = re.sub(r"§\s*(\d+)", r"ident:§\1", text)
    # A date is also the meeting date: 12.03.2024 -> ident 12.3.2024.
    text = re.sub(
        r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\w.])",
        lambda m: f'(ident:"{int(m.group(1))}.{int(m.group(2))}.{m.group(3)}" OR {m.group(0)})',
        text,
    )
    return text
