"""A search may leave the snippets of the hits below the screen for later
(``search(snippets=N)``, then ``fill_snippets``): the TUI paints the hits
that fit first.  What the later snippets say is what a whole search gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import decision

FILLER = ("kokous todettiin laillisesti koolle kutsutuksi pöytäkirjan tarkastajiksi valittiin esittelijä "
          "ehdotus hyväksyttiin yksimielisesti liitteenä oleva selvitys merkittiin tiedoksi").split()
WORDS = ["hankkeen", "hanke", "rahoitus", "rahoituksen", "kehittämishankkeen", "avustus", "koulun"]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    rng = random.Random(5)
    tmp = tmp_path_factory.mktemp("later")
    records = []
    for i in range(40):
        words = [rng.choice(FILLER) for _ in range(rng.randint(20, 400))]
        for w in rng.sample(WORDS, rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), w)
        records.append(decision(id=f"d{i}", committee=rng.choice(["Kaupunginhallitus", "Sivistyslautakunta"]),
                                meeting_date=f"20{10 + i % 14}-03-0{1 + i % 9}", section=str(i + 1),
                                title=f"Asia {i}", proposal=" ".join(words)))
    (tmp / "docs").mkdir()
    (tmp / "docs" / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert index_paths([tmp / "docs"], tmp / "ix").records == 40
    return tmp / "ix"


@pytest.mark.parametrize("query", ["hanke", "hankkeen rahoitus", "avustus koulun hanke", '"hankkeen rahoitus"',
                                   "rahoitus -hanke", ""])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_snippets_made_later_are_the_ones_a_whole_search_gives(index: Path, query: str, sort: str):
    with SearchService(index) as svc:
        whole = svc.search(query, sort=sort, limit=20)
        part = svc.search(query, sort=sort, limit=20, snippets=3)
        assert whole.hits and [h.id for h in part.hits] == [h.id for h in whole.hits]
        shown = len(whole.hits)
        # The first three as a whole search has them; the others empty, listed for later.
        assert [(h.snippet, h.highlights) for h in part.hits[:3]] == \
               [(h.snippet, h.highlights) for h in whole.hits[:3]]
        assert all(h.snippet == "" and h.highlights == [] for h in part.hits[3:])
        assert [i for i, _prefer in part.later] == list(range(3, shown))
        assert "later" not in part.to_json() and part.to_json()["hits"][3]["snippet"] == ""
        assert svc.fill_snippets(part) == list(range(3, shown))
        assert [(h.snippet, h.highlights) for h in part.hits] == [(h.snippet, h.highlights) for h in whole.hits]
        assert part.later == [] and svc.fill_snippets(part) == []
        assert whole.later == []


def test_a_relaxed_search_fills_each_hits_snippet_with_the_words_it_has(index: Path):
    """Hits with only some of the words: each later snippet still shows the
    query's own words first where the hit has them."""
    with SearchService(index) as svc:
        whole = svc.search("kehittämishankkeen avustus koulun rahoitus", limit=30)
        assert whole.all_words_total is not None  # relaxed: hits with some of the words follow
        part = svc.search("kehittämishankkeen avustus koulun rahoitus", limit=30, snippets=1)
        svc.fill_snippets(part)
        assert [(h.snippet, h.highlights, h.missing) for h in part.hits] == \
               [(h.snippet, h.highlights, h.missing) for h in whole.hits]
