"""Funded projects read from decisions unlike those arkisto was built on
(issue 17): own sentences in wordings of their own, each rule that reads a
name, a funder or a sum checked with the sentences around it moved, broken
over lines and interleaved with page furniture, and the negatives (budget
changes, procurements, loans, salaries, a building paid from the own
budget) that must read nothing."""

from __future__ import annotations

from pathlib import Path

from arkisto.ingest import parse_path


def _minutes(tmp_path: Path, body: str, name: str = "ote.txt") -> list:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return parse_path(path).records


# --- the text under "Valmistelija" is the preparation, not a second preparer ----------------


def test_sentence_after_the_preparer_line_stays_in_the_preparation(tmp_path):
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 31\nRetkeilyreitin opasteet\n\n"
        "Valmistelija vapaa-aikasihteeri Maija Korhonen\n\n"
        "Etelä-Savon ELY-keskus on myöntänyt Savitaipaleen\n"
        "kunnalle avustusta reitin opasteisiin. Työ tehdään kesällä.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert [p.name for p in rec.preparers] == ["Maija Korhonen"]
    assert "Etelä-Savon ELY-keskus on myöntänyt Savitaipaleen kunnalle" in " ".join(rec.preparation.split())


def test_sentence_after_the_preparer_and_presenter_lines_stays_in_the_preparation(tmp_path):
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 32\nKoulun kerhotoiminta\n\n"
        "Valmistelija rehtori Aili Saari\n"
        "Esittelijä sivistysjohtaja Pekka Lind\n\n"
        "Opetushallitus on 2.4.2025 päätöksellään OPH-77-2025 myöntänyt\n"
        "kunnalle avustusta kerhotoimintaan.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert rec.presenter.name == "Pekka Lind"
    assert [p.name for p in rec.preparers] == ["Aili Saari"]
    assert "Opetushallitus on 2.4.2025" in rec.preparation
