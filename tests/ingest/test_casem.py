"""CaseM / CloudNC minutes and agenda PDFs (Lapua): one Decision per § item,
read from the source HTML the PDF carries in its metadata, or from the PDF
text when that HTML is missing.  Fixtures are real Lapua documents."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pypdf
import pytest

from arkisto.ingest import parse_path
from arkisto.models import Outcome

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "lapua-cloudnc"
MINUTES = FIX / "lapua_kaupunginhallitus_2025-08-25_poytakirja.pdf"
AGENDA = FIX / "lapua_kaupunginvaltuusto_2025-11-10_esityslista.pdf"


@pytest.fixture(scope="module")
def minutes():
    r = parse_path(MINUTES)
    assert r.format == "casem-pdf"
    assert not [p for p in r.problems if p.severity == "error"]
    return r


@pytest.fixture(scope="module")
def agenda():
    r = parse_path(AGENDA)
    assert r.format == "casem-pdf"
    return r


def _without_html(src: Path, dest: Path) -> Path:
    """The same PDF with the /casem-source-html_N metadata removed."""
    reader = pypdf.PdfReader(src)
    writer = pypdf.PdfWriter(clone_from=reader)
    writer._info = None
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if not str(k).startswith("/casem")})
    buf = io.BytesIO()
    writer.write(buf)
    assert b"casem-source-html" not in buf.getvalue()
    dest.write_bytes(buf.getvalue())
    return dest


def by_section(result):
    return {r.section: r for r in result.records}


def test_one_record_per_item(minutes):
    assert [r.section for r in minutes.records] == [str(n) for n in range(292, 311)]
    assert all(r.title for r in minutes.records)
    assert len({r.id for r in minutes.records}) == 19


def test_meeting_fields_on_every_item(minutes):
    for r in minutes.records:
        assert r.municipality == "Lapua"
        assert "municipality" in r.derived  # "Lapuan kaupunki" -> "Lapua"
        assert r.committee == "Kaupunginhallitus"
        assert r.meeting_date == date(2025, 8, 25)
        assert r.source.format == "casem-pdf"
        assert r.language == "fi"


def test_routine_item(minutes):
    r = by_section(minutes)["292"]
    assert r.title == "Kokouksen laillisuus ja päätösvaltaisuus"
    assert r.source.page == 4 and r.source.record == 0
    assert (r.presenter.name, r.presenter.title) == ("Satu Kankare", "Kaupunginjohtaja")
    # the "Kaupunginjohtajan ehdotus:" heading inside the text is not part of the proposal
    assert r.proposal == "Puheenjohtaja toteaa kokouksen laillisesti kokoonkutsutuksi ja päätösvaltaiseksi."
    assert r.decision == "Puheenjohtaja totesi kokouksen laillisesti kokoonkutsutuksi ja päätösvaltaiseksi."
    assert r.preparation.startswith("Lapuan kaupungin hallintosäännön 16 luvun 119 §:n mukaan")


def test_item_with_case_id_preparer_and_outcome(minutes):
    r = by_section(minutes)["295"]
    assert r.title == "Lapuan kaupungin talouden toteutumaraportti 1.1.-30.6.2025 (Puolivuosikatsaus)"
    assert r.case_id == "LAPDno-2024-426"
    assert [(p.name, p.title, p.email) for p in r.preparers] == [
        ("Anne Marjamäki", "Talouspäällikkö", "anne.marjamaki@lapua.fi")]
    assert r.proposal.startswith("Kaupunginhallitus päättää\n\n1. merkitä tiedoksi talouden toteutuman")
    assert "Kaupunginhallitus merkitsi tiedoksi talouden toteutumaraportin" in r.decision
    assert r.outcome is Outcome.noted
    assert r.source.page == 7


def test_presenter_gets_contact_from_preparers(minutes):
    r = by_section(minutes)["299"]
    assert r.presenter.email == "satu.kankare@lapua.fi"
    assert [a.title for a in r.attachments] == ["Lapuan kaupunki hakemus 2025-2026.pdf"]
    assert r.outcome is Outcome.approved


def test_earlier_handling_kept_in_preparation(minutes):
    r = by_section(minutes)["303"]
    assert r.title == "Valtuustoaloite kännykkäkiellosta Lapuan peruskoulujen oppitunneilla"
    # this meeting's handling is the record; the earlier one heads the preparation
    assert r.preparation.startswith("Sivistyslautakunta 21.11.2024 § 122")
    assert r.decision.startswith("Kaupunginhallitus päätti")
    assert {p.name for p in r.preparers} >= {"Mika Kamunen", "Minna Kangasluoma"}
    assert "Lapuan yläkoulun järjestyssäännöt" in [a.title for a in r.attachments]


def test_no_markup_headers_or_zero_width_spaces(minutes):
    for r in minutes.records:
        for text in (r.title, r.proposal, r.decision, r.preparation):
            if text:
                assert "\u200b" not in text
                assert "<" not in text and "&nbsp;" not in text
                assert "Lapuan kaupunki Pöytäkirja" not in text
    # the appeal instructions after the last item are not part of it
    assert "Muutoksenhakukielto" not in (by_section(minutes)["310"].decision or "")


def test_agenda_items_have_proposals_but_no_decisions(agenda):
    assert [r.section for r in agenda.records] == [str(n) for n in range(73, 87)]
    for r in agenda.records:
        assert r.decision is None and r.outcome is None
        assert r.committee == "Kaupunginvaltuusto"
        # the meeting's date ("Aika"), not the day the agenda was sent (5.11.)
        assert r.meeting_date == date(2025, 11, 10)
    r = by_section(agenda)["79"]
    assert r.title == "Tuloveroprosentin vahvistaminen vuodelle 2026"
    assert r.proposal.startswith("Kaupunginhallitus esittää kaupunginvaltuustolle, että vuoden 2026 tuloveroprosentti")
    assert r.preparation.startswith("Kaupunginhallitus 3.11.2025 § 375")


@pytest.mark.parametrize("src", [MINUTES, AGENDA], ids=["minutes", "agenda"])
def test_text_fallback_agrees_with_html(tmp_path, src):
    """Without CaseM's source HTML, the PDF is read by the conventions reader
    (nothing in it is CaseM's own), and it reads every item and field as
    CaseM's parser reads them from the HTML."""
    from_html = parse_path(src)
    stripped = _without_html(src, tmp_path / src.name)
    from_text = parse_path(stripped)
    assert from_text.format == "minutes-pdf"
    assert len(from_text.records) == len(from_html.records)
    for h, t in zip(from_html.records, from_text.records):
        assert (t.section, t.title, t.case_id) == (h.section, h.title, h.case_id)
        assert (t.committee, t.meeting_date, t.municipality) == (h.committee, h.meeting_date, h.municipality)
        assert t.source.page == h.source.page
        assert t.outcome == h.outcome
        assert (t.presenter and t.presenter.name) == (h.presenter and h.presenter.name)
        assert [p.name for p in t.preparers] == [p.name for p in h.preparers]
        assert bool(t.proposal) == bool(h.proposal) and bool(t.decision) == bool(h.decision)
        for text in (t.proposal, t.decision, t.preparation):
            assert "Lapuan kaupunki" not in (text or "")[:40] or "Pöytäkirja" not in (text or "")


def test_detection_is_by_content(tmp_path):
    copy = tmp_path / "kokous.pdf"
    shutil.copy(MINUTES, copy)
    assert parse_path(copy).format == "casem-pdf"
