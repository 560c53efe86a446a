"""Highlighting that understands Finnish: a word in the text is a match when
one of its lemmas or compound parts is a query term, so ``luvan`` lights up
for ``lupa`` and ``kehittämishankkeen`` for ``hanke``.  A Swedish record's
text is read with the Swedish analysis it was indexed with (``besluten``
lights up for ``beslut``)."""

from __future__ import annotations

from . import analysis, swedish


def tokens_with_offsets(text: str, lang: str | None = None):
    """(start, end, terms) of each word, analysed as the record's language is."""
    return swedish.tokens_with_offsets(text) if lang == "sv" else analysis.tokens_with_offsets(text)


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
        # Read only as far as needed: enough distinct matches, or well past
        # the first preferred one (records can be long; only the window is
        # shown).  Without any preferred match, read to the end.
        distinct: set[str] = set()
        first_pref = -1
        for a, b, forms in tokens_with_offsets(flat, lang):
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
