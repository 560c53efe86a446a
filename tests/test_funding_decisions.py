"""Funded projects read from decisions unlike those arkisto was built on
(issue 17): own sentences in wordings of their own, each rule that reads a
name, a funder or a sum checked with the sentences around it moved, broken
over lines and interleaved with page furniture, and the negatives (budget
changes, procurements, loans, salaries, a building paid from the own
budget) that must read nothing."""

from __future__ import annotations

from pathlib import Path

from arkisto.ingest import parse_path
from arkisto.ingest.funding import decision_projects


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


# --- names -------------------------------------------------------------------------------------


def _keys(*texts: str, title: str | None = None) -> list[str]:
    return [p.key for p in decision_projects(title, *texts)]


def test_a_trial_is_named_like_a_project():
    # "-kokeilu" is a project's suffix as "-hanke" is.
    text = ("Sitra myönsi kunnalle 20 000 euroa Kestävä Kylänraitti -kokeiluun, jossa kokeillaan "
            "kimppakyytejä.")
    assert _keys(text) == ["kestävä kylänraitti"]


def test_the_subtitle_after_a_spaced_dash_is_not_the_name():
    text = ("Ympäristöministeriö myönsi 40 000 euroa RAKSA3 – purkupuun uusiokäyttö Etelä-Karjalassa "
            "-hankkeeseen.")
    assert _keys(text) == ["raksa3"]
    # Across a line break and with the clauses turned round.
    text2 = ("RAKSA3 –\npurkupuun uusiokäyttö Etelä-Karjalassa -hankkeeseen myönsi\n"
             "ympäristöministeriö 40 000 euroa.")
    assert _keys(text2) == ["raksa3"]


def test_a_subtitle_in_brackets_is_not_the_name():
    text = ("Kunta osallistuu NORDWAY (Nordic Ways to Work in the Arctic) -hankkeeseen, jonka "
            "Interreg-ohjelma rahoittaa.")
    assert _keys(text) == ["nordway"]


def test_an_inflected_company_abbreviation_does_not_start_the_name():
    text = "Maakuntahallitus myöntää Savon Kehitys Oy:lle Puu Kasvaa 2027 -hankkeeseen EAKR-tukea 90 000 euroa."
    assert _keys(text) == ["puu kasvaa 2027"]


def test_a_lower_case_word_between_capitals_is_inside_the_name_but_a_verb_is_not():
    text = "Avustus kohdistuu Koulutien turvallinen Pihlajakuja -hankkeeseen, jolle Traficom myönsi 30 000 euroa."
    assert _keys(text) == ["koulutien turvallinen pihlajakuja"]
    text2 = "Lautakunta hyväksyy Pihlajakuja-hankkeen loppuraportin; Traficom myönsi hankkeelle 30 000 euroa."
    assert _keys(text2) == ["pihlajakuja"]


def test_a_name_in_capitals_after_the_word_may_have_several_words():
    text = "Opetushallitus myönsi Erasmus+ -rahoitusta 45 000 euroa hankkeelle POHJOISEN NUORET TOIMIJAT, jossa"
    assert _keys(text) == ["pohjoisen nuoret toimijat"]
    # A funder in capitals after "hankkeen" is not a project.
    assert _keys("Hankkeen ELY-keskus rahoittaa 20 000 eurolla.") == []


def test_a_swedish_project_is_named_after_projektet():
    text = ("Kommunen ansöker om 30 000 euro i statsunderstöd för projektet Simskola för alla och "
            "reserverar en egen andel om 3 000 euro.")
    assert _keys(text) == ["simskola för alla"]
    assert _keys("Nämnden godkänner projektet, som finansieras av kommunen med 5 000 euro.") == []


def test_a_grant_to_root_a_model_is_named_by_the_model():
    text = ("Hyvinvointialue hakee sosiaali- ja terveysministeriöltä valtionavustusta Perhe keskiöön "
            "-toimintamallin juurruttamiseen 200 000 euroa.")
    assert _keys(text) == ["perhe keskiöön"]


def test_a_sentence_with_a_case_id_after_the_presenter_is_not_taken_for_a_phone_number(tmp_path):
    # "OPH-1207-2025" and "28.4.2025" look like a phone number to the
    # contact reader; the verb says the line is a sentence.
    recs = _minutes(tmp_path, (
        "SAVITAIPALEEN KUNTA\nSivistyslautakunta\nPöytäkirja 4/2025\n\n"
        "§ 33\nKerhotoiminnan avustus\n\n"
        "Valmistelija rehtori Aili Saari\n"
        "Esittelijä sivistysjohtaja Pekka Lind\n\n"
        "Opetushallitus on 28.4.2025 päätöksellään OPH-1207-2025 myöntänyt\n"
        "kunnalle avustusta kerhotoimintaan.\n\n"
        "Ehdotus\nLautakunta merkitsee asian tiedoksi.\n\nPäätös\nHyväksyttiin.\n"))
    rec = recs[0]
    assert [p.name for p in rec.preparers] == ["Aili Saari"]
    assert "OPH-1207-2025 myöntänyt kunnalle" in " ".join(rec.preparation.split())
