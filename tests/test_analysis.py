"""Finnish analysis: inflection, gradation, compounds, names, identifiers and
diacritic folding, on both backends; and the analyzer-mismatch message."""

from __future__ import annotations

from pathlib import Path

import pytest

from arkisto.search import analysis
from arkisto.search.analysis import analyse_word, voikko_available
from arkisto.search.highlight import match_spans

BACKENDS = ["simplemma"] + (["voikko"] if voikko_available() else [])


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    monkeypatch.setenv("ARKISTO_ANALYZER", request.param)
    analysis.reset()
    yield request.param
    monkeypatch.undo()
    analysis.reset()


def lemma(word: str) -> str:
    return analyse_word(word)[0][0]


@pytest.mark.parametrize("a,b", [
    ("luvan", "lupa"), ("kaupan", "kauppa"), ("päätöksen", "päätös"), ("hankkeet", "hankkeen"),
    ("Lapuan", "Lapua"), ("Helsingin", "Helsinki"), ("rakennusluvan", "rakennuslupa"),
    ("esityslistan", "esityslista"), ("Halosen", "Halonen"), ("Hepo-ojan", "Hepo-oja"),
])
def test_inflected_forms_share_a_lemma(backend, a, b):
    assert lemma(a) == lemma(b)


@pytest.mark.parametrize("word,part", [
    ("kehittämishankkeen", "hanke"), ("rakennusluvan", "lupa"), ("rakennusluvan", "rakennus"),
    ("sivistyslautakunnan", "lautakunta"), ("varhaiskasvatukseen", "kasvatus"), ("perusopetuksessa", "opetus"),
    # Hyphenated: the abbreviation before the hyphen ("ELY" finds ELY-keskukselle).
    ("ELY-keskukselle", "ely"), ("ARA-tonttien", "ara"), ("Etelä-Pohjanmaan", "pohjanmaa"),
])
def test_compounds_split_into_parts(backend, word, part):
    assert part in analyse_word(word)[1]


def test_parts_are_plain_words(backend):
    """No morpheme marks or hyphens leak into parts (Voikko writes Pohjan=maa)."""
    for word in ("Etelä-Pohjanmaan", "ELY-keskukselle", "Hepo-ojan", "kehittämishankkeen"):
        assert all(p.replace("-", "").isalpha() and "=" not in p for p in analyse_word(word)[1]), word


def test_generic_parts_are_not_indexed(backend):
    assert "kunta" not in analyse_word("lautakunnan")[1]
    assert "kunta" not in analyse_word("sivistyslautakunnan")[1]


def test_abbreviations_and_identifiers(backend):
    assert lemma("OKM:n") == "okm"
    assert lemma("12.03.2024") == lemma("12.3.2024") == "12.3.2024"
    assert lemma("23.1") == "23.1"


def test_highlight_marks_inflected_and_compound_matches(backend):
    text = "Rakennusluvan myöntäminen ja kehittämishankkeen rahoitus"
    spans = match_spans(text, {lemma("lupa")})
    assert [text[a:b] for a, b in spans] == ["Rakennusluvan"]
    spans = match_spans(text, {"hanke"})
    assert [text[a:b] for a, b in spans] == ["kehittämishankkeen"]


def test_service_whole_word_ranks_above_part_and_folding(tmp_path: Path, backend):
    import json

    from arkisto.search.indexer import index_paths
    from arkisto.search.service import SearchService
    from helpers import decision

    recs = [
        decision(id="part", title="Kehittämishankkeen raportti", proposal="Merkitään raportti tiedoksi."),
        decision(id="whole", title="Hanke käynnistyy", proposal="Hanke hyväksytään."),
        decision(id="other", title="Katujen kunnossapito", proposal="Päätös kunnossapidosta."),
    ]
    (tmp_path / "r.json").write_text(json.dumps(recs), encoding="utf-8")
    index_paths([tmp_path / "r.json"], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        assert [h.id for h in svc.search("hanke").hits] == ["whole", "part"]
        assert [h.id for h in svc.search("hankkeen").hits] == ["whole", "part"]
        # Typed without ä/ö: still found.
        assert [h.id for h in svc.search("paatos").hits] == ["other"]
        # Generic parts do not flood: "kunta" is not in "kunnossapito"s parts either way.
        assert svc.search("lupa").total == 0


def test_analyzer_mismatch_asks_for_rebuild(tmp_path: Path, monkeypatch):
    from arkisto.errors import RebuildNeededError
    from arkisto.search.indexer import index_paths
    from arkisto.search.service import SearchService
    from helpers import HEINOLA

    monkeypatch.setenv("ARKISTO_ANALYZER", "snowball")
    analysis.reset()
    try:
        index_paths([HEINOLA], tmp_path / "ix")
        monkeypatch.setenv("ARKISTO_ANALYZER", "simplemma")
        analysis.reset()
        with pytest.raises(RebuildNeededError) as e:
            SearchService(tmp_path / "ix")
        assert "snowball" in str(e.value) and "--rebuild" in str(e.value)
    finally:
        monkeypatch.undo()
        analysis.reset()


_WORDS = ["päätös", "päätöksellä", "ja", "hankkeeseen", "kaupunginhallitus", "Heinolan", "sekä", "rakennusluvan",
          "oli", "KEHITTÄMISHANKE", "ei", "Kouluverkkoa", "Tampere", "xqzw", "ettei", "tilinpäätös-", "ELY-keskus"]


def _reference_tokens(text: str):
    """tokens_with_offsets as it was before its per-word cache."""
    for m in analysis._TOKEN_RE.finditer(text):
        word = m.group(0)
        if word.lower() in analysis.STOPWORDS:
            continue
        lemmas, parts = analyse_word(word)
        yield m.start(), m.end(), set(lemmas) | set(parts)


def test_highlight_tokens_are_the_words_analyses_in_any_text_and_after_a_backend_switch():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    seps = st.sampled_from([" ", "  ", ", ", ". ", "\n", " (", ") ", " – ", "/", "3 ", "§ "])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(_WORDS), seps), max_size=40))
    def same(parts):
        text = "".join(w + s for w, s in parts)
        got = [(a, b, set(f)) for a, b, f in analysis.tokens_with_offsets(text)]
        assert got == list(_reference_tokens(text))
        # The cache answers the same the second time.
        assert [(a, b, set(f)) for a, b, f in analysis.tokens_with_offsets(text)] == got

    same()
    # Another backend's analyses are not served from the first one's cache.
    before = analysis._FORMS_NAME
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analysis, "_NAME", "simplemma")
        text = "hankkeeseen päätöksellä Heinolan"
        assert [(a, b, set(f)) for a, b, f in analysis.tokens_with_offsets(text)] == list(_reference_tokens(text))
        assert analysis._FORMS_NAME == "simplemma" != before or before == "simplemma"


def test_index_words_are_each_words_analysis_in_any_text():
    """``index_words`` (the build's analysis, looked up in one pass with the
    forms not yet seen filled in after) gives every non-stop word's
    analysis in order, the same on a cold cache, a warm one, and one that
    fills up and is cleared in the middle of a text."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    name = analysis.backend_name()
    words = _WORDS + ["ja", "on", "HEL-2024-001234", "5-273-9-1", "OKM:n", "12.3.2024", "§", "DigiOne-hankkeen"]
    seps = st.sampled_from([" ", ", ", ". ", "\n", " (", ") ", " – ", "/"])

    def reference(text: str) -> list:
        out = []
        for w in analysis._TOKEN_RE.findall(text):
            if w.lower() not in analysis.STOPWORDS:
                out.append(analysis._analyse_uncached(w, name))
        return out

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(words), seps), max_size=30), st.booleans())
    def same(parts, cold):
        text = "".join(w + s for w, s in parts)
        if cold:
            analysis._WORDS.clear()
        assert analysis.index_words(text) == reference(text)
        assert analysis.index_words(text + " ") == reference(text)  # warm, another string

    same()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analysis, "WORDS_CACHED", 3)  # cleared again and again within one text
        analysis._WORDS.clear()
        text = " ".join(_WORDS * 2)
        assert analysis.index_words(text) == reference(text)


@pytest.mark.skipif(not voikko_available(), reason="Voikko's hyphenated words")
def test_hyphenated_words_analyse_the_same_with_their_pieces_cached():
    """Case ids and diary numbers (HEL-2024-001234) are new words in every
    record; their pieces are cached.  The analyses are the same with the
    cache cold, warm and cleared when full."""
    from arkisto.search.analysis import VoikkoBackend

    words = ["HEL-2024-001234", "5-273-9-1", "2019-06-17", "DigiOne-hankkeen", "ELY-keskukselle",
             "talousarvio-2024", "bench-1-0003645", "Itä-Uudenmaan", "-", "a--b", "EU-hanke"]
    cold = VoikkoBackend()
    expected = {}
    for w in words:
        cold._pieces.clear()
        expected[w] = cold.analyse(w)
    warm = VoikkoBackend()
    warm.PIECES_CACHED = 4  # type: ignore[misc]
    for _round in range(3):
        for w in words:
            assert warm.analyse(w) == expected[w], w
    assert len(warm._pieces) <= 4
    assert expected["HEL-2024-001234"] == (("hel-2024-001234",), ("hel", "2024", "001234"))
