"""A query, planned: what each typed word, phrase and identifier searches,
built once per query and read by everything after.

    plan = build_plan('hankkeet "kaupungin strategia" -rakennus* vuosi:2024', df)
    plan.root      # And([Word('hankkeet'), Phrase(...), Not(Prefix('rakennus'))])
    plan.filters   # {"year": ["2024"]}
    plan.notes     # what was wrong with the query and how it was read

The query language is the README's: words (all must match), "phrases"
(``"…"~N`` for words up to N apart), OR, AND, NOT / -word, (groups),
prefix*, fuzzy~ (~2: two edits), ^boost, identifiers (case ids, ``§ 45``,
dates) and ``field:value`` filters.  A malformed query never raises: it is
read as well as it can be and a note says what was wrong.

The tree has two levels:

- what the user typed: ``Word``, ``Phrase``, ``Ident``, ``Prefix``,
  ``Fuzzy``, ``And``, ``Or``, ``Not``.  A Word knows its typed text, its
  lemmas and compound parts, and what was added for it (the head word of a
  compound, forms with ä/ö, an abbreviation's written-out form); explain,
  the relaxed "some of the words" ranking and highlighting read these;
- what the index is asked (``Word.query`` and friends): ``Terms`` of one
  field, ``FieldPhrase``, ``Pattern``, ``Any``/``All``/``Exclude``,
  ``Unscored``, ``Everything``, ``Nothing``.  The engine walks these
  (``Engine.run``) and nothing else.

Nothing here imports Whoosh's query classes: Whoosh stores the index and
this module reads the query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..notes import Note
from . import swedish
from .abbreviations import ABBREVIATIONS, capitals_only, expansion
from .analysis import STOPWORDS, analyse_word, analysed, backend_name
from .query import AMOUNT_FIELDS, CASE_ID, FIELD_ALIASES, OUTCOME_ALIASES, bound_query, parse_amount
from .schema import FINNISH_FIELDS, SWEDISH_FIELDS, TEXT_FIELDS

# --- what the index is asked ---------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One index term of one field, with its weight."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Terms:
    """Documents with any of the terms; each scores its BM25F contribution
    times its boost."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class FieldPhrase:
    """Words in order in one field, at most ``slop`` positions apart; each
    position matches any of its readings.  Each distinct word scores once,
    where the phrase matches."""

    field: str
    readings: tuple[tuple[str, ...], ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Pattern:
    """Every word of a field that starts with ``text`` (prefix), is within
    ``maxdist`` edits of it (fuzzy, sharing its first letter), or lies
    between ``text`` and ``upper`` (range; empty: open)."""

    field: str
    kind: str  # "prefix" | "fuzzy" | "range"
    text: str
    boost: float = 1.0
    maxdist: int = 1
    upper: str = ""


@dataclass(frozen=True)
class Any:
    """Documents matching any child; scores add up."""

    children: tuple
    boost: float = 1.0


@dataclass(frozen=True)
class All:
    """Documents matching every child and none of ``exclude``; the children's
    scores add up (also where not all of them match: the relaxed results
    rank by them)."""

    children: tuple
    exclude: tuple = ()
    boost: float = 1.0


@dataclass(frozen=True)
class Exclude:
    """Every document but those matching ``child`` (a query of only NOT):
    a constant score."""

    child: object
    boost: float = 1.0


@dataclass(frozen=True)
class Unscored:
    """Matches as ``child`` does, scores nothing (the language clause of a
    Swedish stop word)."""

    child: object


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class Nothing:
    pass


EVERYTHING = Everything()
NOTHING = Nothing()


# --- what the user typed -------------------------------------------------------------


@dataclass
class Word:
    """A word as typed, what it means and what was added for it."""

    typed: str
    lemmas: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    swedish: str = ""  # its Swedish stem ("" for a Swedish stop word)
    head: str | None = None  # the head word of a compound, searched at a low weight
    variants: list[str] = field(default_factory=list)  # forms with ä/ö the index has
    expansion: str | None = None  # an abbreviation's written-out form
    any_swedish: bool = False  # a Swedish stop word: asks nothing of Swedish records
    boost: float = 1.0
    own: object = NOTHING  # the index query of the word itself (and its written-out form)
    added: tuple = ()  # the index queries of the head word and the forms with ä/ö

    @cached_property
    def query(self):
        if not self.added:
            return self.own
        return Any((self.own, *self.added))


@dataclass
class Phrase:
    """Words in order: each position's readings (every lemma of an ambiguous
    word), and the abbreviation a written-out name stands for."""

    typed: str
    readings: tuple[tuple[str, ...], ...]
    slop: int = 1
    boost: float = 1.0
    abbreviation: str | None = None  # its index term (HSL for "Helsingin seudun liikenne")
    query: object = NOTHING


@dataclass
class Ident:
    """An identifier: a case id, a section (§ 45) or a date, matched whole
    in the identifier field (and, but for §, as written in the text)."""

    typed: str
    kind: str  # "case" | "section" | "date" | "code"
    term: str  # its term in the identifier field
    query: object = NOTHING


@dataclass
class Prefix:
    typed: str
    text: str
    boost: float = 1.0
    query: object = NOTHING


@dataclass
class Fuzzy:
    typed: str
    text: str
    maxdist: int = 1
    boost: float = 1.0
    query: object = NOTHING


@dataclass
class Range:
    """[a TO b]: the words between a and b, in the text fields."""

    typed: str
    lower: str
    upper: str
    query: object = NOTHING


@dataclass
class And:
    children: list
    boost: float = 1.0

    @cached_property
    def query(self):
        pos = tuple(c.query for c in self.children if not isinstance(c, Not))
        neg = tuple(c.child.query for c in self.children if isinstance(c, Not))
        pos = tuple(q for q in pos if not isinstance(q, Everything)) or (() if neg else (EVERYTHING,))
        if not pos:
            return Exclude(_one(neg), self.boost)
        if len(pos) == 1 and not neg and self.boost == 1.0:
            return pos[0]
        return All(pos, neg, self.boost)


@dataclass
class Or:
    children: list
    boost: float = 1.0

    @cached_property
    def query(self):
        qs = tuple(c.query for c in self.children)
        if len(qs) == 1 and self.boost == 1.0:
            return qs[0]
        return Any(qs, self.boost)


@dataclass
class Not:
    child: object

    @cached_property
    def query(self):
        return Exclude(self.child.query)


def _one(qs: tuple):
    return qs[0] if len(qs) == 1 else Any(qs)


@dataclass(frozen=True)
class AmountFilter:
    """``summa:>100000`` and its kin: records with an amount of one of their
    funded projects between ``lo`` and ``hi`` (None: open; ``*_open``: the
    bound itself excluded), of ``role`` (None: any role).  Several amount
    filters must all hold (each by any of the record's amounts)."""

    typed: str
    lo: float | None
    hi: float | None
    lo_open: bool = False
    hi_open: bool = False
    role: str | None = None


@dataclass
class Plan:
    """A planned query: its free-text tree (None for no free text), the
    field filters typed in it (facet -> raw values), the amount filters,
    and notes."""

    text: str  # the query as searched (bounded), filters included
    root: object | None
    filters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # How the query reads: "words" (plain words: under RELAX_BELOW matches,
    # documents with some of them follow), "phrase" (phrases and words and
    # no operators: documents with the phrase's words apart follow), or
    # "exact" (operators: exactly what was typed).
    form: str = "exact"
    loose: And | None = None  # for "phrase": its words one by one, nothing added
    searchable: bool = True  # False: the text had nothing to search (stop words, symbols)
    amounts: list[AmountFilter] = field(default_factory=list)

    @property
    def query(self):
        """The index query of the free text."""
        if not self.searchable:
            return NOTHING
        if self.root is None:
            return EVERYTHING
        return self.root.query

    @property
    def clauses(self) -> list:
        """The top-level clauses of a plain query: one per typed word."""
        if self.root is None:
            return []
        return list(self.root.children) if isinstance(self.root, And) else [self.root]

    def words(self) -> list:
        """Every Word, Phrase, Ident, Prefix and Fuzzy of the tree, in order."""
        out: list = []

        def walk(node, negated: bool) -> None:
            if isinstance(node, (And, Or)):
                for c in node.children:
                    walk(c, negated)
            elif isinstance(node, Not):
                walk(node.child, True)
            elif node is not None and not negated:
                out.append(node)

        walk(self.root, False)
        return out

    def highlight_terms(self) -> list[str]:
        """The analysed words the query looks for (lemmas, parts, Swedish
        stems, what was added), not those it excludes: for highlighting.
        Prefix and fuzzy terms highlight by their literal text."""
        terms: set[str] = set()
        for node in self.words():
            terms.update(t.text for t in leaves(node.query) if t.field != "lang")
        return sorted(terms)


def leaves(q) -> list[Term]:
    """Every term an index query names (a pattern as one term of its text)."""
    out: list[Term] = []

    def walk(node) -> None:
        if isinstance(node, Terms):
            out.extend(node.terms)
        elif isinstance(node, FieldPhrase):
            out.extend(Term(node.field, w, node.boost) for r in node.readings for w in r)
        elif isinstance(node, Pattern):
            out.append(Term(node.field, node.text, node.boost))
        elif isinstance(node, (Any, All)):
            for c in node.children:
                walk(c)
        elif isinstance(node, Unscored):
            walk(node.child)

    walk(q)
    return out


# --- lexing --------------------------------------------------------------------------

# A filter: a known field name, a colon and a value (quoted, or up to a space).
_FIELD = re.compile(r'(?P<name>[A-Za-zÅÄÖåäö_]+):(?:"(?P<q>[^"]*)"?|(?P<v>[^\s"()]+))?')
_CASE = re.compile(CASE_ID.pattern[2:-2], re.I)  # without its \b…\b
_SECTION = re.compile(r"§\s*(\d+)")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# Other identifiers (LAPDno-2025-483, SOTE-01-806-21): letters and digits
# joined by - or /, with a digit and a letter.
_CODE = re.compile(r"(?=[\w/-]*\d)(?=[\w/-]*[^\W\d_])[^\W_]+(?:[-/][^\W_]+)+")
_SUFFIX = re.compile(r"(?P<body>.*?)(?:(?P<star>\*)|~(?P<dist>\d?))?(?:\^(?P<boost>\d+(?:\.\d+)?))?$", re.S)
_PHRASE_TAIL = re.compile(r"(?:~(?P<slop>\d+))?(?:\^(?P<boost>\d+(?:\.\d+)?))?")
_RANGE = re.compile(r"[\[{]\s*([^\s\]}]*)\s+TO\s+([^\s\]}]*)\s*[\]}]")
_OPS = {"OR", "AND", "NOT"}
_WORD = re.compile(r'[^\s"()]+')
_FIELDS_SHOWN = ", ".join(sorted(k for k in FIELD_ALIASES if not k.isascii()
                                 or k in ("toimielin", "viranhaltija", "vuosi", "hanke", "tulos", "kunta", "rahoittaja", "laji", "summa")))


@dataclass
class _Tok:
    kind: str  # word | phrase | ident | range | op | open | close | neg
    text: str
    slop: int = 1
    boost: float = 1.0
    ident: Ident | None = None


def _lex(text: str, filters: dict[str, list[str]], notes: list[str],
         amounts: list[AmountFilter] | None = None) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    at_start = True  # at the start of a token (after space or parenthesis)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            at_start = True
            continue
        if c == "(":
            toks.append(_Tok("open", c))
            i += 1
            at_start = True
            continue
        if c == ")":
            toks.append(_Tok("close", c))
            i += 1
            at_start = True
            continue
        if c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                notes.append(Note("unclosed_quote"))
                body, i = text[i + 1:], n
            else:
                body, i = text[i + 1:end], end + 1
            tail = _PHRASE_TAIL.match(text, i)
            assert tail is not None  # every part of it is optional
            slop = int(tail.group("slop")) if tail.group("slop") else 1
            boost = float(tail.group("boost")) if tail.group("boost") else 1.0
            i = tail.end()
            if _CASE.fullmatch(body.strip()):  # quotes around a case id are the user's
                toks.append(_Tok("ident", body.strip(), ident=_ident("case", body.strip())))
            else:
                toks.append(_Tok("phrase", body, slop=slop, boost=boost))
            at_start = False
            continue
        if at_start and c == "-" and i + 1 < n and (text[i + 1].isalnum() or text[i + 1] in '"('):
            toks.append(_Tok("neg", "-"))
            i += 1
            continue
        if at_start:
            m = _FIELD.match(text, i)
            if m and m.group("name").lower() in FIELD_ALIASES:
                i = m.end()
                _filter(m, filters, notes)
                continue
            if m and m.group("name").lower() in AMOUNT_FIELDS:
                i = m.end()
                _amount(m, amounts if amounts is not None else [], notes)
                continue
            m = _CASE.match(text, i)
            if m and _boundary(text, m.end()):
                toks.append(_Tok("ident", m.group(0), ident=_ident("case", m.group(0))))
                i = m.end()
                at_start = False
                continue
            m = _RANGE.match(text, i)
            if m:
                toks.append(_Tok("range", m.group(0)))
                i = m.end()
                continue
            m = _SECTION.match(text, i)
            if m:
                toks.append(_Tok("ident", m.group(0), ident=_ident("section", m.group(1))))
                i = m.end()
                continue
        # A word: up to a space, a quote or a parenthesis.
        w = _WORD.match(text, i)
        assert w is not None  # text[i] is none of those
        word = w.group(0)
        i = w.end()
        at_start = False
        if word in _OPS:
            toks.append(_Tok("op", word))
            continue
        f = _FIELD.fullmatch(word)
        if f and f.group("v") is not None and not re.fullmatch(r"[a-zåäö]{1,4}", f.group("v")):
            # An unknown field (known ones were taken above): its value is text.
            notes.append(Note("unknown_field", name=f.group("name").lower(), fields=_FIELDS_SHOWN))
            word = f.group("v")
        core = word.rstrip(".,;:!?")
        if _DATE.fullmatch(core):
            toks.append(_Tok("ident", core, ident=_ident("date", core)))
            continue
        if _CODE.fullmatch(core):
            toks.append(_Tok("ident", core, ident=_ident("code", core)))
            continue
        toks.append(_Tok("word", word))
    return toks


def _boundary(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] == "_")


def _filter(m: re.Match[str], filters: dict[str, list[str]], notes: list[str]) -> None:
    name = m.group("name").lower()
    facet = FIELD_ALIASES[name]
    value = (m.group("q") if m.group("q") is not None else m.group("v") or "").strip()
    if not value:
        notes.append(Note("no_value", name=name, facet=facet))
        return
    if facet == "outcome":
        value = OUTCOME_ALIASES.get(value.lower(), value)
    filters.setdefault(facet, []).append(value)


def _amount(m: re.Match[str], amounts: list[AmountFilter], notes: list[str]) -> None:
    name = m.group("name").lower()
    value = (m.group("q") if m.group("q") is not None else m.group("v") or "").strip()
    bounds = parse_amount(value) if value else None
    if bounds is None:
        notes.append(Note("amount_invalid", name=name, value=value))
        return
    amounts.append(AmountFilter(f"{name}:{value}", *bounds, role=AMOUNT_FIELDS[name]))


# --- parsing -------------------------------------------------------------------------


class _Parser:
    """Whoosh's reading of the operators: words side by side must all match;
    OR and AND join the words next to them, left to right; NOT and -
    exclude the next word or group."""

    def __init__(self, toks: list[_Tok], planner: _Planner, notes: list[str]):
        self.toks = toks
        self.i = 0
        self.planner = planner
        self.notes = notes
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def sequence(self, closing: bool) -> list:
        items: list = []
        while True:
            t = self.peek()
            if t is None:
                if closing:
                    self.note(Note("unclosed_paren"))
                return items
            if t.kind == "close":
                if closing:
                    self.i += 1
                    return items
                self.i += 1
                self.note(Note("unmatched_paren"))
                continue
            unit = self.unit()
            if unit is not None:
                items.append(unit)

    def unit(self):
        left = self.operand()
        while True:
            t = self.peek()
            if t is None or t.kind != "op" or t.text == "NOT":
                return left
            self.i += 1
            right = self.operand()
            if left is None or right is None:
                self.note(Note("op_needs_words", op=t.text))
                left = left if right is None else right
                continue
            cls = Or if t.text == "OR" else And
            kids = (left.children if type(left) is cls and left.boost == 1.0 else [left])
            left = cls(kids + [right])

    def operand(self):
        t = self.peek()
        if t is None or t.kind == "close":
            return None
        if t.kind == "op" and t.text in ("OR", "AND"):
            return None
        self.i += 1
        if (t.kind == "op" and t.text == "NOT") or t.kind == "neg":
            child = self.operand()
            if child is None:
                self.note(Note("not_needs_word", op="NOT" if t.kind == "op" else "-"))
                return None
            return Not(child)
        if t.kind == "open":
            self.depth += 1
            items = self.sequence(closing=True)
            self.depth -= 1
            if not items:  # "(((" or "()": nothing inside to search
                self.note(Note("empty_group"))
            return self.planner.group(items)
        if t.kind == "phrase":
            return self.planner.phrase(t.text, t.slop, t.boost)
        if t.kind == "ident":
            return self.planner.ident(t.ident)
        if t.kind == "range":
            return self.planner.range(t.text)
        return self.planner.word(t.text)


# --- planning ------------------------------------------------------------------------


def _ident(kind: str, value: str) -> Ident:
    if kind == "section":
        return Ident(f"§ {value}", kind, f"§{value}")
    if kind == "date":
        date = _DATE.fullmatch(value)
        assert date is not None  # the lexer took it as one
        d, m, y = date.groups()
        return Ident(value, kind, f"{int(d)}.{int(m)}.{y}")
    return Ident(value, kind, value.lower())


class _Planner:
    def __init__(self, df: Callable[[str, str], int] | None, expand: bool, swedish_optional: bool):
        self.df = df
        self.expand = expand
        self.swedish_optional = swedish_optional
        self.abbreviated: set[tuple[tuple[str, ...], ...]] = set()

    # A word's own terms over the text fields, times ``boost``.
    @staticmethod
    def word_terms(text: str, boost: float = 1.0) -> tuple[tuple[str, ...], tuple[str, ...], str, Terms | None]:
        """(lemmas, parts, Swedish stem, the index terms) of one typed word:
        its lemmas in the Finnish fields (in ``parts`` too: a word meets the
        parts of the compounds in the text), its stem in the Swedish ones."""
        lemmas: list[str] = []
        parts: list[str] = []
        for _a, _b, lm, pt in analysed(text):
            lemmas += [x for x in lm if x not in lemmas]
            parts += [x for x in pt if x not in parts]
        stems = list(dict.fromkeys(t for _a, _b, t in swedish.words(text)))
        terms = [Term(f, lm, fb * boost) for f, fb in FINNISH_FIELDS.items() for lm in lemmas]
        terms += [Term(f, s, fb * boost) for f, fb in SWEDISH_FIELDS.items() for s in stems]
        return tuple(lemmas), tuple(parts), " ".join(stems), (Terms(tuple(terms)) if terms else None)

    def word(self, typed: str):
        """A typed word, or a prefix*/fuzzy~ pattern; None when it has
        nothing to search (punctuation, a stop word)."""
        m = _SUFFIX.fullmatch(typed)
        assert m is not None  # every part of it is optional
        body, boost = m.group("body"), float(m.group("boost")) if m.group("boost") else 1.0
        if m.group("star") and body:
            text = body.lower()
            return Prefix(typed, text, boost, Any(tuple(Pattern(f, "prefix", text, fb * boost)
                                                        for f, fb in TEXT_FIELDS.items())))
        if typed.endswith("~") or (m.group("dist") and body):
            text = body.lower()
            dist = int(m.group("dist")) if m.group("dist") else 1
            return Fuzzy(typed, text, dist, boost, Any(tuple(Pattern(f, "fuzzy", text, fb * boost, dist)
                                                             for f, fb in TEXT_FIELDS.items())))
        typed = body if m.group("boost") else typed
        label = typed.strip(_PUNCT)
        # An abbreviation with a case ending (HSL:n) is the abbreviation.
        c = re.fullmatch(r"([^\W\d_]{2,6}):[^\W\d_]{1,4}", label)
        if c and expansion(c.group(1)):
            label = c.group(1)
        lemmas, parts, sv, own = self.word_terms(label)
        w = Word(label, lemmas, parts, sv, boost=boost)
        bare = re.fullmatch(r"[^\W\d_]+", label) is not None
        alts: list = [own] if own is not None else []
        if self.expand and bare:
            full = expansion(label)
            if full:  # HSL also searches "Helsingin seudun liikenne", at the weight of one word
                w.expansion = full
                n = sum(1 for _a, _b, lm, _p in analysed(full) if lm)
                ph = self.phrase(full, 1, 1 / n if n > 1 else 1.0, typed=False)
                if ph is not None:
                    alts.append(ph.query)
        if self.swedish_optional and bare and _swedish_stop_only(label):
            w.any_swedish = True
            alts.append(Unscored(Terms((Term("lang", "sv"),))))
        if not alts:
            return None
        w.own = alts[0] if len(alts) == 1 else Any(tuple(alts))
        if self.expand and bare:
            w.added = tuple(self._added(w, label))
        if boost != 1.0:
            w.own = Any((w.own,), boost)
            w.added = tuple(Any((a,), boost) for a in w.added)
        return w

    def _added(self, w: Word, label: str):
        """The head word of a compound (asuntotontti -> tontti, at 0.3 in the
        text) and the forms with ä/ö the index has (paatos -> päätös, at half
        the weight)."""
        heads = [p for p in w.parts if any(lm.endswith(p) and lm != p for lm in w.lemmas) and len(p) >= 4]
        if heads:
            w.head = max(heads, key=len)
            head_lemmas = analyse_word(w.head)[0]
            yield Terms(tuple(Term("text", lm, 0.3) for lm in head_lemmas))
        if self.df is not None and re.search("[aoAO]", label) and not re.search("[äöåÄÖÅ]", label):
            own = set(w.lemmas)
            seen = set(leaves(w.own))  # a term that two forms share is searched once
            for v in _variants(label):
                vl = analyse_word(v)[0]
                sv = swedish.stem(v)
                if (set(vl) != own and any(self.df("text", lm) for lm in vl)) \
                        or (sv and sv != swedish.stem(label) and self.df("text_sv", sv)):
                    w.variants.append(v)
                    terms = self.word_terms(v, 0.5)[3]
                    new = tuple(t for t in (terms.terms if terms is not None else ()) if t not in seen)
                    seen.update(new)
                    if new:
                        yield Terms(new)
                if len(w.variants) >= 3:
                    break

    def phrase(self, text: str, slop: int = 1, boost: float = 1.0, typed: bool = True):
        """A quoted phrase: in the Finnish fields with every reading of each
        word, in the Swedish ones by stems; a quoted single word is the word
        itself, without what a bare word adds.  A typed phrase that writes
        out an abbreviation also searches the abbreviation (as a word, and
        as a compound part: HSL-alueen)."""
        readings = tuple(lm for _a, _b, lm, _p in analysed(text) if lm)
        stems = tuple(t for _a, _b, t in swedish.words(text))
        if not readings and not stems:
            return None
        ph = Phrase(text.strip(), readings, slop, boost)
        if len(readings) <= 1 and len(stems) <= 1:
            terms = self.word_terms(text, boost)[3]
            ph.query = terms if terms is not None else NOTHING
            return ph
        alts: list = []
        for f, fb in FINNISH_FIELDS.items():
            if f == "parts" or not readings:  # no positions there
                continue
            alts.append(FieldPhrase(f, readings, slop, fb * boost) if len(readings) > 1
                        else Terms(tuple(Term(f, x, fb * boost) for x in readings[0])))
        for f, fb in SWEDISH_FIELDS.items():
            if stems:
                alts.append(FieldPhrase(f, tuple((s,) for s in stems), slop, fb * boost) if len(stems) > 1
                            else Terms((Term(f, stems[0], fb * boost),)))
        abbr = _abbreviation_of(readings) if typed else None
        if abbr is not None:
            ph.abbreviation = abbr
            alts.append(Terms((Term("text", abbr, boost), Term("title", abbr, 2.0 * boost))))
            if readings not in self.abbreviated:
                self.abbreviated.add(readings)
                alts.append(Terms((Term("parts", abbr, TEXT_FIELDS["parts"] * boost),)))
        ph.query = Any(tuple(alts)) if len(alts) > 1 else alts[0]
        return ph

    def ident(self, ident: Ident):
        term = Terms((Term("ident", ident.term),))
        if ident.kind == "section":
            ident.query = term
        elif ident.kind == "case":  # also as written in the text
            ph = self.phrase(ident.typed, typed=False)
            ident.query = Any((term, ph.query)) if ph is not None else term
        else:
            own = self.word_terms(ident.typed)[3]
            ident.query = Any((term, own)) if own is not None else term
        return ident

    @staticmethod
    def range(typed: str):
        r = _RANGE.fullmatch(typed)
        assert r is not None  # the lexer took it as one
        lower, upper = r.group(1).lower(), r.group(2).lower()
        return Range(typed, lower, upper, Any(tuple(Pattern(f, "range", lower, fb, upper=upper)
                                                     for f, fb in TEXT_FIELDS.items())))

    @staticmethod
    def group(items: list):
        items = [x for x in items if x is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)


_PUNCT = ".,;:!?()[]{}'\"“”«»"


def _variants(word: str) -> list[str]:
    """The word with a/o as ä/ö, in every combination of its first six."""
    idx = [i for i, c in enumerate(word) if c in "aoAO"][:6]
    out = []
    for mask in range(1, 1 << len(idx)):
        chars = list(word)
        for bit, i in enumerate(idx):
            if mask >> bit & 1:
                chars[i] = {"a": "ä", "o": "ö", "A": "Ä", "O": "Ö"}[chars[i]]
        out.append("".join(chars))
    return out


def _swedish_stop_only(word: str) -> bool:
    """A Swedish stop word that is not a Finnish one (och, för, av)."""
    return word.lower() not in STOPWORDS and swedish.is_stopword(word)


_WRITTEN_OUT: dict[str, list[tuple[list[frozenset[str]], str]]] = {}


def _abbreviation_of(words: tuple[tuple[str, ...], ...]) -> str | None:
    """The abbreviation a phrase writes out, as its index term, or None.  A
    word matches when its readings and the form's share one (korkeimman:
    korkki|korkea, korkein: korkea)."""
    name = backend_name()
    table = _WRITTEN_OUT.get(name)
    if table is None:
        table = []
        for abbr, full in ABBREVIATIONS.items():
            if capitals_only(abbr):
                continue
            form = [frozenset(lemmas) for _a, _b, lemmas, _p in analysed(full) if lemmas]
            if len(form) >= 2:
                table.append((form, analyse_word(abbr.upper())[0][0]))
        _WRITTEN_OUT[name] = table
    for form, term in table:
        if len(form) == len(words) and all(f & set(w) for f, w in zip(form, words)):
            return term
    return None


# --- the plan of a query -------------------------------------------------------------


def build_plan(query: str, df: Callable[[str, str], int] | None = None, expand: bool = True) -> Plan:
    """The plan of a query as typed.  ``df(field, term)`` is the index's
    document frequency (forms with ä/ö are added only when the index has
    them); ``expand`` adds head words, forms with ä/ö and written-out
    abbreviations to bare words."""
    text, notes = bound_query(query)
    filters: dict[str, list[str]] = {}
    amounts: list[AmountFilter] = []
    toks = _lex(text, filters, notes, amounts)
    has_ops = any(t.kind in ("op", "neg", "open", "close", "range") for t in toks) \
        or any(t.kind == "phrase" and (t.slop != 1 or t.boost != 1.0) for t in toks) \
        or any(t.kind == "word" and re.search(r"[*~^]", t.text) for t in toks)
    words_only = not has_ops and all(t.kind in ("word", "ident") for t in toks)
    # A Swedish stop word asks nothing of Swedish records, in a query of
    # words that must all match with a word that is not one (``för`` alone,
    # or ``och OR x``, would otherwise match every Swedish record).
    optional = not any(t.kind in ("neg",) or (t.kind == "op" and t.text in ("OR", "NOT")) for t in toks) \
        and any(not swedish.is_stopword(w) for t in toks if t.kind in ("word", "phrase", "ident")
                for w in re.findall(r"[^\W_]+", t.text))
    planner = _Planner(df, expand, optional)
    parser = _Parser(toks, planner, notes)
    root = planner.group(parser.sequence(closing=False))
    plan = Plan(text, root, filters, notes, amounts=amounts)
    if not toks:
        return plan
    if root is None or isinstance(root.query, Nothing):
        notes.append(Note("nothing_searchable"))
        plan.root, plan.searchable = None, False
        return plan
    if words_only:
        plan.form = "words"
    elif not has_ops and any(t.kind == "phrase" for t in toks):
        plan.form = "phrase"
        loose = _Planner(df, False, optional)
        words = [loose.word(w) for t in toks if t.kind in ("word", "phrase")
                 for w in (t.text.split() if t.kind == "phrase" else [t.text])]
        words += [loose.ident(t.ident) for t in toks if t.ident is not None]
        words = [w for w in words if w is not None]
        if words:
            plan.loose = And(words)
    return plan


def typed_form(node) -> str:
    """A plan as the query language, with what was added for each word:
    ``(paatos OR päätös^0.5)``, ``(HSL OR "Helsingin seudun liikenne")``."""
    if node is None:
        return ""
    if isinstance(node, Word):
        alts = [node.typed]
        alts += [f"{node.head}^0.3"] if node.head else []
        alts += [f"{v}^0.5" for v in node.variants]
        alts += [f'"{node.expansion}"'] if node.expansion else []
        alts += ["lang:sv"] if node.any_swedish else []
        s = alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"
        return s + (f"^{node.boost:g}" if node.boost != 1.0 else "")
    if isinstance(node, Phrase):
        s = f'"{node.typed}"' + (f"~{node.slop}" if node.slop != 1 else "") + \
            (f"^{node.boost:g}" if node.boost != 1.0 else "")
        return f"({s} OR {node.abbreviation})" if node.abbreviation else s
    if isinstance(node, (Ident, Prefix, Fuzzy, Range)):
        return node.typed
    if isinstance(node, And):
        s = " ".join(typed_form(c) for c in node.children)
        return f"({s})^{node.boost:g}" if node.boost != 1.0 else s
    if isinstance(node, Or):
        return "(" + " OR ".join(typed_form(c) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"NOT {typed_form(node.child)}"
    return ""


def describe(q) -> str:
    """An index query as text, for ``--explain``."""
    if isinstance(q, Terms):
        parts = [f"{t.field}:{t.text}" + (f"^{t.boost:g}" if t.boost != 1.0 else "") for t in q.terms]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    if isinstance(q, FieldPhrase):
        words = " ".join("|".join(r) for r in q.readings)
        return f'{q.field}:"{words}"' + (f"~{q.slop}" if q.slop != 1 else "") + \
            (f"^{q.boost:g}" if q.boost != 1.0 else "")
    if isinstance(q, Pattern):
        if q.kind == "range":
            return f"{q.field}:[{q.text} TO {q.upper}]" + (f"^{q.boost:g}" if q.boost != 1.0 else "")
        mark = "*" if q.kind == "prefix" else f"~{q.maxdist}"
        return f"{q.field}:{q.text}{mark}" + (f"^{q.boost:g}" if q.boost != 1.0 else "")
    if isinstance(q, Any):
        s = "(" + " OR ".join(describe(c) for c in q.children) + ")"
        return s + (f"^{q.boost:g}" if q.boost != 1.0 else "")
    if isinstance(q, All):
        s = " AND ".join(describe(c) for c in q.children)
        s += "".join(f" AND NOT {describe(c)}" for c in q.exclude)
        return "(" + s + ")" + (f"^{q.boost:g}" if q.boost != 1.0 else "")
    if isinstance(q, Exclude):
        return f"NOT {describe(q.child)}"
    if isinstance(q, Unscored):
        return f"{describe(q.child)}^0"
    if isinstance(q, Everything):
        return "<everything>"
    return "<nothing>"


__all__ = [
    "Plan", "AmountFilter", "Word", "Phrase", "Ident", "Prefix", "Fuzzy", "Range", "And", "Or", "Not",
    "Term", "Terms", "FieldPhrase", "Pattern", "Any", "All", "Exclude", "Unscored", "Everything", "Nothing",
    "build_plan", "describe", "leaves", "typed_form",
]
