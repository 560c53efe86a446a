"""Helsinki Ahjo: the REST API's /decisions JSON and the meeting bulletins
(päätöstiedote HTML).  Fixtures are real documents from the corpus."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from arkisto.ingest import parse_path
from arkisto.models import Outcome

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "helsinki-ahjo"
DECISIONS = FIX / "decisions.json"
MEETINGS = FIX / "meetings"
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-z]+|#\d+);")


@pytest.fixture(scope="module")
def ahjo():
    return parse_path(DECISIONS)


def _by_section(result, committee: str, section: str):
    [rec] = [r for r in result.records if r.committee == committee and r.section == section]
    return rec


def test_all_decisions_parse_without_errors(ahjo):
    assert ahjo.format == "ahjo-json"
    assert len(ahjo.records) == 83
    assert not [p for p in ahjo.problems if p.severity == "error"]
    assert all(r.title for r in ahjo.records)
    assert all(r.source.format == "ahjo-json" and r.source.record == i for i, r in enumerate(ahjo.records))
    assert len({r.id for r in ahjo.records}) == 83


def test_no_markup_left_in_any_text(ahjo):
    for rec in ahjo.records:
        for field in ("title", "proposal", "decision", "preparation", "handling"):
            value = getattr(rec, field) or ""
            assert not _MARKUP.search(value), (rec.section, field, _MARKUP.search(value).group(0))


def test_council_decision_with_a_vote(ahjo):
    rec = _by_section(ahjo, "Kaupunginvaltuusto", "388")
    assert rec.title == "Selvitys vuoden 2020 arviointikertomuksen johdosta suoritetuista toimenpiteistä"
    assert rec.case_id == "HEL 2020-006250"
    assert rec.meeting_date == date(2021, 12, 8)
    assert rec.municipality == "Helsinki"
    assert rec.language == "fi"
    assert rec.presenter is not None and rec.presenter.name == "Kaupunginhallitus"
    assert rec.decision.startswith("Kaupunginvaltuusto merkitsi tiedoksi")
    assert rec.outcome is Outcome.voted  # VotingResults is not empty
    assert len(rec.votes) == 1
    assert rec.votes[0].result == "Jaa 14, Ei 34, Tyhjä 37, Poissa 0"
    assert rec.votes[0].description.endswith("EI: Vastustaa")
    assert "6 äänestys" in rec.handling and "Jaa-äänet: 14" in rec.handling
    # The proposal comes from the Motion document, perustelut too.
    assert rec.proposal == "Päätös on ehdotuksen mukainen."
    assert rec.preparation.startswith("Kaupunginhallitus sekä asianomaiset lauta- ja johtokunnat")
    assert len(rec.attachments) == 1
    assert rec.attachments[0].url.startswith("https://ahjo.blob.core.windows.net/docs/")
    [prep] = rec.preparers
    assert (prep.name, prep.title, prep.phone, prep.email) == (
        "Mauno Rönkkö", "erityissuunnittelija", "310 36279", "mauno.ronkko@hel.fi")


def test_committee_decision_presenter_and_attachments(ahjo):
    rec = _by_section(ahjo, "Tarkastuslautakunta", "113")
    assert rec.meeting_date == date(2021, 12, 14)
    assert rec.presenter.name == "Timo Terävä"
    assert rec.presenter.title == "tarkastusjohtaja"
    assert rec.outcome is Outcome.noted or rec.outcome is Outcome.approved
    assert [a.title for a in rec.attachments][:2] == ["Lisätyöilmoitus nro 54", "Lisätyöilmoitus nro 55"]
    assert len(rec.attachments) == 5 and all(a.url for a in rec.attachments)
    # Muutoksenhaku (appeal instructions) stays out of the main fields.
    assert "OIKAISUVAATIMUS" not in (rec.preparation or "").upper()


def test_tabled_city_board_decision(ahjo):
    rec = _by_section(ahjo, "Kaupunginhallitus", "933")
    assert rec.outcome is Outcome.tabled
    assert rec.presenter.name == "Sami Sarvilinna" and rec.presenter.title == "kansliapäällikkö"


def test_officials_decision_has_the_official_as_committee_and_no_date(ahjo):
    rec = ahjo.records[1]
    assert rec.committee == "Sairaala-, kuntoutus- ja hoivapalvelujen johtaja"
    assert rec.meeting_date is None
    assert rec.section == "2"
    assert rec.case_id == "HEL 2022-000063"
    assert rec.decision.startswith("Sairaala-, kuntoutus- ja hoivapalvelujen johtaja päätti vahvistaa")
    assert rec.outcome is Outcome.approved
    assert rec.presenter is None  # the Esittelijätiedot block is empty
    [prep] = rec.preparers
    # Helsinki writes numbers without the leading 0 after "puhelin:".
    assert (prep.name, prep.title, prep.phone, prep.email) == (
        "Laura Pikkarainen", "johtajalääkäri", "310 42617", "laura.pikkarainen@hel.fi")
    assert any("no meeting" in p.message for p in ahjo.problems)


def test_obfuscated_email_is_read(ahjo):
    rec = ahjo.records[0]
    assert rec.case_id is None  # the record has no CaseIDLabel and no Dnro
    assert rec.preparers[0].email == "minna.ristiniemi@hel.fi"  # written "(a)hel.fi"


def test_swedish_record(ahjo):
    [rec] = [r for r in ahjo.records if r.language == "sv"]
    assert rec.title == "Sekretessbelagd (MyndOffL (621/1999) 24.1 § 25 p)"
    assert rec.case_id == "HEL 2022-000136"
    assert rec.decision is None and rec.outcome is None  # secret: no text published
    assert all(r.language == "fi" for r in ahjo.records if r is not rec)


def test_unpublished_attachments_come_from_the_liitteet_list(ahjo):
    rec = _by_section(ahjo, "Psykiatria- ja päihdepalvelujen johtaja", "44")
    assert [(a.title, bool(a.url)) for a in rec.attachments] == [
        ("palvelusetelintuottaja230921_sis_henkilötietoja", False),
        ("palvelusetelintuottaja230921_EI_sis_henkilötietoja", True),
    ]


def _record(**over) -> dict:
    rec = {
        "NativeId": "{TEST-1}", "Title": "Testi", "CaseIDLabel": "HEL 2022-000001", "Section": "§ 5",
        "ClassificationCode": None, "ClassificationTitle": None,
        "Organization": {"Name": "Testilautakunta", "Type": "Lautakunta"},
        "Meeting": {"DateMeeting": "2022-01-10T16:00:00.000", "Name": "Testilautakunnan kokous"},
        "VotingResults": [], "Attachments": [], "Content": "", "Motion": "",
    }
    rec.update(over)
    return rec


def test_swedish_labels(tmp_path):
    """Swedish Ahjo documents label their sections Beslut, Föredragande …
    (synthetic record in the Ahjo shape)."""
    content = (
        '<html lang="sv"><body><div class="paatos"><div class="Asiapykala">5 §</div>'
        '<h1 class="AsiaOtsikko">Val av protokolljusterare</h1>'
        '<div class="SisaltoSektio"><h3 class="SisaltoOtsikko">Beslut</h3><p>Nämnden beslöt välja A och B.</p></div>'
        '<div class="SisaltoSektio"><h3 class="SisaltoOtsikko">Beslutsmotivering</h3><p>Enligt arbetsordningen.</p></div>'
        '<h3 class="EsittelijaTiedot">Föredragande</h3><div>direktör</div><div>Anna Andersson</div>'
        '<h3 class="LisatiedotOtsikko">Ytterligare upplysningar</h3>'
        '<p>Bo Berg, sekreterare, telefon: 310 12345<div>bo.berg@hel.fi</div></p>'
        '<h3 class="MuutoksenhakuOtsikko">Sökande av ändring</h3><p>Besvärsanvisning.</p></div></body></html>'
    )
    path = tmp_path / "sv.json"
    path.write_text(json.dumps({"decisions": [_record(Content=content)]}), encoding="utf-8")
    r = parse_path(path)
    assert r.format == "ahjo-json"
    [rec] = r.records
    assert rec.language == "sv"
    assert rec.section == "5"
    assert rec.decision == "Nämnden beslöt välja A och B."
    assert rec.outcome is Outcome.approved
    assert rec.preparation == "Enligt arbetsordningen."
    assert (rec.presenter.name, rec.presenter.title) == ("Anna Andersson", "direktör")
    assert (rec.preparers[0].name, rec.preparers[0].phone, rec.preparers[0].email) == (
        "Bo Berg", "310 12345", "bo.berg@hel.fi")
    assert "Besvärsanvisning" not in (rec.decision + rec.preparation)


def test_a_bad_record_is_an_error_and_the_rest_parse(tmp_path):
    path = tmp_path / "mixed.json"
    good = _record()
    bad = _record(NativeId="{TEST-2}", Title={"fi": "not text"})
    path.write_text(json.dumps({"decisions": [good, bad, "junk"]}), encoding="utf-8")
    r = parse_path(path)
    assert r.format == "ahjo-json"
    assert len(r.records) == 1
    errors = [p for p in r.problems if p.severity == "error"]
    assert [p.where for p in errors] == ["record 2", "record 3"]


def test_truncated_file_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_bytes(DECISIONS.read_bytes()[:20000])
    r = parse_path(path)  # must not raise
    assert r.format == "ahjo-json"
    assert not r.records
    [err] = [p for p in r.problems if p.severity == "error"]
    assert "truncated" in err.message
    assert str(path) in str(err)


# --- meeting bulletins ---------------------------------------------------------

def test_bulletin_items():
    r = parse_path(MEETINGS / "hel_meeting_kaupunginhallitus_2021-11-15_paatostiedote.html")
    assert r.format == "ahjo-bulletin-html"
    assert len(r.records) == 26
    by_title = {rec.title: rec for rec in r.records}
    rec = by_title["Vaalitoimikuntien asettaminen vuoden 2022 aluevaaleihin"]
    assert rec.case_id == "HEL 2021-010843"
    assert rec.committee == "Kaupunginhallitus"
    assert rec.meeting_date == date(2021, 11, 15)
    assert rec.section is None  # the bulletin's "19" is an agenda position, the § is 858
    assert rec.decision == "Ehdotuksen mukaan"
    assert rec.outcome is Outcome.approved
    assert [a.title for a in rec.attachments] == [
        "Vaalitoimikunnille kuuluvat laitokset aluevaalit 2022", "Vaalitoimikunnat aluevaalit 2022"]
    tabled = by_title["V 24.11.2021, Sörnäistentunnelin hankesuunnitelman hyväksyminen"]
    assert tabled.outcome is Outcome.tabled
    assert tabled.handling.startswith("Pöydällepanoehdotus")
    assert any("agenda positions" in p.message for p in r.problems)


def test_bulletin_votes():
    r = parse_path(MEETINGS / "hel_meeting_kaupunginhallitus_2021-11-18_paatostiedote.html")
    rec = r.records[1]
    assert rec.outcome is Outcome.voted
    assert len(rec.votes) == 5
    assert rec.votes[0].result == "Jaa 9, Ei 6, Tyhjä 0, Poissa 0"
    assert rec.votes[0].description == "JAA: Asian käsittelyä jatketaan; EI: Pöydällepanoehdotus / Arhinmäki Paavo"


def test_swedish_bulletin():
    r = parse_path(MEETINGS / "hel_meeting_kasvatus-ja-koulutuslautakunna_2021-11-16_paatostiedote.html")
    assert r.format == "ahjo-bulletin-html"
    assert len(r.records) == 9
    assert all(rec.language == "sv" for rec in r.records)
    first = r.records[0]
    assert first.committee == "Svenska sektionen vid nämnden för fostran och utbildning"
    assert first.outcome is Outcome.amended  # "Esittelijän muutetun ehdotuksen mukaan"
    assert first.decision.split("\n")[1].startswith("Svenska sektionen beslutar")
    assert len(r.records[4].attachments) == 3
