"""Text minutes (the Heinola item's family) through the conventions reader:
the Heinola item field by field, and each quirk of the layout on its own."""

from __future__ import annotations

from pathlib import Path

from arkisto.ingest import parse_path
from arkisto.ingest.minutes_reader import parse_text
from arkisto.models import Outcome
from arkisto.text import join_lines

from helpers import HEINOLA


def heinola():
    result = parse_path(HEINOLA)
    assert result.format == "minutes-text"
    assert [p for p in result.problems if p.severity == "error"] == []
    assert len(result.records) == 1
    return result.records[0]


def test_heinola_committee_and_derived_fields():
    rec = heinola()
    assert rec.committee == "Kasvatus- ja opetuslautakunta"
    assert rec.municipality == "Heinola"
    # Nothing in the text gives a §, a meeting date or a title label.
    assert rec.section is None
    assert rec.meeting_date is None
    assert {"committee", "municipality", "title"} <= set(rec.derived)


def test_heinola_presenter_and_preparer():
    rec = heinola()
    assert rec.presenter.name == "Pirjo Hepo-oja"
    assert rec.presenter.title == "hyvinvointijohtaja"
    assert rec.presenter.phone == "050 0717 310"
    assert len(rec.preparers) == 1
    prep = rec.preparers[0]
    assert (prep.name, prep.title, prep.phone) == ("Pirjo Hepo-oja", "hyvinvointijohtaja", "050 0717 310")
    assert prep.email == "etunimi.sukunimi@heinola.fi"  # as published


def test_heinola_authority_outcome_proposal_decision():
    rec = heinola()
    assert rec.authority == "Hallintosääntö 23.1 §"
    assert rec.outcome is Outcome.approved
    assert rec.decision == "Päätösehdotus hyväksyttiin."
    assert rec.proposal == (
        "Kasvatus- ja opetuslautakunta hyväksyy esitetyn sivistystoimen "
        "seudullisen yhteistyöverkoston toimintakertomuksen v. 2024"
    )


def test_heinola_funded_projects_with_funders():
    rec = heinola()
    assert [(p.name, p.funder) for p in rec.funded_projects] == [
        ("VALSSI", "OKM"),
        ("Seikkaillen Päijät-Hämeessä", "OPH"),
        ("Sitouttava kouluyhteisötyö poissaoloihin puuttumisessa ja niiden ennaltaehkäisyssä", "OKM"),
        ("Koululäsnäolon vahvistaminen Päijät-Hämeessä", "OPH"),
        ("Digitalisaation suuntaviivat esi- ja perusopetuksessa 2", "OPH"),
        ("Nuorisotyön seudullisen koordinaation kehittäminen Päijät-Hämeessä", "AVI"),
    ]


def test_heinola_preparation_text_is_reflowed():
    prep = heinola().preparation
    assert prep.startswith("Päijät-Hämeen sivistyspalveluiden kunnalliset toimijat ovat vakiinnuttaneet alueelle")
    # Broken lines are joined, a hyphenated word across a blank line is whole,
    # and "esi- ja" keeps its space.
    assert "kokouksessa 12. helmikuuta 2025." in prep
    assert "DigiOne-hankkeen etenemisen seuranta" in prep
    assert "kehittäminen Päijät-Hämeessä (AVI)" in prep
    assert "esi- ja perusopetuksen" in prep
    assert "\n\n• VALSSI -digitaalinen laadunarviointijärjestelmä varhaiskasvatukseen (OKM)" in prep


def test_ids_are_stable_across_runs():
    assert heinola().id == heinola().id


def test_hyphen_across_blank_line_joins_word():
    assert join_lines("Nuorisotyön kehittäminen Päijät-\n\nHämeessä (AVI).") == (
        "Nuorisotyön kehittäminen Päijät-Hämeessä (AVI)."
    )


def test_suspended_hyphen_keeps_space():
    assert join_lines("esi-\nja perusopetuksessa") == "esi- ja perusopetuksessa"


def test_blank_line_inside_sentence_does_not_split_paragraph():
    assert join_lines("hyväksyy esitetyn\n\nseudullisen toimintakertomuksen") == (
        "hyväksyy esitetyn seudullisen toimintakertomuksen"
    )


def test_blank_line_after_sentence_ends_paragraph():
    assert join_lines("Ensimmäinen kappale.\n\nToinen kappale.") == "Ensimmäinen kappale.\n\nToinen kappale."


def test_bullets_start_items():
    out = join_lines(" •eka kohta ja\njatkuu\n •toka kohta")
    assert out == "• eka kohta ja jatkuu\n\n• toka kohta"


def test_labels_in_any_order_and_more_labels():
    text = (
        "Valmistelija hallintojohtaja Virtanen, Anna, puh. 040 123 4567, anna.virtanen@esimerkki.fi\n\n"
        "Päätös Hyväksyttiin muutettuna.\n\n"
        "Käsittely Keskustelun kuluessa tehtiin muutosehdotus.\n\n"
        "Esittelijä kaupunginjohtaja Matti Meikäläinen\n\n"
        "Päätösesitys Kaupunginhallitus hyväksyy talousarvion.\n\n"
        "Liitteet\n1 Talousarvio 2025\n2 Investointiohjelma\n\n"
        "Muutoksenhaku Oikaisuvaatimus.\n"
    )
    rec = parse_text(text, "x.txt").records[0]
    assert rec.presenter.name == "Matti Meikäläinen"
    assert rec.presenter.title == "kaupunginjohtaja"
    assert rec.preparers[0].name == "Anna Virtanen"
    assert rec.preparers[0].email == "anna.virtanen@esimerkki.fi"
    assert rec.proposal == "Kaupunginhallitus hyväksyy talousarvion."
    assert rec.committee == "Kaupunginhallitus"
    assert rec.outcome is Outcome.amended
    assert rec.handling == "Keskustelun kuluessa tehtiin muutosehdotus."
    assert [a.title for a in rec.attachments] == ["1 Talousarvio 2025", "2 Investointiohjelma"]
    # Muutoksenhaku does not leak into the decision.
    assert rec.decision == "Hyväksyttiin muutettuna."


def test_several_items_split_at_section_headings():
    text = (
        "Kaupunginhallitus 12.03.2025\n\n"
        "45 § Talousarvion muutos\n\nPäätösehdotus Kaupunginhallitus hyväksyy muutoksen.\n\nPäätös Hyväksyttiin.\n\n"
        "46 § Hankkeen pöydällepano\n\nPäätösehdotus Kaupunginhallitus hyväksyy hankkeen.\n\n"
        "Päätös Asia jätettiin pöydälle.\n"
    )
    result = parse_text(text, "minutes.txt")
    assert [(r.section, r.title) for r in result.records] == [
        ("45", "Talousarvion muutos"), ("46", "Hankkeen pöydällepano")]
    assert [r.outcome for r in result.records] == [Outcome.approved, Outcome.tabled]
    assert all(str(r.meeting_date) == "2025-03-12" for r in result.records)
    assert len({r.id for r in result.records}) == 2


def test_text_without_labels_falls_back_to_full_text(tmp_path: Path):
    f = tmp_path / "muistio.txt"
    f.write_text("Muistio kokouksesta\n\nKeskusteltiin kevään tapahtumista.\n", encoding="utf-8")
    result = parse_path(f)
    assert result.format == "generic-text"
    assert result.records[0].title == "Muistio kokouksesta"
    assert any("missing" in p.message for p in result.problems)
