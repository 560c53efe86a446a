"""Swedish as a language of the archive: Swedish records are searched with
Swedish analysis (Snowball Swedish, folding that keeps å/ä/ö, Swedish stop
words), beside the Finnish fields, and their matches are highlighted.

The records are Ahjo API decisions in Swedish, written from the Swedish
record of ../shared/corpus/helsinki-ahjo/decisions.json (its shape, its
``lang="sv"``; the third record is that record itself)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arkisto.search import swedish
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import FIXTURES

SWEDISH = FIXTURES / "helsinki-ahjo-sv" / "decisions-sv.json"
FINNISH = FIXTURES / "helsinki-ahjo" / "decisions.json"
PLAN = "Detaljplaneändring för tomterna i Kampen (nr 12700)"
BUDGET = "Stadsfullmäktiges beslut om budgeten för år 2022"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    ix = tmp_path_factory.mktemp("sv") / "ix"
    report = index_paths([SWEDISH, FINNISH], ix)
    assert report.records == 3 + 83, report.problems
    return ix


def _titles(svc: SearchService, query: str, **kw) -> list[str]:
    return [h.title for h in svc.search(query, **kw).hits]


def test_the_records_are_swedish(index: Path):
    with SearchService(index) as svc:
        langs = {h.title: h.record.language for h in svc.search("", limit=100).hits}
    assert langs[PLAN] == langs[BUDGET] == "sv"


@pytest.mark.parametrize("query, title", [
    ("beslut", PLAN),  # "Besluten om tomtöverlåtelsen"
    ("beslut", BUDGET),  # "Beslutet fattades"
    ("besluten", BUDGET),
    ("detaljplan", PLAN),  # "detaljplanen", "Detaljplanen"
    ("stadsstyrelsen", PLAN),  # "Stadsstyrelsen föreslår"
    ("stadsstyrelse", PLAN),
    ("förslag", PLAN),  # "Förslaget godkändes"
    ("förslaget godkändes", PLAN),
    ('"förslaget godkändes"', PLAN),
    ("budget", BUDGET),  # "budgeten"
    ("ekonomiplan", BUDGET),  # "ekonomiplanen"
])
def test_swedish_words_find_their_inflected_forms(index: Path, query: str, title: str):
    with SearchService(index) as svc:
        res = svc.search(query)
        assert title in [h.title for h in res.hits if not h.missing], (query, [h.title for h in res.hits])


def test_swedish_stop_words_ask_nothing_of_swedish_records(index: Path):
    # "för" is a Swedish stop word: the plan has every word that counts.
    with SearchService(index) as svc:
        res = svc.search("detaljplan för Kampen")
        assert res.hits[0].title == PLAN
        assert not res.hits[0].missing
        assert res.all_words_total in (None, 1)


def test_a_finnish_stop_word_is_not_a_swedish_requirement(index: Path):
    with SearchService(index) as svc:
        with_ja = {h.id for h in svc.search("asukasvalinnat ja asumisoikeus").hits if not h.missing}
        without = {h.id for h in svc.search("asukasvalinnat asumisoikeus").hits if not h.missing}
    assert with_ja == without and with_ja


def test_a_word_typed_without_a_umlaut_finds_the_swedish_form(index: Path):
    with SearchService(index) as svc:
        assert PLAN in _titles(svc, "forslaget")


def test_swedish_matches_are_highlighted(index: Path):
    with SearchService(index) as svc:
        for query, words in (("beslut", {"besluten", "beslutet"}), ("detaljplan", {"detaljplanen"}),
                             ("förslaget godkändes", {"förslaget", "godkändes"})):
            for hit in svc.search(query).hits:
                if hit.title in (PLAN, BUDGET) and not hit.missing:
                    shown = {hit.snippet[a:b].lower() for a, b in hit.highlights}
                    assert shown & words, (query, hit.snippet, shown)


def test_detail_pane_highlights_swedish_words(index: Path):
    from arkisto.i18n import Strings
    from arkisto.tui.present import MATCH, record_text

    with SearchService(index) as svc:
        res = svc.search("detaljplan")
        hit = next(h for h in res.hits if h.title == PLAN)
        text = record_text(hit.record, Strings("fi"), res.terms)
    lit = {text.plain[span.start:span.end].lower() for span in text.spans if str(span.style) == MATCH}
    assert "detaljplanen" in lit, lit


def test_finnish_queries_do_not_match_swedish_text(index: Path):
    # Finnish analysis never reads Swedish text: "päätös" finds Finnish
    # decisions only, as before.
    with SearchService(index) as svc:
        langs = {h.record.language for h in svc.search("päätös", limit=200).hits}
    assert langs == {"fi"}


def test_analysis_keeps_a_ring_and_umlauts():
    assert swedish.stem("får") != swedish.stem("far")
    assert swedish.stem("för") == ""  # a stop word
    assert swedish.stem("Idé") == swedish.stem("ide")
    assert swedish.stem("Besluten") == swedish.stem("beslut") == swedish.stem("beslutet")
    assert swedish.stem("förslaget") == swedish.stem("förslag")
    assert swedish.stem("detaljplanens") == swedish.stem("detaljplan")


def test_swedish_record_in_arkisto_json_is_searched_in_swedish(tmp_path: Path):
    import json

    from helpers import decision

    src = tmp_path / "src"
    src.mkdir()
    (src / "r.json").write_text(json.dumps([
        decision(id="sv1", language="sv", committee="Stadsstyrelsen", title="Ärendet bordlades",
                 decision="Stadsstyrelsen beslöt att bordlägga ärendet."),
    ], ensure_ascii=False), encoding="utf-8")
    index_paths([src], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        assert [h.id for h in svc.search("ärende").hits] == ["sv1"]
        ex = svc.explain("ärenden")
        assert ex["words"][0]["swedish_stem"] == swedish.stem("ärende")


@pytest.mark.parametrize("query", ["för", "och för", "ekonomiplan OR och"])
def test_stop_words_alone_or_with_operators_match_no_swedish_record_by_themselves(index: Path, query: str):
    with SearchService(index) as svc:
        titles = _titles(svc, query, limit=200)
    assert PLAN not in titles

