"""The query language: words (all must match), "phrases", OR, NOT / -word,
prefix*, fuzzy~, and field filters in Finnish or English:

    toimielin:/committee:   esittelijä:/presenter:   vuosi:/year: (2024, 2020-2024, puuttuu)
    viranhaltija:/official: (an official's decisions: tiimipäällikkö, rehtori …)
    hanke:/project:         rahoittaja:/funder:      tulos:/outcome:
    kunta:/municipality:    laji:/kind:
    summa:/amount: (>100000, <50000, >=1000, 100000..500000: any amount of the record's projects)
    myönnetty:/granted:  haettu:/applied:  omarahoitus:/own_share:  kokonaiskustannus:/total_cost:
                            (the same, of amounts in that role only)

Field filters become facet filters (matched case-insensitively against the
values in the index), so they combine with facet selections.  This module
holds the language's vocabulary (field names, outcome names, identifiers)
and the filters' values; ``plan.py`` reads a query with them."""

from __future__ import annotations

import re

FIELD_ALIASES = {
    "toimielin": "committee", "committee": "committee", "lautakunta": "committee",
    "viranhaltija": "official", "official": "official",
    "esittelijä": "presenter", "esittelija": "presenter", "presenter": "presenter",
    "vuosi": "year", "year": "year",
    "hanke": "funded_project", "project": "funded_project", "funded_project": "funded_project",
    "rahoittaja": "funder", "funder": "funder",
    "tulos": "outcome", "outcome": "outcome",
    "kunta": "municipality", "municipality": "municipality",
    "laji": "kind", "kind": "kind",
}

# Amount filters: field -> the role of the amounts it reads (None: any role).
AMOUNT_FIELDS: dict[str, str | None] = {
    "summa": None, "amount": None,
    "myönnetty": "granted", "myonnetty": "granted", "granted": "granted",
    "haettu": "applied", "applied": "applied",
    "omarahoitus": "own_share", "omavastuu": "own_share", "own_share": "own_share",
    "kokonaiskustannus": "total_cost", "kustannus": "total_cost", "total_cost": "total_cost",
}

OUTCOME_ALIASES = {
    "hyväksytty": "approved", "hyväksyttiin": "approved", "muutettu": "amended", "muutettuna": "amended",
    "tiedoksi": "noted", "pöydälle": "tabled", "palautettu": "returned", "palautettiin": "returned",
    "äänestys": "voted", "äänestettiin": "voted", "hylätty": "rejected", "hylättiin": "rejected", "muu": "other",
}

# Kinds of record by their Finnish (and Swedish) names: laji:toimintakertomus.
KIND_ALIASES = {
    "päätös": "decision", "päätökset": "decision", "paatos": "decision", "beslut": "decision",
    "toimintakertomus": "annual_report", "vuosikertomus": "annual_report", "tilinpäätös": "annual_report",
    "annual report": "annual_report", "verksamhetsberättelse": "annual_report",
}

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
    from ..notes import Note
    from ..text import clean

    hints: list[str] = []
    query = clean(query).replace("\n", " ").replace("\t", " ")
    if len(query) > MAX_QUERY_CHARS:
        cut = query[:MAX_QUERY_CHARS]
        if query[MAX_QUERY_CHARS].strip() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # not in the middle of a word
        query = cut
        hints.append(Note("query_long", n=len(query)))
    if _LONG_WORD.search(query):
        query = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD_CHARS], query)
        hints.append(Note("words_shortened", n=MAX_WORD_CHARS))
    return query, hints


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
    from ..notes import Note

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
            hints.append(Note("year_invalid", value=v))
    return out, hints


def match_values(pattern: str, known: list[str], folded: list[str] | None = None) -> list[str]:
    """Facet values a typed value means: exact (any case), else those starting
    with it, else those containing it.  ``folded``: the values' casefolds,
    when the caller keeps them."""
    p = pattern.casefold()
    pairs = list(zip(known, folded if folded is not None else [k.casefold() for k in known], strict=True))
    exact = [k for k, f in pairs if f == p]
    if exact:
        return exact
    starts = [k for k, f in pairs if f.startswith(p)]
    if starts:
        return starts
    return [k for k, f in pairs if p in f]


CASE_ID = re.compile(
    r"\b(?:[A-ZÅÄÖ]{2,8}/\d{1,7}/[\d.]+/\d{4}|HEL \d{4}-\d{6}|\d{1,7}/[\d.]{5,}/\d{4}|[A-ZÅÄÖ]{2,8} \d{1,7}/[\d.]+/\d{4})\b",
    re.I,
)


# An amount as typed: 100000, 100 000, 100.000, 1,5 milj., 250k, 120 000 €.
_NUMBER = r"\d(?:[\d\u00a0]| (?=\d)|\.(?=\d))*(?:,\d+)?\s*(?:k|t|milj\.?|m|M)?\s*(?:€|e|eur|euroa)?"
_AMOUNT = re.compile(r"(?P<op><=|>=|<|>|=)?\s*(?P<a>%s)(?:\s*(?:\.\.|–|—|-)\s*(?P<b>%s))?" % (_NUMBER, _NUMBER))


def _euros(text: str) -> float | None:
    t = text.strip().replace("\u00a0", " ")
    t = re.sub(r"\s*(?:€|eur|euroa|e)$", "", t)
    scale = 1.0
    m = re.search(r"\s*(k|t|milj\.?|m|M)$", t)
    if m:
        scale = 1000.0 if m.group(1) in ("k", "t") else 1_000_000.0
        t = t[:m.start()]
    t = t.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):  # 100.000: thousands
        t = t.replace(".", "")
    t = t.replace(",", ".")
    try:
        return float(t) * scale
    except ValueError:
        return None


def parse_amount(value: str) -> tuple[float | None, float | None, bool, bool] | None:
    """An amount filter's value as bounds (lo, hi, lo excluded, hi
    excluded): ">100000" -> (100000, None, True, False), "<=5000",
    "100000..500000" (also with – or -) both ends included, a bare number
    exactly that amount.  None when the value is no amount."""
    m = _AMOUNT.fullmatch(value.strip())
    if m is None:
        return None
    a = _euros(m.group("a"))
    b = _euros(m.group("b")) if m.group("b") else None
    op = m.group("op") or ""
    if a is None or (m.group("b") and (b is None or op)):
        return None
    if b is not None:
        lo, hi = sorted((a, b))
        return lo, hi, False, False
    if op in (">", ">="):
        return a, None, op == ">", False
    if op in ("<", "<="):
        return None, a, False, op == "<"
    return a, a, False, False
