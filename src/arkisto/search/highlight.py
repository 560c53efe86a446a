"""Highlighting that understands Finnish: a word in the text is a match when
one of its lemmas or compound parts is a query term, so ``luvan`` lights up
for ``lupa`` and ``kehittämishankkeen`` for ``hanke``.  A Swedish record's
text is read with the Swedish analysis it was indexed with (``besluten``
lights up for ``beslut``)."""

from __future__ import annotations

import re

from . import analysis, swedish


def tokens_with_offsets(text: str, lang: str | None = None, start: int = 0):
    """(start, end, terms) of each word (from ``start``, a word's start),
    analysed as the record's language is."""
    if lang == "sv":
        return (t for t in swedish.tokens_with_offsets(text) if t[0] >= start)
    return analysis.tokens_with_offsets(text, start)


# Where a word matching a term may be, without analysing it: the word holds
# the term's first letters, two to four of them (two short of the whole
# term: luvan for lupa, hankkeen for hanke, kehittämishankkeen for its part
# hanke).  Inflection and compounding keep a word's first letters in all
# but a few forms (ajan for aika); a match that is missed so is still
# found when no word looks like one, or in the window around one that does.
# A number's leading digits only: 12.03.2024 is read as 12.3.2024.
def _prefix(term: str) -> str:
    digits = _DIGITS.match(term)
    if digits:
        return digits.group(0)[:4]
    return term[:min(4, max(2, len(term) - 2))]


_DIGITS = re.compile(r"\d+")


def _located(flat: str, terms: set[str], prefer: set[str], lang: str | None):
    """The matches up to the first one worth showing (of ``prefer``, or any
    when ``prefer`` is empty), analysing only the words that look like a
    match (``_prefix``), and where to read on from: ``([(start, end,
    preferred)], offset)``.  None when no word looks like a match (read
    every word).  Swedish words are stemmed, not analysed: every word is
    read."""
    if lang == "sv":
        return None
    prefixes = sorted({_prefix(t) for t in terms if t}, key=len, reverse=True)
    if not prefixes:
        return None
    looks = re.compile("|".join(map(re.escape, prefixes)), re.IGNORECASE)
    out: list[tuple[int, int, bool]] = []
    pos, n = 0, len(flat)
    while pos < n:
        m = looks.search(flat, pos)
        if m is None:
            break
        start = flat.rfind(" ", 0, m.start()) + 1
        end = flat.find(" ", m.end())
        end = n if end < 0 else end
        for a, b, forms in analysis.tokens_with_offsets(flat, max(start, pos), end):
            if not forms.isdisjoint(terms):
                wanted = not prefer or not forms.isdisjoint(prefer)
                out.append((a, b, wanted))
                if wanted:
                    return out, b
        pos = end
    return (out, n) if out else None


def match_spans(text: str, terms: set[str], lang: str | None = None) -> list[tuple[int, int]]:
    """[start, end) of every word in ``text`` that matches one of ``terms``."""
    if not terms or not text:
        return []
    return [(a, b) for a, b, forms in tokens_with_offsets(text, lang) if not forms.isdisjoint(terms)]


def snippet(text: str, terms: set[str], maxchars: int = 240,
            prefer: set[str] | None = None, lang: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The window of ``text`` (one line, at most ``maxchars``) with the most
    distinct matched words, and the match offsets inside it.  A window with
    a word of ``prefer`` (the query's own words, not the head words and
    forms added for them) wins over one without, wherever it is."""
    flat = " ".join(text.split())
    prefer = terms if prefer is None else prefer & terms
    spans: list[tuple[int, int]] = []
    preferred: set[int] = set()  # indexes into spans
    if terms:
        # Up to the first match worth showing only the words that look like
        # one are analysed (``_located``); from there on every word.
        found = _located(flat, terms, prefer, lang)
        if found is None:  # nothing looked like a match: every word, as the
            found = [], 0  # analysis may know a form no prefix gives
        early, after = found
        spans = [(a, b) for a, b, _wanted in early]
        preferred = {i for i, (_a, _b, wanted) in enumerate(early) if wanted and prefer}
        first_pref = min((a for a, _b, wanted in early if wanted and prefer), default=-1)
        distinct = {flat[a:b].lower() for a, b in spans}
        if not (len(distinct) >= 4 and (first_pref >= 0 or not prefer)):
            # Read only as far as needed: enough distinct matches, or well
            # past the first preferred one (records can be long; only the
            # window is shown).  Without any preferred match, read to the end.
            for a, b, forms in tokens_with_offsets(flat, lang, after):
                if not forms.isdisjoint(terms):
                    if not forms.isdisjoint(prefer):
                        preferred.add(len(spans))
                        first_pref = a if first_pref < 0 else first_pref
                    spans.append((a, b))
                    distinct.add(flat[a:b].lower())
                    if len(distinct) >= 4 and (first_pref >= 0 or not prefer):
                        break
                if first_pref >= 0 and a > first_pref + 2 * maxchars:
                    break
                if not prefer and spans and a > spans[0][0] + 2 * maxchars:
                    break
    if not spans:
        if len(flat) > maxchars:
            cut = flat[: maxchars - 1].rsplit(" ", 1)[0]
            return cut + " …", []
        return flat, []
    # Slide a window over the matches; prefer a preferred word, then more
    # distinct words, then earlier.
    best = (0, 0)
    best_score = (False, -1, 0)
    for i, (a, _b) in enumerate(spans):
        words = set()
        has_pref = False
        for j in range(i, len(spans)):
            a2, b2 = spans[j]
            if b2 - a > maxchars - 40:
                break
            words.add(flat[a2:b2].lower())
            has_pref = has_pref or j in preferred
        score = (has_pref, len(words), -a)
        if score > best_score:
            best_score, best = score, (i, a)
    _i, first = best
    start = max(0, first - 60)
    if start:
        space = flat.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and first - space < 90 else start
    end = min(len(flat), start + maxchars)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > first else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(flat) else ""
    window = flat[start:end]
    out = [(a - start + len(prefix), b - start + len(prefix)) for a, b in spans if a >= start and b <= end]
    return prefix + window + suffix, out
