"""One record per decision: the same decision from a meeting bulletin and
from the API JSON, a listing entry and its page, or the same file in two
folders is kept once, with every source listed; facets count it once; and
deleting or changing one of its sources leaves the others' record."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import FIXTURES, decision

AHJO = FIXTURES / "helsinki-ahjo"
BULLETIN = "hel_meeting_kaupunginhallitus_2021-11-15_paatostiedote.html"
CASE = '"HEL 2021-010843"'


def _copy_ahjo(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copy(AHJO / "decisions.json", dst / "decisions.json")
    shutil.copy(AHJO / "meetings" / BULLETIN, dst / BULLETIN)
    return dst


def _names(paths) -> list[str]:
    return sorted(Path(p).name for p in paths)


def _committee_count(svc: SearchService, value: str, query: str = "") -> int:
    return next((v.count for v in svc.search(query).facets["committee"].values if v.value == value), 0)


# --- a bulletin and the API JSON ------------------------------------------------------


def test_bulletin_and_api_json_are_one_record(tmp_path: Path):
    src = _copy_ahjo(tmp_path / "src")
    index_paths([src], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        res = svc.search(CASE)
        assert res.total == 1
        hit = res.hits[0]
        # The API JSON is the richer record: its fields, its § (the bulletin has none).
        assert hit.section == "858" and Path(hit.source["path"]).name == "decisions.json"
        assert [Path(a["path"]).name for a in hit.also] == [BULLETIN]
        assert _names([hit.record.source.path, *(a.path for a in hit.record.also)]) == ["decisions.json", BULLETIN]
        # Facets count it once.
        meeting = svc.search('vuosi:2021 toimielin:kaupunginhallitus "2021-11-15"')
        assert meeting.facets["year"].values[0].count == meeting.total


def test_deleting_either_source_leaves_the_other(tmp_path: Path):
    src = _copy_ahjo(tmp_path / "src")
    ix = tmp_path / "ix"
    index_paths([src], ix)
    with SearchService(ix) as svc:
        before = svc.doc_count()
    (src / "decisions.json").unlink()
    index_paths([src], ix)
    with SearchService(ix) as svc:
        res = svc.search(CASE)
        assert res.total == 1
        rec = res.hits[0].record
        assert Path(rec.source.path).name == BULLETIN and rec.also == [] and rec.section is None
        assert svc.doc_count() < before
    # Back again: merged again.
    shutil.copy(AHJO / "decisions.json", src / "decisions.json")
    index_paths([src], ix)
    with SearchService(ix) as svc:
        assert svc.doc_count() == before
        assert svc.search(CASE).total == 1
    (src / BULLETIN).unlink()
    index_paths([src], ix)
    with SearchService(ix) as svc:
        res = svc.search(CASE)
        assert res.total == 1 and Path(res.hits[0].source["path"]).name == "decisions.json"
        assert res.hits[0].also == []


def test_changing_one_source_merges_again(tmp_path: Path):
    src = _copy_ahjo(tmp_path / "src")
    ix = tmp_path / "ix"
    index_paths([src], ix)
    data = json.loads((src / "decisions.json").read_text(encoding="utf-8"))
    data["decisions"][0]["Title"] = "Kaupungineläinlääkärin pöytäkirjan nähtävänä pitäminen"
    (src / "decisions.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = index_paths([src], ix)
    assert report.files_indexed == 1
    with SearchService(ix) as svc:
        res = svc.search(CASE)
        assert res.total == 1 and [Path(a["path"]).name for a in res.hits[0].also] == [BULLETIN]


# --- the same file in two folders ---------------------------------------------------------


def test_a_copy_in_another_folder_is_indexed_once(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    _copy_ahjo(one)
    _copy_ahjo(two)
    ix = tmp_path / "ix"
    report = index_paths([one], ix)
    single = report.doc_count
    with SearchService(ix) as svc:
        counts = {v.value: v.count for v in svc.search("").facets["committee"].values}
    report = index_paths([two], ix)
    assert report.doc_count == single
    assert not [p for p in report.problems if "duplicate" in p.message]
    with SearchService(ix) as svc:
        assert {v.value: v.count for v in svc.search("").facets["committee"].values} == counts
        rec = svc.search(CASE).hits[0].record
        assert sorted(str(Path(p).parent.name) for p in [rec.source.path, *(a.path for a in rec.also)]) == \
            ["one", "one", "two", "two"]
    # Either copy deleted: the other's records stay, once.
    for f in one.iterdir():
        f.unlink()
    index_paths([one, two], ix)
    with SearchService(ix) as svc:
        assert svc.doc_count() == single
        assert {v.value: v.count for v in svc.search("").facets["committee"].values} == counts
        rec = svc.search(CASE).hits[0].record
        assert {Path(p).parent.name for p in [rec.source.path, *(a.path for a in rec.also)]} == {"two"}


def test_copies_with_their_own_ids_are_one_record_without_warnings(tmp_path: Path):
    # arkisto's own JSON carries ids: a copy has the same ids, which is no conflict.
    records = [decision(id="a1", title="Koulun peruskorjaus", proposal="Hyväksytään."),
               decision(id="a2", title="Katuvalot", proposal="Uusitaan katuvalot.")]
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = index_paths([tmp_path / "one", tmp_path / "two"], tmp_path / "ix")
    assert report.doc_count == 2
    assert not report.problems, report.problems
    with SearchService(tmp_path / "ix") as svc:
        assert len(svc.get("a1").also) == 1
    (tmp_path / "one" / "r.json").unlink()
    report = index_paths([tmp_path / "one", tmp_path / "two"], tmp_path / "ix")
    with SearchService(tmp_path / "ix") as svc:
        assert svc.doc_count() == 2 and svc.get("a1").also == []


def test_a_copy_made_to_differ_is_two_records_again(tmp_path: Path):
    records = [decision(id="x", title="Koulun peruskorjaus", proposal="Hyväksytään.")]
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    ix = tmp_path / "ix"
    index_paths([tmp_path / "one", tmp_path / "two"], ix)
    changed = [decision(id="y", title="Päiväkodin laajennus", proposal="Laajennetaan.")]
    (tmp_path / "two" / "r.json").write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    index_paths([tmp_path / "one", tmp_path / "two"], ix)
    with SearchService(ix) as svc:
        assert {r.id for r in svc.records()} == {"x", "y"}
        assert svc.get("x").also == []


# --- the same decision in files of different shape -------------------------------------------


def _write(folder: Path, name: str, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_richer_fields_win_and_the_other_fills_in(tmp_path: Path):
    src = tmp_path / "src"
    rich = decision(id="rich", municipality="Lapua", committee="Kaupunginhallitus", meeting_date="2025-08-25",
                    section="296", title="Talousarvion toteutuminen", case_id="LAPDno-2025-483",
                    proposal="Kaupunginhallitus merkitsee talousarvion toteutumisen tiedoksi.",
                    decision="Merkittiin tiedoksi.", outcome="noted",
                    source={"path": "poytakirja", "format": "arkisto-json"})
    poor = decision(id="poor", municipality="Lappo", committee="Kaupunginhallitus", meeting_date="2025-08-25",
                    section="296", title="Talousarvion toteutuminen 1-6/2025",
                    presenter={"name": "Anne Virtanen", "title": "kaupunginjohtaja"},
                    source={"path": "tiedote", "format": "arkisto-json"})
    other = decision(id="other", municipality="Lapua", committee="Kaupunginhallitus", meeting_date="2025-08-25",
                     section="297", title="Kaavoituskatsaus", proposal="Merkitään tiedoksi.")
    _write(src, "a.json", [poor])
    _write(src, "b.json", [rich, other])
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == 2 and report.merged == 1
    with SearchService(tmp_path / "ix") as svc:
        rec = svc.get("rich")
        assert rec.title == "Talousarvion toteutuminen" and rec.outcome.value == "noted"
        assert rec.municipality == "Lapua" and rec.case_id == "LAPDno-2025-483"
        assert rec.presenter.name == "Anne Virtanen"  # filled in from the poorer record
        assert [a.path for a in rec.also] == ["tiedote"]
        assert svc.get("poor").id == "rich"  # the merged record answers to either id
        assert _committee_count(svc, "Kaupunginhallitus") == 2
        assert [h.id for h in svc.search("Anne Virtanen").hits] == ["rich"]


@pytest.mark.parametrize("change, merged", [
    ({}, True),
    ({"title": "Päiväkodin laajennus"}, False),  # titles with no word in common
    ({"case_id": "LAPDno-2025-999"}, False),
    ({"language": "sv"}, False),  # a translation stays a record of its own
])
def test_what_stops_a_merge(tmp_path: Path, change: dict, merged: bool):
    src = tmp_path / "src"
    base = dict(municipality="Lapua", committee="Kaupunginhallitus", meeting_date="2025-08-25", section="296",
                title="Talousarvion toteutuminen", case_id="LAPDno-2025-483", language="fi")
    _write(src, "a.json", [decision(id="a", proposal="Merkitään tiedoksi.", **base)])
    _write(src, "b.json", [decision(id="b", **{**base, **change})])
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == (1 if merged else 2)


def test_two_items_of_one_file_are_never_merged(tmp_path: Path):
    base = dict(committee="Kaupunginhallitus", meeting_date="2025-08-25", section="296", title="Talousarvio")
    _write(tmp_path / "src", "a.json", [decision(id="a", proposal="Yksi.", **base),
                                        decision(id="b", proposal="Kaksi.", **base)])
    assert index_paths([tmp_path / "src"], tmp_path / "ix").doc_count == 2


def test_an_entry_without_a_section_merges_only_when_it_is_unambiguous(tmp_path: Path):
    base = dict(municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2021-11-15",
                case_id="HEL 2021-010843", title="Vaalitoimikuntien asettaminen")
    src = tmp_path / "src"
    _write(src, "bulletin.json", [decision(id="bul", decision="Kaupunginhallitus asetti vaalitoimikunnat.",
                                           **base)])
    _write(src, "api.json", [decision(id="api", section="858", proposal="Asetetaan vaalitoimikunnat.",
                                      decision="Kaupunginhallitus asetti vaalitoimikunnat.", **base)])
    assert index_paths([src], tmp_path / "ix").doc_count == 1
    # A second § of the same case at the same meeting: which one the
    # bulletin's entry is cannot be told, so it stays a record of its own.
    _write(src, "api2.json", [decision(id="api2", section="859", proposal="Nimetään puheenjohtajat.",
                                       **base)])
    report = index_paths([src], tmp_path / "ix")
    assert report.doc_count == 3
    with SearchService(tmp_path / "ix") as svc:
        assert svc.get("api").also == []


# --- shown and exported ----------------------------------------------------------------------


def test_show_export_and_detail_pane_list_every_source(tmp_path: Path, capsys):
    from arkisto.cli import main
    from arkisto.i18n import Strings
    from arkisto.tui.present import record_text

    src = _copy_ahjo(tmp_path / "src")
    ix = tmp_path / "ix"
    index_paths([src], ix)
    with SearchService(ix) as svc:
        hit = svc.search(CASE).hits[0]
        pane = record_text(hit.record, Strings("fi")).plain
    assert BULLETIN in pane and "decisions.json" in pane
    assert main(["show", hit.id, "--index", str(ix)]) == 0
    shown = capsys.readouterr().out
    assert BULLETIN in shown and "decisions.json" in shown
    assert main(["show", hit.id, "--index", str(ix), "--json"]) == 0
    assert [Path(a["path"]).name for a in json.loads(capsys.readouterr().out)["also"]] == [BULLETIN]
    assert main(["search", CASE, "--index", str(ix), "--json"]) == 0
    assert [Path(a["path"]).name for a in json.loads(capsys.readouterr().out)["hits"][0]["also"]] == [BULLETIN]
    out = tmp_path / "out.csv"
    assert main(["export", CASE, "--index", str(ix), "--format", "csv", "-o", str(out)]) == 0
    import csv

    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and BULLETIN in rows[0]["also"]


# --- checkpoints ------------------------------------------------------------------------------


def test_checkpointed_build_merges_as_a_plain_build(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    _copy_ahjo(one)
    _copy_ahjo(two)
    plain = index_paths([one, two], tmp_path / "plain")
    stepped = index_paths([one, two], tmp_path / "stepped", checkpoint_files=1)
    assert stepped.checkpoints >= 2
    assert stepped.doc_count == plain.doc_count
    with SearchService(tmp_path / "plain") as a, SearchService(tmp_path / "stepped") as b:
        def view(svc):
            return sorted((r.title, len(r.also)) for r in svc.records())
        assert view(a) == view(b)


def _mixed_archive(src: Path) -> None:
    """Files whose records meet across checkpoints (one file a batch): the
    same decision in two files of different shape, an id two files claim,
    a copy of a file, and the API JSON with its meeting bulletin."""
    base = dict(municipality="Lapua", committee="Kaupunginhallitus", meeting_date="2025-08-25", section="296",
                title="Talousarvion toteutuminen")
    _write(src, "a.json", [decision(id="rich", case_id="LAPDno-2025-483", proposal="Merkitään tiedoksi.", **base),
                           decision(id="own", title="Kaavoituskatsaus", meeting_date="2025-08-25")])
    _write(src, "b.json", [decision(id="poor", presenter={"name": "Anne Virtanen"}, **base)])
    _write(src, "c.json", [decision(id="own", title="Toinen kaavoituskatsaus")])  # the id a.json has
    _write(src / "kopio", "a.json", json.loads((src / "a.json").read_text(encoding="utf-8")))
    _copy_ahjo(src / "ahjo")


def test_a_fresh_checkpointed_build_merges_and_warns_as_a_plain_build(tmp_path: Path):
    # A fresh build does not ask its own checkpoints for what it has not
    # written: what it finds across them must be what one batch finds.
    src = tmp_path / "src"
    _mixed_archive(src)
    warned: dict[str, list[str]] = {"plain": [], "stepped": []}
    plain = index_paths([src], tmp_path / "plain", on_problem=lambda p: warned["plain"].append(str(p.message)))
    stepped = index_paths([src], tmp_path / "stepped", checkpoint_files=1,
                          on_problem=lambda p: warned["stepped"].append(str(p.message)))
    assert stepped.checkpoints >= 4
    assert (stepped.doc_count, stepped.merged) == (plain.doc_count, plain.merged)
    assert sorted(warned["stepped"]) == sorted(warned["plain"])
    assert any("own" in w for w in warned["plain"])  # the id c.json also has

    def view(svc):
        return sorted((r.id, r.title, r.presenter.name if r.presenter else None,
                       sorted(str(a.path) for a in r.also)) for r in svc.records())
    with SearchService(tmp_path / "plain") as a, SearchService(tmp_path / "stepped") as b:
        assert view(a) == view(b)
        rec = b.get("poor")  # b.json's record merged into a.json's, published a checkpoint before
        assert rec.id == "rich" and rec.presenter.name == "Anne Virtanen"


def test_a_fresh_build_asks_its_checkpoints_nothing_for_new_records(tmp_path: Path, monkeypatch):
    from whoosh.codec.whoosh3 import W3TermsReader

    src = tmp_path / "src"
    for f in range(6):
        _write(src, f"{f}.json", [decision(id=f"d{f}-{i}", committee="Kaupunginhallitus",
                                           meeting_date="2024-05-0" + str(f + 1), section=str(i + 1),
                                           title=f"Asia {f}-{i}") for i in range(3)])
    asked: list[str] = []  # the indexer's look-ups of a record's id, path or merge keys in a segment

    def note() -> None:
        frame = sys._getframe(2)
        while frame is not None and not frame.f_code.co_filename.endswith(os.path.join("search", "indexer.py")):
            frame = frame.f_back
        # Not the segment merges of a commit, nor publishing: the look-ups made per record.
        if frame is not None and frame.f_code.co_name in {"_index_file", "_take_id", "_stored_time", "_elsewhere"}:
            asked.append(frame.f_code.co_name)
    for name in ("term_info", "doc_frequency", "frequency", "matcher", "__contains__"):
        real = getattr(W3TermsReader, name)

        def spy(self, *a, _real=real, **kw):
            note()
            return _real(self, *a, **kw)
        monkeypatch.setattr(W3TermsReader, name, spy)
    report = index_paths([src], tmp_path / "ix", checkpoint_files=1)
    assert report.checkpoints >= 5 and report.doc_count == 18
    assert asked == []
    # An update is no fresh build: there the index's records are looked up.
    _write(src, "0.json", [decision(id="d0-0", committee="Kaupunginhallitus", meeting_date="2024-05-01",
                                    section="1", title="Asia korjattu")])
    index_paths([src], tmp_path / "ix")
    assert asked


def test_both_sources_changed_in_one_run_with_checkpoints(tmp_path: Path):
    # The first file's new record is merged at a checkpoint; the second
    # file, changed after it, must not take it away.
    src = tmp_path / "src"
    base = dict(municipality="Lapua", committee="Kaupunginhallitus", meeting_date="2025-08-25", section="296",
                title="Talousarvion toteutuminen")
    _write(src, "a.json", [decision(id="a", proposal="Merkitään tiedoksi.", decision="Merkittiin.", **base)])
    _write(src, "b.json", [decision(id="b", **base)])
    ix = tmp_path / "ix"
    assert index_paths([src], ix).doc_count == 1
    _write(src, "a.json", [decision(id="a", proposal="Merkitään tiedoksi korjattuna.", decision="Merkittiin.",
                                    **base)])
    _write(src, "b.json", [decision(id="b", presenter={"name": "Anne Virtanen"}, **base)])
    report = index_paths([src], ix, checkpoint_files=1)
    assert report.checkpoints >= 1
    with SearchService(ix) as svc:
        assert svc.doc_count() == 1
        rec = svc.get("a")
        assert rec.proposal == "Merkitään tiedoksi korjattuna." and rec.presenter.name == "Anne Virtanen"
        assert len(rec.also) == 1


def test_the_written_keys_never_say_not_there_for_a_key_they_hold():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from arkisto.search.indexer import _KeySet

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.lists(st.text(max_size=12))), st.lists(st.text(max_size=12)))
    def check(batches, others):
        keys = _KeySet()
        for batch in batches:
            keys.add_all({k: "token" for k in batch})  # a batch's keys, as the indexer hands them
        held = {k for b in batches for k in b}
        assert all(k in keys for k in held)
        assert len(keys) == len(held)  # no two of these strings' 64-bit hashes collide
        assert not any(k in keys for k in others if k not in held)
    check()
