"""The conventions reader's entry points: a PDF, a text file or an HTML
page that no system-specific parser took becomes a ``Document`` and is read
by ``ingest.minutes``.  What it cannot split into items is still indexed as
full text, with a warning that names what is missing."""

from __future__ import annotations

from pathlib import Path

from ..models import Decision
from . import minutes
from ..i18n import Msg
from .common import IngestError, IngestResult
from .doc import Document, from_pages, from_text

# A document the reader found no items or labels in keeps these formats, so
# that the summary says it was indexed as full text.
GENERIC = {"pdf": "generic-pdf", "text": "generic-text", "html": "generic-html"}
FORMATS = {"pdf": "minutes-pdf", "text": "minutes-text", "html": "minutes-html"}


def read_document(doc: Document, result: IngestResult) -> IngestResult:
    minutes.read(doc, result, FORMATS[doc.kind])
    if not result.records:
        from .generic import from_text as full_text

        result.format = GENERIC[doc.kind]
        result.problems = [p for p in result.problems if p.severity != "warning"]
        return full_text(doc.text(), Path(doc.path), GENERIC[doc.kind], result)
    structured = any(isinstance(r, Decision) and (r.section or r.proposal or r.decision or r.presenter)
                     for r in result.records)
    if not structured:
        result.format = GENERIC[doc.kind]
        result.problems = [p for p in result.problems if p.severity != "warning"]
        result.warn(Msg("ingest_layout_unknown"))
        for r in result.records:
            r.source.format = GENERIC[doc.kind]
    else:
        result.format = FORMATS[doc.kind]
    return result


def parse_pdf(path: Path, data: bytes) -> IngestResult:
    from .pdf import load

    pdf = load(data)
    pages = pdf.pages()
    if not "".join(pages).strip():
        raise IngestError(Msg("ingest_pdf_no_text"))
    meta = {k: pdf.meta_str(k) for k in ("/Title", "/Subject", "/Keywords")}
    doc = from_pages(str(path), pages, meta)
    return read_document(doc, IngestResult(path=str(path), format=FORMATS["pdf"]))


def parse_text(text: str, path: str) -> IngestResult:
    """Text already decoded (tests, and text extracted elsewhere)."""
    from ..text import clean

    return read_document(from_text(path, clean(text)), IngestResult(path=path, format=FORMATS["text"]))


def parse_text_file(path: Path, data: bytes) -> IngestResult:
    from .common import read_text

    result = IngestResult(path=str(path), format=FORMATS["text"])
    text = read_text(path, result, data)
    if not text.strip():
        result.error(Msg("ingest_no_text"))
        return result
    return read_document(from_text(str(path), text), result)


def parse_html(path: Path, data: bytes) -> IngestResult:
    from .html_dom import read_html

    result = IngestResult(path=str(path), format=FORMATS["html"])
    doc, _dom = read_html(path, data, result)
    if not doc.lines:
        if not doc.furniture:
            result.error(Msg("ingest_html_no_text"))
            return result
        # Nothing but navigation: keep what there is rather than nothing.
        from .generic import from_text as full_text

        result.format = GENERIC["html"]
        result.warn(Msg("ingest_html_only_navigation"))
        return full_text("\n\n".join(doc.furniture), path, GENERIC["html"], result)
    return read_document(doc, result)
