"""PDF text extraction (pypdf), shared by every PDF reader: the system
parsers (CaseM, Tweb, annual reports) and the conventions reader
(``minutes_reader.parse_pdf``), which takes what they leave."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Iterator

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


class PdfDoc:
    """One opened PDF with its page texts extracted lazily, page by page, and
    kept: the candidate parsers (CaseM, Tweb, annual report, plain) all look
    at the same document, and text extraction is the expensive part."""

    def __init__(self, data: bytes):
        self.reader = open_pdf(data)
        self.page_count = len(self.reader.pages)
        self._raw: dict[int, str] = {}
        try:
            self.metadata = dict(self.reader.metadata or {})
        except Exception:
            self.metadata = {}

    def raw_page(self, index: int) -> str:
        """Text of page ``index`` (0-based) as pypdf gives it (not cleaned)."""
        if index not in self._raw:
            try:
                self._raw[index] = self.reader.pages[index].extract_text() or ""
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
        try:
            v = self.metadata.get(key)
            return str(v) if v is not None else ""
        except Exception:
            return ""


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
