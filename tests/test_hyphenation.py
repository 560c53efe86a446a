"""Words broken across lines in PDF text: joined when the lexicon says the
whole is one word, kept hyphenated when the hyphen is the word's own."""

from __future__ import annotations

import pytest

from arkisto import lexicon
from arkisto.text import hyphen_kept, join_lines


@pytest.mark.parametrize("text,expected", [
    ("palveluko-\ndin asukkaat", "palvelukodin asukkaat"),
    ("kau-\npunkilaisille tiedotettiin", "kaupunkilaisille tiedotettiin"),
    ("asema-\nkaavaluonnos on nähtävillä", "asemakaavaluonnos on nähtävillä"),
    ("Nuorisotyö Päijät-\nHämeessä", "Nuorisotyö Päijät-Hämeessä"),  # a capital after the hyphen
    ("välillä Seinäjoki–Jyväskylä-\nradan liikennöinti", "välillä Seinäjoki–Jyväskylä-radan liikennöinti"),
    ("hanke ja DigiOne-\nhankkeen seuranta", "hanke ja DigiOne-hankkeen seuranta"),  # a name
    ("ennen maa-\nainesten ottoa", "ennen maa-ainesten ottoa"),  # the same vowel on both sides
    ("sosiaali-\nja terveystoimi", "sosiaali- ja terveystoimi"),  # a hanging hyphen
    ("social-\noch hälsovården", "social- och hälsovården"),
    ("uusi EU-\nrahoitus", "uusi EU-rahoitus"),
    ("sivulla invest-\nkauhava.fi kerrotaan", "sivulla invest-kauhava.fi kerrotaan"),
])
def test_line_break_hyphens(text, expected):
    assert join_lines(text) == expected


def test_without_a_lexicon_orthography_decides(monkeypatch):
    monkeypatch.setattr(lexicon, "known", lambda word: None)
    assert join_lines("palveluko-\ndin") == "palvelukodin"
    assert join_lines("alue Päijät-\nHämeessä") == "alue Päijät-Hämeessä"
    assert hyphen_kept("Hepo", "oja") is not False  # o-o: written with a hyphen


def test_search_finds_a_word_broken_across_lines(tmp_path):
    """The Kauhava report breaks hundreds of words at line ends
    ("palveluko-din"); a search for the word finds it."""
    from arkisto.search.indexer import index_paths
    from arkisto.search.service import SearchService
    from helpers import FIXTURES

    report = FIXTURES / "annual-reports"
    index_paths([report], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        for word in ("palvelukoti", "kaupunkilainen"):
            res = svc.search(word)
            assert res.total >= 1, word
            assert any("kauhava" in h.source["path"] for h in res.hits)
