"""Exports people open in a spreadsheet (export.py, `arkisto export --format
csv`, `arkisto search --jsonl`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from arkisto.export import CELL_LIMIT, default_export_folder
from helpers import decision
from test_cli import run

LONG = "Valmistelu. " + "Hankkeen rahoitus jatkuu vuosittain. " * 9000  # ~333,000 characters


@pytest.fixture(scope="module")
def export_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export")
    archive = root / "archive"
    archive.mkdir()
    records = [
        decision(id="e1", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
                 meeting_date="2025-03-12", section="45", title="Hankkeet 2024",
                 presenter={"name": "Pirjo Hepo-oja", "title": "hyvinvointijohtaja"},
                 preparers=[{"name": "Anna Virtanen", "title": "rehtori"}, {"name": "Pekka Laine"}],
                 proposal="Lautakunta merkitsee hankkeet tiedoksi.", preparation=LONG,
                 funded_projects=[{"name": "VALSSI", "funder": "OKM", "amount": "120 000 €"},
                                  {"name": "DigiOne", "funder": "OPH"}]),
        decision(id="e2", municipality="Heinola", committee="Kasvatus- ja opetuslautakunta",
                 meeting_date="2025-04-09", section="50", title="=HYPERLINK(\"http://x\") hankkeet",
                 proposal="Hankkeet ja koulukuljetukset."),
    ]
    (archive / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    ix = root / "ix"
    assert run("index", str(archive), "--index", str(ix)).returncode == 0
    return ix


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_opens_cleanly_in_a_spreadsheet(export_index: Path, tmp_path: Path):
    out = tmp_path / "vienti.csv"
    r = run("export", "--format", "csv", "-o", str(out), "--index", str(export_index))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {row["id"]: row for row in read_csv(out.read_text(encoding="utf-8"))}
    e1 = rows["e1"]
    assert e1["presenter"] == "Pirjo Hepo-oja (hyvinvointijohtaja)"
    assert e1["preparers"] == "Anna Virtanen (rehtori); Pekka Laine"
    assert e1["funded_projects"] == "VALSSI (OKM, 120 000 €); DigiOne (OPH)"
    assert max(len(v) for row in rows.values() for v in row.values()) <= CELL_LIMIT
    assert e1["preparation"].endswith("the whole text is in the JSONL export]")
    assert rows["e2"]["title"].startswith("'=HYPERLINK")  # shown as text, never run as a formula
    # The JSONL export keeps the whole text.
    r = run("export", "--index", str(export_index))
    full = {json.loads(line)["id"]: json.loads(line) for line in r.stdout.splitlines()}
    assert full["e1"]["preparation"] == LONG


def test_csv_says_which_words_a_partial_match_lacks(export_index: Path):
    r = run("export", "hankkeet koulukuljetukset", "--format", "csv", "--index", str(export_index))
    rows = {row["id"]: row for row in read_csv(r.stdout)}
    assert rows["e2"]["missing"] == ""
    assert rows["e1"]["missing"] == "koulukuljetukset"


def test_search_jsonl_prints_one_hit_per_line(export_index: Path):
    r = run("search", "hankkeet", "--jsonl", "--index", str(export_index))
    assert r.returncode == 0, r.stderr
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert {h["id"] for h in hits} == {"e1", "e2"}
    assert all(h["municipality"] == "Heinola" and "snippet" in h for h in hits)
    r = run("search", "olematonsana", "--jsonl", "--index", str(export_index))
    assert r.returncode == 1 and r.stdout == ""


def test_default_export_folder_follows_xdg_user_dirs(tmp_path: Path, monkeypatch):
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert default_export_folder(home) == home
    (home / "Downloads").mkdir()
    assert default_export_folder(home) == home / "Downloads"
    (home / "Asiakirjat").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/Asiakirjat"\n', encoding="utf-8")
    assert default_export_folder(home) == home / "Asiakirjat"


def test_csv_names_where_personal_data_is_in_words_not_python_reprs():
    """The `personal` column says what and where ("name in preparation
    12-25"), not "kind='name' field=…" as Python prints a model."""
    from arkisto.export import csv_row
    from arkisto.models import Decision, PersonalSpan, Source

    rec = Decision(id="p1", preparation="Hakija Ilmari Kivimäki on hakenut lupaa.", source=Source(path="x", format="x"),
                   personal=[PersonalSpan(kind="name", field="preparation", start=7, end=22),
                             PersonalSpan(kind="name", field="title", start=0, end=5, confidence="possible")])
    assert csv_row(rec)["personal"] == "name in preparation 7-22; name in title 0-5 (possible)"
