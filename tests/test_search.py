"""Index, search and facets through the service (no Textual)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from arkisto.errors import DiskFullError, IndexDamagedError, IndexLockedError, NoIndexError
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from arkisto.search.store import IndexStore
from helpers import HEINOLA, decision


def counts(res, facet):
    return {v.value: v.count for v in res.facets[facet].values}


def test_inflected_query_finds_other_forms(tmp_path: Path):
    index_paths([HEINOLA.parent], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        res = svc.search("hankkeet")  # the text has "hankkeen"
        assert res.total == 1
        assert res.hits[0].committee == "Kasvatus- ja opetuslautakunta"
        # The snippet shows the inflected form that matched, highlighted.
        marked = [res.hits[0].snippet[a:b] for a, b in res.hits[0].highlights]
        assert "DigiOne-hankkeen" in marked
        for facet in ("committee", "presenter", "year", "funded_project"):
            assert facet in res.facets
        assert len(res.facets["funded_project"].values) == 6


def test_facet_counts_change_with_filters(facet_index: Path):
    with SearchService(facet_index) as svc:
        res = svc.search("")
        assert res.total == 4
        assert counts(res, "committee") == {"Kaupunginhallitus": 2, "Sivistyslautakunta": 1, "Tekninen lautakunta": 1}
        assert counts(res, "year") == {"2024": 3, "2023": 1}
        assert [v.value for v in res.facets["year"].values] == ["2024", "2023"]  # by year, not count

        res = svc.search("", filters={"year": ["2024"]})
        assert res.total == 3
        assert counts(res, "committee") == {"Kaupunginhallitus": 1, "Sivistyslautakunta": 1, "Tekninen lautakunta": 1}
        assert counts(res, "presenter") == {"Anna Virtanen": 1, "Pekka Laine": 2}
        # The year facet still shows what choosing another year would give.
        assert counts(res, "year") == {"2024": 3, "2023": 1}
        assert [v.value for v in res.facets["year"].values if v.selected] == ["2024"]


def test_values_in_one_facet_are_or_and_across_facets_and(facet_index: Path):
    with SearchService(facet_index) as svc:
        res = svc.search("", filters={"committee": ["Sivistyslautakunta", "Tekninen lautakunta"]})
        assert sorted(h.id for h in res.hits) == ["a3", "a4"]
        res = svc.search("", filters={"committee": ["Sivistyslautakunta", "Tekninen lautakunta"],
                                      "presenter": ["Anna Virtanen"]})
        assert res.total == 0
        # Selected values stay visible at count 0.
        sel = [v for v in res.facets["presenter"].values if v.selected]
        assert [(v.value, v.count) for v in sel] == [("Anna Virtanen", 0)]


def test_one_facet_whole_is_the_searchs_facet_unlimited(tmp_path: Path):
    """``SearchService.facet``: what a client asks for when it opens a facet
    that a search listed in part.  The same values, counts, selections and
    labels (a project by its name as written, the municipality by its own)
    as the search's with every value listed, and ``size`` counts them."""
    index_paths([HEINOLA.parent], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        for query, filters in (("", None), ("hankkeet", None), ("", {"year": ["2024"]}),
                               ("", {"funded_project": ["DigiOne"], "committee": ["Ei tällaista"]}),
                               ("sanaajotaeiole", None)):
            whole = svc.search(query, filters=filters, facet_limit=None)
            part = svc.search(query, filters=filters, facet_limit=1)
            for name, facet in whole.facets.items():
                one = svc.facet(name, query, filters)
                assert one == facet, (query, filters, name)
                assert facet.size == part.facets[name].size == sum(1 for v in facet.values if v.count)
                assert part.facets[name].truncated == (facet.size > 1)
        with pytest.raises(ValueError):
            svc.facet("no_such_facet")


def test_multi_valued_projects_counted_per_project(facet_index: Path):
    with SearchService(facet_index) as svc:
        res = svc.search("")
        assert counts(res, "funded_project") == {"VALSSI": 2, "DigiOne": 2}
        assert counts(res, "funder") == {"OKM": 2, "OPH": 2}
        res = svc.search("", filters={"funded_project": ["DigiOne"]})
        assert sorted(h.id for h in res.hits) == ["a1", "a3"]


def test_query_field_filters_in_finnish(facet_index: Path):
    with SearchService(facet_index) as svc:
        res = svc.search("toimielin:kaupunginhallitus vuosi:2024")
        assert [h.id for h in res.hits] == ["a1"]
        res = svc.search("vuosi:2020-2023")
        assert [h.id for h in res.hits] == ["a2"]
        res = svc.search("tulos:pöydälle")
        assert [h.id for h in res.hits] == ["a4"]


def test_inflection_and_sort(facet_index: Path):
    with SearchService(facet_index) as svc:
        assert {h.id for h in svc.search("hanke").hits} >= {"a1", "a3"}
        assert [h.id for h in svc.search("rakennusluvan").hits] == ["a2"]  # title: Rakennusluvan
        newest = [h.id for h in svc.search("", sort="newest").hits]
        oldest = [h.id for h in svc.search("", sort="oldest").hits]
        assert newest == ["a4", "a3", "a1", "a2"]
        assert oldest == list(reversed(newest))


def test_malformed_query_gives_hint_not_exception(facet_index: Path):
    with SearchService(facet_index) as svc:
        for q in ['"unclosed phrase', "AND", "((", "vuosi:abc", "tuntematon:kenttä", "~~", "*"]:
            res = svc.search(q)
            assert isinstance(res.total, int)
        assert svc.search("vuosi:abc").hints
        assert svc.search("tuntematon:kenttä").hints


def test_not_and_phrase(facet_index: Path):
    with SearchService(facet_index) as svc:
        assert {h.id for h in svc.search("hanke -rahoitus").hits} == {"a3"}
        assert {h.id for h in svc.search('"merkitsee hankkeet"').hits} == {"a3"}
        # The words, but not as the phrase: listed, saying the phrase is missing.
        res = svc.search('"hankkeet merkitsee"')
        assert res.all_words_total == 0 and [(h.id, h.missing) for h in res.hits] == [("a3", ['"hankkeet merkitsee"'])]


def test_reindex_updates_instead_of_duplicating(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(HEINOLA.parent, src)
    ix = tmp_path / "ix"
    first = index_paths([src], ix)
    assert first.records == 1
    again = index_paths([src], ix)
    assert again.files_unchanged == 1 and again.doc_count == 1
    # A changed file replaces its records; the id stays the same.
    f = next(src.iterdir())
    with SearchService(ix) as svc:
        old_id = svc.search("").hits[0].id
    f.write_text(f.read_text(encoding="utf-8").replace("VALSSI", "VALSSI2"), encoding="utf-8")
    changed = index_paths([src], ix)
    assert changed.files_indexed == 1 and changed.doc_count == 1
    with SearchService(ix) as svc:
        res = svc.search("")
        assert [h.id for h in res.hits] == [old_id]
        assert "VALSSI2" in counts(res, "funded_project")
    # A deleted file's records are removed.
    f.unlink()
    gone = index_paths([src], ix)
    assert gone.files_deleted == 1 and gone.doc_count == 0


def test_reopened_service_sees_new_generation_without_duplicates(tmp_path: Path, facet_archive: Path):
    """Regression: Searcher.refresh() in whoosh-reloaded 2.7.5 returns old and
    new segments together after an update; the service must reopen instead."""
    ix = tmp_path / "ix"
    index_paths([facet_archive], ix)
    svc = SearchService(ix)
    assert svc.search("").total == 4
    recs = json.loads((facet_archive / "records.json").read_text(encoding="utf-8"))
    recs[0]["title"] = "Muutettu otsikko"
    (facet_archive / "records.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    index_paths([facet_archive], ix)
    assert svc.stale()
    svc.reopen()
    res = svc.search("")
    assert res.total == 4
    assert sum(v.count for v in res.facets["committee"].values) == 4
    assert svc.search("muutettu").total == 1
    svc.close()


def test_search_without_index_says_how_to_build(tmp_path: Path):
    with pytest.raises(NoIndexError) as e:
        SearchService(tmp_path / "nothing")
    assert "arkisto index" in str(e.value)


def test_second_writer_gets_locked_error_with_pid(tmp_path: Path, facet_archive: Path):
    import os

    store = IndexStore(tmp_path / "ix")
    with store.lock():
        with pytest.raises(IndexLockedError) as e:
            index_paths([facet_archive], tmp_path / "ix", lock_wait=0)
    assert f"pid {os.getpid()}" in str(e.value)


def test_damaged_index_is_refused(facet_index: Path):
    store = IndexStore(facet_index)
    gen = store.current_dir()
    victim = max((p for p in gen.iterdir() if p.name != "MANIFEST.json"), key=lambda p: p.stat().st_size)
    victim.write_bytes(victim.read_bytes()[:-7])
    with pytest.raises(IndexDamagedError) as e:
        SearchService(facet_index)
    assert "rebuild" in str(e.value).lower()


def test_index_directory_is_private(facet_index: Path):
    assert facet_index.stat().st_mode & 0o777 == 0o700


def test_interrupted_run_keeps_previous_index(tmp_path: Path, facet_archive: Path, monkeypatch):
    ix = tmp_path / "ix"
    index_paths([facet_archive], ix)
    before = IndexStore(ix).current_name()
    import arkisto.search.indexer as indexer

    def boom(self, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer.IndexRun, "_index_file", boom)
    (facet_archive / "more.json").write_text(json.dumps([decision(id="z9", title="Uusi")]), encoding="utf-8")
    with pytest.raises(DiskFullError) as e:
        index_paths([facet_archive], ix)
    assert "disk full" in str(e.value) and "previous index is intact" in str(e.value)
    store = IndexStore(ix)
    assert store.current_name() == before
    assert store.generations() == [before]  # the half-built generation is gone
    with SearchService(ix) as svc:
        assert svc.search("").total == 4


def test_get_returns_whole_record(facet_index: Path):
    with SearchService(facet_index) as svc:
        rec = svc.get("a1")
        assert rec.title == "Kehittämishankkeen rahoitus"
        assert [p.name for p in rec.funded_projects] == ["VALSSI", "DigiOne"]
        assert svc.get("nope") is None


def test_listing_entry_gives_way_to_the_full_item(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    listing = decision(id="stub", committee="Kaupunginhallitus", meeting_date="2017-05-08", section="127",
                       title="Asemakaavan muutos", source={"path": "kokous-127", "format": "arkisto-json"})
    full = decision(id="full", committee="Kaupunginhallitus", meeting_date="2017-05-08", section="127",
                    title="Asemakaavan muutos", proposal="Kaupunginhallitus hyväksyy asemakaavan muutoksen.")
    (src / "a-index.json").write_text(json.dumps([listing]), encoding="utf-8")
    (src / "b-item.json").write_text(json.dumps([full]), encoding="utf-8")
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == 1 and report.merged == 1
    with SearchService(tmp_path / "ix") as svc:
        assert [h.id for h in svc.search("asemakaava").hits] == ["full"]
        # The listing is one of the full item's sources (search/merge.py).
        assert [s.path for s in svc.get("full").also] == ["kokous-127"]


def test_related_same_case_and_similar(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    recs = [
        decision(id="c1", case_id="HEL 2021-012054", committee="Kaupunginhallitus", meeting_date="2021-11-15",
                 title="Koulun peruskorjaus", proposal="Hyväksytään koulun peruskorjauksen hankesuunnitelma."),
        decision(id="c2", case_id="HEL 2021-012054", committee="Kaupunginvaltuusto", meeting_date="2021-11-24",
                 title="Koulun peruskorjaus", proposal="Valtuusto hyväksyy peruskorjauksen hankesuunnitelman."),
        decision(id="s1", title="Päiväkodin peruskorjaus", proposal="Hyväksytään päiväkodin peruskorjauksen suunnitelma."),
        decision(id="x1", title="Katuvalot", proposal="Katuvalojen uusiminen hyväksytään."),
    ]
    (src / "r.json").write_text(json.dumps(recs), encoding="utf-8")
    index_paths([src], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        rel = svc.related("c1")
        assert [h.id for h in rel["same_case"]] == ["c2"]
        assert rel["similar"][0].id == "s1"
        assert "c1" not in [h.id for h in rel["similar"]]
        # The case id is searchable exactly.
        assert {h.id for h in svc.search('"HEL 2021-012054"').hits} == {"c1", "c2"}
        assert {h.id for h in svc.search("HEL 2021-012054").hits} == {"c1", "c2"}


def test_explain_shows_base_forms_parts_and_filters(facet_index: Path):
    with SearchService(facet_index) as svc:
        ex = svc.explain("kehittämishankkeet ja hyvaksyy toimielin:kaupunginhallitus")
    words = {w["word"]: w for w in ex["words"]}
    assert words["kehittämishankkeet"]["base_forms"] == ["kehittämishanke"]
    assert "hanke" in words["kehittämishankkeet"]["compound_parts"]
    assert words["ja"]["ignored"] == "stop word"
    assert "hyväksyy^0.5" in ex["expanded"]
    assert ex["filters"] == {"committee": ["Kaupunginhallitus"]}


def test_ambiguous_words_search_without_error(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    recs = [decision(id="k1", title="Siisti kesä -kampanja", proposal="Kuusi puistoa siivotaan."),
            decision(id="k2", title="Joulukuusi torille", proposal="Kuusi hankitaan.")]
    (src / "r.json").write_text(json.dumps(recs), encoding="utf-8")
    index_paths([src], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        assert {h.id for h in svc.search("kuusi").hits} == {"k1", "k2"}  # six / spruce
        assert [h.id for h in svc.search('"Siisti kesä"').hits] == ["k1"]
        from arkisto.search.analysis import backend_name

        if backend_name() == "voikko":  # siistiä: siisti's partitive, or the verb; simplemma knows the verb only
            assert svc.search("siistiä").total >= 1


def test_newest_first_with_undated_records(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    recs = [decision(id="old", meeting_date="2020-01-01", title="Vanha"),
            decision(id="none", title="Päiväämätön"),
            decision(id="new", meeting_date="2024-01-01", title="Uusi")]
    (src / "r.json").write_text(json.dumps(recs), encoding="utf-8")
    index_paths([src], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        assert [h.id for h in svc.search("", sort="newest").hits] == ["new", "old", "none"]
        assert [h.id for h in svc.search("", sort="oldest").hits] == ["old", "new", "none"]


def test_incremental_added_and_renamed_files(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.json").write_text(json.dumps([decision(title="Ensimmäinen", proposal="Koulun katto korjataan.")]),
                                encoding="utf-8")
    ix = tmp_path / "ix"
    assert index_paths([src], ix).doc_count == 1
    # Added: only the new file is parsed.
    (src / "b.json").write_text(json.dumps([decision(title="Toinen", proposal="Päiväkodin piha.")]),
                                encoding="utf-8")
    added = index_paths([src], ix)
    assert (added.files_indexed, added.files_unchanged, added.doc_count) == (1, 1, 2)
    # Renamed: the old path's records go, the new path's come; nothing doubles.
    (src / "a.json").rename(src / "a-renamed.json")
    renamed = index_paths([src], ix)
    assert (renamed.files_indexed, renamed.files_deleted, renamed.doc_count) == (1, 1, 2)
    with SearchService(ix) as svc:
        assert svc.search("katto").total == 1
        assert svc.search("").total == 2


def test_same_explicit_id_in_a_later_run_is_kept_once(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.json").write_text(json.dumps([decision(id="same", title="Eka")]), encoding="utf-8")
    index_paths([src], tmp_path / "ix")
    (src / "two.json").write_text(json.dumps([decision(id="same", title="Toka")]), encoding="utf-8")
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == 1
    assert any("one.json" in p.message and p.path.endswith("two.json") for p in report.problems)


def _index_records(tmp_path: Path, records: list[dict], name: str) -> Path:
    """An index of ``records`` (arkisto JSON) in ``tmp_path/name-index``."""
    archive = tmp_path / name
    archive.mkdir()
    (archive / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    index_dir = tmp_path / f"{name}-index"
    index_paths([archive], index_dir)
    return index_dir


def _relax_archive(tmp_path: Path, extra: list[dict] | None = None) -> Path:
    """One decision with both words; one with only the rare word (inside a
    compound); four with only the common word; one with neither."""
    records = [
        decision(id="both", committee="Kaupunginhallitus", meeting_date="2021-01-10",
                 title="Koronaviruksen vuoksi annetut rajoitukset"),
        decision(id="rare", committee="Kaupunginhallitus", meeting_date="2022-01-10",
                 title="Palvelukeskusten sulkeminen koronavirustilanteen vuoksi"),
        *[decision(id=f"common{i}", committee="Sivistyslautakunta" if i % 2 else "Kaupunginhallitus",
                   meeting_date=f"202{i}-05-01", title=f"Nopeusrajoitus kadulla {i}",
                   proposal="Rajoitus koskee kaikkia ajoneuvoja. Rajoituksen syy on turvallisuus.")
          for i in range(4)],
        decision(id="neither", committee="Kaupunginhallitus", meeting_date="2023-02-02", title="Katujen kunnossapito"),
        *(extra or []),
    ]
    return _index_records(tmp_path, records, "relax")


def test_few_results_with_every_word_go_on_with_some_of_the_words(tmp_path: Path):
    """"koronavirus rajoitukset": the decision with both words first, then
    the one with the rarer word, then those with the common one; each
    relaxed hit says which word it lacks."""
    with SearchService(_relax_archive(tmp_path)) as svc:
        res = svc.search("koronavirus rajoitukset")
        ids = [h.id for h in res.hits]
        assert ids[:2] == ["both", "rare"]
        assert set(ids[2:]) == {f"common{i}" for i in range(4)}
        assert "neither" not in ids
        assert res.total == 6 and res.all_words_total == 1
        assert res.hits[0].missing == []
        assert res.hits[1].missing == ["rajoitukset"]
        assert all(h.missing == ["koronavirus"] for h in res.hits[2:])
        assert res.facets["committee"].values[0].count + res.facets["committee"].values[1].count == 6
        out = res.to_json()
        assert out["all_words_total"] == 1 and out["hits"][1]["missing"] == ["rajoitukset"]

        # Filters hold for the relaxed results too.
        res = svc.search("koronavirus rajoitukset", filters={"committee": ["Sivistyslautakunta"]})
        assert {h.id for h in res.hits} == {"common1", "common3"} and res.all_words_total == 0

        # Sorted by date, those with every word still come first.
        res = svc.search("koronavirus rajoitukset", sort="oldest")
        assert res.hits[0].id == "both"
        assert [h.id for h in res.hits[1:]] == ["common0", "common1", "rare", "common2", "common3"]
        res = svc.search("koronavirus rajoitukset", sort="oldest", filters={"year": ["2020", "2022"]})
        assert [h.id for h in res.hits] == ["common0", "rare", "common2"]  # none has every word: by date only

        # Export gives the same records in the same order.
        assert [r.id for r in svc.iter_records("koronavirus rajoitukset")] == ids

        # Explicit operators and single words are searched as typed.
        assert svc.search("koronavirus AND rajoitukset").total == 1
        # As a phrase: none has it; the one with both words apart is listed.
        res = svc.search('"koronavirus rajoitukset"')
        assert res.all_words_total == 0 and [h.id for h in res.hits] == ["both"]
        assert svc.search("koronavirus").all_words_total is None


def test_enough_results_with_every_word_are_not_relaxed(tmp_path: Path):
    extra = [decision(id=f"more{i}", title=f"Koronaviruksen rajoitukset {i}") for i in range(10)]
    with SearchService(_relax_archive(tmp_path, extra)) as svc:
        res = svc.search("koronavirus rajoitukset")
        assert res.total == 11 and res.all_words_total is None
        assert all(not h.missing for h in res.hits)


def test_the_word_itself_ranks_above_its_bare_head_word(tmp_path: Path):
    """"sisäilma" also searches its head word "ilma", whose forms include
    the everyday "ilman" (without).  A long report that mentions
    sisäilmaongelmat once still ranks above short decisions that only say
    "ilman", and its snippet shows the sisäilma word, not an earlier "ilman"."""
    filler = " ".join(f"Kaupungin talous kehittyi vuonna {y} suunnitellusti." for y in range(800))
    records = [
        decision(id="report", title="Toimintakertomus",
                 proposal="Hankinnat tehtiin ilman viivettä. " + filler + " Koulujen sisäilmaongelmat korjattiin."),
        *[decision(id=f"ilman{i}", title=f"Hankinta ilman kilpailutusta {i}",
                   proposal="Hankinta tehdään ilman kilpailutusta, ilman ilmoitusta ja ilman viivettä.") for i in range(3)],
        *[decision(id=f"other{i}", title=f"Katujen kunnossapito {i}") for i in range(30)],
    ]
    with SearchService(_index_records(tmp_path, records, "head")) as svc:
        res = svc.search("sisäilma")
        assert res.hits[0].id == "report"
        hit = res.hits[0]
        assert [hit.snippet[a:b] for a, b in hit.highlights if "sisäilma" in hit.snippet[a:b].lower()]
        assert res.all_words_total is None and not hit.missing


def test_phrase_matches_every_reading_of_an_ambiguous_word(tmp_path: Path):
    """"strategia" reads as strategia or as strategi's partitive; the
    phrase still finds "antirasistisen strategian", which is only strategia."""
    records = [decision(id="aloite", title="Ryhmäaloite antirasistisen strategian laatimiseksi"),
               decision(id="muu", title="Strategian päivitys ja antirasistinen toiminta")]
    with SearchService(_index_records(tmp_path, records, "amb")) as svc:
        res = svc.search('"antirasistinen strategia"')
        assert [h.id for h in res.hits][:1] == ["aloite"]
        assert not res.hits[0].missing


def test_few_phrase_matches_go_on_with_the_words_apart(tmp_path: Path):
    """One decision has the phrase; two have its words apart and follow it,
    marked as lacking the phrase; one has only one of the words."""
    records = [
        decision(id="phrase", title="Kaupunginhallituksen otto-oikeus", proposal="Ei käytetä."),
        decision(id="apart1", title="Viranhaltijoiden päätökset",
                 proposal="Kaupunginhallitus päättää, ettei se käytä otto-oikeutta."),
        decision(id="apart2", title="Lautakuntien päätökset",
                 proposal="Kaupunginhallitus ei käytä otto-oikeutta kuntalain nojalla."),
        decision(id="one", title="Kaupunginhallituksen kokous", proposal="Kokous pidettiin."),
    ]
    with SearchService(_index_records(tmp_path, records, "ph")) as svc:
        res = svc.search('"kaupunginhallituksen otto-oikeus"')
        ids = [h.id for h in res.hits]
        assert ids[0] == "phrase" and set(ids[1:]) == {"apart1", "apart2"}
        assert res.all_words_total == 1 and res.total == 3
        assert res.hits[0].missing == []
        assert all(h.missing == ['"kaupunginhallituksen otto-oikeus"'] for h in res.hits[1:])


def test_abbreviations_and_their_written_out_forms_find_each_other(tmp_path: Path):
    records = [
        decision(id="abbr", title="HSL:n taksat", proposal="HSL:n hallitus päätti lippujen hinnoista."),
        decision(id="full", title="Joukkoliikenteen lipputuki",
                 proposal="Helsingin seudun liikenteen kanssa sovitaan lipputuesta."),
        decision(id="ely", title="Lausunto", proposal="Asiasta pyydetään lausunto ELY-keskukselta."),
        decision(id="ym", title="Kiinteistöt ym. omaisuus", proposal="Myydään kiinteistöt ym. omaisuus."),
        decision(id="ymin", title="Avustus", proposal="Ympäristöministeriö myönsi avustuksen."),
        decision(id="other", title="Katujen kunnossapito"),
    ]
    with SearchService(_index_records(tmp_path, records, "abbr")) as svc:
        assert {h.id for h in svc.search("HSL").hits} == {"abbr", "full"}
        assert {h.id for h in svc.search('"Helsingin seudun liikenne"').hits} == {"abbr", "full"}
        assert {h.id for h in svc.search("ely").hits} == {"ely"}
        # Two letters count only in capitals: "ym" is also "ynnä muuta".
        assert {h.id for h in svc.search("YM").hits} == {"ym", "ymin"}
        assert {h.id for h in svc.search("ym").hits} == {"ym"}


def test_relaxing_edge_cases(tmp_path: Path):
    """Empty phrases find nothing; labels name the word a document lacks
    whatever the word order; a phrase's loose results are its own words,
    not their head words; range syntax is searched as typed."""
    records = [
        decision(id="luvat", title="Rakennuslupa myönnetään", proposal="Rakennuslupa myönnetään hakijalle."),
        decision(id="lupa", title="Lupa anniskeluun", proposal="Myönnetään."),
        decision(id="ymp", title="Ympäristölupa myönnetään", proposal="Myönnetään."),
        decision(id="ilman", title="Hankinta ilman kilpailutusta", proposal="Hankinta tehdään ilman kilpailutusta."),
        decision(id="sisa", title="Sisäilman mittaus", proposal="Sisäilma mitataan ja hankinta tehdään."),
    ]
    with SearchService(_index_records(tmp_path, records, "edge")) as svc:
        for q in ['""', '"', '" "', '"" toimielin:x']:
            assert svc.search(q).total == 0, q
        for q in ("rakennuslupa lupa", "lupa rakennuslupa"):
            res = svc.search(q)
            assert [h.id for h in res.hits][:2] == ["luvat", "lupa"], q
            assert [(h.id, h.missing) for h in res.hits[2:]] == [("ymp", ["rakennuslupa"])], q
        res = svc.search('"sisäilma hankinta"')
        assert [h.id for h in res.hits] == ["sisa"] and res.hits[0].missing == ['"sisäilma hankinta"']
        assert svc.search("rakennuslupa [a TO c]").all_words_total is None


def test_facet_counts_are_the_totals_their_selection_gives(tmp_path: Path):
    records = ([decision(id=f"a{i}", committee="A", title="Koulun sisäilma") for i in range(12)]
               + [decision(id=f"b{i}", committee="B", title="Koulun sisäilma") for i in range(2)]
               + [decision(id=f"c{i}", committee="B", title="Koulun ruokalista") for i in range(50)])
    with SearchService(_index_records(tmp_path, records, "fc")) as svc:
        res = svc.search("koulu sisäilma")
        for v in res.facets["committee"].values:
            assert svc.search("koulu sisäilma", filters={"committee": [v.value]}).total == v.count
        both = svc.search("koulu sisäilma", filters={"committee": ["A", "B"]}).total
        assert both == res.total == sum(v.count for v in res.facets["committee"].values)


def test_word_groups_hold_for_many_words():
    """The groups of relaxed results stay right past 64 words: a document
    lacking one word is below one with all, and one with more of the words
    themselves (not only their head words) is above."""
    import numpy as np

    from arkisto.search.service import _Words

    k = 70
    masks = [np.array([True, i != 66]) for i in range(k)]
    g = _Words(masks, masks, [f"w{i}" for i in range(k)], [1.0] * k).group(np.arange(2))
    assert g[0] > g[1]
    k = 40
    masks = [np.array([True, True]) for _ in range(k)]
    strong = [np.array([i < 10, i >= 24]) for i in range(k)]
    g = _Words(masks, strong, [f"w{i}" for i in range(k)], [1.0] * k).group(np.arange(2))
    assert g[1] > g[0]


def test_word_groups_by_table_equal_the_groups_summed_per_document():
    """Up to CODED_WORDS words, a candidate's group comes from a table of
    the words' combinations: exactly the group summed for it one by one,
    whether the candidates are most documents or few."""
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from arkisto.search.service import _Words

    @settings(max_examples=150, deadline=None)
    @given(st.integers(1, _Words.CODED_WORDS), st.integers(1, 400), st.integers(0, 2**32 - 1), st.booleans())
    def check(k, n, seed, most):
        rng = np.random.default_rng(seed)
        masks = [rng.random(n) < rng.random() for _ in range(k)]
        strong = [m & (rng.random(n) < 0.7) for m in masks]
        idf = [float(x) for x in rng.random(k) * 9]
        words = _Words(masks, strong, [f"w{i}" for i in range(k)], idf)
        cand = np.flatnonzero(rng.random(n) < (0.9 if most else 0.1))
        has = sum(m[cand].astype(np.int64) for m in masks)
        own = sum(s[cand].astype(np.int64) for s in strong)
        rarity = np.zeros(len(cand))
        for m, w in zip(masks, idf):
            rarity += w * m[cand]
        span = int(round(100 * sum(idf))) + 1
        summed = ((has * (k + 1) + own) * span + np.round(rarity * 100)).astype(np.float64)
        assert np.array_equal(words.group(cand), summed)
    check()


def test_a_phrase_scores_each_word_once(tmp_path: Path):
    """"uusi strategia": both words are ambiguous (uusi/uusia,
    strategi/strategia); the phrase scores as the words do, not once per
    combination of readings."""
    records = [decision(id="amb", title="Uusi strategia", proposal="Uusi strategia hyväksytään."),
               decision(id="unamb", title="Uuden strategian valmistelu", proposal="Uuden strategian valmistelu.")]
    with SearchService(_index_records(tmp_path, records, "amb2")) as svc:
        phrase = {h.id: h.score for h in svc.search('"uusi strategia"').hits}
        words = {h.id: h.score for h in svc.search("uusi strategia").hits}
        assert set(phrase) == {"amb", "unamb"}
        assert phrase["amb"] <= words["amb"] + 1e-6
        # A quoted single word: every reading, the document is a full match.
        res = svc.search('"strategia"')
        assert {h.id for h in res.hits} == {"amb", "unamb"} and not any(h.missing for h in res.hits)


def test_abbreviations_inflected_ambiguous_and_inside_compounds(tmp_path: Path):
    records = [
        decision(id="kho", title="Valitus", proposal="Korkeimman hallinto-oikeuden päätös on lainvoimainen."),
        decision(id="kho2", title="Lausunto", proposal="Asiasta on valitettu KHO:een."),
        decision(id="hslalue", title="Liput", proposal="HSL-alueen kunnat sopivat lipuista."),
        decision(id="hsl", title="Taksat", proposal="HSL:n hallitus päätti taksoista."),
        decision(id="syke", title="Mittaus", proposal="Sykkeen mittaus tehtiin. Suomen ympäristökeskus antoi ohjeen."),
        decision(id="sykeabbr", title="Ohje", proposal="SYKE antoi ohjeen."),
        decision(id="hanke", title="Hanke", proposal="Hanke käynnistyy."),
        decision(id="kehhanke", title="Kehittämishankkeen raportti", proposal="Kehittämishankkeen raportti ja kehittämishankkeen tulokset."),
    ]
    with SearchService(_index_records(tmp_path, records, "abbr2")) as svc:
        # A case ending after a colon is the abbreviation, not a field.
        res = svc.search("HSL:n")
        assert not res.hints and {"hsl", "hslalue"} <= {h.id for h in res.hits}
        ex = svc.explain("HSL:n")
        assert [w["word"] for w in ex["words"]] == ["HSL"] and '"Helsingin seudun liikenne"' in ex["expanded"]
        # The written-out form matches in any reading (korkeimman: korkea).
        # (simplemma lemmatizes korkeimman to korkein but korkein to korkea.)
        from arkisto.search.analysis import backend_name

        if backend_name() == "voikko":
            assert {h.id for h in svc.search("KHO").hits} == {"kho", "kho2"}
            assert {h.id for h in svc.search('"korkein hallinto-oikeus"').hits} == {"kho", "kho2"}
        # ... and finds the abbreviation inside a hyphenated word.
        assert {"hsl", "hslalue"} <= {h.id for h in svc.search('"Helsingin seudun liikenne"').hits}
        # SYKE is also syke (pulse): its written-out form does not search it.
        assert {h.id for h in svc.search('"Suomen ympäristökeskus"').hits} == {"syke"}
        # The snippet shows the abbreviation where the document has it.
        hit = next(h for h in svc.search("HSL").hits if h.id == "hsl")
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["HSL:n"]
        # A quoted single word keeps its fields' weights: the word itself above its compounds.
        assert [h.id for h in svc.search('"hanke"').hits][0] == "hanke"
