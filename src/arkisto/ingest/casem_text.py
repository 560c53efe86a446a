"""The CaseM PDF's text read into items, for a PDF without its source HTML:
page headers ("Lapuan kaupunki Pöytäkirja 13/2025 2 (43)" + "Kaupunginhallitus
25.08.2025") removed, items starting at a line "§ 292", titles from the list
of items on the first page (Käsitellyt / Käsiteltävät asiat), labels on
lines of their own.  Also the page of each item, for either reader."""

from __future__ import annotations

import re

from ..text import clean, join_lines, one_line
from .casem_items import (
    CASE_ID,
    DOC_TYPE_ALT,
    LABELS,
    PHASE,
    PRESENTER,
    SECTION,
    Item,
    Meeting,
    add_attachment,
    add_prose,
    all_emails,
    label_of,
    people,
)
from .common import parse_date
from .people import PHONE

# "Kaupunginhallitus, § 198,26.05.2025": the list of handlings above an item.
_HISTORY_LINE = re.compile(r"^[A-ZÅÄÖ][^,§]{1,80},\s*§\s*\d{1,4}\s*,\s*\d{1,2}\.\d{1,2}\.\d{4}$")
# "Lapuan kaupunki Pöytäkirja 13/2025 2 (43)": pypdf gives "2 ( )43".
PAGE_HEAD = re.compile(
    rf"^(?P<org>\S.*?)\s+(?P<type>{DOC_TYPE_ALT})(?:\s+(?P<num>\d{{1,4}}/\d{{4}}))?\s+\d{{1,4}}\s*\(\s*\)?\s*\d{{1,4}}\s*\)?$"
)
_BODY_DATE = re.compile(r"^(?P<body>\S.*?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})$")
_TOC_HEAD = re.compile(r"^(?:Käsitellyt asiat|Käsiteltävät asiat|Asialista|Asiat)$")
_APPEAL_LIST = re.compile(r"^§\s?\d{1,4}\s*,(?:\s*§\s?\d{1,4}\s*,?)*$")
_ATT_LINE = re.compile(r"^\d{1,2}\s+\S")
_FILE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|jpe?g|png|zip|txt)\s*$", re.I)


def text_pages(doc) -> list[str]:
    """The PDF's page texts, cleaned, with the lines CaseM breaks after a
    hyphen and a zero-width space joined."""
    out = []
    for i in range(doc.page_count):
        raw = doc.raw_page(i)
        # A line broken at CaseM's zero-width space after a hyphen: join
        # without a space ("Etelä-\u200b\nPohjanmaan" -> "Etelä-Pohjanmaan").
        raw = re.sub("-\u200b[ \t]*\n(?=\\S)", "-", raw)
        raw = re.sub("(\\d)-\u200b[ \t]+(?=\\d)", r"\1-", raw)
        out.append(clean(raw))
    return out


def map_pages(items: list[Item], pages: list[str]) -> None:
    """The page where each item's "§ N" heading stands (the list of items on
    the first pages is skipped)."""
    cursor = 0
    for item in items:
        if not item.section:
            continue
        pat = re.compile(rf"^\s*§\s*{re.escape(item.section)}\s*$", re.M)
        for p in range(cursor, len(pages)):
            if is_toc_page(pages[p]):
                continue
            if pat.search(pages[p]):
                item.page = p + 1
                cursor = p
                break


def is_toc_page(text: str) -> bool:
    return bool(re.search(r"^(?:Käsitellyt asiat|Käsiteltävät asiat)\s*$", text, re.M)) or len(
        re.findall(r"^§\s*\d+\s+\S", text, re.M)) >= 3


# --- the text route -----------------------------------------------------------------------


def parse_text(pages: list[str]) -> tuple[Meeting, list[Item]]:
    meeting = Meeting()
    lines: list[tuple[int, str]] = []
    for pno, text in enumerate(pages, start=1):
        plines = [one_line(x) for x in text.split("\n")]
        # Page header: "<org> <type> <n>/<year> <page> (<pages>)" then "<body> <date>".
        k = 0
        while k < len(plines) and k < 6:
            m = PAGE_HEAD.match(plines[k])
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
    starts = [i for i, (p, t) in enumerate(lines) if SECTION.match(t) and not is_toc_page(pages[p - 1])]
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
        sec = _section_of(lines[s][1])
        if s < end and sec not in seen:
            seen.add(sec)
            kept.append(s)
    starts = kept
    items = []
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else end
        section = _section_of(lines[s][1])
        body = [t for _, t in lines[s + 1:e]]
        item = Item(section=section, title=None, page=lines[s][0])
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
        if k < len(body) and CASE_ID.match(body[k]):
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


def _text_phases(item: Item, body: list[str]) -> None:
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
                add_prose(phase, label, label_word, text)
            buf.clear()

    i = 0
    while i < len(body):
        line = body[i]
        m = PHASE.match(line)
        if m:
            flush_prose()
            phase = item.start_phase(m)
            label = None
            i += 1
            continue
        lab = label_of(line)
        if lab:
            flush_prose()
            label_word = lab
            field_ = LABELS[lab]
            i += 1
            if field_ == "preparers":
                taken = _take_people_lines(body, i)
                phase.preparers.extend(people(body[i:i + taken]))
                i += taken
                label = None
            elif field_ == "attachments":
                atts, taken = _take_attachment_lines(body, i)
                for a in atts:
                    add_attachment(phase.attachments, a)
                i += taken
                label = None
            else:
                label = field_
            continue
        m = PRESENTER.match(line)
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
        while i + n < len(body) and ("@" in body[i + n] or PHONE.search(body[i + n])) and not label_of(body[i + n]):
            n += 1
        return n
    if i + 1 < len(body) and all_emails(body[i + 1]):
        third = body[i + 2] if i + 2 < len(body) else ""
        return 3 if third and len(third) < 120 and not label_of(third) else 2
    return 1 if len(first) < 120 else 0


def _take_attachment_lines(body: list[str], i: int) -> tuple[list[str], int]:
    atts: list[str] = []
    n = 0
    while i + n < len(body):
        line = body[i + n]
        if label_of(line) or PHASE.match(line):
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


def _section_of(line: str) -> str:
    """The § of a line already found to start an item."""
    m = SECTION.match(line)
    assert m is not None, line
    return m.group(1)
