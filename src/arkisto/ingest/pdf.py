"""PDF text extraction (PDFium, pypdf where PDFium cannot), shared by every PDF reader: the system
parsers (CaseM, Tweb, annual reports) and the conventions reader
(``minutes_reader.parse_pdf``), which takes what they leave."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
from collections.abc import Callable, Iterator

from ..i18n import Msg
from .common import IngestError

# Told (pages read, pages in the document) each time a page's text is
# extracted for the first time: extraction is what a long PDF spends its time
# on, so a build's progress can move inside one file.  Set by ``pages_to``.
_ON_PAGE: Callable[[int, int], None] | None = None


@contextlib.contextmanager
def pages_to(fn: Callable[[int, int], None] | None) -> Iterator[None]:
    """Report page extraction to ``fn`` while the block runs."""
    global _ON_PAGE
    before, _ON_PAGE = _ON_PAGE, fn
    try:
        yield
    finally:
        _ON_PAGE = before


# The text engine: PDFium (pypdfium2), the engine of Chrome's PDF viewer,
# extracts the corpus's PDFs 4-15x faster than pypdf with the same words
# (benchmarks/pdfbench.py).  pypdf stays as the reader of PDFs PDFium cannot
# open, and as the engine ARKISTO_PDF_ENGINE=pypdf selects (the benchmark's
# "before").
ENGINE = os.environ.get("ARKISTO_PDF_ENGINE", "pdfium")


def open_pdf(data: bytes):
    """A pypdf reader of the document; raises IngestError for an unreadable,
    encrypted or empty PDF."""
    import pypdf
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(Msg("ingest_pdf_encrypted"))
            except Exception as exc:
                if isinstance(exc, IngestError):
                    raise
                raise IngestError(Msg("ingest_pdf_encrypted_error", error=str(exc))) from None
        n = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise IngestError(Msg("ingest_pdf_damaged", error=str(exc))) from None
    if n == 0:
        raise IngestError(Msg("ingest_pdf_no_pages"))
    return reader


class _Pypdf:
    """pypdf behind the engine interface (page_count, text, meta)."""

    name = "pypdf"

    def __init__(self, data: bytes):
        self.reader = open_pdf(data)
        self.page_count = len(self.reader.pages)
        try:
            self._meta = {str(k): v for k, v in dict(self.reader.metadata or {}).items()}
        except Exception:
            self._meta = {}

    def text(self, index: int) -> str:
        return self.reader.pages[index].extract_text() or ""

    def meta(self, key: str) -> str:
        v = self._meta.get(key)
        return str(v) if v is not None else ""

    def meta_numbered(self, prefix: str) -> list[int]:
        return [int(k[len(prefix):]) for k in self._meta if k.startswith(prefix) and k[len(prefix):].isdigit()]


# PDFium's load errors (FPDF_GetLastError) in words.
_PDFIUM_ERRORS = {1: "unknown error", 2: "file not found or could not be read", 3: "not a PDF or damaged",
                  4: "needs a password", 5: "unsupported security scheme", 6: "page not found or content error"}


class _Pdfium:
    """PDFium (pypdfium2) behind the engine interface.  Each parse runs in a
    child process of its own, so PDFium (not thread-safe) is only ever used
    by one thread."""

    name = "pdfium"

    def __init__(self, data: bytes):
        import pypdfium2 as pdfium

        try:
            self.doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code == 4:
                raise IngestError(Msg("ingest_pdf_encrypted")) from None
            if code == 5:
                raise IngestError(Msg("ingest_pdf_encrypted_scheme")) from None
            raise _Unreadable(_PDFIUM_ERRORS.get(code or 1, str(exc))) from None
        self.page_count = len(self.doc)
        if self.page_count == 0:
            raise IngestError(Msg("ingest_pdf_no_pages"))
        self._data = data  # PDFium reads from these bytes while the document is open

    def text(self, index: int) -> str:
        page = self.doc[index]
        try:
            textpage = page.get_textpage()
            try:
                return pdfium_text(_with_paragraph_gaps(textpage))
            finally:
                textpage.close()
        finally:
            page.close()

    def meta(self, key: str) -> str:
        """Any key of the document information dictionary, custom ones too
        (FPDF_GetMetaText reads the key asked for: CaseM's
        /casem-source-html_N are read here, without pypdf)."""
        import ctypes

        import pypdfium2.raw as raw

        tag = key.lstrip("/").encode("latin-1", "replace")
        n = raw.FPDF_GetMetaText(self.doc, tag, None, 0)
        if n <= 2:
            return ""
        buf = ctypes.create_string_buffer(n)
        raw.FPDF_GetMetaText(self.doc, tag, buf, n)
        return buf.raw[: n - 2].decode("utf-16-le", errors="replace")

    def meta_numbered(self, prefix: str) -> list[int]:
        """The N of every ``prefix + N`` key of the information dictionary.
        PDFium reads a key but does not list them: the keys are asked for
        from 0 up to the first missing one, and any others named in the
        file's bytes (an uncompressed Info dictionary) are added, so that a
        missing part is still seen as missing."""
        found = []
        n = 0
        while self.meta(prefix + str(n)):
            found.append(n)
            n += 1
        name = re.escape(prefix.encode("latin-1", "replace"))
        named = {int(m.group(1)) for m in re.finditer(name + rb"(\d{1,6})\b", self._data)}
        found += sorted(k for k in named if k > n and self.meta(prefix + str(k)))
        return found


# A line whose baseline lies more than this many font sizes below the line
# before it starts a new paragraph (single-spaced lines are 1.15-1.25 apart).
PARAGRAPH_GAP = 1.6


def _with_paragraph_gaps(textpage) -> str:
    """The page's text in PDFium's order, with an empty line where the page
    leaves a paragraph's gap between two lines.

    pypdf gives the blank lines of a Word document as lines of spaces, and
    the readers take a blank line as the end of a paragraph (a label with
    its text on the same line, "Päätös Päätösesitys hyväksyttiin.", is a
    label only after one); PDFium leaves them out.  The gap is measured at
    the first character of each line: two calls per line, not per character."""
    import ctypes

    import pypdfium2.raw as raw

    text = textpage.get_text_range()
    if "\r\n" not in text:
        return text
    x, y = ctypes.c_double(), ctypes.c_double()
    out: list[str] = []
    pos = 0
    prev: tuple[float, float] | None = None
    for line in text.split("\r\n"):
        body = line.rstrip()
        if body:
            first = raw.FPDFText_GetCharIndexFromTextIndex(textpage, pos)
            if first >= 0 and raw.FPDFText_GetCharOrigin(textpage, first, x, y):
                size = raw.FPDFText_GetFontSize(textpage, first)
                if prev is not None and prev[0] - y.value > PARAGRAPH_GAP * max(prev[1], size) > 0:
                    out.append("")
                # The line ends where its last character stands (a line
                # PDFium joined at a hyphen ends a line lower).
                last = raw.FPDFText_GetCharIndexFromTextIndex(textpage, pos + len(body) - 1)
                if last >= 0 and raw.FPDFText_GetCharOrigin(textpage, last, x, y):
                    prev = (y.value, raw.FPDFText_GetFontSize(textpage, last))
        out.append(line)
        pos += len(line) + 2
    return "\n".join(out)


class _Unreadable(IngestError):
    """PDFium could not open the file (damaged, or not a PDF it knows)."""


def pdfium_text(text: str) -> str:
    """PDFium's page text in pypdf's conventions, which the readers expect:
    lines end in "\n" (not "\r\n"), and a hyphen PDFium found at the end of
    a line and joined to the next (its "\x02") is the hyphen and the line
    break again, so that the readers' one hyphenation rule (text.join_lines)
    decides whether "muutos-|tarpeita" is one word or "Tietotekniikka-|
    valinnaisaine" keeps its hyphen."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-\n").replace("\x02", "-\n")


def _open_engine(data: bytes):
    """The engine's view of the document.  A PDF PDFium cannot open is
    tried with pypdf, which is lenient in other ways; if neither can, the
    message says so."""
    if ENGINE == "pypdf":
        return _Pypdf(data)
    try:
        return _Pdfium(data)
    except _Unreadable as exc:
        try:
            return _Pypdf(data)
        except IngestError as second:
            if "damaged" not in str(second):  # encrypted, no pages: pypdf's word is the clearer
                raise
            raise IngestError(Msg("ingest_pdf_damaged", error=f"{exc} ({second})")) from None


class PdfDoc:
    """One opened PDF with its page texts extracted lazily, page by page, and
    kept: the candidate parsers (CaseM, Tweb, annual report, plain) all look
    at the same document, and text extraction is the expensive part."""

    def __init__(self, data: bytes):
        self.engine = _open_engine(data)
        self.page_count = self.engine.page_count
        self._raw: dict[int, str] = {}

    def raw_page(self, index: int) -> str:
        """Text of page ``index`` (0-based) as the engine gives it, in pypdf's
        line conventions (not cleaned)."""
        if index not in self._raw:
            try:
                self._raw[index] = self.engine.text(index)
            except Exception:  # one bad page must not lose the rest
                self._raw[index] = ""
            if _ON_PAGE is not None:
                _ON_PAGE(len(self._raw), self.page_count)
        return self._raw[index]

    def page(self, index: int) -> str:
        from ..text import clean

        return clean(self.raw_page(index))

    def pages(self, limit: int | None = None) -> list[str]:
        n = self.page_count if limit is None else min(limit, self.page_count)
        return [self.page(i) for i in range(n)]

    def meta_str(self, key: str) -> str:
        """A key of the document information dictionary ("/Title"), "" when
        it is missing."""
        try:
            return self.engine.meta(key)
        except Exception:
            return ""

    def meta_numbered(self, prefix: str) -> list[int]:
        """The N of the information dictionary's ``prefix + N`` keys, sorted
        (CaseM's /casem-source-html_0, _1, ...)."""
        try:
            return sorted(self.engine.meta_numbered(prefix))
        except Exception:
            return []


# The bytes object parse_path hands to every candidate parser, and the
# document opened from it.  Keyed by identity (and checked with ``is``), so a
# different file never gets a stale document; one entry only, so memory stays
# bounded to the file being parsed.
_CACHE: list[tuple[bytes, PdfDoc]] = []


def load(data: bytes) -> PdfDoc:
    """The opened document for these bytes, shared between candidate parsers.
    Raises IngestError for an unreadable, encrypted or empty PDF."""
    if _CACHE and _CACHE[0][0] is data:
        return _CACHE[0][1]
    doc = PdfDoc(data)
    _CACHE[:] = [(data, doc)]
    return doc


# --- names -------------------------------------------------------------------

_GENITIVE_EXCEPTIONS = {
    "helsingin": "Helsinki", "turun": "Turku", "tampereen": "Tampere", "hangon": "Hanko",
    "uudenkaupungin": "Uusikaupunki", "uudenkaarlepyyn": "Uusikaarlepyy", "varkauden": "Varkaus",
    "lappeenrannan": "Lappeenranta", "imatran": "Imatra", "kotkan": "Kotka",
    "kristiinankaupungin": "Kristiinankaupunki", "outokummun": "Outokumpu",
}
_GENITIVE_RULES = [
    (r"joen$", "joki"), (r"mäen$", "mäki"), (r"kosken$", "koski"), (r"järven$", "järvi"),
    (r"niemen$", "niemi"), (r"lahden$", "lahti"), (r"saaren$", "saari"), (r"veden$", "vesi"),
    (r"salmen$", "salmi"), (r"nummen$", "nummi"), (r"lammin$", "lampi"), (r"kaupungin$", "kaupunki"),
    (r"rannan$", "ranta"), (r"kunnan$", "kunta"), (r"isten$", "inen"), (r"ksen$", "s"), (r"n$", ""),
]


def base_from_genitive(word: str) -> str | None:
    """"Lapuan" -> "Lapua", "Oulun" -> "Oulu", "Kauhavan" -> "Kauhava",
    "Kaupunginhallituksen" -> "Kaupunginhallitus", "Sivistyslautakunnan" ->
    "Sivistyslautakunta".  Finnish genitive to base form by the regular
    endings and a few irregular town names; None when the word is not a
    genitive.  Callers mark the result as derived."""
    import re

    w = word.strip()
    if not w.endswith("n") or len(w) < 3:
        return None
    low = w.lower()
    if low in _GENITIVE_EXCEPTIONS:
        return _GENITIVE_EXCEPTIONS[low]
    last = low.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
    if last in _GENITIVE_EXCEPTIONS:
        return w[: len(w) - len(last)] + _GENITIVE_EXCEPTIONS[last].lower()
    for pat, rep in _GENITIVE_RULES:
        if re.search(pat, low):
            out = re.sub(pat, rep, w, flags=re.I)
            return out[:1].upper() + out[1:] if w[:1].isupper() else out
    return None


def municipality_from_org(org: str | None) -> str | None:
    """"Lapuan kaupunki" -> "Lapua", "Oulun kaupunki" -> "Oulu",
    "Kauhavan kaupunki" -> "Kauhava", "Ylöjärven kunta" -> "Ylöjärvi".
    None for anything that is not "<genitive> kaupunki/kunta"."""
    import re

    if not org:
        return None
    m = re.match(r"^\s*([A-ZÅÄÖ][\w-]*n)\s+(?:kaupunki|kunta|stad|kommun)\b", org.strip())
    if not m:
        return None
    return base_from_genitive(m.group(1))
