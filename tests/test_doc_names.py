"""The document model every reader shares, and municipalities' two names."""

from __future__ import annotations

from arkisto.ingest.doc import from_pages, from_text
from arkisto.names import canonical, from_swedish_org, other_names


def test_text_document_pages_and_blocks():
    doc = from_text("x.txt", "Kunta\nPöytäkirja\n\n§ 1 Otsikko\fSivu 2\nteksti")
    assert [line.page for line in doc.lines] == [0, 0, 0, 1, 1]
    assert doc.lines[0].block == doc.lines[1].block != doc.lines[2].block
    assert doc.pages == 2
    assert doc.text().split("\n")[2] == ""


def test_pdf_document_keeps_metadata_title():
    doc = from_pages("x.pdf", ["a\nb", "c"], {"/Title": " Pöytäkirja 3/2024 "})
    assert doc.title == "Pöytäkirja 3/2024" and doc.pages == 2 and doc.lines[2].page == 1


def test_bilingual_names_map_both_ways():
    assert canonical("Helsingfors") == canonical("helsinki") == "Helsinki"
    assert canonical("Jakobstad") == "Pietarsaari"
    assert canonical("Lappo") == "Lapua"
    assert canonical("Kuusamo") == "Kuusamo"  # not in the table: as it is
    assert other_names("Jakobstad") == ["Pietarsaari", "Jakobstad"]


def test_swedish_organisation_names():
    assert from_swedish_org("Jakobstads stad") == "Jakobstad"
    assert from_swedish_org("Helsingfors stad") == "Helsingfors"
    assert from_swedish_org("Närpes stad") == "Närpes"
    assert from_swedish_org("Korsholms kommun") == "Korsholm"
    assert from_swedish_org("Stadsstyrelsen") is None
