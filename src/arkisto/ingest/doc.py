"""A document as the conventions reader sees it, whatever it came from: a
sequence of lines with what the source said about each (page, heading,
bold lead, table cells).

- PDF text: one line per extracted line, with its page.
- HTML: one line per block element (``<br>`` splits a block into lines),
  headings with their level, a leading bold run, table rows with their
  cells; navigation, side menus, breadcrumbs and other page furniture are
  left out by the HTML reader, which keeps them in ``Document.furniture``
  for what they can tell (a breadcrumb names the body, date and §).
- Plain text: one line per line, pages split at form feeds.

Nothing here reads a format; ``pdf``, ``html_dom`` and ``detect`` build
documents, and ``minutes`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    text: str
    page: int = 0  # 0-based page (PDF, or text split at form feeds)
    kind: str = "p"  # "p", "h" (a heading), "li", "row" (a table row), "dt", "dd"
    level: int = 0  # a heading's level (1-6)
    bold: str = ""  # the bold run the block starts with (a label, in many systems)
    cells: list[str] = field(default_factory=list)  # a table row's cells
    block: int = 0  # lines of one HTML block share a number (a blank line between blocks in text)

    @property
    def is_heading(self) -> bool:
        return self.kind == "h"


@dataclass
class Document:
    path: str
    kind: str  # "pdf", "html", "text"
    lines: list[Line] = field(default_factory=list)
    title: str | None = None  # <title>, or the PDF's metadata title
    lang: str | None = None  # <html lang>, where stated
    pages: int = 1
    meta: dict[str, str] = field(default_factory=dict)  # PDF metadata (creation date, author …)
    furniture: list[str] = field(default_factory=list)  # navigation and breadcrumb texts (HTML)

    def text(self) -> str:
        """The lines as plain text, a blank line between blocks."""
        out: list[str] = []
        prev = None
        for line in self.lines:
            if prev is not None and (line.block != prev.block or line.page != prev.page):
                out.append("")
            out.append(line.text)
            prev = line
        return "\n".join(out)


def from_text(path: str, text: str, kind: str = "text") -> Document:
    """A document of plain text: pages at form feeds, blocks at blank lines."""
    doc = Document(path=path, kind=kind)
    block = 0
    for page_no, page in enumerate(text.split("\f")):
        blank = True
        for raw in page.split("\n"):
            t = raw.rstrip()
            if not t.strip():
                if not blank:
                    block += 1
                blank = True
                continue
            blank = False
            doc.lines.append(Line(t, page=page_no, block=block))
        block += 1
    doc.pages = max(1, text.count("\f") + 1)
    return doc


def from_pages(path: str, pages: list[str], meta: dict[str, str] | None = None) -> Document:
    """A document of PDF page texts."""
    doc = Document(path=path, kind="pdf", pages=len(pages), meta=dict(meta or {}))
    block = 0
    for page_no, page in enumerate(pages):
        for raw in page.split("\n"):
            t = raw.rstrip()
            if not t.strip():
                block += 1
                continue
            doc.lines.append(Line(t, page=page_no, block=block))
        block += 1
    title = (meta or {}).get("/Title")
    doc.title = title.strip() if isinstance(title, str) and title.strip() else None
    return doc
