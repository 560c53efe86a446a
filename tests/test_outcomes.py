"""Outcomes as minutes state them, in Finnish and Swedish: a decision that
takes the proposal as it was has the proposal's outcome (a noting proposal
"approved" is noted), and amended, returned and tabled decisions are not
read as approvals."""

from __future__ import annotations

import pytest

from arkisto.ingest.common import detect_outcome
from arkisto.models import Outcome

CASES = [
    ("Ehdotus hyväksyttiin.", "Lautakunta hyväksyy lausunnon.", Outcome.approved),
    ("Hyväksyttiin esitys.", "Sivistyslautakunta merkitsee talouden toteuman ajalta 1.1.–30.11.2024 tiedokseen.",
     Outcome.noted),
    ("Sivistyslautakunta hyväksyi sivistysjohtajan ehdotuksen.", "Lautakunta merkitsee selvityksen tiedoksi.",
     Outcome.noted),
    ("Förslaget godkändes.", "Nämnden antecknar utredningen för kännedom.", Outcome.noted),
    ("Merkittiin tiedoksi.", None, Outcome.noted),
    ("Kaupunginhallitus hyväksyi kaupunginjohtajan muutetun ehdotuksen keskustelun jälkeen.", None, Outcome.amended),
    ("Yhtymähallitus päätti hyväksyä tulosbudjetin esittelijän muutetun esityksen mukaisena.", None, Outcome.amended),
    ("Sivistyslautakunta hyväksyi ehdotuksen siten muutettuna, että kokous pidetään 15.1.", None, Outcome.amended),
    ("Föredragandens ändrade förslag godkändes.", None, Outcome.amended),
    ("Asia palautettiin uudelleen valmisteltavaksi.", None, Outcome.returned),
    ("Ärendet återremitterades för ny beredning.", None, Outcome.returned),
    ("Asia jätettiin pöydälle.", None, Outcome.tabled),
    ("Ärendet bordlades.", None, Outcome.tabled),
    ("Valtuusto hylkäsi valituksen.", None, Outcome.rejected),
    ("Förslaget förkastades.", None, Outcome.rejected),
    ("Äänestyksessä annettiin 7 jaa-ääntä ja 4 ei-ääntä, joten ehdotus hyväksyttiin äänin 7–4.", None,
     Outcome.voted),
    ("Pöytäkirjan tarkastajiksi valittiin Hannu Saarinen ja Jussi Vainionpää.", None, Outcome.approved),
    # what the body decided to do, not the "päätti" before it
    ("Tarkastuslautakunta päätti merkitä tiedoksi KPMG Oy Ab:n erityistoimeksiannot 54-58/2021.", None,
     Outcome.noted),
    ("Lakipalvelut-yksikön päällikkö päätti hylätä hakijan vahingonkorvausvaatimuksen.", None, Outcome.rejected),
    ("Kaupunginhallitus päätti hyväksyä ehdotuksen ja merkitä tiedoksi selvityksen.", None, Outcome.approved),
    # a counter-proposal carried is the proposal changed
    ("Stadsstyrelsen godkände motförslaget.", None, Outcome.amended),
    ("Förslaget godkändes med den ändring att tidtabellen förlängs.", None, Outcome.amended),
    # a rider (toivomusponsi) voted down is not the decision rejected
    ("Valtuusto hyväksyi ehdotuksen. Valtuusto ei hyväksynyt valtuutettu Niemen toivomuspontta.", None,
     Outcome.approved),
    # how the meeting went is not what it decided ...
    ("Puheenjohtaja totesi, että keskustelun kuluessa oli tehty hylkäysehdotus, jota ei kannatettu. "
     "Ehdotus hyväksyttiin.", None, Outcome.approved),
    # ... unless the chair states the result
    ("Valtuutettu Lehto ehdotti asian palauttamista. Puheenjohtaja totesi, että asia palautetaan valmisteluun.",
     None, Outcome.returned),
]


@pytest.mark.parametrize("decision,proposal,expected", CASES)
def test_outcome(decision, proposal, expected):
    assert detect_outcome(decision, proposal) is expected


def test_no_decision_text_is_no_outcome():
    assert detect_outcome(None, "Lautakunta hyväksyy.") is None
    assert detect_outcome("  ") is None


def test_a_proposal_of_notings_only_is_noted_but_one_that_proposes_is_approved():
    notes = ("Kunnanhallitus päättää 1. merkitä tiedoksi talouden toteuman ajalta 1.1.–30.9.2025 ja "
             "2. esittää kunnanvaltuustolle, että se merkitsee tiedoksi talouden toteuman.")
    proposes = ("Kaupunginhallitus päättää 1. merkitä selvityksen tiedokseen ja esittää selvityksen "
                "kaupunginvaltuustolle. 2. esittää kaupunginvaltuustolle, että valtuustoaloite katsotaan "
                "loppuunkäsitellyksi.")
    decision = "Kunnanhallitus hyväksyi kunnanjohtajan ehdotuksen."
    assert detect_outcome(decision, notes) is Outcome.noted
    assert detect_outcome(decision, proposes) is Outcome.approved


def test_not_taking_over_an_officials_decision_is_noted():
    text = "Sivistyslautakunta päätti olla käyttämättä otto-oikeuttaan ja merkitsi päätöksen tiedokseen."
    assert detect_outcome(text) is Outcome.noted


def test_every_parser_reads_a_noting_proposal_taken_as_noted():
    """Lapua's environment board "Hyväksyi esityksen." on proposals that only
    note permits and decisions granted: noted, as the minutes reader already
    read it (the CaseM reader did not pass the proposal)."""
    from pathlib import Path

    from arkisto.ingest import parse_path

    pdf = Path(__file__).parent / "fixtures" / "lapua-cloudnc" / "lapua_ymparistolautakunta_2022-01-25_poytakirja.pdf"
    recs = {r.section: r for r in parse_path(pdf).records}
    assert recs["3"].decision.strip() == "Hyväksyi esityksen."
    assert [recs[s].outcome for s in ("3", "4", "7")] == [Outcome.noted] * 3
