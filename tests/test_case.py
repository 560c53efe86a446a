"""Following a case: `arkisto show CASEID` lists its handlings, and similar
decisions prefer the same municipality and body and say which words they
share (SearchService.case, SearchService.related)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, decision
from test_cli import run

CASE = "HEL 2021-007014"
RECORDS = [
    decision(id="k3", municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2021-12-13",
             section="928", title="Ympäristölupa, valitus", case_id=CASE, outcome="approved",
             proposal="Kaupunginhallitus päättää valittaa ympäristöluvasta hallinto-oikeuteen."),
    decision(id="k1", municipality="Helsinki", committee="Kaupunkiympäristölautakunta", meeting_date="2021-09-07",
             section="451", title="Ympäristölupa, lausunto", case_id=CASE,
             proposal="Kaupunkiympäristölautakunta päättää antaa lausunnon ympäristöluvasta."),
    decision(id="k2", municipality="Helsinki", committee="Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto",
             meeting_date="2021-10-14", section="208", title="Ympäristölupa, päätös", case_id=CASE,
             proposal="Jaosto myöntää ympäristöluvan."),
    decision(id="other", municipality="Helsinki", committee="Kaupunginhallitus", meeting_date="2021-12-13",
             section="929", title="Muu asia", case_id="HEL 2021-000001", proposal="Merkitään tiedoksi."),
]


@pytest.fixture(scope="module")
def case_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("case")
    archive = root / "archive"
    archive.mkdir()
    (archive / "records.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    r = run("index", str(archive), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    return ix


def test_show_a_case_id_lists_its_handlings_oldest_first(case_index: Path):
    r = run("show", CASE, "--index", str(case_index))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"Case {CASE}: 3 handlings"
    cites = [line.split(". ", 1)[1] for line in lines if line[:4].strip().rstrip(".").isdigit()]
    assert cites == [
        f"Helsingin kaupunki, kaupunkiympäristölautakunta 7.9.2021 § 451, dnro {CASE}",
        f"Helsingin kaupunki, kaupunkiympäristölautakunnan ympäristö- ja lupajaosto 14.10.2021 § 208, dnro {CASE}",
        f"Helsingin kaupunki, kaupunginhallitus 13.12.2021 § 928, dnro {CASE}",
    ]
    assert "id k1" in r.stdout and "id other" not in r.stdout
    # Typed in lower case, with extra spaces; and as JSON.
    out = json.loads(run("show", "hel  2021-007014", "--json", "--index", str(case_index)).stdout)
    assert out["case_id"] == CASE and [h["id"] for h in out["handlings"]] == ["k1", "k2", "k3"]
    # A record id still shows the record; an unknown id is exit code 1.
    assert "Ympäristölupa, valitus" in run("show", "k3", "--index", str(case_index)).stdout
    r = run("show", "HEL 2099-000001", "--index", str(case_index))
    assert r.returncode == 1 and "no record or case with id" in r.stderr


@pytest.fixture(scope="module")
def two_towns_index(tmp_path_factory) -> Path:
    """Real decisions of two towns: Helsinki (Ahjo) and Mikkeli (OpenNC)."""
    root = tmp_path_factory.mktemp("towns")
    archive = root / "archive"
    shutil.copytree(FIXTURES / "helsinki-ahjo", archive / "helsinki-ahjo")
    shutil.copytree(FIXTURES / "mikkeli-cloudnc", archive / "mikkeli-cloudnc")
    ix = root / "ix"
    r = run("index", str(archive), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    return ix


def test_similar_decisions_prefer_the_same_town_and_say_which_words_they_share(two_towns_index: Path):
    """A Helsinki election decision (vaalitoimikunnat): Helsinki's decisions
    come before Mikkeli's board appointments, and each suggestion names the
    words it shares."""
    ix = str(two_towns_index)
    hits = json.loads(run("search", "vaalitoimikuntien asettaminen aluevaaleihin", "--json",
                          "--index", ix).stdout)["hits"]
    election = hits[0]
    assert election["municipality"] == "Helsinki" and election["title"].startswith("Vaalitoimikuntien")
    rel = json.loads(run("related", election["id"], "--json", "--index", ix).stdout)
    towns = [h["municipality"] for h in rel["similar"]]
    assert towns[:2] == ["Helsinki"] * 2, towns  # before: Mikkeli's Haukivuori board appointments first
    for h in rel["similar"]:
        assert h["shared"], h["title"]
        assert not any(c.isdigit() for w in h["shared"] for c in w)
    r = run("related", election["id"], "--index", ix)
    assert "shared words: " in r.stdout
