"""Finnish analysis: base forms (lemmas) and compound parts.

Index and query go through the same analysis, so that inflection and
consonant gradation match: luvan/lupa, kaupan/kauppa, päätöksen/päätös,
Lapuan/Lapua, Helsingin/Helsinki.  Compounds are split into their parts, which
go to a separate field with a lower weight, so that ``hanke`` finds
``kehittämishankkeen`` but a whole-word match ranks higher.  Very generic
parts (kunta in lautakunta, lauta, toimi …) are not indexed as parts.

Two backends:

- **Voikko** (libvoikko + the Finnish morphology voikko-fi), when present: a
  real morphological analyser with compound structure (WORDBASES).
- **simplemma**, pip-only: a Finnish lemma dictionary plus rules; compounds are
  split by finding the longest known word at the end.  Measured against
  Snowball in benchmarks/relevance.py; see the README.

Words neither backend knows (names, codes, typos) are stemmed with the Finnish
Snowball stemmer, on both sides, so they still match across inflection.

Results are cached per word form; the backends load lazily on first use.  The
index records ``analyzer_id()``; a mismatch at query time asks for a rebuild.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from functools import lru_cache
from itertools import repeat
from typing import Any

from whoosh.analysis import Token, Tokenizer

# Words: letters/digits with inner hyphens or apostrophes (Hepo-oja,
# Päijät-Hämeessä, sote-palvelujen) and an optional ":n" case ending after an
# abbreviation (OKM:n); numbers with inner dots (23.1, 12.3.2024).
TOKEN = r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’-][^\W_]+)*(?::[^\W\d_]{1,4})?"

# Parts of compounds too generic to be worth a match on their own.
GENERIC_PARTS = frozenset(
    """kunta lauta toimi toiminta asia osa aika vuosi päivä kaupunki tieto ala oma uusi yhteis yleis erä
    kerta olo teko pito anto lisä koko paikka tila muoto laji tapa kohta puoli työ väli keskus esi jälki
    ensi ylä ali sisä ulko yli ali alus ajo käynti kulku luku määrä arvo hoito palvelu yksikkö""".split()
)

STOPWORDS = frozenset(
    """ja tai sekä että eli on ei ovat oli olivat ole olla sen se ne tämä tämän nämä siitä siihen jossa
    joka jotka jonka joiden kuin myös vain mutta kun jos niin kanssa mukaan osalta lisäksi tulee
    the and of""".split()
)

# --- backends ---------------------------------------------------------------------


class _Backend:
    name = "none"

    def analyse(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(lemmas, compound parts) of one word, all lower case."""
        raise NotImplementedError


@lru_cache(maxsize=1)
def _snowball():
    from whoosh.lang.snowball.finnish import FinnishStemmer

    return FinnishStemmer().stem


def _stem(word: str) -> str:
    return _snowball()(word)


class VoikkoBackend(_Backend):
    name = "voikko"

    def __init__(self):
        import libvoikko  # noqa: F401  (raises ImportError / OSError when missing)

        self._v = libvoikko.Voikko("fi")
        self._lock = threading.Lock()  # a Voikko handle is not thread-safe
        self._pieces: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def raw(self, word: str) -> list[dict]:
        with self._lock:
            return self._v.analyze(word)

    PIECES_CACHED = 100_000

    def _piece(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``analyse(piece)`` of a piece of a hyphenated word, cached: case
        ids and diary numbers (HEL-2024-001234, 5-273-9-1) are new words in
        every record, but their pieces repeat (a build of generated
        decisions spent 40-50 µs on each such word, one Voikko call per piece)."""
        hit = self._pieces.get(piece)
        if hit is None:
            hit = self.analyse(piece)
            if len(self._pieces) >= self.PIECES_CACHED:
                self._pieces.clear()
            self._pieces[piece] = hit
        return hit

    def analyse(self, word: str):
        analyses = self.raw(word)
        if not analyses and "-" in word:
            # DigiOne-hankkeen: analyse the pieces; the whole is their lemmas joined.
            each = [self._piece(p) for p in word.split("-") if p]
            lemma = "-".join(p[0][0] for p in each if p[0])
            return (lemma,), tuple(dict.fromkeys(x for p in each for x in p[0]))
        if not analyses:
            return self._unknown(word)
        lemmas: list[str] = []
        parts: list[str] = []
        for a in analyses:
            base = (a.get("BASEFORM") or word).lower()
            lemmas.append(base)
            parts += _wordbases_parts(a.get("WORDBASES") or "", base)
        pieces = [p for p in word.split("-") if p]
        if not parts and len(pieces) >= 2:
            # Voikko knows some hyphenated words as one segment
            # (+ELY-keskus(ELY-keskus)): their pieces are parts, so that
            # "ELY" finds ELY-keskukselle.
            for piece in pieces:
                lm = self._piece(piece)[0][0]
                if len(lm) >= 2 and lm not in GENERIC_PARTS:
                    parts.append(lm)
        return tuple(dict.fromkeys(lemmas)), tuple(dict.fromkeys(p for p in parts if p not in lemmas))


    def _unknown(self, word: str):
        """A word Voikko does not know (a rare name, a new compound): find the
        longest ending it knows as a noun or name and rebuild the base form
        from it (Honkimäen -> honki + mäki -> honkimäki).  Else Snowball."""
        w = word.lower()
        if len(w) >= 6 and w.isalpha():
            for i in range(1, len(w) - 3):
                tail = self.raw(w[i:])
                nouns = [a for a in tail if a.get("CLASS") in ("nimisana", "laatusana", "nimisana_laatusana", "paikannimi", "sukunimi")]
                if nouns:
                    base = (nouns[0].get("BASEFORM") or w[i:]).lower()
                    return (w[:i] + base,), ((base,) if len(base) >= 3 and base not in GENERIC_PARTS else ())
        return (_stem(w),), ()


_SEGMENT = re.compile(r"\+([^+()]*)(?:\(([^()]*)\))?")


def _wordbases_parts(wordbases: str, lemma: str) -> list[str]:
    """Compound parts from Voikko's WORDBASES, e.g.
    ``+sisä(sisä)+ilma(ilma)+seuranta(seuranta)`` -> sisä, ilma, seuranta,
    sisäilma, ilmaseuranta.  Derivational suffixes are merged into their stem
    (``+sivist(sivistää)+ys(+ys)`` -> sivistys).  Single generic parts (kunta,
    lauta …) are dropped; runs of two or more parts are kept (lautakunta)."""
    segs: list[tuple[str, str | None]] = []
    for m in _SEGMENT.finditer(wordbases.replace("++", "+")):
        surface, base = m.group(1), m.group(2)
        if base is not None:
            base = base.replace("=", "")  # Voikko's morpheme boundary: (Pohjan=maa)
        if surface == "-" or (not surface and not base):
            continue
        if base is not None and base.startswith("+") and segs:
            prev_surface, _ = segs[-1]
            segs[-1] = (prev_surface + surface, None)
        else:
            segs.append((surface, base))
    return _runs(segs, lemma)


def _runs(segs: list[tuple[str, str | None]], lemma: str) -> list[str]:
    """Every contiguous run of segments except the whole word: surfaces of
    all but the last segment, then the last segment's base form."""
    n = len(segs)
    if n < 2:
        return []
    out: list[str] = []
    for i in range(n):
        for j in range(i + 1, n + 1):
            if i == 0 and j == n:
                continue
            head_surface, head_base = segs[j - 1]
            word = "".join(sv for sv, _ in segs[i : j - 1]) + (head_base or head_surface)
            word = word.lower().strip("-")
            if j - i == 1 and word in GENERIC_PARTS:
                continue
            out.append(word)
    return [p for p in dict.fromkeys(out) if len(p) >= 3 and p != lemma]


class SimplemmaBackend(_Backend):
    name = "simplemma"

    def __init__(self):
        import simplemma

        self._lemmatize = simplemma.lemmatize
        self._known = simplemma.is_known

    def _lemma(self, word: str) -> str | None:
        if self._known(word, lang="fi"):
            return self._lemmatize(word, lang="fi").lower()
        return None

    def analyse(self, word: str):
        w = word.lower()
        lemma = self._lemma(w)
        parts: list[str] = []
        # Split a long word where both sides are known words (talous|arvion),
        # else at the longest known word at its end (kehittämis|hankkeen).
        if len(w) >= 7:
            split = None
            fallback = None
            for i in range(3, len(w) - 2):
                right = w[i:]
                r = self._lemma(right)
                if not r or len(r) < 3:
                    continue
                left = w[:i].rstrip("-")
                l_ = self._lemma(left)
                if l_:
                    split = (l_, r, i)
                    break
                if fallback is None and len(right) >= 5 and len(left) >= 4:
                    fallback = (left, r, i)
            split = split or fallback
            if split:
                left_part, r, i = split
                left_surface = w[:i].rstrip("-")
                # The left side may be a compound too (kiinteistö|vero|tuotto).
                segs: list[tuple[str, str | None]] = []
                inner = self.analyse(left_surface)[1] if len(left_surface) >= 7 else ()
                if inner and left_surface.endswith(inner[-1][-3:]):
                    segs = [(p, p) for p in inner if len(p) < len(left_surface)][:1]
                    rest = left_surface[len(segs[0][0]):] if segs and left_surface.startswith(segs[0][0]) else ""
                    segs = segs + [(rest, rest)] if rest else []
                if not segs:
                    segs = [(left_surface, left_part)]
                segs.append((r, r))
                parts += [r, left_part] + _runs(segs, lemma or w[:i] + r)
                if lemma is None:
                    lemma = w[:i] + r
        if lemma is None:
            lemma = self._lemmatize(w, lang="fi").lower() if "-" not in w else w
            if lemma == w:
                lemma = _stem(w)
        pieces = [p for p in w.split("-") if p]
        if len(pieces) >= 2:  # HSL-alueen: hsl, alue
            parts += [self._lemma(p) or p for p in pieces]
        parts = [p for p in dict.fromkeys(parts) if p != lemma and p not in GENERIC_PARTS and len(p) >= 3]
        return (lemma,), tuple(parts)


class SnowballBackend(_Backend):
    """The baseline: what Helsinki's decision search uses."""

    name = "snowball"

    def analyse(self, word: str):
        return (_stem(word.lower()),), ()


_BACKEND: _Backend | None = None
_BACKEND_LOCK = threading.Lock()


_NAME: str | None = None


def backend_name() -> str:
    """Which backend this process uses: $ARKISTO_ANALYZER, else Voikko when it
    loads, else simplemma.  Decided once per process (see ``reset``)."""
    global _NAME
    if _NAME is None:
        forced = os.environ.get("ARKISTO_ANALYZER", "").strip().lower()
        if forced in ("voikko", "simplemma", "snowball"):
            _NAME = forced
        else:
            _NAME = "voikko" if voikko_available() else "simplemma"
    return _NAME


def reset() -> None:
    """Forget the chosen backend and every cached analysis (tests switch
    backends through $ARKISTO_ANALYZER)."""
    global _NAME
    _NAME = None
    _analyse_word.cache_clear()
    _FAST.clear()


@lru_cache(maxsize=1)
def voikko_available() -> bool:
    try:
        import libvoikko

        libvoikko.Voikko("fi").terminate()
        return True
    except Exception:  # ImportError, OSError (no libvoikko.so), VoikkoException (no dictionary)
        return False


def get_backend(name: str | None = None) -> _Backend:
    global _BACKEND
    name = name or backend_name()
    if _BACKEND is not None and _BACKEND.name == name:
        return _BACKEND
    with _BACKEND_LOCK:
        if _BACKEND is None or _BACKEND.name != name:
            _BACKEND = {"voikko": VoikkoBackend, "simplemma": SimplemmaBackend, "snowball": SnowballBackend}[name]()
            _analyse_word.cache_clear()
    return _BACKEND


ANALYZER_VERSION = 6


def analyzer_id(name: str | None = None) -> str:
    return f"{name or backend_name()}/{ANALYZER_VERSION}"


@lru_cache(maxsize=500_000)
def _analyse_word(word: str, backend: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return get_backend(backend).analyse(word)


_FAST: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_FAST_NAME: str | None = None


def analyse_word(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lemmas, compound parts) of one surface word (any case).  Cached per
    surface form: a plain dict in front of the per-backend LRU cache."""
    global _FAST_NAME
    name = _NAME or backend_name()
    if name != _FAST_NAME:
        _FAST.clear()
        _FAST_NAME = name
    hit = _FAST.get(word)
    if hit is not None:
        return hit
    result = _analyse_uncached(word, name)
    if len(_FAST) > 1_000_000:
        _FAST.clear()
    _FAST[word] = result
    return result


def _analyse_uncached(word: str, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    w = unicodedata.normalize("NFC", word)
    if ":" in w:  # OKM:n -> OKM
        w = w.split(":", 1)[0]
    if w.isdigit():
        return (w,), ()
    if re.fullmatch(r"\d+(?:[.,]\d+)+", w):
        # Dates and section numbers: 12.03.2024 and 12.3.2024 are the same.
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", w):
            d, m, y = w.split(".")
            return (f"{int(d)}.{int(m)}.{y}",), ()
        return (w,), ()
    if w.isupper() and len(w) <= 6:  # abbreviations: OKM, OPH, AVI, ELY
        return (w.lower(),), ()
    return _analyse_word(w, name)


# --- Whoosh tokenizer ----------------------------------------------------------


_TOKEN_RE = re.compile(TOKEN)
_MEMO: tuple[object, list] = (None, [])


def analysed(text: str) -> list[tuple[int, int, tuple[str, ...], tuple[str, ...]]]:
    """(start, end, lemmas, parts) of every non-stop word of ``text``.  The
    last text is remembered by identity, so two fields indexed from the same
    string (lemmas and compound parts) analyse it once."""
    global _MEMO
    memo_text, memo = _MEMO
    if text is memo_text:
        return memo
    out = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group(0)
        if word.lower() in STOPWORDS:
            continue
        lemmas, parts = analyse_word(word)
        out.append((m.start(), m.end(), lemmas, parts))
    _MEMO = (text, out)
    return out


# Word forms index_words remembers: a build meets new ones to the end
# (numbers, names, case ids), so the cache is emptied when it is full; a
# word's analysis itself stays in the per-backend cache below it.
WORDS_CACHED = 200_000
_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]] | None] = {}
_WORDS_NAME: str | None = None
_WORDS_MEMO: tuple[object, list] = (None, [])
_UNSEEN = object()


def index_words(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(lemmas, parts) of every non-stop word of ``text``, in order: what
    indexing needs (``analysed`` without the offsets).  Cached per surface
    form, stop words included, and the last text remembered by identity (a
    record's lemma and parts fields are one string)."""
    global _WORDS_MEMO, _WORDS_NAME
    memo_text, memo = _WORDS_MEMO
    if text is memo_text:
        return memo
    name = _NAME or backend_name()
    if name != _WORDS_NAME:
        _WORDS.clear()
        _WORDS_NAME = name
    cache = _WORDS
    words = _TOKEN_RE.findall(text)
    # Looked up in one pass in C (a build indexes every word of every
    # record; the loop in Python was a sixth of a sub-writer's time), the
    # forms not seen yet filled in after.
    hits: list[Any] = list(map(cache.get, words, repeat(_UNSEEN)))
    if _UNSEEN in hits:
        for i, word in enumerate(words):
            if hits[i] is _UNSEEN:
                if word in cache:  # twice in this text
                    hits[i] = cache[word]
                    continue
                # Past the shared cache (analyse_word's): this one is the
                # indexer's, and a build would hold every word form twice.
                hit = index_form(word, name)
                if len(cache) > WORDS_CACHED:
                    cache.clear()
                hits[i] = cache[word] = hit
    out = list(filter(None, hits))  # stop words are None; an analysis is a pair
    _WORDS_MEMO = (text, out)
    return out


def index_form(word: str, name: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(lemmas, parts) of one surface word as ``index_words`` gives it, or
    None for a stop word (which takes no position), with backend ``name``."""
    return None if word.lower() in STOPWORDS else _analyse_uncached(word, name)


def active_backend() -> str:
    """The backend's name that analysis uses now."""
    return _NAME or backend_name()


# The words of a text as the index sees them (stop words included).
word_forms = _TOKEN_RE.findall


class FinnishTokenizer(Tokenizer):
    """Words to lemmas (``emit="lemmas"``) or to compound parts
    (``emit="parts"``) in one pass.

    Several lemmas of an ambiguous word share its position.  In a query
    phrase (Whoosh tokenizes phrases with chars=True) each position is one
    word: its first analysis, which the index also holds at that position.
    The parts field, queried, gives the query word's lemmas, so that a query
    word meets the parts of the compounds in the text."""

    def __init__(self, emit: str = "lemmas"):
        self.emit = emit

    def __eq__(self, other):
        return type(self) is type(other) and self.emit == other.emit

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        query = mode == "query"
        phrase = query and chars
        lemmas_out = self.emit == "lemmas"
        for pos, (start, end, lemmas, parts) in enumerate(analysed(value)):
            if lemmas_out or query:
                outs = lemmas[:1] if phrase else lemmas
            else:
                outs = parts
            for text in outs:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[start:end]
                if positions:
                    t.pos = start_pos + pos
                if chars:
                    t.startchar, t.endchar = start_char + start, start_char + end
                yield t


def text_analyzer():
    """Lemmas: the main text fields."""
    return FinnishTokenizer("lemmas")


def parts_analyzer():
    """Compound parts: a field of its own, weighted lower than whole words."""
    return FinnishTokenizer("parts")


def tokens_with_offsets(text: str, start: int = 0, end: int | None = None):
    """(start, end, terms) for each word of ``text`` (of ``text[start:end]``,
    offsets in ``text``; ``start`` and ``end`` between words): its lemmas and
    parts, lazily.  Used to highlight inflected matches in snippets and the
    detail pane."""
    global _FORMS_NAME
    name = _NAME or backend_name()
    if name != _FORMS_NAME:
        _FORMS.clear()
        _FORMS_NAME = name
    forms_of = _FORMS.get
    for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        word = m.group(0)
        forms = forms_of(word)
        if forms is None:
            if len(_FORMS) > 200_000:
                _FORMS.clear()
            if word.lower() in STOPWORDS:
                forms = _FORMS[word] = _NO_FORMS
            else:
                lemmas, parts = analyse_word(word)
                forms = _FORMS[word] = frozenset(lemmas) | frozenset(parts)
        if forms is not _NO_FORMS:
            yield m.start(), m.end(), forms


# Each surface word's lemmas and parts as one set, for highlighting: one
# dictionary look-up per word of a snippet's text instead of two sets built
# (a third of a search's time at 100k was snippets).  A stop word's is
# _NO_FORMS (compared by identity), and it is skipped.
_FORMS: dict[str, frozenset[str]] = {}
_FORMS_NAME: str | None = None
_NO_FORMS: frozenset[str] = frozenset(["\0stop"])
