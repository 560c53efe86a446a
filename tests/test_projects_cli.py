"""`arkisto projects`, and the funded projects in `arkisto show` and the CSV
export, as a user sees them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from projects_fixture import build_index


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("projects-cli"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arkisto", *args], capture_output=True, text=True)


def test_projects_table(ix):
    r = run("projects", "--index", str(ix), "--lang", "fi")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["hanke", "rahoittaja", "summat"]
    valssi = lines[1]
    assert valssi.startswith("VALSSI ") and "OKM" in valssi
    assert "haettu 120 000 € (2023); myönnetty 100 000 € (2023)" in valssi
    assert "14.2.2023–12.3.2024" in valssi and valssi.rstrip().endswith("3")


def test_projects_json_is_stable(ix):
    r = run("projects", "rahoittaja:OKM", "--json", "--index", str(ix))
    out = json.loads(r.stdout)
    assert set(out) == {"query", "total", "projects", "notes"}
    v = out["projects"][0]
    assert set(v) == {"key", "name", "aliases", "funders", "programme", "amounts", "municipalities",
                      "first", "last", "records"}
    assert v["key"] == "valssi" and v["amounts"]["granted"] == [{"euros": 100000.0, "year": 2023}]
    assert "kärrynpyörä" not in {p["key"] for p in out["projects"]}  # funded by OPH


def test_projects_funder_flag_and_no_results(ix):
    out = json.loads(run("projects", "--funder", "OPH", "--json", "--index", str(ix)).stdout)
    assert [p["key"] for p in out["projects"]] == ["kärrynpyörä"]
    r = run("projects", "kunta:Oulu", "--index", str(ix))
    assert r.returncode == 1 and r.stdout == ""


def test_projects_bad_amount_note(ix):
    r = run("projects", "summa:paljon", "--index", str(ix), "--lang", "en")
    assert r.returncode == 0
    assert "summa:paljon is not an amount" in r.stderr


def test_projects_timeline(ix):
    r = run("projects", "--timeline", "valssi-hanke", "--index", str(ix), "--lang", "fi")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert text.startswith("VALSSI · tietueita: 3")
    order = [text.index(d) for d in ("14.2.2023 ·", "1.6.2023 ·", "12.3.2024 ·")]
    assert order == sorted(order)
    assert "“Lautakunta päättää hakea OKM:ltä 120 000 euroa VALSSI-hankkeelle.”" in text
    assert "vastaanotto" in text and "myönnetty 100 000 € (2023); omarahoitus 25 000 € (2023)" in text
    out = json.loads(run("projects", "--timeline", "VALSSI", "--json", "--index", str(ix)).stdout)
    assert [e["id"] for e in out["timeline"]] == ["v1", "v2", "v3"]
    assert set(out["timeline"][0]) == {"id", "kind", "date", "year", "municipality", "citation", "title", "name",
                                       "stage", "sentence", "funders", "programme", "amounts"}
    r = run("projects", "--timeline", "ei-ole", "--index", str(ix))
    assert r.returncode == 1 and "ei-ole" in r.stderr and "Traceback" not in r.stderr


def test_projects_programmes(ix):
    r = run("projects", "--programmes", "--index", str(ix), "--lang", "fi")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("OKM · saajia: 2 · Sitouttava kouluyhteisötyö")
    assert "Helsinki  Sitouttava kouluyhteisötyö Helsingissä  myönnetty 500 000 € (2024); omarahoitus 125 000 €" \
        in r.stdout
    out = json.loads(run("projects", "--programmes", "--json", "--index", str(ix)).stdout)
    [g] = out["programmes"]
    assert {r["municipality"] for r in g["recipients"]} == {"Heinola", "Helsinki"}


def test_show_prints_funders_amounts_and_sentence(ix):
    r = run("show", "v2", "--index", str(ix), "--lang", "fi")
    assert r.returncode == 0, r.stderr
    assert "• VALSSI -digitaalinen laadunarviointijärjestelmä (OKM) · vastaanotto" in r.stdout
    assert "myönnetty 100 000 € (2023); omarahoitus 25 000 € (2023)" in r.stdout
    assert "“Opetus- ja kulttuuriministeriö myönsi VALSSI" in r.stdout


def test_csv_export_has_project_columns(ix):
    r = run("export", "hanke:VALSSI", "--format", "csv", "--index", str(ix))
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff")))}
    assert rows["v2"]["project_keys"] == "valssi" and rows["v2"]["funders"] == "OKM"
    assert rows["v2"]["amounts"] == ("VALSSI -digitaalinen laadunarviointijärjestelmä: granted 100000 2023; "
                                     "VALSSI -digitaalinen laadunarviointijärjestelmä: own_share 25000 2023")
    r = run("export", "--format", "csv", "--index", str(ix))
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff")))}
    assert rows["o1"]["funders"] == "OKM; AVI" and rows["o1"]["project_keys"] == "digione"


def test_projects_path_does_not_import_textual(ix):
    code = (
        "import sys, io, contextlib\n"
        "from arkisto.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['projects', '--json', '--index', {str(ix)!r}])\n"
        f"    main(['projects', '--timeline', 'VALSSI', '--index', {str(ix)!r}])\n"
        f"    main(['projects', '--programmes', '--index', {str(ix)!r}])\n"
        "print('textual' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr


def test_search_explain_names_the_amount_filter(ix):
    r = run("search", "summa:>100000", "--explain", "--index", str(ix), "--lang", "en")
    assert "filter amounts: summa:>100000" in r.stdout
    assert "2 matching records" in r.stdout
