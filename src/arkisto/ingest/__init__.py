"""Ingest: one module per source format, each a pure function from a file to
records or to problems that name the file and the item.

``parse_path(path)`` detects the format by content and dispatches;
``iter_files(paths)`` walks folders.  Nothing here imports Textual or Whoosh.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .common import IngestError, IngestResult, Problem
from .detect import iter_files, parse_path

__all__ = ["IngestError", "IngestResult", "Problem", "iter_files", "parse_path", "parsers_for"]

# A parser takes (path, bytes) and returns an IngestResult, or None when the
# content is not its format (the next candidate is then tried).
Parser = Callable[[Path, bytes], "IngestResult | None"]


def _json_parsers() -> list[Parser]:
    from . import ahjo, arkisto_json, opennc

    def own(path: Path, data: bytes) -> IngestResult | None:
        return arkisto_json.parse_json(path, data)

    return [ahjo.parse, opennc.parse, own]


def _text_parsers() -> list[Parser]:
    from . import minutes_reader

    return [minutes_reader.parse_text_file]


def _pdf_parsers() -> list[Parser]:
    from . import annual, casem, minutes_reader, tweb

    # Each system-specific parser returns None for a PDF that is not its own;
    # they share one opened document (pdf.load caches it by the bytes).  The
    # conventions reader takes whatever they leave.
    return [casem.parse, tweb.parse, annual.parse, minutes_reader.parse_pdf]


def _jsonl_parsers() -> list[Parser]:
    from . import arkisto_json

    return [arkisto_json.parse_jsonl]


def _html_parsers() -> list[Parser]:
    from . import ahjo, ahjo_html, dynasty, opennc

    # JSON whose first kilobytes hold HTML strings (Ahjo's Content) sniffs as
    # html; the JSON parsers check the content and pass on real HTML.
    from . import minutes_reader

    return [ahjo.parse, opennc.parse, dynasty.parse, ahjo_html.parse, minutes_reader.parse_html]


# Format kind (from detect.sniff) -> candidate parsers, most specific first.
# Format modules add themselves here.
PARSERS: dict[str, Callable[[], list[Parser]]] = {
    "json": _json_parsers,
    "jsonl": _jsonl_parsers,
    "text": _text_parsers,
    "pdf": _pdf_parsers,
    "html": _html_parsers,
}


def parsers_for(kind: str, path: Path, data: bytes) -> list[Parser]:
    factory = PARSERS.get(kind)
    return factory() if factory else []
