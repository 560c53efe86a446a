"""Snippets of long records: up to the first match worth showing, only the
words that look like a match are analysed (highlight._located).  The
snippet is the one that reading every word gives whenever the matches keep
their term's first letters, and a match that does not (ajan for aika) is
still found when nothing else looks like one."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arkisto.search import analysis, highlight
from arkisto.search.analysis import analyse_word

FILLER = ("kokous todettiin laillisesti koolle kutsutuksi ja päätösvaltaiseksi pöytäkirjan tarkastajiksi "
          "valittiin esittelijä ehdotus hyväksyttiin yksimielisesti liitteenä oleva selvitys merkittiin "
          "tiedoksi valtuutettu kysyi asiasta lisätietoja kokouksen puheenjohtaja totesi keskustelun "
          "päättyneen").split()


def _terms(word: str) -> set[str]:
    lemmas, parts = analyse_word(word)
    return set(lemmas) | set(parts)


def _every_word(text, terms, prefer=None):
    """The snippet as reading every word from the start gives it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(highlight, "_located", lambda *a: None)
        return highlight.snippet(text, terms, prefer=prefer)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 3000),
       forms=st.lists(st.sampled_from(["hankkeen", "hanke", "hankkeessa", "hankkeita",
                                       "kehittämishankkeen", "Hankkeelle"]), min_size=0, max_size=6),
       breaks=st.sampled_from([" ", "\n", "\n\n", " \t "]))
def test_the_snippet_is_the_one_every_word_gives(seed, n, forms, breaks):
    rng = random.Random(seed)
    words = [rng.choice(FILLER) for _ in range(n)]
    for f in forms:  # the matches anywhere, in any order
        words.insert(rng.randint(0, len(words)), f)
    text = breaks.join(words)
    terms = _terms("hanke")
    assert highlight.snippet(text, terms) == _every_word(text, terms)
    # and with the query's own word preferred over an added one
    extra = _terms("kokous")
    assert highlight.snippet(text, terms | extra, prefer=terms) == _every_word(text, terms | extra, prefer=terms)


def test_a_match_deep_in_a_long_record_analyses_few_words(monkeypatch):
    """An annual report of 250,000 characters with the word near its end:
    the snippet shows it, and the words before it are not analysed."""
    analysed: list[str] = []
    real = analysis._analyse_uncached

    def spy(word, name):
        analysed.append(word)
        return real(word, name)

    monkeypatch.setattr(analysis, "_analyse_uncached", spy)
    monkeypatch.setattr(analysis, "_FORMS", {})
    monkeypatch.setattr(analysis, "_FAST", {})
    rng = random.Random(3)
    # made-up words no cache has seen, as a real archive's are
    words = ["".join(rng.choice("klmnoprstuvy") for _ in range(7)) + "ssa" for _ in range(30_000)]
    words.insert(29_000, "hankkeen")
    text = " ".join(words)
    snip, spans = highlight.snippet(text, _terms("hanke"))
    assert [snip[a:b] for a, b in spans] == ["hankkeen"]
    assert len(analysed) < 200, len(analysed)


def test_a_match_that_keeps_no_first_letters_is_still_found(monkeypatch):
    """Nothing in the text looks like the term (ajan, of aika, keeps only its
    first letter): every word is read, as before.  The analysis of ajan is
    given (Voikko knows it; the pip-only analyser may not), so the test
    runs with either."""
    list(analysis.tokens_with_offsets(""))  # the forms cache is now the current backend's
    monkeypatch.setitem(analysis._FORMS, "ajan", frozenset({"aika"}))
    text = "Päätös on voimassa ajan 10.9.-9.10.2021 tai kunnes toisin päätetään."
    snip, spans = highlight.snippet(text, {"aika"})
    assert [snip[a:b] for a, b in spans] == ["ajan"]


def test_a_date_is_found_however_it_is_written():
    """12.03.2024 is read as 12.3.2024: the date's day is what it looks for."""
    terms = _terms("12.3.2024") | _terms("hanke")
    text = " ".join(FILLER * 40) + " päätös tehtiin 12.03.2024 ja " + " ".join(FILLER * 40) + " hankkeen"
    snip, spans = highlight.snippet(text, terms, prefer=_terms("12.3.2024"))
    assert "12.03.2024" in [snip[a:b] for a, b in spans]
    assert (snip, spans) == _every_word(text, terms, prefer=_terms("12.3.2024"))
