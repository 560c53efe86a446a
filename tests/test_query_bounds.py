"""Long, hostile and decomposed queries: bounded work, a note that says
what was cut, and NFD typed queries find the NFC documents."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

from arkisto.search.query import MAX_QUERY_CHARS, MAX_WORD_CHARS, bound_query
from arkisto.search.service import SearchService


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def test_a_100kb_word_is_bounded_and_says_so(facet_index: Path):
    with SearchService(facet_index) as svc:
        svc.search("hanke")  # warm
        res = svc.search("x" * 100_000)
        assert res.total == 0
        assert any("long" in h for h in res.hints)
        assert any(str(MAX_WORD_CHARS) in h for h in res.hints)
        # The work does not grow with the query past the bound: a query
        # 100 times longer costs about what the bound costs.
        short = _cpu(lambda: svc.search("y" * 1000))
        long = _cpu(lambda: svc.search("z" * 100_000))
        assert long < 5 * short + 0.05


def test_many_words_are_cut_at_a_word_boundary():
    q, hints = bound_query("hanke " * 50_000)
    assert len(q) <= MAX_QUERY_CHARS and q.endswith("hanke")
    assert hints


def test_control_characters_are_not_searched():
    q, _ = bound_query("han\x1b[31mke\x00 koulu\u202e")
    assert "\x1b" not in q and "\x00" not in q and "\u202e" not in q


def test_nfd_query_finds_nfc_documents(facet_index: Path):
    with SearchService(facet_index) as svc:
        nfc = svc.search("myöntäminen")
        nfd = svc.search(unicodedata.normalize("NFD", "myöntäminen"))
        assert nfc.total == nfd.total == 1
        by_filter = svc.search("", filters={"committee": [unicodedata.normalize("NFD", "Tekninen lautakunta")]})
        assert by_filter.total == 1
