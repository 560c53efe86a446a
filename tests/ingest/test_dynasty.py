"""Dynasty (Documenta) public web pages (Espoo): item pages and the minutes
index.  Fixtures are real pages from the corpus."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from arkisto.ingest import parse_path
from arkisto.models import Outcome

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "espoo-dynasty"
MINUTES_ITEM = FIX / "espoo_kaupunginhallitus_2017-05-08_2017406946-3.html"
MINUTES_INDEX = FIX / "espoo_kaupunginhallitus_2017-05-08_2017406946.html"
AGENDA_ITEM = FIX / "espoo_kaupunginhallitus_2017-05-29_2017409886-26.html"
AGENDA_ITEM_SHORT = FIX / "espoo_kaupunginhallitus_2017-05-29_2017409886-4.html"
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-z]+|#\d+);")


@pytest.fixture(scope="module")
def item127():
    r = parse_path(MINUTES_ITEM)
    assert r.format == "dynasty-html"
    [rec] = r.records
    return rec


def test_minutes_item_header_fields(item127):
    rec = item127
    assert rec.section == "127"
    assert rec.title == "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)"
    assert rec.committee == "Kaupunginhallitus"
    assert rec.meeting_date == date(2017, 5, 8)
    assert rec.case_id == "730/2017"
    assert rec.municipality == "Espoo" and "municipality" in rec.derived
    assert rec.language == "fi"


def test_minutes_item_people(item127):
    rec = item127
    assert (rec.presenter.name, rec.presenter.title) == ("Jukka Mäkelä", "Kaupunginjohtaja")
    assert len(rec.preparers) == 10
    assert (rec.preparers[0].name, rec.preparers[0].phone) == ("Riitta-Liisa Kammonen", "050 597 0956")
    assert rec.preparers[-1].name == "Timo Kuismin"
    # "etunimi.sukunimi@espoo.fi" is a template, nobody's address.
    assert all(p.email is None for p in rec.preparers)


def test_minutes_item_texts(item127):
    rec = item127
    assert rec.proposal.startswith("Kaupunginhallitus ehdottaa, että valtuusto\n\n1 hyväksyy liitteenä olevan")
    assert "• Espoon valtuuston työjärjestys" in rec.proposal
    assert rec.handling.startswith("Asia käsiteltiin pykälän 146 jälkeen.")
    assert rec.decision.startswith("Kaupunginhallitus:\n\nKaupunginhallitus ehdottaa, että valtuusto")
    # The decision history (the tabling on 10.4.2017) is kept apart from the decision.
    assert "Päätöshistoria" not in rec.decision and "pöydälle" not in rec.decision
    assert "Päätöshistoria\n\nKaupunginhallitus 10.4.2017 § 105" in rec.preparation
    for field in ("proposal", "decision", "preparation", "handling", "title"):
        assert not _MARKUP.search(getattr(rec, field) or ""), field


def test_minutes_item_votes_and_attachments(item127):
    rec = item127
    assert rec.outcome is Outcome.voted
    results = [v.result for v in rec.votes]
    assert "9 äänellä 6 ääntä vastaan" in results
    assert "11 äänellä 3 ääntä vastaan ja yhden äänestäessä tyhjää" in results
    assert len(rec.votes) == 5
    titles = [a.title for a in rec.attachments]
    assert titles[:2] == ["Espoon kaupungin hallintosääntö - Kokouksessa korjattu", "Äänestyslistat § 127"]
    assert rec.attachments[1].url.endswith("2017406946-3-2.PDF")


def test_agenda_item():
    r = parse_path(AGENDA_ITEM)
    [rec] = r.records
    assert rec.title == "Laurinlahti, asemakaavamuutoksen hyväksyminen, alue 411611, 34. kaupunginosa Espoonlahti"
    assert rec.section is None  # an agenda's "26" is the item's position, not its §
    assert rec.meeting_date == date(2017, 5, 29)
    assert rec.case_id == "2751/10.02.03/2015"
    assert (rec.presenter.name, rec.presenter.title) == ("Olli Isotalo", "Teknisen toimen johtaja")
    assert [p.name for p in rec.preparers] == ["Pasi Mäkinen", "Anna-Kaisa Aalto", "Kaisa Lahti"]
    assert rec.proposal.startswith("Kaupunginhallitus pysyttää kaupunkisuunnittelulautakunnan 26.4.2017 päätöksen § 87")
    assert rec.decision is None and rec.outcome is None and rec.votes == []
    assert len(rec.attachments) == 7
    assert any("agenda item (asia 26)" in p.message for p in r.problems)


def test_short_agenda_item():
    [rec] = parse_path(AGENDA_ITEM_SHORT).records
    assert rec.title == "Valtuustoaloite konserniohjeen päivittämisestä (Kv-asia)"
    assert rec.case_id == "5316/2016"
    assert rec.preparers[0].name == "Viktoria Hindsberg" and rec.preparers[0].phone == "043 824 6040"
    assert rec.preparation.startswith("Valtuustoaloite\n\nHannele Kerola sekä 18 muuta valtuutettua")
    assert [a.title for a in rec.attachments] == ["Valtuustoaloite 12.12.2016"]


def test_minutes_index_lists_the_items():
    r = parse_path(MINUTES_INDEX)
    assert r.format == "dynasty-html"
    assert len(r.records) == 22
    assert [rec.section for rec in r.records] == [str(n) for n in range(125, 147)]
    rec = r.records[2]
    assert rec.title == "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)"
    assert rec.committee == "Kaupunginhallitus" and rec.meeting_date == date(2017, 5, 8)
    assert rec.decision is None
    assert any("item pages" in p.message for p in r.problems)
    # Members present and the appeal table are not items.
    assert not any("Torkki" in (x.title or "") for x in r.records)


def test_truncated_page_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / MINUTES_ITEM.name
    path.write_bytes(MINUTES_ITEM.read_bytes()[:900])
    r = parse_path(path)
    assert r.format == "dynasty-html"
    assert not r.records
    [err] = [p for p in r.problems if p.severity == "error"]
    assert str(path) in str(err)


def test_detection_routes_each_file_to_its_parser():
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    expected = {
        "espoo-dynasty": "dynasty-html",
        "mikkeli-cloudnc": "opennc-json",
        "helsinki-ahjo/meetings": "ahjo-bulletin-html",
    }
    for folder, fmt in expected.items():
        files = sorted((fixtures / folder).glob("*.*"))
        assert files
        for f in files:
            assert parse_path(f).format == fmt, f
    assert parse_path(fixtures / "helsinki-ahjo" / "decisions.json").format == "ahjo-json"
    # And other formats are left to their own parsers.
    heinola = next((fixtures / "heinola").glob("*.txt"))
    assert parse_path(heinola).format not in set(expected.values()) | {"ahjo-json"}
