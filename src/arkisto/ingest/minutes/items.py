"""Where items start, and what each is called.

An item starts at a heading with its §, written in any of the ways minutes
write it, with the body and the date in any order around it:

    § 12 · 12 § · §12 · Kh § 190 · Tela § 12 · Tekninen lautakunta § 45 12.03.2024
    Kaupunginhallitus 25.8.2025 § 302 · Sivistyslautakunta 18.12.2024 § 96
    Stadsstyrelsen § 45 · § 101, STST 2025-08-25 16:00 · Pykälä 138 · Paragraf § 3
    Pöytäkirja 04.12.2023/Pykälä 198 · 21.12.2021 § 4 HEL 2021-014188 T 05 01 00

A § line of another body or an earlier date inside an item is an earlier
handling of the case, not a new item.  References in prose ("Kuntalain
122 §:n mukaan", "päätökset 2.2.2016 § 74, 7.3.2017 § 95") are neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..doc import Line
from . import vocab
from .layout import Meeting, find_body
from .vocab import ANY_DATE, CASE_ID, SECTION, label_of, parse_date


@dataclass
class Heading:
    index: int  # in the content lines
    section: str
    body: str | None = None  # as written: a name or an abbreviation
    body_full: str | None = None  # the name it resolves to
    date: date | None = None
    title: str | None = None  # a title on the heading's own line
    case_id: str | None = None
    history: bool = False  # an earlier handling inside an item (or a list entry)
    toc: bool = False  # an entry of the list of items
    page: int = 0


@dataclass
class Item:
    heading: Heading | None
    lines: list[Line] = field(default_factory=list)  # the item's lines after its heading (and title)
    title: str | None = None
    title_lines: int = 0
    before: list[Line] = field(default_factory=list)  # lines before the heading that belong to it


_LAW_BEFORE = re.compile(
    r"(?:lain|lakia|laki|asetuksen|asetus|säännön|sääntö|säännössä|ohjesäännön|ohjeen|momentin|luvun|kohdan"
    r"|mukaan|perusteella|nojalla|lagens|lagen|förordningens|enligt|stadgan|instruktionens|och|ja|sekä)\s*$",
    re.I,
)
_AFTER_REF = re.compile(r"^\s*(?::\s*\w|mom\b|momentin\b|kohd|luvun\b|\d+\s*mom|\.\s*\d|,?\s*\d+\s*(?:mom|kohta))", re.I)
_WEEKDAY = r"(?:ma|ti|ke|to|pe|la|su|maanantai(?:na)?|tiistai(?:na)?|keskiviikko(?:na)?|torstai(?:na)?|perjantai(?:na)?|lauantai(?:na)?|sunnuntai(?:na)?|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|mån|tis|ons|tors|fre)"
_TIME = r"(?:(?:klo|kl\.?)\s*)?\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?"
_ALLOWED_WORDS = re.compile(
    r"^(?:pöytäkirja|pöytäkirjanote|ote|kokous|pykälä|paragraf|päätösnumero|päätöksen numero|asia|ärende"
    r"|protokoll|utdrag|esityslista|föredragningslista|nro|no|nr|asianro)$",
    re.I,
)
_ABBR = re.compile(r"^[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,9}\.?$")


_BOTH_LANGUAGES = re.compile(r"\s+[/–—-]\s+|(?<=[a-zåäö.])/(?=[A-ZÅÄÖ])")


def parse_heading(text: str, index: int = 0) -> Heading | None:
    """The heading a line is, or None (prose, a reference, a list of items)."""
    t = " ".join(text.split())
    if not t or len(t) > 260:
        return None
    # "Tilinpäätös 2023 (§ 38)": a news post's heading, the § in parentheses after the title
    tail = re.fullmatch(r"(?P<title>[A-ZÅÄÖ0-9].{3,200}?)\s*\(\s*(?:§\s*(?P<a>\d{1,4})|(?P<b>\d{1,4})\s*§)\s*\)", t)
    if tail:
        return Heading(index=index, section=str(int(tail.group("a") or tail.group("b"))), title=tail.group("title"))
    matches = list(SECTION.finditer(t))
    if len(matches) != 1:
        return None
    m = matches[0]
    n = m.group("a") or m.group("b") or m.group("c")
    before, after = t[: m.start()], t[m.end():]
    if _AFTER_REF.match(after) or _LAW_BEFORE.search(before):
        return None
    h = Heading(index=index, section=str(int(n)))
    # "§ 146, KST 2024-12-02 18:00      Sida 3": KTweb's running line ends with its page
    after = re.sub(r"\s*(?:\b(?:sivu|sida|page)\s*\d{1,4}|\b\d{1,4}\s*\(\s*\d{1,4}\s*\))\s*$", "", after,
                   flags=re.I)
    # "§ 3/2022" (an official's decision numbered by year)
    after = re.sub(r"^/\s*(?:19|20)\d{2}\b", "", after)

    def take_dates_and_ids(s: str) -> str:
        d = ANY_DATE.search(s)
        if d:
            h.date = h.date or parse_date(d.group(0))
            s = s[: d.start()] + " " + s[d.end():]
        c = CASE_ID.search(s)
        if c and not re.fullmatch(r"\d{1,7}/\d{4}", c.group(0)):
            h.case_id = h.case_id or re.sub(r"\s+", " ", c.group(0))
            s = s[: c.start()] + " " + s[c.end():]
            s = re.sub(r"^\s*T(?:\s\d\d){3,4}\b", " ", s)  # Ahjo's class after the case id
        s = re.sub(rf"\b{_WEEKDAY}\b\.?", " ", s, flags=re.I)
        s = re.sub(_TIME, " ", s)
        return s

    before = take_dates_and_ids(before)
    # After the §, a date (and a body's abbreviation) right after it belongs
    # to the heading; a date further on is part of the title.
    lead = re.match(rf"^[\s,]*(?:[A-ZÅÄÖ]{{2,8}}\s+)?(?:{_WEEKDAY}\.?\s+)?(?:{ANY_DATE.pattern})(?:\s+{_TIME})?", after, re.I)
    if lead:
        after_clean = take_dates_and_ids(after[: lead.end()]) + after[lead.end():]
    else:
        after_clean = after
    # "KH § 143        Dnro 88/02.02.02/2024": the case id, labelled, on the § line
    lab_c = re.match(r"^[\s,]*(?:dnro|dnr|dno|diaarinumero|diarienummer|asianumero|asiatunnus)\.?\s*:?\s*",
                     after_clean, re.I)
    if lab_c and CASE_ID.match(after_clean[lab_c.end():]):
        after_clean = after_clean[lab_c.end():]
    c = CASE_ID.search(after_clean)
    if c and not re.fullmatch(r"\d{1,7}/\d{4}", c.group(0)) and not after_clean[: c.start()].strip(" ,"):
        h.case_id = re.sub(r"\s+", " ", c.group(0))
        after_clean = re.sub(r"^\s*T(?:\s\d\d){3,4}\b", " ", after_clean[c.end():])
    # "Ärende 11. / 850 §", "Asia 5 / § 357": the item's number on the list.
    before = re.sub(r"^\s*(?:ärende|asia|kohta|punkt)\s+\d{1,3}\.?\s*/?\s*", "", before, flags=re.I)
    # "Kaupunginhallitus / Stadsstyrelsen § 201", "Kv / Sfm § 44",
    # "Kunnanhallitus – Kommunstyrelsen", "Stadsstyrelsen/Kaupunginhallitus":
    # the body in both languages; the first is the one read.
    before = _BOTH_LANGUAGES.split(before)[0]
    before = re.sub(r"[,/|]+", " ", before).strip(" :-–")
    words = before.split()
    words = [w for w in words if not _ALLOWED_WORDS.match(w.strip(":."))]
    if words:
        joined = " ".join(words)
        body = find_body(joined)
        if body and len(body.split()) >= len(words) - 0:
            h.body = body
        elif len(words) == 1 and _ABBR.match(words[0]):
            h.body = words[0].rstrip(".")
        elif m.group("b") and not after_clean.strip() and _title_like(joined):
            h.title = joined  # "Talousarvion muutos 12 §"
        else:
            return None
    rest = re.sub(r"^[\s,.:;–-]+", "", after_clean).strip()
    if rest:
        if not h.body:
            first = rest.split()[0].strip(",.:")
            if _ABBR.match(first) and len(first) <= 6 and (first.isupper() or first.lower() in vocab.ABBREVIATIONS):
                h.body = first
                rest = rest[len(rest.split()[0]):].strip(" ,.:;")
            else:
                b = find_body(rest)
                if b and rest.startswith(b) and len(rest) <= len(b) + 2:
                    h.body, rest = b, ""
        if rest:
            if not rest[:1].isupper() and not rest[:1].isdigit() and rest[:1] not in "\"“”'":
                return None  # "§ 74, 7.3.2017 § 95 … ovat liitteenä": prose
            if len(rest) > 250 or rest.endswith((".", ";")) and len(rest.split()) > 12:
                return None
            h.title = rest.strip(" ,;")
    return h


def _title_like(text: str) -> bool:
    t = text.strip()
    return bool(t) and (t[:1].isupper() or t[:1].isdigit()) and not t.endswith(".") and len(t.split()) <= 20


def _is_toc_line(text: str) -> bool:
    return len(SECTION.findall(text)) >= 2 or bool(re.search(r"§\s*\d+.*;", text))


def find_headings(lines: list[Line], meeting: Meeting, cover: set[int]) -> list[Heading]:
    """The item headings among the content lines, and earlier handlings
    marked as such."""
    heads: list[Heading] = []
    toc_page: int | None = None  # a page that a list of items ("Asialista") is on
    for i, line in enumerate(lines):
        if i in cover and toc_page is not None and line.page == toc_page:
            toc_page = None  # the cover after a contents page: the list is over
        if i in cover or _is_toc_line(line.text):
            continue
        lab0 = label_of(line.text)
        if toc_page is not None and line.page == toc_page and lab0 and lab0[0] not in ("toc", "section", "subject"):
            toc_page = None  # "SAMMANTRÄDESTID:", "Päätösehdotus": the list of items is over
        if lab0 and lab0[0] == "toc" and not lab0[2]:
            toc_page = line.page
            continue
        lab = label_of(line.text)
        if lab and lab[0] not in ("section", "meeting", "subject", "time", "place") and not line.is_heading:
            continue
        h = parse_heading(line.text, i)
        if h is None and line.kind == "row" and len(line.cells) >= 3:
            h = _row_heading(line, i)
        if h is not None:
            h.page = line.page
            if toc_page is not None and line.page == toc_page and vocab.opens_item([x.text for x in lines[i:i + 3]], 0):
                toc_page = None  # "Käsitellyt asiat" then the items themselves: the list has ended
            if toc_page is not None and line.page == toc_page:
                h.history = h.toc = True  # an entry of the list of items
                if h.title:
                    h.title = re.sub(r"\s+\d{1,3}$", "", h.title)  # its page number
                    meeting.toc.setdefault(h.section, h.title)
            heads.append(h)
    for h in heads:
        if h.body:
            h.body_full = vocab.expand_abbreviation(h.body, meeting.org_kind, meeting.bodies) \
                if h.body == h.body.split()[0] and not vocab.BODY.search(h.body) else h.body
            if h.body_full is None:
                h.body_full = _known_body(h.body, meeting) or h.body
    _mark_list_of_items(heads, meeting)
    _mark_history(heads, meeting)
    return heads


def _mark_list_of_items(heads: list[Heading], meeting: Meeting) -> None:
    """A run of three or more headings on consecutive lines is a list of the
    meeting's items (a cover page or a table of contents), not the items:
    their titles are kept for the items, and they are left out."""
    run: list[Heading] = []

    def close() -> None:
        # "Kunnanhallitus … § 61 / KUNNANHALLITUS 61 § / KOMMUNSTYRELSEN 61 §":
        # one item's heading in two languages, not a list.
        if len(run) >= 3 and len({h.section for h in run}) > 1:
            for h in run:
                h.history = True
                h.toc = True
                if h.title:
                    meeting.toc.setdefault(h.section, h.title)

    for h in heads:
        listed = bool(h.title or h.body or h.date)  # a bare "§ 75" is an item's own heading
        if run and listed and h.index == run[-1].index + 1:
            run.append(h)
        else:
            close()
            run = [h] if listed else []
    close()


def _row_heading(line: Line, i: int) -> Heading | None:
    """A table row "Kaupunginhallitus | 190 | 24.04.2017 | …": the item as
    a history table lists it."""
    body = None
    section = None
    d = None
    for cell in line.cells:
        c = cell.strip()
        if not body and find_body(c) == c:
            body = c
        elif section is None and re.fullmatch(r"§?\s*\d{1,4}\s*§?", c):
            section = re.sub(r"\D", "", c)
        elif d is None and parse_date(c):
            d = parse_date(c)
    if body and section and d:
        return Heading(index=i, section=str(int(section)), body=body, date=d)
    return None


def _known_body(abbr: str, meeting: Meeting) -> str | None:
    for b in meeting.bodies:
        if b.casefold() == abbr.casefold():
            return b
    return None


def _same_body(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return a.casefold().replace("-", " ") == b.casefold().replace("-", " ")


def _mark_history(heads: list[Heading], meeting: Meeting) -> None:
    """The document's own items are the § lines of its meeting: the body and
    date its header names (else those of its first heading that has them).
    Others, inside an item, are its earlier handlings."""
    if not heads:
        return
    body = meeting.body
    day = meeting.date
    if meeting.date_from not in ("header", "cover"):
        day = None
    if body is None and day is None:
        # No header says which meeting this is: the latest handling a heading
        # names is the document's own (a KTweb page lists the case's
        # handlings, its own last); the others are earlier handlings.
        dated = [h for h in heads if h.date and not h.toc]
        if dated:
            latest = max(dated, key=lambda h: h.date or date.min)
            body, day = latest.body_full, latest.date
    if body is None:
        # The body of the headings on the meeting's day (a council's items
        # follow the board's earlier handling of each), else of the undated
        # ones, else the first.
        # An undated heading is the meeting's own ("Kh § 252"), a dated one
        # of another day an earlier handling ("Tekla 10.09.2024 § 62").
        body = next((h.body_full for h in heads if h.body_full and day is not None and h.date == day), None) \
            or next((h.body_full for h in heads if h.body_full and day is not None and h.date is None), None) \
            or next((h.body_full for h in heads if h.body_full), None)
    if day is None:
        # The meeting is the latest the body's headings name: an extract
        # repeats the case's earlier handlings above its own.
        own = [h.date for h in heads if h.date and not h.toc
               and (body is None or h.body_full is None or _same_body(h.body_full, body))]
        day = max(own) if own else None
    seen: set[str] = set()
    for h in heads:
        if h.toc:
            continue
        other_body = h.body_full is not None and body is not None and not _same_body(h.body_full, body)
        earlier = h.date is not None and day is not None and h.date < day
        if other_body or earlier:
            h.history = True
            continue
        if h.section in seen:
            h.history = True  # the same § again (a breadcrumb, a repeated heading)
            continue
        seen.add(h.section)


# --- titles --------------------------------------------------------------------------------------

def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def is_title_line(line: Line) -> bool:
    t = line.text.strip()
    if not t or len(t) > 250:
        return False
    lab = label_of(t)
    if lab and lab[2] and _caps(t) and not lab[3]:
        lab = None  # "REDOGÖRELSE FÖR INVÅNARVALEN …": a title in capitals that starts with a label's word
    if lab and lab[0] == "subject" and not lab[2]:
        return False  # "Asia", "Ärende/Asia": the label of the title below it
    if lab and (lab[2] or lab[0] not in ("subject", "signing", "toc", "time", "place", "present", "meeting")):
        return False  # "PÖYTÄKIRJAN TARKASTUS" alone is an item's title; "Päätös" is not
    if vocab.FURNITURE.match(t) or case_id_only(t) or date_only(t):
        return False
    if t.endswith((".", ":")) and not _caps(t) and not line.is_heading and not line.bold:
        return False
    if re.match(r"^(?:[-–•*]|\d+\)|\d+\.\s)", t) and not line.is_heading:
        return False
    return t[:1].isupper() or t[:1].isdigit() or t[:1] in "\"“”'"


def case_id_only(text: str) -> bool:
    t = text.strip()
    t = re.sub(r"^(?:dno|dnro|dnr|diaarinumero|diarienummer|asianumero|asiatunnus)\s*:?\s*", "", t, flags=re.I)
    c = CASE_ID.search(t)
    if not c:
        return False
    rest = (t[: c.start()] + t[c.end():]).strip(" ,;:")
    rest = re.sub(r"^T(?:\s\d\d){3,4}$", "", rest)
    return not rest


def date_only(text: str) -> bool:
    t = text.strip()
    d = ANY_DATE.search(t)
    if not d:
        return False
    rest = (t[: d.start()] + t[d.end():]).strip()
    rest = re.sub(rf"\b{_WEEKDAY}\b\.?|{_TIME}", "", rest, flags=re.I).strip(" ,;:")
    return not rest or find_body(rest) == rest


_SV_FUNCTION = {"av", "för", "och", "till", "om", "på", "med", "vid", "inom", "i", "en", "ett", "den", "det",
                "från", "under", "över", "samt", "enligt", "stadens", "kommunens"}


def looks_swedish(text: str) -> bool:
    words = set(re.findall(r"[a-zåäö]+", text.lower()))
    return bool(words & _SV_FUNCTION) or "å" in text.lower()


def _looks_finnish(text: str) -> bool:
    """A Finnish case ending on a long word ("talvikunnossapidon",
    "rakennusjärjestyksestä"): the line is Finnish, not a Swedish title's
    wrapped end."""
    words = [w for w in re.findall(r"[a-zåäö]+", text.lower()) if len(w) > 5]
    return any(w.endswith(vocab._FI_ENDINGS + ("don", "den", "nnan", "an", "än")) for w in words)


def continues_title(prev: str, line: Line) -> bool:
    """A title wrapped onto the next line: the next line starts in lower
    case (or the title ends with a hyphen, a slash, a comma or a
    conjunction), and is not a label or a sentence."""
    t = line.text.strip()
    if not t or label_of(t) or case_id_only(t) or len(t) > 160:
        return False
    if looks_swedish(t) and not looks_swedish(prev):
        return False  # a bilingual title: the Swedish line after the Finnish one
    if looks_swedish(prev) and not looks_swedish(t) and _looks_finnish(t):
        return False  # … and the Finnish line after the Swedish one
    if prev.endswith(("-", "/", ",", "–")) or re.search(r"\b(?:ja|sekä|tai|och|eller|samt)$", prev, re.I):
        return True
    if _caps(prev) and _caps(t):
        return True
    if t[:1].isdigit() and len(t.split()) <= 3 and not date_only(t) and not re.match(r"^\d+[.)]\s", t):
        return True  # "… läsåret" / "2022–2023" (not "1. Edustukset", a list)
    return t[:1].islower() and not t.endswith(".") or (t[:1].islower() and len(t.split()) <= 4)


def join_title(parts: list[str]) -> str:
    from ...text import hyphen_kept

    out = parts[0].strip()
    for p in parts[1:]:
        p = p.strip()
        if out.endswith("-") and p[:1].isalpha():
            left = out[:-1].rsplit(" ", 1)[-1]
            out = out if hyphen_kept(left, p.split(" ", 1)[0]) else out[:-1]
            out = out + p
        else:
            out = out + " " + p
    return " ".join(out.split())
