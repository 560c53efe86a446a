"""PDF routing: each system's PDFs go to their parser, anything else to the
plain-PDF fallback, and broken PDFs give an error naming the file."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from arkisto.ingest import parse_path

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("path,fmt", [
    *[(p, "casem-pdf") for p in sorted((FIX / "lapua-cloudnc").glob("*.pdf"))],
    *[(p, "tweb-pdf") for p in sorted((FIX / "oulu-tweb").glob("*.pdf"))],
], ids=lambda x: x.name if isinstance(x, Path) else x)
def test_routes_to_parser(path, fmt):
    r = parse_path(path)
    assert r.format == fmt
    assert r.records


def _text_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text (content stream written by hand)."""
    w = pypdf.PdfWriter()
    page = w.add_blank_page(width=595, height=842)
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): w._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = w._add_object(stream)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_other_pdf_goes_to_plain_fallback(tmp_path):
    p = tmp_path / "muistio.pdf"
    p.write_bytes(_text_pdf("Muistio kokouksesta 12.3.2025 ja sen liitteet"))
    r = parse_path(p)
    assert r.format == "generic-pdf"  # no items, no labels: full text
    assert r.records[0].source.format == "generic-pdf"
    assert r.records[0].preparation.startswith("Muistio kokouksesta")


def test_encrypted_pdf(tmp_path):
    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    w.encrypt(user_password="salainen", owner_password="omistaja")
    p = tmp_path / "salattu.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    r = parse_path(p)
    assert not r.records
    [err] = [x for x in r.problems if x.severity == "error"]
    assert err.path == str(p) and str(p) in str(err)
    assert "encrypted" in err.message


def test_pdf_without_pages(tmp_path):
    w = pypdf.PdfWriter()
    p = tmp_path / "tyhja.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    r = parse_path(p)
    assert not r.records
    [err] = [x for x in r.problems if x.severity == "error"]
    assert str(p) in str(err) and "no pages" in err.message


def test_truncated_pdf(tmp_path):
    data = (FIX / "oulu-tweb" / "oulu_kaupunginhallitus_2017-03_35090068.pdf").read_bytes()
    p = tmp_path / "katkennut.pdf"
    p.write_bytes(data[: len(data) // 3])
    r = parse_path(p)
    assert not r.records
    errors = [x for x in r.problems if x.severity == "error"]
    assert errors and all(str(p) in str(e) for e in errors)
