"""The one HTML reader: bytes -> text -> DOM -> readable blocks -> a
:class:`~arkisto.ingest.doc.Document`, with the page furniture set apart.

- **Bytes to text.**  A UTF-8 BOM, else UTF-8 when the bytes are UTF-8
  (whatever the page claims), else the charset the page declares in a
  ``<meta>``, else Windows-1252; mojibake repaired, NFC, control characters
  dropped.  Each repair is a note, as for every text input.
- **Text to DOM.**  selectolax (lexbor, an HTML5 parser) builds the tree the
  way a browser would from broken markup.  Three repairs come first, each
  linear: a ``<`` that can never open a tag (after the last ``>``) is text;
  an XHTML empty tag (``<div/>``) is an empty element, as its author meant;
  and elements nested deeper than :data:`MAX_DEPTH` are not nested further
  (lexbor takes quadratic time on 10 000s of open ``<div>``s).
- **DOM to blocks.**  One paragraph-like element (p, div, h1-h6, li, a table
  row …) is one :class:`Block`: its text (``<br>`` kept as a line break), the
  bold run it starts with, its links.  The system parsers read blocks and
  query the DOM with CSS selectors (:class:`Dom`).
- **Blocks to a Document** (:func:`read_html`): the readable blocks of the
  page's content, with what the markup says of each (heading level, list
  item, table row and its cells, dt/dd, bold lead), and the page furniture
  -- navigation, menus, side menus, breadcrumbs, skip links, cookie notices,
  page headers and footers, lists of links -- in ``Document.furniture``, the
  breadcrumbs first.  See :func:`document` for the rules.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..i18n import Msg
from ..text import clean, decode_bytes, one_line, repair_mojibake
from .common import IngestError, IngestResult
from .doc import Document, Line

# --- bytes to text -------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,300}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})""", re.I)
# What browsers read for these labels (WHATWG Encoding): Windows-1252.
_AS_CP1252 = {"cp1252", "latin_1", "ascii", "iso8859_1"}


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the page's first ``<meta>`` names
    (``charset=…`` or ``http-equiv`` ``content="…; charset=…"``), None when
    it names none or one Python does not know."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    name = name.replace("-", "_")
    return "cp1252" if name in _AS_CP1252 else name


def decode(data: bytes) -> tuple[str, list[str]]:
    """An HTML file's bytes as clean NFC text, and notes of what was repaired."""
    declared = declared_charset(data)
    if data.startswith(b"\xef\xbb\xbf") or declared in (None, "utf_8") or _is_utf8(data):
        text, notes = decode_bytes(data)
        if declared not in (None, "utf_8") and not data.startswith(b"\xef\xbb\xbf") and not data.isascii() \
                and not any(n.startswith("not UTF-8") for n in notes):
            notes.append(Msg("ingest_repair_declared_utf8", charset=_label(declared)))
        return text, notes
    text = data.decode(declared, errors="replace")
    notes = [Msg("ingest_repair_declared", charset=_label(declared))]
    text, fixed = repair_mojibake(text)
    if fixed:
        notes.append(Msg("ingest_repair_mojibake"))
    if not unicodedata.is_normalized("NFC", text):
        notes.append(Msg("ingest_repair_nfd"))
    return clean(text), notes


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _label(codec: str) -> str:
    return "Windows-1252" if codec == "cp1252" else codec.replace("_", "-").upper()


# --- text to DOM ------------------------------------------------------------------------

# Browsers stop nesting at a few hundred levels (Blink: 512); no real page
# comes near.  lexbor has no such limit, and 100 000 open <div>s took it 38 s.
MAX_DEPTH = 512

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame"})
# Elements whose end tag may be left out: a start tag of the same kind (or of
# a block) closes them, so they never nest deeply by being left open.
_OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
                           "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                       "noscript", "plaintext"})
_TAG_START = re.compile(r"<(?:(/?)([A-Za-z][A-Za-z0-9:_-]*)|!--|[!?])")


def defuse_tail(markup: str) -> str:
    """The markup with every ``<`` after the last ``>`` written as ``&lt;``:
    none of them can open a tag that closes, and an HTML5 parser would drop
    the whole tail as one unfinished tag.  Here it stays text."""
    cut = markup.rfind(">") + 1
    if "<" not in markup[cut:]:
        return markup
    return markup[:cut] + markup[cut:].replace("<", "&lt;")


# A tag's attributes, a quoted value taken whole ("a/>b" is a value, not an
# end), and bounded: an unclosed quote must not send each "<" to the end.
_EMPTY_TAG = re.compile(r"""<([A-Za-z][A-Za-z0-9:_-]*)((?:\s(?:[^<>"']|"[^"<>]{0,2000}"|'[^'<>]{0,2000}')*?)?)\s*/>""")


def close_empty(markup: str) -> str:
    """XHTML's empty-element tags on elements that are not void (``<div
    class="spacer"/>``, ``<td />``, CaseM's ``<variable/>``) written as an
    element with its end tag.  HTML5 ignores the slash, and the element then
    swallows everything up to its parent's end: CaseM's articles nested one
    inside the other.  The author meant an empty element."""
    if "/>" not in markup:
        return markup

    def fix(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.lower() in _VOID:
            return m.group(0)
        return f"<{name}{m.group(2)}></{name}>"

    return _EMPTY_TAG.sub(fix, markup)


def flatten_deep(markup: str, limit: int = MAX_DEPTH) -> tuple[str, int]:
    """(markup, tags dropped): start tags that would open an element deeper
    than ``limit`` (and their end tags) left out, so that the text they held
    stays, in order, at that depth.  One pass over the tags, in linear time;
    a page with fewer tags than ``limit`` is returned untouched at once."""
    if markup.count("<") <= limit:
        return markup, 0
    stack: list[str] = []
    open_count: dict[str, int] = {}
    dropped: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    pos = 0
    n = len(markup)
    while pos < n:
        m = _TAG_START.search(markup, pos)
        if not m:
            break
        if m.group(0) == "<!--":
            end = markup.find("-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        gt = markup.find(">", m.end())
        if gt < 0:
            break
        pos = gt + 1
        name = (m.group(2) or "").lower()
        if not name:  # <!doctype …>, <?xml …?>
            continue
        if m.group(1):  # an end tag
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append((m.start(), pos))
            elif open_count.get(name):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in _RAW_TEXT:
            close = re.compile(rf"</{re.escape(name)}\b", re.I).search(markup, pos)
            if close is None:
                break
            pos = close.start()
            continue
        if name in _VOID or name in _OPTIONAL_END:
            continue
        if len(stack) >= limit:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append((m.start(), pos))
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
    if not cuts:
        return markup, 0
    out: list[str] = []
    prev = 0
    for a, b in cuts:
        out.append(markup[prev:a])
        prev = b
    out.append(markup[prev:])
    return "".join(out), len(cuts)


class Dom:
    """A parsed page: CSS selectors over lexbor's tree (``css``,
    ``css_first``; nodes are selectolax ``LexborNode``s), the ``<title>``,
    the language, the readable blocks, the decoded markup (``source``) and
    the notes of what decoding and parsing repaired."""

    def __init__(self, tree: LexborHTMLParser, source: str = "", notes: list[str] | None = None):
        self.tree = tree
        self.source = source
        self.notes = list(notes or [])

    @property
    def root(self) -> LexborNode | None:
        return self.tree.root

    @property
    def body(self) -> LexborNode | None:
        return self.tree.body

    def css(self, selector: str) -> list[LexborNode]:
        return self.tree.css(selector)

    def css_first(self, selector: str) -> LexborNode | None:
        return self.tree.css_first(selector)

    @property
    def title(self) -> str:
        """The page's ``<title>``, one line ("" when there is none)."""
        node = self.tree.css_first("head > title") or self.tree.css_first("title")
        return one_line(clean(node.text(deep=True))) if node is not None else ""

    @property
    def lang(self) -> str:
        """The language the page states (``<html lang>``, ``<body lang>``,
        Content-Language), as its primary subtag: "fi", "sv" … or ""."""
        for node in (self.tree.root, self.tree.body):
            if node is not None:
                attrs = node.attributes
                value = attrs.get("lang") or attrs.get("xml:lang")
                if value:
                    return value.strip().lower()[:2]
        meta = self.tree.css_first('meta[http-equiv="content-language" i]')
        if meta is not None and meta.attributes.get("content"):
            return (meta.attributes.get("content") or "").strip().lower()[:2]
        return ""

    def blocks(self, node: LexborNode | None = None) -> list[Block]:
        """The blocks of ``node`` (the whole page by default) in reading order."""
        start = node if node is not None else self.tree.root
        return _Walker().walk(start) if start is not None else []


def parse(markup: str) -> Dom:
    """A page or a fragment of HTML as a :class:`Dom`."""
    notes: list[str] = []
    source = markup
    markup = close_empty(defuse_tail(markup))
    markup, dropped = flatten_deep(markup)
    if dropped:
        notes.append(Msg("ingest_repair_deep_html", depth=MAX_DEPTH, n=dropped))
    return Dom(LexborHTMLParser(markup), source, notes)


def load(path: Path | str, data: bytes, result: IngestResult | None = None) -> Dom:
    """An HTML file's bytes as a :class:`Dom`; the repairs (decoding,
    nesting) are noted on ``result`` when one is given."""
    if b"\x00" in data[:8192]:
        raise IngestError(Msg("ingest_binary_text"))
    text, notes = decode(data)
    dom = parse(text)
    dom.notes[:0] = notes
    if result is not None:
        for note in dom.notes:
            result.repaired(note)
    return dom


# --- DOM to blocks ------------------------------------------------------------------------

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "tbody", "thead", "tfoot", "ul", "ol",
    "section", "article", "blockquote", "center", "body", "html", "dl", "dt", "dd", "pre", "label", "form",
    "header", "footer", "main", "nav", "caption", "address", "aside", "figure", "figcaption", "details",
    "summary", "menu", "fieldset", "legend", "hgroup", "dialog",
})
SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "object", "iframe", "svg",
                       "math", "-comment", "!doctype"})
_BOLD_TAGS = frozenset({"b", "strong"})
_WS = re.compile(r"[ \t\r\n\f\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)


@dataclass
class Block:
    tag: str  # the element that opened the block ("p", "h3", "li", "tr", "hr" …)
    cls: str = ""  # its class attribute
    text: str = ""  # whitespace-collapsed; <br> kept as "\n"
    bold: str = ""  # text of the bold run the block starts with, if any
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    cells: list[str] = field(default_factory=list)  # a table row's cells (Document rows only)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (line, its bold lead), one per <br> line
    node: LexborNode | None = None  # the block's element
    zone: int = 0  # the furniture it is part of (Document walks; 0: none)
    in_region: bool = True  # inside the page's marked content (Document walks)

    @property
    def is_heading(self) -> bool:
        return len(self.tag) == 2 and self.tag[0] == "h" and self.tag[1] in "123456"


def _is_bold(node: LexborNode) -> bool:
    """b/strong, or an element styled or classed bold (CaseM, KTweb)."""
    if node.tag in _BOLD_TAGS:
        return True
    attrs = node.attributes
    cls = attrs.get("class") or ""
    if cls and "bold" in cls.lower().split():
        return True
    style = attrs.get("style") or ""
    return bool(style) and bool(_BOLD_STYLE.search(style))


def _norm_block(raw: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in clean(raw).split("\n")]
    # Keep single line breaks from <br>; collapse runs of empty lines to one.
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _lead(segs: list[tuple[str, bool]]) -> str:
    """The bold run the segments start with (leading whitespace skipped)."""
    run: list[str] = []
    for s, b in segs:
        if not s.strip() and not run:
            continue
        if not b:
            break
        run.append(s)
    return one_line(clean("".join(run)))


_ENTER, _LEAVE, _END_ZONE, _END_REGION = range(4)


class _Walker:
    """Blocks in reading order, as a flat list.  A Document walk (``zones``
    given) also ends a block where furniture or the content region begins or
    ends, and reads a data row as one block of cells."""

    def __init__(self, zones: dict[int, str] | None = None, region: set[int] | None = None,
                 marker: int | None = None):
        self.document = zones is not None
        self.zones = zones or {}
        self.region = region
        self.marker = marker
        self.blocks: list[Block] = []
        self.segs: list[tuple[str, bool]] = []
        self.links: list[tuple[str, str]] = []
        self.href: str | None = None
        self.href_text: list[str] = []
        self.bold = 0
        self.block_stack: list[tuple[str, str, LexborNode | None]] = []
        self.cur: tuple[str, str, LexborNode | None] = ("p", "", None)
        self.zone = 0
        self.in_region = not region and marker is None

    # -- collecting -------------------------------------------------------------------
    def flush(self) -> None:
        if self.href is not None:  # a link left open across a block boundary
            self.end_link()
        tag, cls, node = self.cur
        text = _norm_block("".join(s for s, _ in self.segs)) if self.segs else ""
        if text:
            self.blocks.append(Block(tag, cls, text, _lead(self.segs), self.links,
                                     lines=self._lines() if self.document else [],
                                     node=node, zone=self.zone, in_region=self.in_region))
        elif self.links:
            self.blocks.append(Block(tag, cls, "", "", self.links, node=node, zone=self.zone,
                                     in_region=self.in_region))
        self.segs = []
        self.links = []

    def _lines(self) -> list[tuple[str, str]]:
        """The block's lines (split at <br>), each with its bold lead."""
        out: list[tuple[str, str]] = []
        line: list[tuple[str, bool]] = []
        for seg in [*self.segs, ("\n", False)]:
            if seg[0] != "\n":
                line.append(seg)
                continue
            text = one_line(clean("".join(s for s, _ in line)))
            if text:
                out.append((text, _lead(line)))
            line = []
        return out

    def end_link(self) -> None:
        text = one_line("".join(self.href_text))
        if self.href is not None and (text or self.href):
            self.links.append((text, self.href))
        self.href = None
        self.href_text = []

    def text(self, data: str) -> None:
        # Line breaks in the source are spaces; only <br> breaks a line.
        data = _SOURCE_BREAKS.sub(" ", data)
        self.segs.append((data, self.bold > 0))
        if self.href is not None:
            self.href_text.append(data)

    # -- walking -----------------------------------------------------------------------
    def walk(self, start: LexborNode) -> list[Block]:
        # An explicit stack: pages nest deeper than Python's recursion limit.
        stack: list[tuple[LexborNode, int, bool]] = [(start, _ENTER, False)]
        while stack:
            node, action, was_bold = stack.pop()
            if action == _ENTER:
                self.enter(node, stack)
            elif action == _LEAVE:
                self.leave(node, was_bold)
            else:
                self.flush()
                if action == _END_ZONE:
                    self.zone = 0
                else:
                    self.in_region = False
        self.flush()
        return self.blocks

    def enter(self, node: LexborNode, stack: list[tuple[LexborNode, int, bool]]) -> None:
        tag = node.tag or ""
        if tag == "-text":
            self.text(node.text_content or "")
            return
        if tag in SKIP_TAGS or tag.startswith(("-", "!")) or not tag:
            return
        if self.document:
            nid = node.mem_id
            if nid == self.marker and not self.in_region:
                self.flush()
                self.in_region = True
            if not self.zone and nid in self.zones:
                self.flush()
                self.zone = nid
                stack.append((node, _END_ZONE, False))
            if not self.in_region and self.region and nid in self.region:
                self.flush()
                self.in_region = True
                stack.append((node, _END_REGION, False))
            if tag == "tr" and _data_row(node):
                self.flush()
                self.row(node)
                return
        if tag == "br":
            self.segs.append(("\n", self.bold > 0))
            return
        if tag == "hr":
            self.flush()
            self.blocks.append(Block("hr", node=node, zone=self.zone, in_region=self.in_region))
            return
        if tag in ("td", "th"):
            self.segs.append((" ", self.bold > 0))
        bold = _is_bold(node)
        if bold:
            self.bold += 1
        if tag == "a":
            if self.href is not None:
                self.end_link()
            self.href = node.attributes.get("href") or ""
        if tag in BLOCK_TAGS:
            self.flush()
            self.cur = (tag, node.attributes.get("class") or "", node)
            self.block_stack.append(self.cur)
        stack.append((node, _LEAVE, bold))
        stack.extend((k, _ENTER, False) for k in reversed(children(node)))

    def row(self, tr: LexborNode) -> None:
        """A data row as one block of cells; furniture inside it (a cell of
        "Edellinen | Seuraava" links) goes to its own zone."""
        inner: list[LexborNode] = []
        skip = None if self.zone else self.zones
        row = _row_block(tr, skip, inner)
        for z in inner:
            text = plain_text(z, skip=None)
            if text:
                self.blocks.append(Block(z.tag or "", z.attributes.get("class") or "", text, node=z,
                                         lines=[(text, "")], zone=z.mem_id, in_region=self.in_region))
        if row.text or row.links:
            row.zone, row.in_region = self.zone, self.in_region
            self.blocks.append(row)

    def leave(self, node: LexborNode, was_bold: bool) -> None:
        tag = node.tag
        if tag in ("td", "th"):
            self.segs.append((" ", False))
        if was_bold:
            self.bold = max(0, self.bold - 1)
        if tag == "a" and self.href is not None:
            self.end_link()
        if tag in BLOCK_TAGS:
            self.flush()
            if self.block_stack:
                self.block_stack.pop()
            self.cur = self.block_stack[-1] if self.block_stack else ("p", "", None)


_SOURCE_BREAKS = re.compile(r"[\r\n\t\f]+")


def children(node: LexborNode) -> list[LexborNode]:
    """The node's children (elements, text and comments), in order."""
    out = []
    child = node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def plain_text(node: LexborNode, bold_only: bool = False, skip: dict[int, str] | None = None,
               skipped: list[LexborNode] | None = None) -> str:
    """An element's text on one line (scripts and styles left out; with
    ``bold_only``, only the text inside bold elements; elements in ``skip``
    left out, and listed in ``skipped``)."""
    out: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(node, False)]
    while stack:
        n, in_bold = stack.pop()
        tag = n.tag or ""
        if tag == "-text":
            if in_bold or not bold_only:
                out.append(n.text_content or "")
            continue
        if tag in SKIP_TAGS or tag.startswith(("-", "!")):
            continue
        if skip and n.mem_id in skip:
            if skipped is not None:
                skipped.append(n)
            continue
        if tag == "br":
            out.append(" ")
            continue
        in_bold = in_bold or _is_bold(n)
        if tag in BLOCK_TAGS or tag in ("td", "th"):
            out.append(" ")
        stack.extend((k, in_bold) for k in reversed(children(n)))
    return one_line(clean("".join(out)))


def _cells(tr: LexborNode) -> list[LexborNode]:
    return [c for c in children(tr) if c.tag in ("td", "th")]


_LAYOUT_IN_CELL = "table, ul, ol, dl, h1, h2, h3, h4, h5, h6, blockquote, pre"


def _data_row(tr: LexborNode) -> bool:
    """A row of data cells, not a row of a layout table: no cell holds a
    table, a list, a heading or more than one paragraph."""
    cells = _cells(tr)
    if not cells:
        return False
    for cell in cells:
        if cell.child is None:
            continue
        if cell.css_first(_LAYOUT_IN_CELL) is not None or len(cell.css("p, div")) > 1:
            return False
    return True


def _row_block(tr: LexborNode, skip: dict[int, str] | None = None,
               skipped: list[LexborNode] | None = None) -> Block:
    """A data row: its cells' texts, the bold cells it starts with (th or
    bold), its links.  Elements in ``skip`` (furniture) are left out and
    listed in ``skipped``."""
    nodes = _cells(tr)
    cells = [plain_text(c, skip=skip, skipped=skipped) for c in nodes]
    lead: list[str] = []
    for c, text in zip(nodes, cells):
        if not text:
            continue
        if c.tag == "th" or plain_text(c, bold_only=True, skip=skip) == text:
            lead.append(text)
            continue
        break
    links = []
    for a in tr.css("a"):
        if skip and _inside_any(a, skip, tr):
            continue
        t, h = plain_text(a), a.attributes.get("href") or ""
        if t or h:
            links.append((t, h))
    text = "  ".join(c for c in cells if c)
    bold = "  ".join(lead)
    return Block("tr", tr.attributes.get("class") or "", text, bold, links, cells=cells,
                 lines=[(text, bold)] if text else [], node=tr)


def _inside_any(node: LexborNode, ids: dict[int, str], stop: LexborNode) -> bool:
    n: LexborNode | None = node
    while n is not None and n.mem_id != stop.mem_id:
        if n.mem_id in ids:
            return True
        n = n.parent
    return False


def blocks_to_text(blocks: list[Block]) -> str:
    """Readable text: paragraphs separated by blank lines, list items as
    "• item" lines, headings as their own paragraphs."""
    parts: list[list[str]] = []  # each paragraph as its lines (a list: no quadratic +=)
    prev_li = False
    for b in blocks:
        if b.tag == "hr" or not b.text:
            continue
        if b.tag == "li":
            item = "• " + b.text.replace("\n", " ")
            if prev_li and parts:
                parts[-1].append(item)
            else:
                parts.append([item])
            prev_li = True
            continue
        prev_li = False
        parts.append([b.text])
    return "\n\n".join("\n".join(p) for p in parts).strip()


def html_to_text(markup: str | None) -> str:
    """An HTML fragment as readable plain text (no tags, entities unescaped)."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup and "&" not in markup:
        return _norm_block(markup).strip()
    return blocks_to_text(parse(markup).blocks())


# --- the page furniture ----------------------------------------------------------------------
#
# Furniture is found by what pages of every system share, not by one
# system's markup:
#   - the elements HTML has for it: <nav>, <aside>, and <header>/<footer> of
#     the page (not of an article, a section or the main content);
#   - ARIA roles: navigation, banner, contentinfo, complementary, search, menu;
#   - id and class words: nav/navi/navigation/menu/valikko, breadcrumb/
#     murupolku, sidebar, skip links, cookie/consent/gdpr, and for the page
#     level header/footer/masthead/banner (camelCase and -/_ split, so
#     "SideMenu", "main-nav", "site-footer" all count);
#   - skip links ("Siirry sisältöön", "Skip to content", "Till innehållet");
#   - breadcrumbs by their shape: short, links joined by > › » →;
#   - cookie notices by their words next to a button or link;
#   - lists of links: a list, paragraph, box or table row that is mostly
#     links to pages (not to documents or addresses: attachments and
#     contacts are content, and not to agenda items: "§ 12 …");
#   - a box holding nothing but such furniture and headings.
# Words and roles that guess (not <nav>/<aside>) are not taken for an
# element holding a lot of plain text or the page's content: "nav-open" on a
# wrapper must not hide the page.
#
# The content region: the target of a skip link (CloudNC's #ContentStart),
# else <main> / role=main, else <article>s, else an element whose id/class
# says content/main/sisalto and holds a good share of the text.  When a page
# marks its content, only that region's blocks are lines; the rest is kept
# as furniture text.

_NAV_WORDS = frozenset({
    "nav", "navi", "navigation", "navbar", "navigointi", "menu", "menubar", "submenu", "valikko", "sivuvalikko",
    "paavalikko", "toolbar", "pagination", "pager", "sidenav", "topnav", "skip", "skiplink", "skiplinks",
    "search", "haku", "sok", "social", "share", "jaa", "sharing", "rss",
})
_CRUMB_WORDS = frozenset({"breadcrumb", "breadcrumbs", "crumb", "crumbs", "murupolku", "murupolut", "brodsmulor",
                          "brödsmulor", "brodsmula", "brödsmula"})
_ASIDE_WORDS = frozenset({"sidebar", "sivupalkki", "aside"})
_COOKIE_WORDS = frozenset({"cookie", "cookies", "consent", "gdpr", "eväste", "evaste", "evästeet", "evasteet"})
_PAGE_WORDS = frozenset({"header", "footer", "masthead", "topbar", "banner", "ylatunniste", "alatunniste",
                         "ylätunniste", "siteheader", "sitefooter", "pagefooter", "footerwrapper"})
_CONTENT_CORE = frozenset({"content", "main", "sisalto", "sisältö", "paasisalto", "pääsisältö", "innehall",
                           "innehåll"})
_CONTENT_OK = _CONTENT_CORE | frozenset({
    "page", "site", "entry", "post", "primary", "article", "body", "text", "inner", "wrapper", "wrap", "area",
    "container", "region", "col", "column", "start", "block", "section", "mid", "center", "centre", "outer",
})
_ROLES = {"navigation": "nav", "menu": "nav", "menubar": "nav", "search": "nav", "complementary": "aside",
          "banner": "header", "contentinfo": "footer"}
_CRUMB_LABEL = re.compile(r"breadcrumb|murupolku|sijainti|olet tässä|du är här|brödsmul|you are here|polku", re.I)
_SKIP_TEXT = re.compile(
    r"(?:siirry|hyppää|hyppaa|skip|hoppa|gå|jump|suoraan)\b.{0,30}?(?:sisältö|sisalto|content|main|innehåll|pääsisält)"
    r"|^(?:sisältöön|pääsisältöön|till innehållet|to content|to main content)$",
    re.I,
)
_CONTENT_IDS = frozenset({"contentstart", "content-start", "maincontent", "main-content", "skip-target",
                          "sisaltoalku", "sisalto-alku"})
_COOKIE_TEXT = re.compile(r"\b(?:evästei\w*|eväste\w*|cookie\w*|kakor\w*)", re.I)
_FILE_HREF = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|zip|jpe?g|png)(?:[?#]|$)|download|liite|attachment|getfile"
    r"|tiedosto|bilaga|fileid|documentid|^mailto:|^tel:",
    re.I,
)
_ITEM_LINK = re.compile(r"^\s*(?:§\s*\d|\d{1,4}\s*§|\d{1,3}[.)]?\s+\S)")
_SEPARATORS = re.compile(r"\s*(?:[>›»→]|&gt;)\s*|\s+/\s+")
_INSIGNIFICANT = re.compile(r"[\s|>›»→/•·–—\-]+")
_WORD_SPLIT = re.compile(r"[A-ZÅÄÖ]?[a-zåäö]+|[A-ZÅÄÖ]+(?![a-zåäö])|\d+")
_LINKLIST_TAGS = frozenset({"ul", "ol", "menu", "dl", "p", "div", "span", "td", "section", "center", "small",
                            "font", "li", "tr", "nav"})
_CRUMB_TAGS = frozenset({"div", "p", "nav", "ol", "ul", "span", "td", "section", "small"})
_COOKIE_TAGS = frozenset({"div", "section", "aside", "form", "dialog", "p", "footer"})
_SEMANTIC_FURNITURE = frozenset({"nav", "aside"})
_CONTENTISH = frozenset({"article", "section", "main"})
_RAW_CAP = 1200  # the text kept of an element for its shape (breadcrumb, cookie notice)
_PLAIN_LIMIT = 1500  # plain (non-link) characters a guessed piece of furniture may hold


def _words(attrs: dict) -> set[str]:
    """The words of an element's id and class: "SideMenu main-nav" ->
    {"sidemenu", "side", "menu", "mainnav", "main", "nav"}."""
    out: set[str] = set()
    for value in (attrs.get("id"), attrs.get("class")):
        for token in (value or "").split():
            out.add(token.lower().replace("-", "").replace("_", ""))
            out.update(w.lower() for w in _WORD_SPLIT.findall(token))
    return out


def _word_kind(words: set[str]) -> tuple[str | None, bool]:
    """(kind, page-level only) of furniture the words name, or (None, False)."""
    if words & _CRUMB_WORDS or any("breadcrumb" in w for w in words):
        return "breadcrumb", False
    if words & _COOKIE_WORDS or any(w.startswith("cookie") for w in words):
        return "cookie", False
    if words & _ASIDE_WORDS:
        return "aside", False
    if words & _NAV_WORDS or any(w.endswith(("nav", "menu", "navigation")) for w in words):
        return "nav", False
    if words & _PAGE_WORDS:
        return "header", True
    return None, False


@dataclass
class _Frame:
    node: LexborNode
    tag: str
    nid: int
    guess: str | None = None  # furniture kind by words or role
    sure: str | None = None  # furniture kind by element (nav, aside, page header/footer) or skip link
    cand: int = 0  # content candidate priority (1 best), 0: none
    text: int = 0  # significant characters outside furniture
    link_text: int = 0
    links: int = 0
    file_links: int = 0  # to documents (attachments) or addresses (mailto:, tel:)
    item_links: int = 0
    local_links: int = 0  # "#…" and javascript: links
    free: int = 0  # significant characters outside furniture and headings
    plain: int = 0  # significant characters outside links
    has_furniture: bool = False
    has_button: bool = False
    has_cand: bool = False
    plain_cells: int = 0  # a row's cells that are not links
    raw: list[str] = field(default_factory=list)
    raw_len: int = 0
    in_link: bool = False

    def add_raw(self, s: str) -> None:
        if self.raw_len < _RAW_CAP:
            self.raw.append(s)
            self.raw_len += len(s)


@dataclass
class _Furniture:
    zones: dict[int, str] = field(default_factory=dict)  # element id -> kind
    region: set[int] | None = None
    marker: int | None = None
    crumbs: dict[int, str] = field(default_factory=dict)  # breadcrumb element id -> "A > B > C"


def _skip_targets(dom: Dom) -> set[str]:
    out = set()
    for a in dom.css('a[href^="#"]'):
        href = (a.attributes.get("href") or "")[1:]
        if href and _SKIP_TEXT.search(plain_text(a)):
            out.add(href.lower())
    return out


def classify(dom: Dom) -> _Furniture:
    """The page's furniture and content region (see the comment above)."""
    root = dom.root
    found = _Furniture()
    if root is None:
        return found
    targets = _skip_targets(dom)
    total = 0
    cands: list[tuple[int, int, LexborNode, int]] = []  # (priority, order, node, text)
    furniture: dict[int, str] = {}
    frames: list[_Frame] = []
    contentish = 0  # how many article/section/main/candidate ancestors are open
    order = 0
    stack: list[tuple[LexborNode, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            if frames:
                _count_text(frames[-1], node.text_content or "")
            continue
        if not entering:
            f = frames.pop()
            if f.tag in _CONTENTISH or f.cand:
                contentish -= 1
            kind = _decide(f)
            if kind:
                furniture[f.nid] = kind
                if kind == "breadcrumb":
                    found.crumbs[f.nid] = _crumb_text(f)
            if f.cand:
                cands.append((f.cand, order, f.node, f.text))
                order += 1
            if frames:
                _merge(frames[-1], f, bool(kind))
            else:
                total = f.text
            continue
        if tag in SKIP_TAGS or tag.startswith(("-", "!")) or not tag:
            continue
        attrs = node.attributes
        f = _Frame(node, tag, node.mem_id)
        if frames and (frames[-1].in_link or frames[-1].tag == "a"):
            f.in_link = True
        f.cand = _candidate(tag, attrs, targets)
        f.sure, f.guess = _explicit(node, tag, attrs, contentish)
        if tag == "a":
            href = attrs.get("href")
            if href is not None:
                f.links = 1
                if _FILE_HREF.search(href):
                    f.file_links = 1
                if href.startswith("#") or href.lower().startswith("javascript:"):
                    f.local_links = 1
        elif tag == "button" or (tag == "input" and (attrs.get("type") or "").lower() in ("button", "submit")):
            f.has_button = True
        if tag in _CONTENTISH or f.cand:
            contentish += 1
        frames.append(f)
        stack.append((node, False))
        stack.extend((k, True) for k in reversed(children(node)))
    found.zones = furniture
    _choose_region(found, cands, furniture, total)
    return found


def _count_text(f: _Frame, text: str) -> None:
    n = len(_INSIGNIFICANT.sub("", text))
    f.add_raw(text)
    if not n:
        return
    f.text += n
    f.free += n
    if f.in_link or f.tag == "a":
        f.link_text += n
    else:
        f.plain += n


def _candidate(tag: str, attrs: dict, targets: set[str]) -> int:
    """The element's priority as the page's content region (1 best; 0: not one)."""
    ident = (attrs.get("id") or attrs.get("name") or "").lower()
    if ident and (ident in targets or ident in _CONTENT_IDS):
        return 1
    if tag == "main" or (attrs.get("role") or "").lower() == "main":
        return 2
    if tag == "article":
        return 3
    if not ident and not attrs.get("class"):
        return 0
    for value in (attrs.get("id"), attrs.get("class")):
        for token in (value or "").split():
            words = {w.lower() for w in _WORD_SPLIT.findall(token) if not w.isdigit()}
            if words & _CONTENT_CORE and words <= _CONTENT_OK:
                return 4
    return 0


def _explicit(node: LexborNode, tag: str, attrs: dict, contentish: int) -> tuple[str | None, str | None]:
    """(sure kind, guessed kind) of furniture the element names itself."""
    label = attrs.get("aria-label") or ""
    if tag == "nav":
        return ("breadcrumb" if _CRUMB_LABEL.search(label) or _word_kind(_words(attrs))[0] == "breadcrumb"
                else "nav"), None
    if tag == "aside":
        return "aside", None
    if tag in ("header", "footer") and not contentish:
        return tag, None
    if tag == "a" and (attrs.get("href") or "").startswith("#") and _SKIP_TEXT.search(plain_text(node)):
        return "skip", None
    if "breadcrumblist" in (attrs.get("itemtype") or "").lower():
        return None, "breadcrumb"
    role = (attrs.get("role") or "").lower()
    if role in _ROLES and (_ROLES[role] not in ("header", "footer") or not contentish):
        return None, _ROLES[role]
    if not (attrs.get("id") or attrs.get("class")):
        return None, None
    kind, page_only = _word_kind(_words(attrs))
    if kind and (not page_only or not contentish):
        return None, kind
    return None, None


def _decide(f: _Frame) -> str | None:
    """The furniture kind of an element whose content has been counted."""
    if f.sure:
        return f.sure
    if f.tag in ("html", "body") or f.cand or f.has_cand:
        return None  # a class word on the page's wrapper ("menu-open") hides nothing
    if f.guess and f.plain <= _PLAIN_LIMIT:
        return f.guess
    raw = one_line("".join(f.raw)) if f.raw_len <= _RAW_CAP else ""
    if raw and f.tag in _CRUMB_TAGS and f.links and _looks_like_crumbs(raw, f.links):
        return "breadcrumb"
    if raw and f.tag in _COOKIE_TAGS and (f.has_button or f.links) and _COOKIE_TEXT.search(raw):
        return "cookie"
    if f.tag in _LINKLIST_TAGS and _link_list(f):
        return "links"
    if f.has_furniture and f.free <= 2:
        return "group"
    return None


def _looks_like_crumbs(raw: str, links: int) -> bool:
    if len(raw) > 300:
        return False
    parts = [p for p in _SEPARATORS.split(raw) if p.strip()]
    return 2 <= len(parts) <= 8 and links >= max(1, len(parts) - 2) and all(len(p) <= 80 for p in parts) \
        and len(_SEPARATORS.findall(raw)) >= 1


def _link_list(f: _Frame) -> bool:
    """Mostly links to pages: a menu, not attachments and not agenda items."""
    if not f.links or f.file_links * 2 >= f.links or f.item_links * 2 >= f.links:
        return False
    if f.tag == "tr":
        return f.links >= 2 and f.plain_cells == 0
    if f.links >= 2 and f.link_text >= 0.7 * f.text:
        return True
    # "Sivun alkuun", "Tulosta": a block that is one in-page or script link.
    return f.tag in ("p", "div", "span", "li", "td") and f.local_links == f.links and f.link_text >= 0.9 * f.text > 0


def _merge(parent: _Frame, f: _Frame, is_furniture: bool) -> None:
    parent.has_cand = parent.has_cand or f.has_cand or bool(f.cand)
    parent.has_button = parent.has_button or f.has_button
    if f.raw_len:
        for s in f.raw:
            parent.add_raw(s)
    if is_furniture:
        parent.has_furniture = True
        return
    parent.has_furniture = parent.has_furniture or f.has_furniture
    parent.text += f.text
    parent.link_text += f.link_text
    parent.plain += f.plain
    parent.links += f.links
    parent.file_links += f.file_links
    parent.local_links += f.local_links
    if f.tag == "a" and f.links and _ITEM_LINK.match(one_line("".join(f.raw))):
        parent.item_links += 1
    else:
        parent.item_links += f.item_links
    if not (len(f.tag) == 2 and f.tag[0] == "h" and f.tag[1] in "123456"):
        parent.free += f.free
    if f.tag in ("td", "th") and f.text and f.link_text < 0.9 * f.text:
        parent.plain_cells += 1


def _choose_region(found: _Furniture, cands: list[tuple[int, int, LexborNode, int]],
                   furniture: dict[int, str], total: int) -> None:
    """The best-marked content region with text in it: a skip link's target
    (an empty one marks where the content starts), else the first <main>,
    else every outermost <article>, else the outermost content-named
    element.  An <article> or a content-named element must hold a quarter
    of the page's text at least: a teaser box is not the page."""

    def inside(node: LexborNode, ids) -> bool:
        n = node.parent
        while n is not None:
            if n.mem_id in ids:
                return True
            n = n.parent
        return False

    for p in (1, 2, 3, 4):
        cs = sorted((o, n, t) for prio, o, n, t in cands if prio == p)
        cs = [(o, n, t) for o, n, t in cs if n.mem_id not in furniture and not inside(n, furniture)]
        if p == 1 and cs:
            _, n, t = cs[0]
            if t:
                found.region = {n.mem_id}
            else:
                found.marker = n.mem_id
            return
        cs = [(o, n, t) for o, n, t in cs if t and (p == 2 or t >= 0.25 * total)]
        if not cs:
            continue
        if p == 2:
            found.region = {cs[0][1].mem_id}
            return
        chosen: set[int] = set()
        # Outermost first: a candidate inside another chosen one is part of it.
        for _, n, _ in sorted(cs, key=lambda c: _depth(c[1])):
            if not inside(n, chosen):
                chosen.add(n.mem_id)
        found.region = chosen
        return


def _depth(node: LexborNode) -> int:
    d = 0
    n = node.parent
    while n is not None:
        d += 1
        n = n.parent
    return d


def _crumb_text(f: _Frame) -> str:
    """A breadcrumb as "Kokoukset > Kaupunginhallitus 5.6.2017 > § 240"."""
    items = [plain_text(li) for li in f.node.css("li")]
    items = [t for t in items if t and not _SEPARATORS.fullmatch(t)]
    if len(items) >= 2:
        parts = items
    else:
        parts = [p.strip() for p in _SEPARATORS.split(plain_text(f.node)) if p.strip()]
    return " > ".join(parts)


# --- blocks to a Document ---------------------------------------------------------------------


def document(dom: Dom, path: Path | str = "") -> Document:
    """The page as a Document: the readable blocks of its content as lines,
    its furniture as text (breadcrumbs first), its title and language."""
    found = classify(dom)
    doc = Document(path=str(path), kind="html", title=dom.title or None, lang=dom.lang or None)
    if dom.root is None:
        return doc
    blocks = _Walker(found.zones, found.region, found.marker).walk(dom.root)
    crumbs: list[str] = []
    entries: list[list[str]] = []  # other furniture, in order of appearance
    by_zone: dict[int, list[str]] = {}
    outside: list[str] | None = None  # the current run of text outside the content region
    number = 0
    for b in blocks:
        if b.tag == "hr" or not b.text:
            continue
        if b.zone:
            outside = None
            if b.zone in found.crumbs:
                if b.zone not in by_zone:
                    by_zone[b.zone] = []
                    crumbs.append(found.crumbs[b.zone])
                continue
            if b.zone not in by_zone:
                by_zone[b.zone] = []
                entries.append(by_zone[b.zone])
            by_zone[b.zone].append(b.text)
        elif not b.in_region:
            if outside is None:
                outside = []
                entries.append(outside)
            outside.append(b.text)
        else:
            outside = None
            _add_lines(doc, b, number)
            number += 1
    doc.furniture = [t for t in crumbs if t] + ["\n".join(e) for e in entries if e]
    return doc


_KINDS = {"li": "li", "dt": "dt", "dd": "dd"}


def _add_lines(doc: Document, b: Block, number: int) -> None:
    if b.cells:
        doc.lines.append(Line(b.text, kind="row", bold=b.bold, cells=list(b.cells), block=number))
        return
    if b.is_heading:
        kind, level = "h", int(b.tag[1])
    else:
        kind, level = _KINDS.get(b.tag, "p"), 0
    for text, bold in b.lines or [(one_line(b.text), b.bold)]:
        doc.lines.append(Line(text, kind=kind, level=level, bold=bold, block=number))


def read_html(path: Path | str, data: bytes, result: IngestResult | None = None) -> tuple[Document, Dom]:
    """An HTML file as a Document (its readable content, furniture apart)
    and its Dom (for CSS selectors).  Repairs are noted on ``result``."""
    dom = load(path, data, result)
    return document(dom, path), dom
