"""HTML with no known layout: the page's readable content, as the one HTML
reader gives it (html_dom: navigation, menus, breadcrumbs and other page
furniture left out), indexed as full text under the page's ``<title>``."""

from __future__ import annotations

from pathlib import Path

from .common import IngestResult
from .doc import Document
from .generic import from_text
from .html_dom import read_html

FORMAT = "generic-html"


def document_text(doc: Document) -> str:
    """The lines as text: a blank line between blocks, list items as "• …"."""
    out: list[str] = []
    prev = None
    for line in doc.lines:
        if prev is not None and line.block != prev.block:
            out.append("")
        out.append(f"• {line.text}" if line.kind == "li" else line.text)
        prev = line
    return "\n".join(out)


def parse(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    doc, _ = read_html(path, data, result)
    text = document_text(doc)
    if not text.strip() and doc.furniture:
        # Nothing but navigation: keep what there is rather than nothing.
        text = "\n\n".join(doc.furniture)
        result.warn("the page holds only navigation and link lists; indexed them as its text")
    result = from_text(text, path, FORMAT, result)
    if doc.title and result.records:
        result.records[0].title = doc.title[:200]
    return result
