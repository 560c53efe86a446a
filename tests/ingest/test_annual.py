"""Annual reports (tilinpäätös / toimintakertomus) as PDF: Kauhava 2024,
158 pages, real document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from arkisto.ingest import parse_path

KAUHAVA = Path(__file__).resolve().parents[1] / "fixtures" / "annual-reports" / "kauhava_tilinpaatos_2024.pdf"


@pytest.fixture(scope="module")
def report():
    r = parse_path(KAUHAVA)
    assert r.format == "annual-report-pdf"
    assert not [p for p in r.problems if p.severity == "error"]
    [rec] = r.records
    return rec


def test_identity(report):
    assert report.kind == "annual_report"
    assert report.organisation == "Kauhavan kaupunki"
    assert report.municipality == "Kauhava" and "municipality" in report.derived
    assert report.year == 2024  # the financial year, not the signing year 2025
    assert report.title == "Tilinpäätös 2024"


def test_sections_follow_the_table_of_contents(report):
    headings = [s.heading for s in report.sections]
    for h in ("1.1.1 Kaupunginjohtajan katsaus vuoteen 2024", "1.1.4 Olennaiset muutokset ja tapahtumat kaupungin toiminnassa ja taloudessa",
              "1.7.2 Talouden tasapaino", "Kauhavan Vesi Oy", "Elämänlaatulautakunta", "3.3 Tase", "7.2 Selvitys kirjanpidon säilytyksestä"):
        assert h in headings
    assert 40 <= len(report.sections) <= 80  # meaningful units, not one per page
    katsaus = report.sections[headings.index("1.1.1 Kaupunginjohtajan katsaus vuoteen 2024")]
    assert katsaus.text.startswith("Vuosi 2024 toteutui talousarviota ja muita suunnitelmia paremmin.")
    assert headings.index("1.1.1 Kaupunginjohtajan katsaus vuoteen 2024") < headings.index("1.1.2 Kaupungin hallinto")


def test_no_running_headers_in_sections(report):
    import re

    for s in report.sections:
        assert not re.search(r"(?m)^\d{1,3}/157\s*$", s.text)
        assert "Tilinpäätös 2024 \n" not in s.text
        assert "\u200b" not in s.text


def test_funded_projects(report):
    projects = {p.name: p for p in report.funded_projects}
    for name in ("Kärrynpyörä", "Parasta palvelua - Eepos", "Menestystä kansainväliseen rekrytointiin",
                 "Vastuullisuus käytännön teoiksi", "Matkailun edistäminen Kauhavalla"):
        assert name in projects
    assert projects["Harrastamisen riemua Kauhavalla 2024"].funder == "valtio"
    # a funder's own name is not a project ("Opetus- ja kulttuuriministeriön (OKM)")
    assert not any("ministeriö" in n for n in projects)


def test_detected_by_content_not_name(tmp_path):
    copy = tmp_path / "dokumentti.pdf"
    shutil.copy(KAUHAVA, copy)
    assert parse_path(copy).format == "annual-report-pdf"
