"""PDF text extraction (pypdf) and the plain-PDF route: a minutes PDF whose
text has the labelled-block layout goes to the minutes-text parser; anything
else to the generic fallback.  System-specific PDF layouts (CaseM, Tweb,
annual reports) are tried before this one."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from .common import IngestError, IngestResult

FORMAT = "pdf-text"


def open_pdf(data: bytes):
    import pypdf
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError("encrypted PDF (needs a password); skipped")
            except Exception as exc:
                if isinstance(exc, IngestError):
                    raise
                raise IngestError(f"encrypted PDF that cannot be opened: {exc}") from None
        n = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IngestError(f"damaged or unreadable PDF: {exc}") from None
    if n == 0:
        raise IngestError("PDF has no pages")
    return reader


def page_texts(reader) -> list[str]:
    out = []
    for page in reader.pages:
        try:
            out.append(page.extract_text() or "")
        except Exception:  # one bad page must not lose the rest
            out.append("")
    return out


def parse(path: Path, data: bytes) -> IngestResult:
    from ..text import clean
    from . import generic, minutes_text

    reader = open_pdf(data)
    pages = [clean(t) for t in page_texts(reader)]
    text = "\n".join(pages)
    result = IngestResult(path=str(path), format=FORMAT)
    if not text.strip():
        raise IngestError("PDF has no extractable text (scanned images?); OCR it first")
    if minutes_text.looks_like(text):
        result.format = minutes_text.FORMAT
        return minutes_text.parse_text(text, str(path), result)
    return generic.from_text(text, path, "generic-pdf", result)
