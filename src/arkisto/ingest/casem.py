"""CaseM / CloudNC meeting documents as PDF (pöytäkirja, esityslista /
kokouskutsu): one PDF per meeting, one :class:`Decision` per § item.

Reference: Lapua (``lapua-cloudnc/`` in the corpus).  The PDF is rendered
from HTML, and the system stores that HTML, base64, in the PDF metadata keys
``/casem-source-html_0``, ``_1``, … (chunks of one base64 string; concatenate
in order, then decode).  Where present that HTML is parsed: it is the exact
structure (``casem_html``).  Otherwise the PDF text is parsed
(``casem_text``): page headers ("Lapuan kaupunki Pöytäkirja 13/2025 2 (43)"
+ "Kaupunginhallitus 25.08.2025") are removed, items start at a line
"§ 292", titles come from the list of items on the first page (Käsitellyt /
Käsiteltävät asiat).  Both readers fill the same items (``casem_items``);
this module makes the records.

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
from pathlib import Path

from ..models import Attachment, Decision, Person, Source, Vote
from ..text import clean, one_line
from .casem_html import parse_html
from .casem_items import Item, Meeting, Phase
from .casem_text import map_pages, parse_text, text_pages
from ..i18n import Msg
from .common import IngestResult, first_sentence, new_decision, where_item
from .people import fill_contact, parse_person

FORMAT = "casem-pdf"
META_PREFIX = "/casem-source-html_"
_PROPOSAL_HEAD = re.compile(r"^[\wÅÄÖåäö\- ]{0,60}?\b(?:ehdotus|esitys)\s*:?$", re.I)


def looks_like(doc) -> bool:
    """A CaseM PDF carries its source HTML in its metadata.  (A page header
    like "Lapuan kaupunki Pöytäkirja 3/2024 4 (12)" is every system's; such
    PDFs go to the conventions reader.)"""
    return bool(doc.meta_str(META_PREFIX + "0"))


def parse(path: Path, data: bytes) -> IngestResult | None:
    from .pdf import load

    doc = load(data)
    if not looks_like(doc):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    html = _source_html(doc, result)
    items: list[Item] = []
    meeting = Meeting()
    if html:
        try:
            meeting, items = parse_html(html)
        except Exception as exc:  # a template we do not know: use the text
            result.warn(Msg("ingest_casem_html_unreadable", type=type(exc).__name__))
            items = []
        if html and not items:
            result.warn(Msg("ingest_casem_html_no_items"))
    pages = text_pages(doc)
    if not items:
        meeting, items = parse_text(pages)
    else:
        map_pages(items, pages)
    if not items:
        result.error(Msg("ingest_casem_no_items"))
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
    numbers = doc.meta_numbered(META_PREFIX)
    if not numbers:
        return None
    if numbers != list(range(len(numbers))):
        result.warn(Msg("ingest_casem_html_parts"))
        return None
    keys = [(n, f"{META_PREFIX}{n}") for n in numbers]
    b64 = "".join(doc.meta_str(k) for _, k in keys)
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", b64), validate=False)
        return clean(raw.decode("utf-8", errors="replace"))
    except (binascii.Error, ValueError):
        result.warn(Msg("ingest_casem_html_base64"))
        return None


def _record(item: Item, index: int, meeting: Meeting, municipality: str | None, path: str,
            result: IngestResult) -> Decision | None:
    current = item.phases[-1]
    history = item.phases[:-1]
    where = f"§ {item.section}" if item.section else where_item(index + 1)
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
    if prep := current.prose("preparation"):
        prep_parts.append(prep)
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
    rec = new_decision(
        source, (index, item.section or ""),
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
        authority=authority,
        preparation=preparation,
        handling=handling,
        votes=_votes("\n\n".join(x for x in (handling, decision) if x)),
        attachments=attachments,
        language=meeting.language,
        derived=derived,
    )
    if not (proposal or decision or preparation):
        result.warn(Msg("ingest_casem_item_no_text"), where)
    return rec


def _render_phase(ph: Phase) -> str:
    """An earlier handling as text: "Kaupunginhallitus 26.5.2025 § 198" and its parts."""
    head = " ".join(x for x in (
        ph.body,
        f"{ph.date.day}.{ph.date.month}.{ph.date.year}" if ph.date else None,
        f"§ {ph.section}" if ph.section else None,
    ) if x)
    parts = [head] if head else []
    if prep := ph.prose("preparation"):
        parts.append(prep)
    proposal = _strip_proposal_head(ph.prose("proposal"))
    if proposal:
        who = f" (esittelijä {one_line(ph.presenter)})" if ph.presenter else ""
        parts.append(f"Ehdotus{who}: {proposal}")
    if ph.prose("decision"):
        parts.append(f"Päätös: {ph.prose('decision')}")
    if handling := ph.prose("handling"):
        parts.append(handling)
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
