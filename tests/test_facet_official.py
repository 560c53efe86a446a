"""Bodies and officials in facets of their own (issue 15, point 6): an
official's title (Tiimipäällikkö, rehtori, Bildningsdirektör) is not a
body, so ``committee`` lists bodies and ``official`` the officials, recognised
by the shape of the name; the municipality facet comes first when the
archive holds several municipalities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import decision


def _index(tmp_path: Path, records: list[dict]) -> Path:
    from arkisto.search.indexer import index_paths

    src = tmp_path / "deciders"
    src.mkdir()
    (src / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = index_paths([src], tmp_path / "deciders-index")
    assert report.records == len(records), report.problems
    return tmp_path / "deciders-index"


RECORDS = [
    decision(id="b1", municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2024-03-12",
             section="45", title="Talousarvion toteutuminen", proposal="Merkitään tiedoksi."),
    decision(id="b2", municipality="Espoo", committee="Kaupunginhallitus", meeting_date="2024-04-02",
             section="12", title="Tonttien myynti", proposal="Myydään tontit."),
    decision(id="b3", municipality="Helsinki", committee="Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto",
             meeting_date="2024-05-02", section="3", title="Ympäristölupa", proposal="Myönnetään lupa."),
    decision(id="o1", municipality="Helsinki", committee="Tiimipäällikkö", meeting_date="2024-06-01",
             title="Hankinta", proposal="Hankitaan tuolit."),
    decision(id="o2", municipality="Helsinki", committee="Yksikön päällikkö", meeting_date="2024-06-02",
             title="Virkavapaa", proposal="Myönnetään virkavapaa."),
    decision(id="o3", municipality="Espoo", committee="rehtori", meeting_date="2024-06-03",
             title="Oppilaaksiotto", proposal="Otetaan oppilaaksi."),
    decision(id="o4", municipality="Espoo", committee="Sosiaali- ja terveystoimialan toimialajohtaja",
             meeting_date="2024-06-04", title="Palvelusetelit", proposal="Otetaan käyttöön palvelusetelit."),
    decision(id="o5", municipality="Helsinki", committee="Bildningsdirektör", language="sv",
             meeting_date="2024-06-05", title="Upphandling", proposal="Stolar upphandlas."),
    decision(id="s1", municipality="Helsinki", language="sv",
             committee="Svenska sektionen vid nämnden för fostran och utbildning",
             meeting_date="2024-06-06", section="8", title="Skolornas budget", proposal="Budgeten godkänns."),
]
BODIES = {"Kaupunginhallitus", "Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto",
          "Svenska sektionen vid nämnden för fostran och utbildning"}
OFFICIALS = {"Tiimipäällikkö", "Yksikön päällikkö", "rehtori", "Sosiaali- ja terveystoimialan toimialajohtaja",
             "Bildningsdirektör"}


@pytest.fixture
def svc(tmp_path: Path):
    from arkisto.search.service import SearchService

    with SearchService(_index(tmp_path, RECORDS)) as s:
        yield s


def test_officials_have_a_facet_of_their_own_and_bodies_keep_theirs(svc):
    res = svc.search("")
    assert {v.value for v in res.facets["committee"].values} == BODIES
    assert {v.value for v in res.facets["official"].values} == OFFICIALS
    # The record still says who decided: its committee is the official's title.
    (hit,) = svc.search("viranhaltija:tiimipäällikkö").hits
    assert hit.id == "o1" and hit.committee == "Tiimipäällikkö"
    assert {h.id for h in svc.search("official:päällikkö").hits} == {"o1", "o2"}  # within the name
    assert {h.id for h in svc.search("viranhaltija:yksikön").hits} == {"o2"}
    assert svc.search("", filters={"official": ["rehtori"]}).total == 1
    assert svc.search("toimielin:kaupunginhallitus").total == 2


def test_the_municipality_facet_comes_first_when_there_are_several(svc, facet_index: Path):
    from arkisto.search.service import SearchService

    assert list(svc.search("").facets)[:3] == ["municipality", "committee", "official"]
    with SearchService(facet_index) as one:  # one municipality: nothing to tell apart
        assert list(one.search("").facets)[:2] == ["committee", "official"]


def test_an_index_from_before_the_official_facet_asks_for_a_rebuild(tmp_path: Path):
    from arkisto.errors import RebuildNeededError
    from arkisto.search.service import SearchService

    ix = _index(tmp_path, RECORDS[:1])
    gen = (ix / "CURRENT").read_text().strip()
    path = ix / gen / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] -= 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RebuildNeededError):
        SearchService(ix)


@pytest.mark.parametrize("name,official", [
    ("Kaupunginhallitus", False), ("Tekninen lautakunta", False), ("Kauhavan kaupunki", False),
    ("Palvelukeskusliikelaitoksen johtokunta", False), ("Kaupunginhallituksen konsernijaosto", False),
    ("Aluehallitus", False), ("Stadsstyrelsen", False), ("Tekniska nämnden", False),
    ("Svenska sektionen vid nämnden för fostran och utbildning", False),
    ("Tiimipäällikkö", True), ("Yksikön päällikkö", True), ("kaupunginjohtaja", True), ("rehtori", True),
    ("vs. sivistysjohtaja", True), ("Johtava ylilääkäri", True), ("Terveysinsinööri 1", True),
    ("Pelastuskomentaja", True), ("Rakennustarkastaja", True), ("Viranhaltija", True),
    ("Stadsdirektören", True), ("Bildningsdirektör", True), ("Ekonomichef", True),
])
def test_an_official_is_told_from_a_body_by_the_shape_of_the_name(name, official):
    from arkisto.deciders import is_official

    assert is_official(name) is official
