"""Swedish analysis: lower case, folding that keeps å, ä and ö, stop words,
and the Snowball Swedish stemmer.

Bilingual and Swedish-speaking municipalities publish *protokoll*; a
Swedish record's text goes to fields of its own (``text_sv``,
``title_sv``) analysed here, and a query searches them beside the Finnish
ones, so that ``beslut`` finds *besluten* and ``detaljplan`` finds
*detaljplanen*.

- **Folding.**  Lower case and NFC; other accents go (idé = ide, Müller =
  Muller), æ and ø are read as ä and ö, but å, ä and ö stay letters of
  their own (*får* is not *far*, *för* is not *for*).
- **Stop words.**  Snowball's Swedish list, and the Finnish stop words too,
  so that a Finnish stop word in a query (ja, on) never becomes a word that
  only Swedish records are asked to have.
- **Stemming.**  Snowball Swedish, then the neuter definite ending *-et*
  that Snowball leaves (beslutet, förslaget, ärendet, protokollet ->
  beslut, förslag, ärend, protokoll): minutes are full of them.

Words are cut as the Finnish analysis cuts them (``analysis.TOKEN``), so
highlights fall on the same spans in both languages.  Stop words take no
position, as in the Finnish fields, so a phrase spans them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from .analysis import _TOKEN_RE
from .analysis import STOPWORDS as FINNISH_STOPWORDS

_KEEP = frozenset("åäö")
_NORDIC = str.maketrans({"æ": "ä", "ø": "ö"})


def fold(word: str) -> str:
    """Lower case, without accents other than those of å, ä and ö."""
    w = unicodedata.normalize("NFC", word).lower().translate(_NORDIC)
    if w.isascii():
        return w
    out = []
    for ch in w:
        if ch in _KEEP or ch.isascii():
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append(base or ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from whoosh.lang.stopwords import stoplists

    return frozenset(fold(w) for w in stoplists["sv"]) | FINNISH_STOPWORDS


@lru_cache(maxsize=1)
def _stemmer():
    from whoosh.lang.snowball.swedish import SwedishStemmer

    return SwedishStemmer().stem


def is_stopword(word: str) -> bool:
    return fold(word) in _stopwords()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index term of one word (any case), or "" for a stop word."""
    w = fold(word)
    if ":" in w:  # HEL:s, KHO:s -> hel, kho
        w = w.split(":", 1)[0]
    if w in _stopwords():
        return ""
    if not w.isalpha() and not any(c.isalpha() for c in w):
        return w  # numbers and dates as written
    s = _stemmer()(w)
    if s.endswith("et") and len(s) >= 6 and any(c in "aeiouyåäö" for c in s[:-2]):
        s = s[:-2]
    return s


def words(text: str):
    """(start, end, term) of every word of ``text`` that is not a stop word."""
    for m in _TOKEN_RE.finditer(text):
        term = stem(m.group(0))
        if term:
            yield m.start(), m.end(), term


class SwedishTokenizer(Tokenizer):
    """Words to Swedish stems, positions counted over the words kept."""

    def __eq__(self, other):
        return type(self) is type(other)

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
        for pos, (start, end, term) in enumerate(words(value)):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def swedish_analyzer():
    return SwedishTokenizer()


def tokens_with_offsets(text: str):
    """(start, end, terms) of each word, as ``analysis.tokens_with_offsets``
    gives them for Finnish text (for highlighting Swedish records)."""
    for start, end, term in words(text):
        yield start, end, {term}
