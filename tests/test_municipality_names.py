"""One municipality counted once: records keep the name their document uses
(Jakobstad, Helsingfors), and the facet, the query language, the CLI flag
and a facet selection all treat both names as one municipality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arkisto.names import canonical
from arkisto.search.indexer import index_paths
from arkisto.search.service import SearchService
from helpers import decision


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("names")
    src = root / "src"
    src.mkdir()
    records = [
        decision(id="pie1", municipality="Pietarsaari", committee="Kaupunginhallitus", meeting_date="2024-03-04",
                 section="40", title="Kaavamuutos", decision="Hyväksyttiin.", language="fi"),
        decision(id="jak1", municipality="Jakobstad", committee="Stadsstyrelsen", meeting_date="2024-03-04",
                 section="41", title="Detaljplaneändring", decision="Förslaget godkändes.", language="sv"),
        decision(id="jak2", municipality="Jakobstad", committee="Stadsstyrelsen", meeting_date="2024-04-08",
                 section="60", title="Budget", decision="Förslaget godkändes.", language="sv"),
        decision(id="hel1", municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2021-11-15",
                 section="900", title="Talousarvio", decision="Hyväksyttiin.", language="fi"),
        decision(id="hfs1", municipality="Helsingfors", committee="Stadsstyrelsen", meeting_date="2021-11-15",
                 section="901", title="Budget", decision="Förslaget godkändes.", language="sv"),
        decision(id="kau1", municipality="Kauhava", committee="Kaupunginhallitus", meeting_date="2024-01-08",
                 section="1", title="Talousarvio", decision="Hyväksyttiin.", language="fi"),
    ]
    (src / "r.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    index_paths([src], ix)
    return ix


def _ids(res) -> set[str]:
    return {h.id for h in res.hits}


def test_facet_counts_one_municipality_once(index: Path):
    with SearchService(index) as svc:
        values = {v.value: v.count for v in svc.search("").facets["municipality"].values}
    assert values == {"Pietarsaari (Jakobstad)": 3, "Helsinki (Helsingfors)": 2, "Kauhava": 1}


@pytest.mark.parametrize("query", ["kunta:Helsingfors", "kunta:helsinki", "kunta:HELSINGFORS", "kunta:helsingf",
                                   "municipality:Helsinki", 'kunta:"Helsinki (Helsingfors)"'])
def test_either_name_in_the_query_finds_both(index: Path, query: str):
    with SearchService(index) as svc:
        res = svc.search(query)
    assert _ids(res) == {"hel1", "hfs1"}
    assert not res.hints


@pytest.mark.parametrize("value", ["Jakobstad", "Pietarsaari", "jakobstad", "Pietarsaari (Jakobstad)"])
def test_either_name_as_a_filter_finds_both(index: Path, value: str):
    with SearchService(index) as svc:
        res = svc.search("", filters={"municipality": [value]})
        assert _ids(res) == {"pie1", "jak1", "jak2"}
        shown = [v for v in res.facets["municipality"].values if v.selected]
        assert [(v.value, v.count) for v in shown] == [("Pietarsaari (Jakobstad)", 3)]
        assert res.filters["municipality"] == ["Pietarsaari (Jakobstad)"]


def test_selecting_the_facet_value_shown_finds_both(index: Path):
    with SearchService(index) as svc:
        value = next(v.value for v in svc.search("").facets["municipality"].values if v.value.startswith("Helsinki"))
        assert _ids(svc.search("", filters={"municipality": [value]})) == {"hel1", "hfs1"}


def test_cli_flag_with_the_swedish_name(index: Path, capsys):
    from arkisto.cli import main

    code = main(["search", "--index", str(index), "--municipality", "Jakobstad", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {h["id"] for h in out["hits"]} == {"pie1", "jak1", "jak2"}


def test_records_keep_their_own_name(index: Path):
    from arkisto.i18n import Strings
    from arkisto.render import header_lines

    with SearchService(index) as svc:
        hits = {h.id: h for h in svc.search("kunta:Pietarsaari").hits}
        assert hits["jak1"].municipality == "Jakobstad"
        assert hits["pie1"].municipality == "Pietarsaari"
        rec = svc.get("jak1")
    assert rec.municipality == "Jakobstad"
    assert "Jakobstad" in header_lines(rec, Strings("fi"))[1]


def test_names_table_maps_kristinestad_to_kristiinankaupunki():
    assert canonical("Kristinestad") == "Kristiinankaupunki"
    assert canonical("Lappo") == "Lapua" and canonical("Helsingfors") == "Helsinki"
