"""Text hygiene at ingest: encodings, mojibake, NFD, control characters, and
JSON input: arkisto's own, Ahjo's and OpenNC's."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from arkisto.ingest import parse_path
from arkisto.text import clean, decode_bytes, repair_mojibake
from helpers import FIXTURES, HEINOLA, decision


def test_bom_is_removed_and_reported(tmp_path: Path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + HEINOLA.read_bytes())
    r = parse_path(f)
    assert r.records[0].committee == "Kasvatus- ja opetuslautakunta"
    assert any("byte-order mark" in p.message for p in r.problems)


def test_cp1252_file_is_converted_and_warned(tmp_path: Path):
    f = tmp_path / "latin.txt"
    f.write_bytes(HEINOLA.read_text(encoding="utf-8").encode("cp1252"))
    r = parse_path(f)
    assert r.records[0].presenter.name == "Pirjo Hepo-oja"
    assert r.records[0].authority == "Hallintosääntö 23.1 §"
    assert any("Windows-1252" in p.message for p in r.problems)


def test_mojibake_is_repaired():
    assert repair_mojibake("PÃ¤Ã¤tÃ¶s") == ("Päätös", True)
    text, notes = decode_bytes("PÃ¤Ã¤tÃ¶sehdotus hyvÃ¤ksyttiin".encode("utf-8"))
    assert text == "Päätösehdotus hyväksyttiin" and notes


def test_nfd_is_normalised(tmp_path: Path):
    f = tmp_path / "nfd.txt"
    f.write_text(unicodedata.normalize("NFD", HEINOLA.read_text(encoding="utf-8")), encoding="utf-8")
    r = parse_path(f)
    assert r.records[0].committee == "Kasvatus- ja opetuslautakunta"  # NFC, so NFC queries match
    assert any("NFC" in p.message for p in r.problems)


def test_control_and_zero_width_characters_are_stripped():
    assert clean("Päätös\x1b[2J\u200b hyväksyttiin\x07") == "Päätös hyväksyttiin"


def test_arkisto_jsonl_errors_name_the_line(tmp_path: Path):
    f = tmp_path / "records.jsonl"
    f.write_text(
        json.dumps(decision(id="d1", title="Yksi")) + "\n"
        + '{"kind": "decision", "title": \n'
        + json.dumps(decision(id="d3", title="Kolme", outcome="maybe")) + "\n",
        encoding="utf-8",
    )
    r = parse_path(f)
    assert [rec.id for rec in r.records] == ["d1"]
    msgs = [str(p) for p in r.problems]
    assert any("line 2" in m and "invalid JSON" in m for m in msgs)
    assert any("line 3" in m and "outcome" in m for m in msgs)


def test_json_duplicate_keys_and_nan_are_rejected(tmp_path: Path):
    f = tmp_path / "dup.json"
    f.write_text('{"kind": "decision", "title": "a", "title": "b", "source": {"path": "x", "format": "y"}}')
    assert "duplicate key 'title'" in str(parse_path(f).problems[0])
    f = tmp_path / "nan.json"
    f.write_text('{"kind": "decision", "title": NaN, "source": {"path": "x", "format": "y"}}')
    assert "NaN" in str(parse_path(f).problems[0])


def test_unknown_json_layout_is_named(tmp_path: Path):
    f = tmp_path / "other.json"
    f.write_text('{"foo": [1, 2]}')
    r = parse_path(f)
    assert r.records == []
    assert "JSON layout not recognised" in str(r.problems[0])


AHJO = FIXTURES / "helsinki-ahjo" / "decisions.json"
OPENNC = FIXTURES / "mikkeli-cloudnc" / "mikkeli_kaupunginhallitus_4020.json"


@pytest.mark.parametrize("source, fmt, key, before", [
    (AHJO, "Ahjo", "Title", '"Title": '),
    (OPENNC, "OpenNC", "Text", '"Text": '),
])
def test_system_json_with_duplicate_keys_is_rejected(tmp_path: Path, source: Path, fmt: str, key: str, before: str):
    text = json.dumps(json.loads(source.read_text(encoding="utf-8")), ensure_ascii=False)
    assert before in text
    f = tmp_path / source.name
    f.write_text(text.replace(before, f'{before}"first", {before}', 1), encoding="utf-8")
    r = parse_path(f)
    assert r.records == []
    assert [str(p) for p in r.problems] == [f"{f}: invalid {fmt} JSON: duplicate key '{key}'"]


@pytest.mark.parametrize("source, fmt, before", [
    (AHJO, "Ahjo", '"Title": '),
    (OPENNC, "OpenNC", '"Name": "Name"'),
])
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_system_json_with_nan_is_rejected(tmp_path: Path, source: Path, fmt: str, before: str, constant: str):
    text = json.dumps(json.loads(source.read_text(encoding="utf-8")), ensure_ascii=False)
    f = tmp_path / source.name
    f.write_text(text.replace(before, f'"Score": {constant}, {before}', 1), encoding="utf-8")
    r = parse_path(f)
    assert r.records == []
    assert [str(p) for p in r.problems] == [f"{f}: invalid {fmt} JSON: {constant} is not valid JSON"]
