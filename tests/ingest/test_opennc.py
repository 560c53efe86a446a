"""CloudNC OpenNC REST API items (Mikkeli): one JSON per item, Name/Text pairs
with HTML values.  Fixtures are real items from the corpus."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from arkisto.ingest import parse_path
from arkisto.ingest.opennc import body_from_slug

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "mikkeli-cloudnc"
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-z]+|#\d+);")


def item(n: int) -> Path:
    return FIX / f"mikkeli_kaupunginhallitus_{n}.json"


def test_item_fields():
    r = parse_path(item(4020))
    assert r.format == "opennc-json"
    [rec] = r.records
    assert rec.title == "Mikkelin kaupungin luovuttamien tonttien hinnoittelu sekä muut luovutusperiaatteet vuosille 2018-2020"
    assert rec.section == "233"
    assert rec.case_id == "MliDno-2017-206"
    p = rec.presenter
    assert (p.name, p.title, p.email) == ("Timo Halonen", "kaupunginjohtaja", "timo.halonen@mikkeli.fi")
    assert [(x.name, x.title, x.email) for x in rec.preparers] == [
        ("Hannu Peltomaa", "kaupungingeodeetti", "Hannu.Peltomaa@mikkeli.fi")]
    assert rec.proposal.startswith("Kaupunginhallitus esittää kaupunginvaltuustolle, että se hyväksyy")
    assert rec.decision is None and rec.outcome is None  # an agenda item: not decided yet
    assert [a.title for a in rec.attachments] == [
        "Liite kh Hinnoittelualuekartat 2018", "Liite kh Hinnoittelu 2018",
        "Liite kh Muut yleiset myynti ja vuokrausperusteet"]
    assert rec.attachments[0].url.startswith("download.aspx?ID=57432")
    # Earlier handling (HistoryTopics) leads the preparation text.
    assert rec.preparation.startswith("Aiempi käsittely: Tekninen lautakunta 25.4.2017")
    for field in ("proposal", "preparation", "title"):
        assert not _MARKUP.search(getattr(rec, field) or ""), field


def test_body_and_municipality_come_from_the_file_name():
    [rec] = parse_path(item(4021)).records
    assert rec.committee == "Kaupunginhallitus"
    assert rec.municipality == "Mikkeli"
    assert {"committee", "municipality"} <= set(rec.derived)
    assert rec.meeting_date is None  # not in the item
    r = parse_path(item(4021))
    assert any("meeting date" in p.message and p.severity == "warning" for p in r.problems)


def test_without_a_telling_file_name_the_body_stays_empty(tmp_path):
    path = tmp_path / "item.json"
    shutil.copy(item(4021), path)
    r = parse_path(path)
    [rec] = r.records
    assert rec.committee is None and rec.municipality is None
    assert "committee" not in rec.derived
    assert any("committee" in p.message for p in r.problems)


def test_several_preparers():
    [rec] = parse_path(item(4038)).records
    assert [(p.name, p.title) for p in rec.preparers] == [
        ("Satu-Mari Tolonen", "viestintäpäällikkö"), ("Ari Liikanen", "hallintojohtaja")]


def test_history_topics():
    [rec] = parse_path(item(4051)).records
    assert rec.section == "240"
    assert rec.preparation.startswith("Aiempi käsittely: Kaupunginvaltuusto 22.5.2017")
    assert rec.preparation.endswith("Kaupunginvaltuusto päätti lähettää aloitteen kaupunginhallitukselle valmisteltavaksi.")


def test_item_with_only_a_title_and_presenter():
    r = parse_path(item(4053))
    [rec] = r.records
    assert rec.title == "Kokouksen laillisuus ja päätösvaltaisuus"
    assert rec.section == "196"
    assert any("neither a proposal nor a decision" in p.message for p in r.problems)


def test_meeting_level_record_gives_no_items():
    r = parse_path(item(4019))
    assert r.format == "opennc-json"
    assert r.records == []
    [w] = r.problems
    assert w.severity == "warning" and "meeting-level" in w.message and "2017-06-05" in w.message


def test_truncated_file_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "mikkeli_kaupunginhallitus_4020.json"
    path.write_bytes(item(4020).read_bytes()[:3000])
    r = parse_path(path)
    assert r.format == "opennc-json"
    assert not r.records
    [err] = [p for p in r.problems if p.severity == "error"]
    assert str(path) in str(err) and "truncated" in err.message


def test_body_names_from_slugs():
    assert body_from_slug("kaupunginhallitus") == "Kaupunginhallitus"
    assert body_from_slug("kasvatus-ja-opetuslautakunta") == "Kasvatus- ja opetuslautakunta"
