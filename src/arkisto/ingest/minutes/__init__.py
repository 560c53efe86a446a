"""A reader of the conventions of Finnish and Swedish municipal minutes.

Not one system's markup: what minutes of any system share.  A document (a
PDF's text, an HTML page, a text file; see ``ingest.doc``) is read in four
steps:

1. **Furniture** (``layout``): running headers and footers, page numbers,
   certifications, navigation are set aside, and read once for the meeting:
   the organisation, the body, the date, the cover page's presenter and list
   of items.
2. **Items** (``items``): § headings in any of their forms split the
   document; § lines of other bodies or earlier dates are earlier handlings.
3. **Blocks** (``fields``): labels by vocabulary, inflected and in both
   languages, start blocks.
4. **The record** (here): each field from the best place that states it,
   and what was inferred listed in ``derived`` with where it came from.

Where the reader is unsure it keeps what it read and names what it lacked.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ...i18n import Msg
from ...models import Attachment, Decision, Person, Source
from ...text import one_line
from ..common import (
    IngestResult,
    committee_from_proposal,
    date_from_file_name,
    first_sentence,
    new_decision,
    where_item,
)
from ..doc import Document, Line
from ..people import fill_contact
from . import vocab
from .fields import (
    Blocks,
    official_title,
    preparers_of,
    presenter_of,
    prose,
    split_blocks,
    unwrap_margin_labels,
)
from .items import (
    Heading,
    case_id_only,
    continues_title,
    date_only,
    find_headings,
    is_title_line,
    join_title,
)
from .layout import Meeting, find_body, meeting_from, split_furniture
from .vocab import case_id_in, label_of, parse_date

FORMAT = "minutes"


def read(doc: Document, result: IngestResult, fmt: str = FORMAT) -> IngestResult:
    """Every item of ``doc`` as a Decision on ``result``; problems name the
    item.  A document with no item at all gets a warning, not a record."""
    content, header = split_furniture(doc)
    if doc.kind != "html":
        content = unwrap_margin_labels(content)
    else:
        content = _split_heading_rows(content)
    meeting = meeting_from(doc, header, content)
    if not meeting.body:
        meeting.body = _body_of_title([doc.title or ""] + [ln.text for ln in content[:3] if ln.is_heading])
    meeting.language = doc.lang if doc.lang in ("fi", "sv") else vocab.language(
        "\n".join(ln.text for ln in content[:400]))
    found = find_headings(content, meeting, meeting.cover)
    heads = [h for h in found if not h.history]
    spans = _spans(content, heads, meeting, frozenset(h.index for h in found if h.toc))
    for index, (head, lines, before) in enumerate(spans):
        rec = _record(doc, meeting, head, lines, before, index, len(spans), result, fmt)
        if rec is not None:
            result.records.append(rec)
    return result


_INLINE_LABEL = re.compile(
    r"(?<=[.!?:\d])\s+(?=(?:[A-ZÅÄÖ][\w-]*(?:n|s)\s+)?(?:ehdotus|esitys|päätösehdotus|päätös|förslag|beslut"
    r"|Valmistelija|Esittelijä|Beredare|Föredragande|Päätös|Ehdotus|Förslag|Beslut)\b[^.:]{0,40}:)")


def _split_heading_rows(content: list[Line]) -> list[Line]:
    """KTweb's minutes as a table: "Kh § 252 | Valmistelija: … Kaupunginjohtajan
    ehdotus: … Kaupunginhallituksen päätös: …". The first cell is the item's
    heading, the second its text, one labelled part per line."""
    from .items import parse_heading

    out: list[Line] = []
    for line in content:
        cells = [c.strip() for c in line.cells]
        if line.kind == "row" and len(cells) == 2 and cells[1] and parse_heading(cells[0]) is not None:
            out.append(Line(cells[0], page=line.page, kind="p", block=line.block))
            for part in _INLINE_LABEL.split(cells[1]):
                out.append(Line(part.strip(), page=line.page, kind="p", block=line.block))
            continue
        out.append(line)
    return out


def _spans(content: list[Line], heads: list[Heading], meeting: Meeting, toc_lines: frozenset[int] = frozenset()):
    """(heading, the item's lines after it, lines before it that belong to
    it) per item.  With no heading, the document is one item."""
    keep = [i for i in range(len(content)) if i not in meeting.cover and i not in toc_lines]
    if not heads:
        return [(None, [content[i] for i in keep], [])]
    spans = []
    starts = [h.index for h in heads] + [len(content)]
    for k, h in enumerate(heads):
        lines = [content[i] for i in keep if starts[k] < i < starts[k + 1]]
        if k == 0:
            before = [content[i] for i in keep if i < h.index]
        else:
            before = []
        spans.append((h, lines, before))
    # A title printed above the next item's heading (in capitals, or bold)
    # belongs to that item, not to the end of the previous one.
    for k in range(1, len(spans)):
        prev_lines = spans[k - 1][1]
        moved: list[Line] = []
        while prev_lines and _caps_or_bold_title(prev_lines[-1]) and len(moved) < 3:
            moved.insert(0, prev_lines.pop())
        if not moved:
            # KTweb: after the previous item's decision, the title, its
            # case id on the next line, the earlier handlings, then the
            # item's own "Body date § n".
            j = _titled_case_start(prev_lines)
            if j is not None and any((lab := label_of(x.text.strip())) and lab[0] == "decision"
                                     for x in prev_lines[:j]):
                while j > 0 and (case_id_only(prev_lines[j - 1].text) or _label_case_id(prev_lines[j - 1].text)):
                    j -= 1  # "Dnr: 287/02.02.00/2024" above the title is the next item's too
                moved = prev_lines[j:]
                del prev_lines[j:]
        if moved:
            spans[k] = (spans[k][0], spans[k][1], moved)
    return spans


def _titled_case_start(lines: list[Line]) -> int | None:
    """Where a title line next to its case id (on its own line below it, or
    above it with an earlier handling's heading below the title) starts
    among the last lines of an item (at most 40 from its end), or None."""
    for j in range(len(lines) - 2, max(-1, len(lines) - 41), -1):
        t = lines[j].text.strip()
        if not (is_title_line(lines[j]) and not _sentence(t) and not label_of(t) and not _history_line(t)):
            continue
        if any(case_id_only(x.text) for x in lines[j + 1:j + 3]):
            return j
        # "Dnro 312/…" / the title / "Tekninen lautakunta 14.11.2023 § 121": the
        # case id above the title, an earlier handling's heading below it
        if any(case_id_only(x.text) or _label_case_id(x.text) for x in lines[max(0, j - 2):j]) \
                and any(_history_line(x.text) for x in lines[j + 1:j + 3]):
            return j
    return None


def _caps_or_bold_title(line: Line) -> bool:
    t = line.text.strip()
    if "§" in t or (line.kind == "row" and sum(1 for c in line.cells if c.strip()) > 1):
        return False  # a heading, a table's header row (a row of one filled cell is a title's)
    letters = [c for c in t if c.isalpha()]
    caps = len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.85
    return bool(caps or (line.bold and line.bold.strip() == t)) and not label_of(t) and len(t) < 200


# --- the record ------------------------------------------------------------------------------

def _record(doc: Document, meeting: Meeting, head: Heading | None, lines: list[Line], before: list[Line],
            index: int, count: int, result: IngestResult, fmt: str) -> Decision | None:
    where = f"§ {head.section}" if head else (where_item(index + 1) if count > 1 else None)
    derived: list[str] = []
    derived_from: dict[str, str] = {}
    title, lines, before_rest = _title(head, lines, before, count)
    blocks = split_blocks(before_rest + lines if count == 1 or head is None else lines)
    if count > 1 and head is not None and before_rest:
        # Lines above a later item's heading that are not its title: keep them
        # as text of the item.
        blocks.lead = [ln.text.strip() for ln in before_rest] + blocks.lead

    # Earlier proposals and decisions (a board's before the council's) are
    # the case's handling; the item's own are the last ones, after the line
    # that repeats the item's heading where there is one (CaseM prints each
    # handling under "Body, date, § n").
    own_from = _own_phase(head, lines, meeting) if count == 1 or head is not None else 0
    shift = len(before_rest) if (count == 1 or head is None) else 0
    earlier: list[str] = []
    mine: dict[str, list[str]] = {}
    for fld in ("proposal", "decision"):
        texts, starts = blocks.get(fld), blocks.starts.get(fld, [])
        own = [t for t, st in zip(texts, starts) if st - shift >= own_from]
        if not own and own_from == 0:
            own = texts
        earlier += [t for t in texts if t not in own] + own[:-1]
        mine[fld] = own[-1:]
    proposal = prose(mine["proposal"])
    decision_text = prose(mine["decision"])
    if not decision_text and not proposal and head is not None:
        # A news post's item: no labels, the decision told in a sentence
        # ("Aluevaltuusto hyväksyi …", "Stadsstyrelsen återremitterade …").
        decision_text = _narrated_decision(blocks.get("preparation") + blocks.lead)
    preparation = prose(blocks.get("preparation") + ([] if proposal or decision_text else []))
    lead = prose([t for t in blocks.lead if not case_id_only(t) and not date_only(t)])
    summary = prose(blocks.get("summary"))
    if summary:
        preparation = summary + ("\n\n" + preparation if preparation else "")
    if lead and not _only_header_lines(blocks.lead, meeting):
        preparation = lead + ("\n\n" + preparation if preparation else "")
    handling = prose(blocks.get("handling") + blocks.get("history") + earlier)
    if not any((proposal, decision_text, preparation, handling)):
        if count > 1 and head is not None and not lines:
            result.warn(Msg("ingest_item_heading_only"), where)
        elif not lines and not before:
            return None

    # § and title
    section = head.section if head else None
    if section is None and count == 1 and meeting.section:
        section = meeting.section  # from the header table
    if section is None:
        for text in blocks.get("section"):
            m = vocab.SECTION.search(text) or re.search(r"\b(\d{1,4})\b", text)
            if m:
                section = str(int(next(g for g in m.groups() if g)))
                break
    if head is None and blocks.get("subject") and any(x.strip() for x in blocks.get("subject")):
        title = None  # "Asia  Toisen asteen …": the labelled subject beats a guess from the top lines
    if not title:
        for text in blocks.get("subject"):
            # "Asia" and the title beneath it, then perhaps the title in the
            # other language: the first title only.
            rows = [x for x in text.split("\n") if x.strip()]
            parts = rows[:1]
            for row in rows[1:]:
                if row[:1].isupper() and not continues_title(parts[-1], Line(row)):
                    break
                parts.append(row)
            title = join_title(parts) if parts else None
            break
    if not title and section and section in meeting.toc:
        title = meeting.toc[section]
        _derive(derived, derived_from, "title", "list of items")
    if not title and count == 1 and doc.title:
        t = _clean_page_title(doc.title, meeting)
        if t:
            title = t
            _derive(derived, derived_from, "title", "page title")
    if not title:
        title = first_sentence(proposal) or first_sentence(decision_text) or first_sentence(preparation)
        if title:
            _derive(derived, derived_from, "title", "first sentence")

    # committee
    committee = None
    committee_from = ""
    if head and head.body_full:
        committee = head.body_full
        if head.body and head.body != head.body_full:
            committee_from = f"abbreviation {head.body}"
    elif meeting.body:
        committee = meeting.body
        committee_from = "header"
    decider = None
    for text in blocks.get("decider"):
        decider = text
        break
    if not committee and decider:
        committee = official_title(decider)
        committee_from = "decision-maker"
    if not committee:
        for line in before_rest[:6]:
            t = line.text.strip()
            if len(t.split()) <= 4 and official_title(t) and not label_of(t) and not vocab.MINUTES_WORDS.search(t):
                committee = official_title(t)
                committee_from = "decision-maker"
                break
    if not committee:
        # "Helsingfors stadsstyrelse" on a line of its own at the item's head.
        for line in (before_rest[-4:] + lines[:4]):
            t = line.text.strip()
            b = find_body(t)
            if b and t.lower().endswith(b.lower()) and len(t.split()) - len(b.split()) <= 1 and len(t) < 60:
                from .layout import swedish_definite

                committee = swedish_definite(b)
                committee_from = "item's head"
                break
    if not committee:
        for labels in (blocks.labels.get("decision", []), blocks.labels.get("proposal", [])):
            for label in labels:
                owner = vocab.inflected_owner(label)
                if owner and labels is blocks.labels.get("decision", []):
                    base = _genitive_body(owner)
                    if base:
                        committee = base
                        committee_from = "label"
                        break
            if committee:
                break
    if not committee:
        committee = committee_from_proposal(proposal)
        if committee:
            committee_from = "proposal"
    if not committee:
        committee = committee_from_proposal(decision_text)  # "Aluevaltuusto hyväksyi …"
        if committee:
            committee_from = "decision"
    if not committee and blocks.signatures:
        committee = official_title(blocks.signatures[0].split(",", 1)[-1])
        committee_from = "signature"
    if committee and committee_from:
        _derive(derived, derived_from, "committee", committee_from)

    # date
    meeting_date: date | None = head.date if head and head.date else None
    if meeting_date is None and meeting.date and meeting.date_from in ("header", "cover"):
        meeting_date = meeting.date
    if meeting_date is None:
        for text in blocks.get("date") + blocks.get("meeting") + blocks.get("time"):
            meeting_date = parse_date(text)
            if meeting_date:
                break
    if meeting_date is None:
        for text in [ln.text for ln in before_rest[:8]] + blocks.lead[:4]:
            if date_only(text) or re.match(r"^(?:\d{1,2}\.\d{1,2}\.\d{4})\s+§", text.strip()):
                meeting_date = parse_date(text)
                break
    if meeting_date is None:
        meeting_date, date_source = _date_from_context(doc)
        if meeting_date:
            _derive(derived, derived_from, "meeting_date", date_source)

    # people
    presenter = presenter_of(blocks, own_from + shift, mine["proposal"])
    preparers: list[Person] = []
    for p in preparers_of(blocks):
        if all(p.name.casefold() != q.name.casefold() for q in preparers):
            preparers.append(p)
    if presenter is None and meeting.officials:
        # "Kunnanjohtajan ehdotus", and "Jyrki Ruuth, kunnanjohtaja" among
        # those present: the office presents, its holder is the presenter.
        for label in blocks.labels.get("proposal", []):
            office = vocab.inflected_owner(label)
            name = meeting.officials.get(_nominative(office)) if office else None
            if name and office:
                presenter = Person(name=name, title=_nominative(office))
                _derive(derived, derived_from, "presenter", "cover page")
                break
    if presenter is None and meeting.presenter:
        from ..people import parse_person

        presenter = parse_person(meeting.presenter)
        if presenter:
            _derive(derived, derived_from, "presenter", "cover page")
    if presenter:
        presenter = fill_contact(presenter, preparers)

    # case id
    case_id = head.case_id if head else None
    if not case_id:
        for text in blocks.get("case_id"):
            case_id = case_id_in(text, labelled=True)
            if case_id:
                break
    if not case_id:
        for t in [ln.text for ln in before_rest] + blocks.lead[:6]:
            if case_id_only(t):
                labelled = bool(re.match(r"^\s*(?:dno|dnro|dnr|diaarinumero|diarienummer|asianumero)\b", t, re.I))
                case_id = case_id_in(t, labelled=labelled) or case_id_in(t, labelled=True)
                if case_id:
                    break
    if not case_id:
        head_text = "\n".join([ln.text for ln in lines[:8]])
        case_id = case_id_in(head_text)
    if case_id:
        case_id = re.sub(r"\s+T(?:\s\d\d){3,4}$", "", case_id)

    municipality = meeting.municipality
    if not municipality:
        municipality = municipality_from_emails("\n".join(ln.text for ln in (before + lines)))
        if municipality:
            _derive(derived, derived_from, "municipality", "e-mail address")
    if not municipality:
        municipality = _municipality_from_path(doc.path)
        if municipality:
            _derive(derived, derived_from, "municipality", "file name")

    attachments = [
        Attachment(title=one_line(line).lstrip("•-–* ").strip())
        for t in blocks.get("attachments")
        for line in t.split("\n")
        if one_line(line).strip("•-–* ")
    ]
    authority = prose(blocks.get("authority"))
    if authority:
        authority = re.sub(r"(\d)\s*§", r"\1 §", one_line(authority))
    language = _language(title, proposal, decision_text, preparation) or meeting.language
    page = head.page if head else (lines[0].page if lines else None)
    source = Source(path=doc.path, format=fmt, page=(page + 1) if page is not None and doc.kind == "pdf" else None,
                    record=index if count > 1 else None)
    rec = new_decision(
        source, (index, section or ""),
        municipality=municipality,
        committee=committee,
        meeting_date=meeting_date,
        section=section,
        title=_tidy_title(title),
        case_id=case_id,
        presenter=presenter,
        preparers=preparers,
        proposal=proposal,
        decision=decision_text,
        authority=authority,
        preparation=preparation,
        handling=handling,
        attachments=attachments,
        language=language,
        derived=derived,
        derived_from=derived_from,
    )
    missing = tuple(Msg(f"ingest_field_{n}") for n, v in (
        ("committee", committee), ("section", section), ("title", title), ("meeting_date", meeting_date),
        ("decision", decision_text or proposal)) if not v)
    if missing:
        result.warn(Msg("ingest_missing", fields=missing), where)
    return rec


def _own_phase(head: Heading | None, lines: list[Line], meeting: Meeting) -> int:
    """The index of the last line inside the item that repeats its heading
    (its § and body or date), where the item's own handling starts; 0 when
    there is none."""
    if head is None:
        return 0
    from .items import parse_heading

    own = 0
    for k, ln in enumerate(lines):
        h = parse_heading(ln.text)
        if h is None or h.section != head.section or not (h.body or h.date):
            continue  # a bare "§310" (a list of §s in appeal instructions) is no handling
        if h.body and head.body_full:
            full = vocab.expand_abbreviation(h.body, meeting.org_kind, meeting.bodies) or h.body
            if full.casefold() != head.body_full.casefold() and h.body.casefold() != (head.body or "").casefold():
                continue
        if h.date and head.date and h.date != head.date:
            continue
        own = k
    return own


def _nominative(genitive: str) -> str:
    """"Kunnanjohtajan" -> "kunnanjohtaja", "Teknisen johtajan" -> "tekninen
    johtaja", "Stadsdirektörens" -> "stadsdirektör": an office named in a
    label's genitive, as a title."""
    words = []
    for w in genitive.lower().split():
        if w.endswith("sen"):
            w = w[:-3] + "nen"
        elif w.endswith("n"):
            w = w[:-1]
        elif w.endswith(("ens", "ns")):  # "Stadsdirektörens" -> "stadsdirektör"
            w = w[:-3] if w.endswith("ens") else w[:-2]
        elif w.endswith("s"):
            w = w[:-1]
        words.append(w)
    return " ".join(words)


def _language(*texts: str | None) -> str | None:
    """The language the item is written in first: bilingual minutes give
    each text in one language, then in the other (paragraph by paragraph or
    sentence by sentence), and the first is the item's."""
    for text in texts:
        for para in re.split(r"\n\s*\n|\n(?=[A-ZÅÄÖ])|(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text or ""):
            lang = vocab.language(para)
            if lang:
                return lang
    return vocab.language(" ".join(t or "" for t in texts))


def _derive(derived: list[str], derived_from: dict[str, str], name: str, where: str) -> None:
    if name not in derived:
        derived.append(name)
    derived_from[name] = where


def _title(head: Heading | None, lines: list[Line], before: list[Line], count: int):
    """(title, the item's lines without it, the lines before without it).
    The heading's own line first; then the lines after the heading (past
    case ids, dates and earlier handlings); then a title above the heading
    (capitals or bold, as Word and KTweb print it)."""
    if head and head.title:
        # "Kh § 176 KIINTEISTÖVEROPROSENTTIEN MÄÄRÄÄMINEN VUODELLE" / "2026"
        parts = [head.title]
        j = 0
        while j < len(lines) and len(parts) < 3 and continues_title(parts[-1], lines[j]):
            parts.append(lines[j].text.strip())
            j += 1
        return join_title(parts), lines[j:], before
    # After the heading
    i = 0
    skipped: list[int] = []
    while i < len(lines) and i < 6:
        t = lines[i].text.strip()
        if case_id_only(t) or date_only(t) or _history_line(t) or _label_case_id(t):
            skipped.append(i)
            i += 1
            continue
        lab = label_of(t)
        if lab and lab[0] == "attachments" and not lab[2] and \
                any(ln.bold or ln.is_heading for ln in lines[i + 1:i + 4]):
            # Dynasty's item page: "Liitteet" and their links, then the title in bold.
            i += 1
            while i < len(lines) and i < 8 and not (lines[i].bold or lines[i].is_heading):
                i += 1
            continue
        break
    if head is not None and i < len(lines) and is_title_line(lines[i]) and not _sentence(lines[i].text):
        parts = [lines[i].text.strip()]
        j = i + 1
        while j < len(lines) and len(parts) < 3 and continues_title(parts[-1], lines[j]):
            parts.append(lines[j].text.strip())
            j += 1
        title = join_title(parts)
        if not _caps_block_before(before):
            rest = lines[:i] + lines[j:]
            return title, rest, before
    if head is not None and before:
        at = _titled_case_start(before)
        if at is not None:
            parts = [before[at].text.strip()]
            while at + len(parts) < len(before) and len(parts) < 3 and \
                    continues_title(parts[-1], before[at + len(parts)]):
                parts.append(before[at + len(parts)].text.strip())
            return join_title(parts), lines, before[:at] + before[at + len(parts):]
    # Above the heading: capitals or bold lines (Word, KTweb)
    block = _caps_block_before(before)
    if block:
        title = join_title([ln.text for ln in block])
        rest_before = [ln for ln in before if ln not in block]
        return title, lines, rest_before
    if head is None:
        # One decision without a §: its first title-like line after the
        # header (an official's decision: after the header fields).
        for k, ln in enumerate(lines[:14]):
            t = ln.text.strip()
            lab = label_of(t)
            if lab and lab[0] not in ("subject",):
                if lab[0] in ("decision", "proposal", "preparation", "presenter", "preparers"):
                    break
                continue
            if case_id_only(t) or date_only(t) or vocab.MINUTES_WORDS.search(t) and len(t.split()) <= 4:
                continue
            if is_title_line(ln) and not _sentence(t) and not _official_line(t):
                parts = [t]
                j = k + 1
                while j < len(lines) and len(parts) < 3 and continues_title(parts[-1], lines[j]):
                    parts.append(lines[j].text.strip())
                    j += 1
                return join_title(parts), lines[:k] + lines[j:], before
            break
    return None, lines, before


def _official_line(t: str) -> bool:
    return len(t.split()) <= 3 and official_title(t) is not None and t[:1].isupper() and len(t.split()) == 1


def _caps_block_before(before: list[Line]) -> list[Line]:
    """The capitals (or bold) lines right above the heading, past dates,
    case ids and body lines."""
    block: list[Line] = []
    k = len(before) - 1
    while k >= 0:
        ln = before[k]
        t = ln.text.strip()
        if not block and (case_id_only(t) or date_only(t)):
            k -= 1
            continue
        body = find_body(t)
        if body and body.casefold() == t.casefold():
            break  # "KUNNANHALLITUS": the body's line above the title ends it
        if _caps_or_bold_title(ln) and not vocab.MINUTES_WORDS.search(t) and not case_id_only(t):
            block.insert(0, ln)
            k -= 1
            continue
        break
    return block


def _history_line(t: str) -> bool:
    from .items import parse_heading

    return parse_heading(t) is not None


def _label_case_id(t: str) -> bool:
    lab = label_of(t)
    return bool(lab and lab[0] == "case_id" and lab[2])


def _sentence(text: str) -> bool:
    t = text.strip()
    if t.endswith(".") and len(t.split()) >= 3 and not t.isupper():
        return True
    return bool(re.match(r"^(?:Hyväksyttiin|Hyväksyi|Merkittiin|Päätettiin|Förslaget|Godkändes|Ehdotus hyväksyttiin)\b", t))


def _tidy_title(title: str | None) -> str | None:
    if not title:
        return None
    t = " ".join(title.split()).strip(" ,;:-–")
    if " / " in t:
        # "UTLÅTANDE OM BYGGNADSORDNINGEN / LAUSUNTO RAKENNUSJÄRJESTYKSESTÄ":
        # the title in both languages; the first is the record's.
        from .items import _looks_finnish, looks_swedish

        a, b = t.split(" / ", 1)
        if looks_swedish(a) != looks_swedish(b) and _looks_finnish(b if looks_swedish(a) else a):
            t = a
    return t[:300] or None


def _only_header_lines(lead: list[str], meeting: Meeting) -> bool:
    """Lead lines that only repeat the header (body and date, the
    organisation, the document type) are not the item's text."""
    for t in lead:
        if date_only(t) or case_id_only(t) or vocab.MINUTES_WORDS.search(t) and len(t.split()) <= 6:
            continue
        if find_body(t) == t.strip():
            continue
        return False
    return True


def _clean_page_title(title: str, meeting: Meeting) -> str | None:
    """An HTML <title> is "Item - Site" or "Site - Esityslistat/pöytäkirjat":
    the part that is not the site, the organisation or navigation."""
    parts = [p.strip() for p in re.split(r"\s+[-–|»]\s+", title) if p.strip()]
    good = []
    for p in parts:
        low = p.casefold()
        if meeting.organisation and low == meeting.organisation.casefold():
            continue
        if re.search(r"esityslist|pöytäkirj|päätökset|kokous|dynasty|tietopalvelu|protokoll|etusivu|hakutulos", low):
            continue
        if re.search(r"(?:kaupunki|kunta|stad|kommun|hyvinvointialue|kuntayhtymä)$", low):
            continue
        good.append(p)
    return good[0] if len(good) == 1 else None


_NARRATED = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:[A-ZÅÄÖ][\w-]*\s+){0,3}?[A-ZÅÄÖ]?[\w-]*(?:lautakunta|hallitus|valtuusto|jaosto|toimikunta"
    r"|johtokunta|nämnden|styrelsen|fullmäktige|sektionen)\s+(?:hyväksyi|päätti|palautti|merkitsi|hylkäsi|jätti|valitsi"
    r"|myönsi|godkände|beslöt|återremitterade|antecknade|bordlade|förkastade|valde|beviljade)\b[^.!?]*[.!?]")


def _narrated_decision(texts: list[str]) -> str | None:
    """The sentences of an unlabelled item that tell what the body decided."""
    found = [m.group(0).strip() for t in texts for m in _NARRATED.finditer(one_line(t))]
    return " ".join(found) or None


def _body_of_title(titles: list[str]) -> str | None:
    """"Aluevaltuuston kokouksen 12.6.2023 päätökset", "Teknisen lautakunnan
    pöytäkirja 3/2024": the body a page's title names in the genitive."""
    from ..pdf import base_from_genitive

    for t in titles:
        m = re.match(r"^\s*((?:[\w-]+\s+){0,3}[\w-]+n)\s+(?:kokou|päätök|pöytäkir|esityslist)", t, re.I)
        if not m:
            continue
        words = m.group(1).split()
        last = base_from_genitive(words[-1])
        if not last:
            continue
        for k in range(len(words)):  # the longest name that is a body
            # "Teknisen" -> "Tekninen"; "Ympäristö- ja" as written
            firsts = [w[:-3] + "nen" if w.endswith("sen") else w for w in words[k:-1]]
            name = " ".join(firsts + [last])
            name = name[:1].upper() + name[1:]
            if find_body(name) == name and name[:1].isupper() and (k == len(words) - 1 or words[k][:1].isupper()):
                return name
    return None


def _genitive_body(owner: str) -> str | None:
    """"Kaupunginhallituksen" -> "Kaupunginhallitus"; only for bodies."""
    from ..pdf import base_from_genitive

    base = base_from_genitive(owner)
    if base and find_body(base) == base:
        return base
    return None


def _date_from_context(doc: Document) -> tuple[date | None, str]:
    for key in ("/Title", "/Subject", "/Keywords"):
        d = parse_date(doc.meta.get(key, ""))
        if d:
            return d, "document's metadata"
    d = date_from_file_name(doc.path)
    if d:
        return d, "file name"
    return None, ""


_MUNI_DOMAINS = re.compile(r"@([a-zåäö-]+)\.fi\b", re.I)
_NOT_MUNI = {"gmail", "hotmail", "outlook", "yahoo", "luukku", "kolumbus", "phnet", "phhyky", "hel"}


def municipality_from_emails(text: str) -> str | None:
    """"anna.virtanen@rauma.fi" -> "Rauma" (marked derived).  Only names
    arkisto knows as a municipality's, since an address may be a company's."""
    from ...names import MUNICIPALITIES

    for m in _MUNI_DOMAINS.finditer(text):
        dom = m.group(1).lower()
        if dom in _NOT_MUNI:
            continue
        name = MUNICIPALITIES.get(dom)
        if name:
            return name
    return None


def _municipality_from_path(path: str) -> str | None:
    from ...names import MUNICIPALITIES

    for token in re.split(r"[_\W\d]+", Path(path).stem.lower()):
        if token in MUNICIPALITIES:
            return MUNICIPALITIES[token]
    return None


def blocks_for_tests(lines: list[str]) -> Blocks:
    return split_blocks([Line(t) for t in lines])
