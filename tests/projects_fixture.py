"""A small archive of funded projects in arkisto's own JSON, with the fields
the ingest fills (key, funders, amounts, stage, programme, sentence) written
by hand: one project under three written forms across an application, a
grant and a report; two projects whose names are alike but not the same; a
ministry programme with two recipient towns; and an old record without a key."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import decision


def amount(euros, role, year=None, text=""):
    return {"euros": euros, "role": role, "year": year, "text": text or f"{euros:,.0f} €".replace(",", " ")}


RECORDS = [
    decision(id="v1", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
             meeting_date="2023-02-14", section="11", title="Avustushakemus VALSSI-hankkeelle",
             proposal="Lautakunta päättää hakea OKM:ltä 120 000 euroa VALSSI-hankkeelle.",
             funded_projects=[{"name": "VALSSI-hanke", "funder": "OKM:ltä", "key": "valssi", "funders": ["OKM"],
                               "amounts": [amount(120000, "applied", 2023)], "years": [2023],
                               "stage": "application",
                               "sentence": "Lautakunta päättää hakea OKM:ltä 120 000 euroa VALSSI-hankkeelle."}]),
    decision(id="v2", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
             meeting_date="2023-06-01", section="40", title="VALSSI-avustuksen vastaanottaminen",
             proposal="Opetus- ja kulttuuriministeriö myönsi VALSSI -digitaalinen laadunarviointijärjestelmä "
                      "-hankkeelle 100 000 euroa.",
             funded_projects=[{"name": "VALSSI -digitaalinen laadunarviointijärjestelmä",
                               "funder": "opetus- ja kulttuuriministeriö", "key": "valssi", "funders": ["OKM"],
                               "amounts": [amount(100000, "granted", 2023), amount(25000, "own_share", 2023)],
                               "stage": "acceptance",
                               "sentence": "Opetus- ja kulttuuriministeriö myönsi VALSSI -digitaalinen "
                                           "laadunarviointijärjestelmä -hankkeelle 100 000 euroa."}]),
    decision(id="v3", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
             meeting_date="2024-03-12", section="45", title="Hankkeiden loppuraportit",
             proposal="Lautakunta merkitsee tiedoksi VALSSI- ja Kärrynpyörä-hankkeiden raportit.",
             funded_projects=[{"name": "VALSSI", "funder": "OKM", "key": "valssi", "funders": ["OKM"],
                               "stage": "report", "sentence": "VALSSI-hankkeen loppuraportti."},
                              {"name": "Kärrynpyörä", "funder": "OPH", "key": "kärrynpyörä", "funders": ["OPH"],
                               "amounts": [amount(40000, "granted", 2024)], "stage": "report",
                               "sentence": "Kärrynpyörä-hankkeen raportti (OPH 40 000 €)."}]),
    decision(id="k2", municipality="Kauhava", committee="Sivistyslautakunta", meeting_date="2024-05-05",
             section="7", title="Kärrynpyörää kaiken ikää 2",
             proposal="Haetaan avustusta hankkeelle Kärrynpyörää kaiken ikää 2.",
             funded_projects=[{"name": "Kärrynpyörää kaiken ikää 2", "funder": "AVI",
                               "key": "kärrynpyörää kaiken ikää 2", "funders": ["AVI"],
                               "amounts": [amount(30000, "applied", 2024)], "stage": "application",
                               "sentence": "Haetaan 30 000 euroa hankkeelle Kärrynpyörää kaiken ikää 2."}]),
    decision(id="h1", municipality="Helsinki", committee="Kasvatus- ja koulutuslautakunta",
             meeting_date="2024-09-10", section="3",
             title="Opetus- ja kulttuuriministeriön erityisavustus sitouttavaan kouluyhteisötyöhön",
             proposal="Lautakunta ottaa vastaan 500 000 euron avustuksen; omarahoitusosuus 125 000 euroa.",
             funded_projects=[{"name": "Sitouttava kouluyhteisötyö Helsingissä", "funder": "OKM",
                               "key": "sitouttava kouluyhteisötyö helsingissä", "funders": ["OKM"],
                               "amounts": [amount(500000, "granted", 2024), amount(125000, "own_share", 2024)],
                               "stage": "acceptance", "programme": "Sitouttava kouluyhteisötyö",
                               "sentence": "Lautakunta ottaa vastaan 500 000 euron avustuksen."}]),
    decision(id="n1", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
             meeting_date="2024-10-01", section="80", title="Yhdessä koulussa -verkostohanke",
             proposal="OKM myönsi 60 000 euroa sitouttavan kouluyhteisötyön verkostohankkeelle.",
             funded_projects=[{"name": "Yhdessä koulussa", "funder": "OKM", "key": "yhdessä koulussa",
                               "funders": ["OKM"], "amounts": [amount(60000, "granted", 2024)],
                               "stage": "grant", "programme": "sitouttava  kouluyhteisötyö",
                               "sentence": "OKM myönsi 60 000 euroa sitouttavan kouluyhteisötyön "
                                           "verkostohankkeelle."}]),
    # An old record: the name and the written funder only.
    decision(id="o1", municipality="Heinola", committee="Kaupunginhallitus", section="5",
             title="Vanha päätös", proposal="Hyväksytään DigiOne-hankkeen raportti.",
             funded_projects=[{"name": "DigiOne", "funder": "OKM/AVI"}]),
    decision(id="x1", municipality="Heinola", committee="Tekninen lautakunta", meeting_date="2024-01-01",
             section="1", title="Katujen kunnossapito", proposal="Hyväksytään suunnitelma."),
]


def write_archive(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "projects.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    return path


def build_index(tmp_path: Path) -> Path:
    from arkisto.search.indexer import index_paths

    index_dir = tmp_path / "projects-index"
    report = index_paths([write_archive(tmp_path / "projects-archive")], index_dir)
    assert report.records == len(RECORDS), report.problems
    return index_dir
