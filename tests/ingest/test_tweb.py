"""Tweb (KTweb) decision PDFs (Oulu): one Decision per document, for the
handling the document is published for.  Fixtures are real Oulu documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from arkisto.ingest import parse_path
from arkisto.models import Outcome

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "oulu-tweb"
SEURANTA = FIX / "oulu_kaupunginhallitus_2017-03_35090068.pdf"
TILINPAATOS = FIX / "oulu_kaupunginhallitus_2017-03-27_632581845351090.pdf"
SUOMI100 = FIX / "oulu_kaupunginhallitus_2017_395959398.pdf"


def one(path: Path):
    r = parse_path(path)
    assert r.format == "tweb-pdf"
    assert not [p for p in r.problems if p.severity == "error"]
    [rec] = r.records
    return rec


@pytest.mark.parametrize("path", [SEURANTA, TILINPAATOS, SUOMI100], ids=lambda p: p.stem)
def test_every_file_is_tweb_in_oulu(path):
    rec = one(path)
    assert rec.municipality == "Oulu" and "municipality" in rec.derived
    assert rec.case_id.startswith("OUKA/")
    assert rec.source.page == 1 and rec.source.record == 0
    # "Päivämäärä" is empty in these documents: the date comes from the file
    # name where it has one, marked as derived from there.
    if rec.meeting_date is not None:
        assert rec.derived_from["meeting_date"] == "file name"
        assert rec.meeting_date.isoformat() in path.name


def test_single_page_decision():
    rec = one(SEURANTA)
    assert rec.title == "Oulun kaupungin talouden seuranta 1.1.-28.2.2017"
    assert rec.case_id == "OUKA/1472/02.02.02/2017"
    assert (rec.presenter.name, rec.presenter.title) == ("Päivi Laajala", "Vs. kaupunginjohtaja")
    assert rec.proposal == "Merkitään tiedoksi."
    assert rec.decision == "Merkittiin tiedoksi."
    assert rec.outcome is Outcome.noted
    assert [(p.name, p.title, p.phone) for p in rec.preparers] == [
        ("Jaana Niemelä", "konsernicontroller", "044 703 9202"),
        ("Antti Ikonen", "konsernicontroller", "044 703 1238"),
        ("Armi Tauriainen", "talouspäällikkö", "044 703 1236"),
        ("Jukka Weisell", "talousjohtaja", "040 038 3490"),
    ]
    assert rec.committee is None  # not stated in the document


def test_multi_page_decision():
    rec = one(TILINPAATOS)
    assert rec.title == "Oulun kaupungin tilinpäätös 2016"
    assert rec.case_id == "OUKA/899/02.06.01.04/2017"
    assert rec.committee == "Kaupunginhallitus" and "committee" in rec.derived
    assert rec.proposal.startswith("Kaupunginhallitus esittää kaupunginvaltuuston hyväksyttäväksi")
    assert rec.decision == "Päätösesitys hyväksyttiin."
    assert rec.outcome is Outcome.approved
    assert rec.preparation.startswith("Oulun kaupungin toimintakertomus ja tilinpäätös vuodelta 2016")
    assert rec.preparation.endswith("Päätöshistoria:\n\nKaupunginhallitus 20.3.2017 § 66")
    assert [a.title for a in rec.attachments][:2] == [
        "Oulun kaupungin tilinpäätös ja toimintakertomus 2016 (kaupunginhallituksen työtilassa pe 24.3.2017)",
        "Henkilöstöraportti 2016",
    ]
    # no page headers inside the text
    assert "Päivämäärä" not in rec.preparation


def test_council_decision_with_board_history():
    rec = one(SUOMI100)
    assert rec.title == "Suomi 100 -juhlavuoden juhlapäätös"
    # the document's own (last) handling: the council decides on the board's proposal
    assert rec.committee == "Kaupunginvaltuusto" and "committee" in rec.derived
    assert rec.proposal.startswith("Kaupunginvaltuusto tekee Suomen itsenäisyyden satavuotisjuhlavuoden")
    assert rec.decision == "Kaupunginhallituksen päätösehdotus hyväksyttiin."
    assert rec.presenter is None
    # the board's handling is kept, dated from Päätöshistoria
    assert "Kaupunginhallitus 20.2.2017 § 53\n\nEsittelijä: Kaupunginjohtaja Matti Pennanen" in rec.preparation
    assert "Päätös: Päätösesitys hyväksyttiin." in rec.preparation
    assert [(p.name, p.title) for p in rec.preparers] == [
        ("Mika Penttilä", "Sivistys- ja kulttuurijohtaja"), ("Samu Forsblom", "tapahtumapäällikkö")]
