"""CaseM / CloudNC meeting documents as PDF (pöytäkirja, esityslista /
kokouskutsu): one PDF per meeting, one :class:`Decision` per § item.

Reference: Lapua (``lapua-cloudnc/`` in the corpus).  The PDF is rendered
from HTML, and the system stores that HTML, base64, in the PDF metadata keys
``/casem-source-html_0``, ``_1``, … (chunks of one base64 string; concatenate
in order, then decode).  Where present that HTML is parsed: it is the exact
structure.  Otherwise the PDF text is parsed: page headers
("Lapuan kaupunki Pöytäkirja 13/2025 2 (43)" + "Kaupunginhallitus 25.08.2025")
are removed, items start at a line "§ 292", titles come from the list of
items on the first page (Käsitellyt / Käsiteltävät asiat).

An item that was handled earlier in other bodies carries that history
("Kaupunginhallitus, 26.05.2025, § 198" with its own description, proposal
and decision) before the handling of this meeting.  The record describes the
handling of THIS meeting (its proposal, decision, presenter); the earlier
handlings are kept, headed by body, date and §, in ``preparation`` -- the
earlier bodies' own minutes are the records of those decisions.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborNode

from ..models import Attachment, Decision, Person, Source, Vote, stable_id
from ..text import clean, join_lines, one_line
from . import html_dom
from .common import IngestResult, detect_outcome, extract_projects, first_sentence, parse_date
from .people import EMAIL, PHONE, fill_contact, parse_person

FORMAT = "casem-pdf"
META_PREFIX = "/casem-source-html_"

# Visible labels of the CaseM templates -> field.  Compared lower-cased, with
# spaces around "/" normalised and a trailing colon dropped.
LABELS: dict[str, str] = {
    "ehdotus": "proposal", "päätösehdotus": "proposal", "esitys": "proposal", "pohjaesitys": "proposal",
    "esittelijän ehdotus": "proposal", "päätösesitys": "proposal",
    "päätös": "decision", "kokouskäsittelyn päätös": "decision",
    "käsittely": "handling", "kokouskäsittely": "handling", "äänestys": "handling",
    "äänestystulos": "handling", "esteellisyys": "handling", "esteellisyydet": "handling",
    "eriävä mielipide": "handling", "eriävät mielipiteet": "handling", "pöytäkirjamerkintä": "handling",
    "liitteet": "attachments", "liite": "attachments", "oheismateriaali": "attachments",
    "valmistelija / lisätiedot": "preparers", "valmistelijat / lisätiedot": "preparers",
    "valmistelija": "preparers", "valmistelijat": "preparers", "lisätiedot": "preparers",
    "lisätietoja": "preparers", "lisätietojen antaja": "preparers",
    "toimivalta": "authority", "päätösvalta": "authority",
    "selostus": "preparation", "valmistelu": "preparation", "perustelut": "preparation",
    "asian valmistelu": "preparation", "esittelyteksti": "preparation",
    "tiedoksi": "other", "muutoksenhaku": "other", "täytäntöönpano": "other", "jakelu": "other",
    "otteet": "other",
}
# Labels whose text is kept in ``handling`` with the label as a prefix.
_HANDLING_PREFIX = {"äänestys", "äänestystulos", "esteellisyys", "esteellisyydet", "eriävä mielipide",
                    "eriävät mielipiteet", "pöytäkirjamerkintä"}
_LIST_FIELDS = {"attachments", "preparers"}
DOC_TYPES = ("Pöytäkirja", "Esityslista", "Kokouskutsu", "Pöytäkirjanote", "Ote pöytäkirjasta",
             "Päätösluettelo", "Viranhaltijapäätös", "Päätöspöytäkirja")
_DOC_TYPE_ALT = "|".join(re.escape(t) for t in DOC_TYPES)

_SECTION = re.compile(r"^§\s*(\d{1,4}[a-z]?)$")
# "Kaupunginhallitus, 26.05.2025, § 198": one handling of the item.
_PHASE = re.compile(r"^(?P<body>[A-ZÅÄÖ][^,§]{1,80}?),\s*(?P<date>\d{1,2}\.\d{1,2}\.\d{4}),\s*§\s*(?P<sec>\d{1,4})$")
# "Kaupunginhallitus, § 198,26.05.2025": the list of handlings above an item.
_HISTORY_LINE = re.compile(r"^[A-ZÅÄÖ][^,§]{1,80},\s*§\s*\d{1,4}\s*,\s*\d{1,2}\.\d{1,2}\.\d{4}$")
_PRESENTER = re.compile(r"^Esittelijä(?:t)?\s*:\s*(?P<who>\S.*)$")
_CASE_ID = re.compile(
    r"^(?:[A-ZÅÄÖ]{2,}Dno-\d{4}-\d+|[A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4}|\d{1,6}/[\d.]{5,}/\d{4}"
    r"|[A-ZÅÄÖ]{2,6}:\d{1,6}/\d{4})$"
)
# "Lapuan kaupunki Pöytäkirja 13/2025 2 (43)": pypdf gives "2 ( )43".
_PAGE_HEAD = re.compile(
    rf"^(?P<org>\S.*?)\s+(?P<type>{_DOC_TYPE_ALT})(?:\s+(?P<num>\d{{1,4}}/\d{{4}}))?\s+\d{{1,4}}\s*\(\s*\)?\s*\d{{1,4}}\s*\)?$"
)
_BODY_DATE = re.compile(r"^(?P<body>\S.*?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})$")
_TOC_HEAD = re.compile(r"^(?:Käsitellyt asiat|Käsiteltävät asiat|Asialista|Asiat)$")
_APPEAL_LIST = re.compile(r"^§\s?\d{1,4}\s*,(?:\s*§\s?\d{1,4}\s*,?)*$")
_ATT_LINE = re.compile(r"^\d{1,2}\s+\S")
_FILE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|jpe?g|png|zip|txt)\s*$", re.I)
_PROPOSAL_HEAD = re.compile(r"^[\wÅÄÖåäö\- ]{0,60}?\b(?:ehdotus|esitys)\s*:?$", re.I)


# --- the records ----------------------------------------------------------------


@dataclass
class _Phase:
    body: str | None = None
    date: date | None = None
    section: str | None = None
    presenter: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    preparers: list[Person] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def add(self, name: str, text: str) -> None:
        if text and text.strip():
            self.fields.setdefault(name, []).append(text)

    def prose(self, name: str) -> str | None:
        parts = [p for p in self.fields.get(name, []) if p.strip()]
        return "\n\n".join(parts) or None


@dataclass
class _Item:
    section: str | None
    title: str | None
    case_id: str | None = None
    phases: list[_Phase] = field(default_factory=lambda: [_Phase()])
    page: int | None = None


@dataclass
class _Meeting:
    organisation: str | None = None
    doc_type: str | None = None
    committee: str | None = None
    date: date | None = None
    language: str | None = None


def looks_like(doc) -> bool:
    if doc.meta_str(META_PREFIX + "0"):
        return True
    head = doc.page(0).split("\n")[:8]
    return any(_PAGE_HEAD.match(one_line(line)) for line in head)


def parse(path: Path, data: bytes) -> IngestResult | None:
    from .pdf import load

    doc = load(data)
    if not looks_like(doc):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    html = _source_html(doc, result)
    items: list[_Item] = []
    meeting = _Meeting()
    if html:
        try:
            meeting, items = _parse_html(html)
        except Exception as exc:  # a template we do not know: use the text
            result.warn(f"embedded CaseM HTML could not be read ({type(exc).__name__}); parsed the PDF text instead")
            items = []
        if html and not items:
            result.warn("embedded CaseM HTML has no § items; parsed the PDF text instead")
    text_pages: list[str] | None = None
    if not items:
        text_pages = _text_pages(doc)
        meeting, items = _parse_text(text_pages)
    else:
        _map_pages(items, _text_pages(doc))
    if not items:
        result.error("CaseM document without § items (no '§ N' headings found)")
        return result
    municipality = None
    if meeting.organisation:
        from .pdf import municipality_from_org

        municipality = municipality_from_org(meeting.organisation)
    for index, item in enumerate(items):
        rec = _record(item, index, meeting, municipality, str(path), result)
        if rec is not None:
            result.records.append(rec)
    return result


def _source_html(doc, result: IngestResult) -> str | None:
    keys = []
    for k in doc.metadata:
        ks = str(k)
        if ks.startswith(META_PREFIX):
            suffix = ks[len(META_PREFIX):]
            if suffix.isdigit():
                keys.append((int(suffix), ks))
    if not keys:
        return None
    keys.sort()
    if [n for n, _ in keys] != list(range(len(keys))):
        result.warn("embedded CaseM HTML has missing parts; parsed the PDF text instead")
        return None
    b64 = "".join(doc.meta_str(k) for _, k in keys)
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", b64), validate=False)
        return clean(raw.decode("utf-8", errors="replace"))
    except (binascii.Error, ValueError):
        result.warn("embedded CaseM HTML is not valid base64; parsed the PDF text instead")
        return None


def _record(item: _Item, index: int, meeting: _Meeting, municipality: str | None, path: str,
            result: IngestResult) -> Decision | None:
    current = item.phases[-1]
    history = item.phases[:-1]
    where = f"§ {item.section}" if item.section else f"item {index + 1}"
    derived: list[str] = []

    proposal = _strip_proposal_head(current.prose("proposal"))
    decision = current.prose("decision")
    handling = current.prose("handling")
    authority = current.prose("authority") or next((p.prose("authority") for p in history if p.prose("authority")), None)
    if authority:
        authority = re.sub(r"(\d)\s*§", r"\1 §", one_line(authority))

    prep_parts = []
    for ph in history:
        block = _render_phase(ph)
        if block:
            prep_parts.append(block)
    if current.prose("preparation"):
        prep_parts.append(current.prose("preparation"))
    preparation = "\n\n".join(prep_parts) or None

    preparers: list[Person] = []
    for ph in item.phases:
        for p in ph.preparers:
            if not any(q.name.casefold() == p.name.casefold() for q in preparers):
                preparers.append(p)
    presenter = parse_person(current.presenter) if current.presenter else None
    if presenter:
        presenter = fill_contact(presenter, preparers)
    attachments: list[Attachment] = []
    for ph in item.phases:
        for t in ph.attachments:
            if not any(a.title == t for a in attachments):
                attachments.append(Attachment(title=t))

    title = item.title
    if not title:
        title = first_sentence(proposal) or first_sentence(decision)
        if title:
            derived.append("title")
    if municipality:
        derived.append("municipality")
    committee = current.body or meeting.committee
    meeting_date = current.date or meeting.date
    source = Source(path=path, format=FORMAT, page=item.page, record=index)
    all_text = "\n\n".join(x for x in (proposal, decision, preparation) if x)
    rec = Decision(
        municipality=municipality,
        committee=committee,
        meeting_date=meeting_date,
        section=item.section,
        title=title,
        case_id=item.case_id,
        presenter=presenter,
        preparers=preparers,
        proposal=proposal,
        decision=decision,
        outcome=detect_outcome(decision),
        authority=authority,
        preparation=preparation,
        handling=handling,
        votes=_votes("\n\n".join(x for x in (handling, decision) if x)),
        attachments=attachments,
        funded_projects=extract_projects(all_text),
        language=meeting.language,
        derived=derived,
        source=source,
    )
    rec.id = stable_id(source, index, item.section or "")
    if not (proposal or decision or preparation):
        result.warn("item has no proposal, decision or description", where)
    return rec


def _render_phase(ph: _Phase) -> str:
    """An earlier handling as text: "Kaupunginhallitus 26.5.2025 § 198" and its parts."""
    head = " ".join(x for x in (
        ph.body,
        f"{ph.date.day}.{ph.date.month}.{ph.date.year}" if ph.date else None,
        f"§ {ph.section}" if ph.section else None,
    ) if x)
    parts = [head] if head else []
    if ph.prose("preparation"):
        parts.append(ph.prose("preparation"))
    proposal = _strip_proposal_head(ph.prose("proposal"))
    if proposal:
        who = f" (esittelijä {one_line(ph.presenter)})" if ph.presenter else ""
        parts.append(f"Ehdotus{who}: {proposal}")
    if ph.prose("decision"):
        parts.append(f"Päätös: {ph.prose('decision')}")
    if ph.prose("handling"):
        parts.append(ph.prose("handling"))
    return "\n\n".join(parts) if len(parts) > (1 if head else 0) else ""


def _strip_proposal_head(text: str | None) -> str | None:
    """Drop a leading "Kaupunginjohtajan ehdotus:" line: a label inside the text."""
    if not text:
        return text
    paras = text.split("\n\n")
    if len(paras) > 1 and _PROPOSAL_HEAD.match(paras[0].strip()):
        paras = paras[1:]
    else:
        m = re.match(r"^[\wÅÄÖåäö\-]+n (?:ehdotus|esitys)\s*:\s*(?=\S)", paras[0])
        if m:
            paras[0] = paras[0][m.end():]
    return "\n\n".join(paras).strip() or None


_VOTE_COUNT = re.compile(r"(\d+)\s*JAA[-\s]*ään\w*.*?(\d+)\s*EI[-\s]*ään\w*", re.I)


def _votes(text: str) -> list[Vote]:
    """Votings written into the decision: "… annettiin 4 JAA-ääntä ja 7 EI-ääntä"."""
    if not text:
        return []
    paras = [one_line(p) for p in text.split("\n\n") if p.strip()]
    votes = []
    for i, p in enumerate(paras):
        if _VOTE_COUNT.search(p):
            desc = ""
            for q in reversed(paras[:i]):
                if re.search(r"\bJAA\b", q) and re.search(r"\bEI\b", q):
                    desc = q
                    break
            votes.append(Vote(description=desc, result=p))
    return votes


def _label(text: str) -> str | None:
    t = one_line(text).rstrip(":").strip().lower()
    t = re.sub(r"\s*/\s*", " / ", t)
    return t if t in LABELS else None


def _people(lines: list[str]) -> list[Person]:
    """Preparers in either CaseM layout: one person a line ("Name, Title,
    email"), or three lines of names, e-mails and titles, each a list."""
    lines = [one_line(x) for x in lines if one_line(x)]
    out: list[Person] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if "@" not in line and nxt and _all_emails(nxt):
            names = [n.strip() for n in line.split(",") if n.strip()]
            emails = [e.strip() for e in nxt.split(",") if e.strip()]
            titles_line = lines[i + 2] if i + 2 < len(lines) and "@" not in lines[i + 2] else ""
            titles = [t.strip() for t in titles_line.split(",") if t.strip()] if titles_line else []
            if len(titles) != len(names):
                titles = [titles_line] * len(names) if titles_line and len(names) == 1 else [None] * len(names)
            for n, e, t in zip(names, emails + [None] * len(names), titles):
                out.append(Person(name=n, title=t or None, email=e))
            i += 3 if titles_line else 2
            continue
        p = parse_person(line)
        if p:
            out.append(p)
        i += 1
    return out


def _all_emails(line: str) -> bool:
    parts = [p.strip() for p in line.split(",") if p.strip()]
    return bool(parts) and all(EMAIL.fullmatch(p) for p in parts)


# --- the HTML route ------------------------------------------------------------------

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


def _parse_html(html: str) -> tuple[_Meeting, list[_Item]]:
    dom = html_dom.parse(html)
    meeting = _Meeting()
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


def _meeting_from_leaves(meeting: _Meeting, leaves: list[str]) -> None:
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


def _html_item(article: LexborNode) -> _Item | None:
    item: _Item | None = None
    phase: _Phase | None = None
    label: str | None = None
    label_word = ""
    pending_title = False
    lines: dict[str, list[str]] = {}

    def flush() -> None:
        if phase is None:
            return
        if lines.get("preparers"):
            phase.preparers.extend(_people(lines["preparers"]))
        for t in lines.get("attachments", []):
            _add_attachment(phase.attachments, t)
        lines.clear()

    for kind, text, node in _events(article):
        if item is None:
            m = _SECTION.match(text)
            if kind == "leaf" and node is not None and _bold(node) and m:
                item = _Item(section=m.group(1), title=None)
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
            if item.case_id is None and _looks_case_id(text):
                item.case_id = text
            continue
        if kind == "leaf":
            m = _PHASE.match(text)
            if m:
                flush()
                if phase.fields or phase.preparers or phase.attachments or phase.body:
                    phase = _Phase()
                    item.phases.append(phase)
                phase.body = m.group("body").strip()
                phase.date = parse_date(m.group("date"))
                phase.section = m.group("sec")
                label = None
                continue
            lab = _label(text)
            if lab:
                label = LABELS[lab]
                label_word = lab
                continue
            m = _PRESENTER.match(text)
            if m:
                phase.presenter = m.group("who")
                continue
            if label in _LIST_FIELDS:
                lines.setdefault(label, []).append(text)
                continue
            if label is None:
                phase.add("preparation", text)
            else:
                _add_prose(phase, label, label_word, text)
            continue
        # rich text
        if label is None or label in _LIST_FIELDS:
            phase.add("preparation", text)
        else:
            _add_prose(phase, label, label_word, text)
    flush()
    return item


def _add_prose(phase: _Phase, label: str, label_word: str, text: str) -> None:
    if label == "handling" and label_word in _HANDLING_PREFIX:
        text = f"{label_word.capitalize()}: {text}"
    if label == "other":
        return
    phase.add(label, text)


def _add_attachment(atts: list[str], text: str) -> None:
    t = one_line(text)
    if not t or t == "-":
        return
    if atts and re.match(r"^(?:Salassa pidettävä|Ei julkinen|Julkisuuslaki)", t, re.I):
        atts[-1] = f"{atts[-1]} ({t})"
        return
    t = re.sub(r"^\d{1,2}\s+", "", t)
    atts.append(t)


def _looks_case_id(text: str) -> bool:
    return bool(_CASE_ID.match(text)) or bool(re.fullmatch(r"[A-ZÅÄÖ][\w/.\-:]{3,40}\d", text) and re.search(r"\d{4}", text))


# --- pages ----------------------------------------------------------------------------


def _text_pages(doc) -> list[str]:
    out = []
    for i in range(doc.page_count):
        raw = doc.raw_page(i)
        # A line broken at CaseM's zero-width space after a hyphen: join
        # without a space ("Etelä-\u200b\nPohjanmaan" -> "Etelä-Pohjanmaan").
        raw = re.sub("-\u200b[ \t]*\n(?=\\S)", "-", raw)
        raw = re.sub("(\\d)-\u200b[ \t]+(?=\\d)", r"\1-", raw)
        out.append(clean(raw))
    return out


def _map_pages(items: list[_Item], pages: list[str]) -> None:
    """The page where each item's "§ N" heading stands (the list of items on
    the first pages is skipped)."""
    cursor = 0
    for item in items:
        if not item.section:
            continue
        pat = re.compile(rf"^\s*§\s*{re.escape(item.section)}\s*$", re.M)
        for p in range(cursor, len(pages)):
            if _is_toc_page(pages[p]):
                continue
            if pat.search(pages[p]):
                item.page = p + 1
                cursor = p
                break


def _is_toc_page(text: str) -> bool:
    return bool(re.search(r"^(?:Käsitellyt asiat|Käsiteltävät asiat)\s*$", text, re.M)) or len(
        re.findall(r"^§\s*\d+\s+\S", text, re.M)) >= 3


# --- the text route -----------------------------------------------------------------------


def _parse_text(pages: list[str]) -> tuple[_Meeting, list[_Item]]:
    meeting = _Meeting()
    lines: list[tuple[int, str]] = []
    for pno, text in enumerate(pages, start=1):
        plines = [one_line(x) for x in text.split("\n")]
        # Page header: "<org> <type> <n>/<year> <page> (<pages>)" then "<body> <date>".
        k = 0
        while k < len(plines) and k < 6:
            m = _PAGE_HEAD.match(plines[k])
            if m:
                if meeting.organisation is None:
                    meeting.organisation = m.group("org")
                    meeting.doc_type = m.group("type")
                plines[k] = ""
                if k + 1 < len(plines):
                    m2 = _BODY_DATE.match(plines[k + 1])
                    if m2:
                        if meeting.committee is None:
                            meeting.committee = m2.group("body")
                            meeting.date = parse_date(m2.group("date"))
                        plines[k + 1] = ""
                break
            k += 1
        for line in plines:
            if line:
                lines.append((pno, line))
    # The meeting's own time ("Aika 10.11.2025, klo 17:00").
    for _, line in lines[:40]:
        m = re.match(r"^Aika\s+(.*)$", line)
        if m and parse_date(m.group(1)):
            meeting.date = parse_date(m.group(1))
            break
    toc = _toc(lines)
    lines = [(p, t) for p, t in lines if not _HISTORY_LINE.match(t)]
    starts = [i for i, (p, t) in enumerate(lines) if _SECTION.match(t) and not _is_toc_page(pages[p - 1])]
    # Appeal instructions after the last item: a heading ("Kunnallisvalitus",
    # "Muutoksenhakukielto") over the list of § it covers ("§50, §51, …").
    end = len(lines)
    if starts:
        for j in range(starts[0] + 1, len(lines)):
            if _APPEAL_LIST.match(lines[j][1]):
                end = j - 1
                break
    seen: set[str] = set()
    kept = []
    for s in starts:
        sec = _SECTION.match(lines[s][1]).group(1)
        if s < end and sec not in seen:
            seen.add(sec)
            kept.append(s)
    starts = kept
    items = []
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else end
        section = _SECTION.match(lines[s][1]).group(1)
        body = [t for _, t in lines[s + 1:e]]
        item = _Item(section=section, title=None, page=lines[s][0])
        want = toc.get(section)
        k = 0
        if want:
            target = re.sub(r"\s+", "", want)
            acc = ""
            while k < len(body) and target.startswith(acc + re.sub(r"\s+", "", body[k])):
                acc += re.sub(r"\s+", "", body[k])
                k += 1
                if acc == target:
                    break
            item.title = want if k else None
        if not item.title and body:
            item.title = body[0]
            k = 1
        if k < len(body) and _CASE_ID.match(body[k]):
            item.case_id = body[k]
            k += 1
        _text_phases(item, body[k:])
        items.append(item)
    return meeting, items


def _toc(lines: list[tuple[int, str]]) -> dict[str, str]:
    """§ -> title from the list of items on the first page(s)."""
    out: dict[str, str] = {}
    start = next((i for i, (_, t) in enumerate(lines) if _TOC_HEAD.match(t)), None)
    if start is None:
        return out
    page = lines[start][0]
    cur: str | None = None
    wrapped = False
    for p, t in lines[start + 1:]:
        if p != page:
            if not t.startswith("§"):
                break
            page = p
        m = re.match(r"^§\s*(\d{1,4}[a-z]?)\s*(.*)$", t)
        if m:
            cur = m.group(1)
            out[cur] = m.group(2).strip()
            # A title that does not fit the line starts on the next one
            # ("§ 56" alone, then the title); a line after a one-line entry is
            # a group heading ("Lisäpykälät").
            wrapped = not out[cur]
        elif cur is not None and wrapped:
            out[cur] = (out[cur] + " " + t).strip()
        elif cur is None:
            break
    return {k: one_line(v) for k, v in out.items() if v}


def _text_phases(item: _Item, body: list[str]) -> None:
    phase = item.phases[0]
    label: str | None = None
    label_word = ""
    buf: list[str] = []

    def flush_prose() -> None:
        if buf:
            text = join_lines("\n".join(buf))
            if label is None:
                phase.add("preparation", text)
            else:
                _add_prose(phase, label, label_word, text)
            buf.clear()

    i = 0
    while i < len(body):
        line = body[i]
        m = _PHASE.match(line)
        if m:
            flush_prose()
            if phase.fields or phase.preparers or phase.attachments or phase.body:
                phase = _Phase()
                item.phases.append(phase)
            phase.body = m.group("body").strip()
            phase.date = parse_date(m.group("date"))
            phase.section = m.group("sec")
            label = None
            i += 1
            continue
        lab = _label(line)
        if lab:
            flush_prose()
            label_word = lab
            field_ = LABELS[lab]
            i += 1
            if field_ == "preparers":
                taken = _take_people_lines(body, i)
                phase.preparers.extend(_people(body[i:i + taken]))
                i += taken
                label = None
            elif field_ == "attachments":
                atts, taken = _take_attachment_lines(body, i)
                for a in atts:
                    _add_attachment(phase.attachments, a)
                i += taken
                label = None
            else:
                label = field_
            continue
        m = _PRESENTER.match(line)
        if m:
            flush_prose()
            phase.presenter = m.group("who")
            i += 1
            continue
        buf.append(line)
        i += 1
    flush_prose()


def _take_people_lines(body: list[str], i: int) -> int:
    if i >= len(body):
        return 0
    first = body[i]
    if "@" in first or PHONE.search(first):
        n = 0
        while i + n < len(body) and ("@" in body[i + n] or PHONE.search(body[i + n])) and not _label(body[i + n]):
            n += 1
        return n
    if i + 1 < len(body) and _all_emails(body[i + 1]):
        third = body[i + 2] if i + 2 < len(body) else ""
        return 3 if third and len(third) < 120 and not _label(third) else 2
    return 1 if len(first) < 120 else 0


def _take_attachment_lines(body: list[str], i: int) -> tuple[list[str], int]:
    atts: list[str] = []
    n = 0
    while i + n < len(body):
        line = body[i + n]
        if _label(line) or _PHASE.match(line):
            break
        if _ATT_LINE.match(line):
            atts.append(line)
        elif atts and re.match(r"^(?:Salassa pidettävä|Ei julkinen)", line, re.I):
            atts.append(line)
        elif atts and not _FILE_EXT.search(atts[-1]) and len(line) < 120 and (
            _FILE_EXT.search(line)
            or (i + n + 1 < len(body) and _ATT_LINE.match(body[i + n + 1]))
            or (line[:1].islower() and len(atts[-1]) > 70)  # a wrapped title
        ):
            atts[-1] = atts[-1] + ("" if atts[-1].endswith(("-", ".")) else " ") + line
        else:
            break
        n += 1
    return atts, n
