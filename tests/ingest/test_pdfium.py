"""PDF text from PDFium (pypdfium2): the same records as pypdf gave on every
real PDF of the fixtures, CaseM's source HTML read from the custom metadata
keys without pypdf, and broken PDFs named in a plain message."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from arkisto.ingest import parse_path
from arkisto.ingest import pdf as pdfmod

FIX = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
# The real PDFs of the fixtures (CaseM, Tweb, 17 layouts) and the sample
# data's distinct ones (the 158-page annual report).
PDFS = sorted(FIX.rglob("*.pdf")) + sorted((SAMPLE / "annual-reports").glob("*.pdf"))
LAPUA = FIX / "lapua-cloudnc" / "lapua_kaupunginhallitus_2025-08-25_poytakirja.pdf"
# Free text whose lines PDFium may give in another order where a page sets
# them side by side (a table's two columns): compared as the words it holds.
FREE_TEXT = {"preparation", "text", "handling", "summary"}


def _norm(value):
    """A record's fields as a user reads them: whitespace runs are one space."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _records(path: Path, engine: str, monkeypatch) -> list[dict]:
    monkeypatch.setattr(pdfmod, "ENGINE", engine)  # read in the parsing child, forked after this
    result = parse_path(path)
    assert not [p for p in result.problems if p.severity == "error"], result.problems
    return [_norm(r.model_dump(mode="json")) for r in result.records]


def test_every_fixture_pdf_is_read():
    assert len(PDFS) >= 40


def _same(old, new, key: str, where: str) -> None:
    """``new`` reads as ``old``: equal, except that free text holds the same
    words and numbers (in any order)."""
    if isinstance(old, dict):
        assert isinstance(new, dict) and new.keys() == old.keys(), where
        for k in old:
            _same(old[k], new[k], k, f"{where}.{k}")
    elif isinstance(old, list) and old and isinstance(old[0], dict):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(old, new)):
            _same(a, b, key, f"{where}[{i}]")
    elif key in FREE_TEXT and isinstance(old, str):
        # "164Asukasmäärä" (pypdf glued a table's cell to the next) is "164" "Asukasmäärä".
        assert sorted(re.findall(r"[^\W\d_]+|\d+", new or "")) == sorted(re.findall(r"[^\W\d_]+|\d+", old)), where
    else:
        assert new == old, where


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_records_are_the_same_as_pypdfs(path: Path, monkeypatch):
    """Every field of every record is what pypdf's text gave (ids, §,
    dates, people, outcomes, proposal and decision word for word); free
    text holds the same words where PDFium orders a table's columns
    otherwise."""
    old = _records(path, "pypdf", monkeypatch)
    new = _records(path, "pdfium", monkeypatch)
    assert [r["id"] for r in new] == [r["id"] for r in old]
    for a, b in zip(old, new):
        _same(a, b, "", a["id"])


def test_page_text_has_pypdfs_lines_and_paragraph_gaps():
    """PDFium's text in the readers' conventions: "\\n" line ends, a hyphen
    at a line's end kept with its line break (the readers decide whether it
    joins a word), and an empty line at a paragraph's gap, which the Tweb
    reader needs to take "Päätös Päätösesitys hyväksyttiin." as a label."""
    doc = pdfmod.PdfDoc((FIX / "layouts" / "dev" / "dynasty10-pdf" / "hamina_sivistyslautakunta_2024-12-18_98.pdf")
                        .read_bytes())
    assert doc.engine.name == "pdfium"
    raw = doc.raw_page(0)
    assert "\r" not in raw and "\x02" not in raw and "\ufffe" not in raw
    assert "muutos-\ntarpeita" in raw and "Tietotekniikka-\nvalinnaisaineen" in raw
    tweb = pdfmod.PdfDoc((FIX / "oulu-tweb" / "oulu_kaupunginhallitus_2017-03-27_632581845351090.pdf").read_bytes())
    assert "tasekirjaan\n\nPäätös Päätösesitys hyväksyttiin." in tweb.page(5)


def test_casem_html_is_read_from_custom_metadata_without_pypdf(monkeypatch):
    """The /casem-source-html_N keys of the information dictionary come
    through PDFium: a CaseM PDF is read from its HTML with pypdf not even
    importable."""
    monkeypatch.setitem(sys.modules, "pypdf", None)  # `import pypdf` raises ImportError
    result = parse_path(LAPUA)
    assert result.format == "casem-pdf"
    assert not result.problems, result.problems  # no "parsed the PDF text instead"
    assert len(result.records) == 19
    doc = pdfmod.PdfDoc(LAPUA.read_bytes())
    assert doc.meta_numbered("/casem-source-html_") == list(range(5))


def _drop_meta_key(src: Path, dest: Path, key: str) -> Path:
    reader = pypdf.PdfReader(src)
    writer = pypdf.PdfWriter(clone_from=reader)
    info = writer._info.get_object()  # the information dictionary as written
    del info[pypdf.generic.NameObject(key)]
    buf = io.BytesIO()
    writer.write(buf)
    dest.write_bytes(buf.getvalue())
    return dest


def test_a_missing_part_of_the_casem_html_is_still_seen(tmp_path: Path):
    """PDFium reads a key but cannot list them: _0, _1, _3 without _2 is a
    missing part (the text is parsed instead), not an HTML cut short."""
    broken = _drop_meta_key(LAPUA, tmp_path / "lapua.pdf", "/casem-source-html_2")
    result = parse_path(broken)
    assert result.format == "casem-pdf"
    assert any("missing parts" in p.message for p in result.problems)
    assert result.records


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n" + b"\x00garbage that is no PDF at all\n" * 200,
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
], ids=["garbage", "no-pages-tree"])
def test_a_damaged_pdf_is_named_in_a_plain_message(content: bytes, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "rikki.pdf"
    bad.write_bytes(content)
    shutil.copy(FIX / "oulu-tweb" / "oulu_kaupunginhallitus_2017-03_35090068.pdf", folder / "ok.pdf")
    r = parse_path(bad)
    assert not r.records
    [err] = [p for p in r.problems if p.severity == "error"]
    assert str(bad) in str(err) and ("damaged" in err.message or "no pages" in err.message), err.message
    arkisto = shutil.which("arkisto", path=str(Path(sys.executable).parent))
    assert arkisto
    env = {**os.environ, "ARKISTO_INDEX": "", "ARKISTO_LANG": "en"}
    proc = subprocess.run([arkisto, "index", str(folder), "--index", str(tmp_path / "ix")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" not in proc.stderr
    assert "rikki.pdf" in proc.stderr
    assert proc.returncode == 0, proc.stderr  # the run goes on: the good file is indexed
