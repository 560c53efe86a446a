"""Citations to paste into a memo or an appeal (cite.py, `arkisto cite`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from arkisto.cite import bibtex, cite, citation, csl, is_official, official_name
from arkisto.models import AnnualReport, Decision, Source
from helpers import HEINOLA, decision
from test_cli import run

SRC = Source(path="x", format="arkisto-json")


def test_heinola_decision_names_city_body_date_section_and_case_id():
    rec = Decision(municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
                   meeting_date=date(2025, 3, 12), section="45", case_id="HEI/123/2025", source=SRC)
    assert citation(rec) == "Heinolan kaupunki, kasvatus- ja opetuslautakunta 12.3.2025 § 45, dnro HEI/123/2025"


def test_helsinki_city_board_says_which_city():
    rec = Decision(municipality="Helsinki", committee="Kaupunginhallitus", meeting_date=date(2021, 12, 13),
                   section="928", case_id="HEL 2021-007014", source=SRC)
    assert citation(rec) == "Helsingin kaupunki, kaupunginhallitus 13.12.2021 § 928, dnro HEL 2021-007014"


def test_officials_decision_gives_the_officials_title():
    rec = Decision(municipality="Helsinki", committee="Tilapäällikkö", section="31",
                   case_id="HEL 2020-002934", source=SRC)
    assert is_official("Tilapäällikkö") and not is_official("Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto")
    assert citation(rec) == "Helsingin kaupunki, tilapäällikkö, viranhaltijapäätös § 31, dnro HEL 2020-002934"


def test_swedish_record_names_the_town_in_swedish():
    rec = Decision(municipality="Jakobstad", committee="Stadsstyrelsen", meeting_date=date(2024, 2, 5),
                   section="12", language="sv", source=SRC)
    assert citation(rec) == "Jakobstads stad, stadsstyrelsen 5.2.2024 § 12"
    rec = Decision(municipality="Helsinki", committee="Svenska sektionen vid nämnden för fostran och utbildning",
                   meeting_date=date(2021, 11, 16), case_id="HEL 2021-012421", language="sv", source=SRC)
    assert citation(rec) == ("Helsingfors stad, svenska sektionen vid nämnden för fostran och utbildning "
                             "16.11.2021, dnr HEL 2021-012421")


def test_a_municipality_not_known_as_a_city_is_not_given_an_invented_name():
    # Kempele is a kunta: nothing in the record says so, so it is named as it is.
    assert official_name("Kempele", "fi") == "Kempele"
    assert official_name("Kempele", "fi", committee="Kunnanhallitus") == "Kempeleen kunta"
    # … and as a kunta where its own text says so.
    assert official_name("Sipoo", "fi", "Sipoon kunnan hallintosääntö") == "Sipoon kunta"
    assert official_name("Esimerkkilä", "fi") == "Esimerkkilä"


def test_annual_report_has_no_duplicated_year():
    rec = AnnualReport(organisation="Kauhavan kaupunki", municipality="Kauhava", title="Tilinpäätös 2024",
                       year=2024, source=SRC)
    assert citation(rec) == "Kauhavan kaupunki, Tilinpäätös 2024"
    assert "2024 2024" not in rec.citation()
    rec = AnnualReport(municipality="Kauhava", title="Toimintakertomus", year=2024, source=SRC)
    assert citation(rec) == "Kauhavan kaupunki, Toimintakertomus 2024"


def test_csl_and_bibtex():
    rec = Decision(id="abc123def", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
                   meeting_date=date(2025, 3, 12), section="45", title="Toimintakertomus 100 % {valmis}",
                   case_id="HEI/1/2025", source=SRC)
    item = csl(rec)
    assert item["author"] == [{"literal": "Heinolan kaupunki, kasvatus- ja opetuslautakunta"}]
    assert item["issued"] == {"date-parts": [[2025, 3, 12]]} and item["number"] == "§ 45"
    assert item["title"] == "Toimintakertomus 100 % {valmis}" and item["note"] == "dnro HEI/1/2025"
    assert json.loads(cite(rec, "csl")) == [item]
    bib = bibtex(rec)
    assert bib.startswith("@misc{heinola2025_45_abc123,")
    assert "author = {{Heinolan kaupunki, kasvatus- ja opetuslautakunta}}" in bib
    assert r"title = {Toimintakertomus 100 \% \{valmis\}}" in bib
    assert "date = {2025-03-12}" in bib and "note = {dnro HEI/1/2025}" in bib
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")


@pytest.fixture(scope="module")
def cite_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cite")
    archive = root / "archive"
    archive.mkdir()
    (archive / "heinola.txt").write_bytes(HEINOLA.read_bytes())
    records = [decision(id="tp1", municipality="Helsinki", committee="Tiimipäällikkö", section="6",
                        title="Vuokraus, toimistotila", case_id="HEL 2022-000218")]
    (archive / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    r = run("index", str(archive), "--index", str(ix))
    assert r.returncode == 0, r.stderr
    return ix


def test_cli_cite_in_three_formats(cite_index: Path):
    heinola = json.loads(run("search", "toimintakertomus", "--json", "--index", str(cite_index)).stdout)["hits"][0]
    r = run("cite", heinola["id"], "--index", str(cite_index))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Heinolan kaupunki, kasvatus- ja opetuslautakunta\n"
    r = run("cite", "tp1", "--index", str(cite_index))
    assert r.stdout == "Helsingin kaupunki, tiimipäällikkö, viranhaltijapäätös § 6, dnro HEL 2022-000218\n"
    r = run("cite", "tp1", "--format", "csl", "--index", str(cite_index))
    assert json.loads(r.stdout)[0]["genre"] == "viranhaltijapäätös"
    r = run("cite", "tp1", "--format", "bibtex", "--index", str(cite_index))
    assert r.stdout.startswith("@misc{helsinki_6_tp1,") and "{{Helsingin kaupunki, tiimipäällikkö}}" in r.stdout
    r = run("cite", "nope", "--index", str(cite_index), "--lang", "en")
    assert r.returncode == 1 and "no record with id 'nope'" in r.stderr
    r = run("cite", "nope", "--index", str(cite_index), "--lang", "fi")
    assert r.returncode == 1 and "ei tietuetta tunnuksella 'nope'" in r.stderr
