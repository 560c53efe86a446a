"""The CaseM source HTML (stored in the PDF's metadata) read into items:
the meeting from the <header>, one item per ``div#article-N`` -- its § and
title in bold, the case id (``.topic-caption``), earlier handlings
("Kaupunginhallitus, 26.05.2025, § 198"), labels in bold and CKEditor rich
text under them.  The HTML is parsed by html_dom."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from ..text import one_line
from . import html_dom
from .casem_items import (
    DOC_TYPES,
    LABELS,
    LIST_FIELDS,
    PHASE,
    PRESENTER,
    SECTION,
    Item,
    Meeting,
    Phase,
    add_attachment,
    add_prose,
    label_of,
    looks_case_id,
    people,
)
from .common import parse_date

# Elements that make their parent a container rather than a line of text.
_BLOCK = {"div", "p", "table", "tbody", "thead", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4",
          "h5", "h6", "header", "footer", "section", "article", "blockquote", "pre", "body", "html"}


def _classes(node: LexborNode) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def _has_block_child(node: LexborNode) -> bool:
    child = node.child
    while child is not None:
        if child.tag in _BLOCK:
            return True
        child = child.next
    return False


def _bold(node: LexborNode) -> bool:
    """The node or an element around it is bold (CaseM writes labels and
    the § line bold, with a class or with <b>/<strong>/<th>)."""
    n: LexborNode | None = node
    while n is not None and n.tag != "-document":
        if n.tag in ("b", "strong", "th") or "bold" in _classes(n):
            return True
        n = n.parent
    return False


def _render(node: LexborNode) -> str:
    """Rich text (CKEditor content) as paragraphs separated by blank lines;
    a table row as its cells joined by " | ", a list item as "• item"."""
    out: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(node, True)]
    while stack:
        n, entering = stack.pop()
        if not entering:
            out.append("\n\n")
            continue
        tag = n.tag or ""
        if tag == "-text":
            out.append(n.text_content or "")
            continue
        if tag in html_dom.SKIP_TAGS or tag.startswith(("-", "!")):
            continue
        if tag == "br":
            out.append("\n\n")
            continue
        if tag == "tr":
            cells = [html_dom.plain_text(c) for c in html_dom.children(n) if c.tag in ("td", "th")]
            cells = [c for c in cells if c]
            if cells:
                out.append("\n\n" + " | ".join(cells) + "\n\n")
            continue
        if tag in _BLOCK:
            out.append("\n\n")
            stack.append((n, False))
        if tag == "li":
            out.append("• ")
        stack.extend((c, True) for c in reversed(html_dom.children(n)))
    paras = [one_line(p) for p in re.split(r"\n\s*\n", "".join(out))]
    paras = [p for p in paras if p and p != "•"]
    return "\n\n".join(paras)


def _events(article: LexborNode):
    """The article in reading order: ("content", text, node) for rich text,
    ("leaf", text, node) for a block holding only text, ("leaf", text,
    None) for text between blocks."""
    stack = list(reversed(html_dom.children(article)))
    while stack:
        n = stack.pop()
        tag = n.tag or ""
        if tag == "-text":
            t = one_line(n.text_content)
            if t:
                yield ("leaf", t, None)
            continue
        if tag in html_dom.SKIP_TAGS or tag.startswith(("-", "!")):
            continue
        if "ckeditor-content-container" in _classes(n):
            yield ("content", _render(n), n)
            continue
        if not _has_block_child(n):
            t = html_dom.plain_text(n)
            if t:
                yield ("leaf", t, n)
            continue
        stack.extend(reversed(html_dom.children(n)))


def parse_html(html: str) -> tuple[Meeting, list[Item]]:
    dom = html_dom.parse(html)
    meeting = Meeting()
    root = dom.root
    if root is None:
        return meeting, []
    lang = (root.attributes.get("lang") or "").lower()[:2]
    meeting.language = lang if lang in ("fi", "sv", "en") else None
    header = dom.css_first("header")
    if header is not None:
        leaves = [t for k, t, _ in _events(header) if k == "leaf"]
        leaves = [t for t in leaves if t and "{$" not in t]
        _meeting_from_leaves(meeting, leaves)
    articles = dom.css('div[id^="article-"]')
    # "Aika 25.08.2025, klo 17:00" outside the articles: the meeting's own date
    # (an agenda's header date is the day it was sent).
    art_ids = {a.mem_id for a in articles}
    prev = None
    for n in root.traverse():
        if n.mem_id in art_ids:
            break
        if n.tag == "td" and not _has_block_child(n):
            t = html_dom.plain_text(n)
            if prev == "Aika" and parse_date(t):
                meeting.date = parse_date(t)
                break
            if t:
                prev = t
    items = [_html_item(a) for a in articles]
    return meeting, [i for i in items if i is not None]


def _meeting_from_leaves(meeting: Meeting, leaves: list[str]) -> None:
    for t in leaves:
        if meeting.organisation is None:
            meeting.organisation = t
            continue
        if meeting.doc_type is None and t in DOC_TYPES:
            meeting.doc_type = t
            continue
        d = parse_date(t)
        if d and re.fullmatch(r"[\d.\s]+", t):
            meeting.date = meeting.date or d
            continue
        if re.fullmatch(r"\d{1,4}/\d{4}|\d+\s*\(\s*\d*\s*\)", t):
            continue
        if meeting.committee is None and re.search(r"[A-Za-zÅÄÖåäö]{3}", t):
            meeting.committee = t


def _html_item(article: LexborNode) -> Item | None:
    item: Item | None = None
    phase: Phase | None = None
    label: str | None = None
    label_word = ""
    pending_title = False
    lines: dict[str, list[str]] = {}

    def flush() -> None:
        if phase is None:
            return
        if lines.get("preparers"):
            phase.preparers.extend(people(lines["preparers"]))
        for t in lines.get("attachments", []):
            add_attachment(phase.attachments, t)
        lines.clear()

    for kind, text, node in _events(article):
        if item is None:
            m = SECTION.match(text)
            if kind == "leaf" and node is not None and _bold(node) and m:
                item = Item(section=m.group(1), title=None)
                phase = item.phases[0]
                pending_title = True
            continue
        assert phase is not None
        if pending_title:
            if kind == "leaf" and node is not None and _bold(node):
                item.title = text
                pending_title = False
                continue
            pending_title = False
        if kind == "leaf" and node is not None and "topic-caption" in _classes(node):
            if item.case_id is None and looks_case_id(text):
                item.case_id = text
            continue
        if kind == "leaf":
            m = PHASE.match(text)
            if m:
                flush()
                phase = item.start_phase(m)
                label = None
                continue
            lab = label_of(text)
            if lab:
                label = LABELS[lab]
                label_word = lab
                continue
            m = PRESENTER.match(text)
            if m:
                phase.presenter = m.group("who")
                continue
            if label in LIST_FIELDS:
                lines.setdefault(label, []).append(text)
                continue
            if label is None:
                phase.add("preparation", text)
            else:
                add_prose(phase, label, label_word, text)
            continue
        # rich text
        if label is None or label in LIST_FIELDS:
            phase.add("preparation", text)
        else:
            add_prose(phase, label, label_word, text)
    flush()
    return item
