"""Page furniture and the meeting around the items.

Minutes repeat a header on every page (the organisation, "Pöytäkirja
3/2024", the body, the date, "Sivu 4 (12)") and put signature boxes and
certifications at the foot.  Whatever repeats on several pages, or has the
shape of a page number or a certification, is furniture: it is left out of
the items, and read once for what it says about the meeting.  A cover page
(Aika, Paikka, Saapuvilla olleet, Käsitellyt asiat) says the same things
more fully."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..doc import Document, Line
from . import vocab
from .vocab import FURNITURE, MINUTES_WORDS, label_of, parse_date


@dataclass
class Meeting:
    """What the document says about the meeting (or the decision) as a
    whole; each value with where it came from."""

    organisation: str | None = None  # "Rauman kaupunki", "Länsi-Uudenmaan hyvinvointialue"
    org_kind: str | None = None  # kaupunki, kunta, stad, kommun, hyvinvointialue, kuntayhtymä …
    municipality: str | None = None
    body: str | None = None
    date: date | None = None
    date_from: str = ""  # "header", "cover", "metadata", "file name"
    doc_type: str | None = None  # pöytäkirja, esityslista, päätös, protokoll …
    presenter: str | None = None  # the cover's "…, esittelijä"
    officials: dict[str, str] = field(default_factory=dict)  # the cover's "Name, title": title -> name
    toc: dict[str, str] = field(default_factory=dict)  # § -> title, from the cover's list of items
    section: str | None = None  # the § a header table gives ("Kokouspäivämäärä  Pykälä  Sivu" over its values)
    bodies: list[str] = field(default_factory=list)  # every body the document names in full
    language: str | None = None
    cover: set[int] = field(default_factory=set)  # indexes of the content lines that are the cover page


# --- furniture ------------------------------------------------------------------------

# The parts of a running header that change from page to page.
_PAGE_NO = re.compile(r"\b\d{1,4}\s*\(\s*\d{1,4}\s*\)|\b\d{1,4}\s*\(\s*\)\s*\d{1,4}"  # "4 (12)", pypdf's "4 ( )12"
                      r"|(?<![\d/])\d{1,4}\s*/\s*\d{1,4}(?![\d/])"
                      r"|\b(?:sivu|sida|page|s\.)\s*\d{1,4}", re.I)
_DIGITS = re.compile(r"\d+")


def _key(text: str) -> str:
    t = re.sub(r"\s+", " ", text.strip().casefold())
    if vocab.SECTION.search(t) or vocab.case_id_in(text):
        return ""  # a § heading or a case id is never furniture
    lab = label_of(text)
    if lab and lab[0] not in ("signing", "time", "place", "meeting", "date"):
        return ""  # "Föredragande X" under every item is the items' own
    t = _PAGE_NO.sub("#", text.strip().casefold())
    # "KUNNANHALLITUS      16.09.2024      3": a page number in a column of its own
    t = re.sub(r"(?<=\S)\s{3,}\d{1,4}\s*$", " #", t)
    return re.sub(r"\s+", " ", t)


def split_furniture(doc: Document) -> tuple[list[Line], list[str]]:
    """(content lines, header lines of the first page).  Running headers
    and footers (repeated with only their numbers changing), page numbers
    and certification lines are left out."""
    lines = doc.lines
    if not lines:
        return [], []
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        pages.setdefault(line.page, []).append(i)
    if len(pages) == 1 and len(lines) > 12:
        _infer_pages(lines)
        pages = {}
        for i, line in enumerate(lines):
            pages.setdefault(line.page, []).append(i)
    running: set[str] = set()
    if len(pages) >= 2:
        seen_on: dict[str, set[int]] = {}
        for page, idx in pages.items():
            edge = idx[:4] + idx[-3:]
            for i in edge:
                seen_on.setdefault(_key(lines[i].text), set()).add(page)
        n = len(pages)
        need = 2 if n <= 3 else max(2, (n * 6 + 9) // 10)

        def repeated(k: str, on: set[int]) -> bool:
            # A sentence ("sen keskustelun jälkeen.") that ends two items on
            # two pages is the items' own: sentences must be on nearly all.
            sentence = k.endswith(".") and len(k.split()) > 2
            return bool(k) and len(on) >= (max(need, (n * 8 + 9) // 10) if sentence else need)

        running = {k for k, ps in seen_on.items() if repeated(k, ps)}
    first_page = min(pages)
    header: list[str] = []
    content: list[Line] = []
    for page, idx in sorted(pages.items()):
        top = True
        for n, i in enumerate(idx):
            line = lines[i]
            k = _key(line.text)
            is_running = k in running and (n < 4 or n >= len(idx) - 3)
            if (n < 3 or n >= len(idx) - 2) and re.fullmatch(r"\s*[-–]?\s*\d{1,3}\s*[-–]?\s*", line.text):
                is_running = True  # a page number on a line of its own
            if is_running or FURNITURE.match(line.text.strip()) or _is_page_header(line.text):
                if page == first_page and (top or is_running) and not FURNITURE.match(line.text.strip()):
                    header.append(line.text.strip())
                continue
            top = False
            content.append(line)
    if content and doc.kind != "html":
        # A header printed once (a one-page document, an extract): the lines
        # before the first item heading that name the organisation, the
        # document, or the body and the date.  They stay in the content.
        for line in content[:4]:
            t = line.text.strip()
            if vocab.SECTION.search(t) and not _is_page_header(t):
                break  # the first item's heading: its date is the item's, not the document's
            if MINUTES_WORDS.search(t) or _org_in(t) or (find_body(t) and parse_date(t) and len(t.split()) <= 8):
                if t not in header:
                    header.append(t)
    return content, header


def _infer_pages(lines: list[Line]) -> None:
    """Text without form feeds (pdftotext -nopgbrk, a copy from a viewer):
    a line that repeats the first line's shape starts a new page."""
    first = _key(lines[0].text)
    if not first or not _DIGITS.search(lines[0].text) and not MINUTES_WORDS.search(lines[0].text):
        return
    page = 0
    for i, line in enumerate(lines):
        if i and _key(line.text) == first:
            page += 1
        line.page = page


_PAGE_HEADER = re.compile(
    r"^.*\b(?:pöytäkirja|esityslista|kokouskutsu|protokoll|föredragningslista|kallelse|ote pöytäkirjasta|pöytäkirjanote)\b.*"
    r"(?:\d+\s*\(\s*\d+\s*\)|\d+\s*\(\s*\)\s*\d+|\d+\s*/\s*\d+|sivu\s*\d+|sida\s*\d+)\s*$",
    re.I,
)


def _is_page_header(text: str) -> bool:
    return bool(_PAGE_HEADER.match(text.strip()))


# --- organisation, body, date -------------------------------------------------------------

_ORG = re.compile(
    r"(?P<org>"
    # Seinäjoen koulutuskuntayhtymä, Keski-Pohjanmaan koulutusyhtymä, Kainuun liitto
    r"(?P<ky>(?:[A-ZÅÄÖ][\w-]*n\s+){1,2}(?:[a-zåäö][\w-]*n\s+)?(?:[a-zåäö-]*yhtymä|liitto|sairaanhoitopiiri))"
    r"|(?P<gen>[A-ZÅÄÖ][\w-]*n)\s+(?P<kind>kaupunki|kunta|kaupungin|kunnan|hyvinvointialue|kuntayhtymä|seutukunta)"
    r"|(?:Kuntayhtymä|Hyvinvointialue|Samkommunen|Välfärdsområdet) [A-ZÅÄÖ][\w-]+"
    r"|(?:[A-ZÅÄÖ][\w-]*n\s+ja\s+)?[A-ZÅÄÖ][\w-]+\s+(?:hyvinvointialue|välfärdsområde)"  # Vantaan ja Keravan …
    r"|[A-ZÅÄÖ][\w-]+\s+samkommun"  # Kårkulla samkommun
    r"|(?P<sv>[A-ZÅÄÖ][\w:]*s)\s+(?P<svkind>stad|kommun)"
    r"|(?:Helsingfors|Närpes|Vörå|Korsnäs|Larsmo|Malax|Kronoby|Pargas|Esbo|Borgå|Grankulla|Lovisa|Hangö"
    r"|Raseborg|Sibbo|Ingå|Kyrkslätt|Vasa|Korsholm|Kimitoön|Kristinestad|Nykarleby|Jakobstad|Pedersöre)"
    r"\s+(?P<svkind2>stad|kommun)"
    r")\b"
)


def _org_in(text: str) -> re.Match[str] | None:
    m = _ORG.search(text)
    if m:
        return m
    # "RAUMAN KAUPUNKI", "JAKOBSTADS STAD": headers in capitals (alone, or
    # in a column of a header line "VÖRÅ KOMMUN    PROTOKOLL    Nr 2/2023").
    for part in [text] + re.split(r"\s{2,}|\t", text.strip()):
        if part.isupper():
            m = _ORG.search(_title_case(part))
            if m:
                return m
    return None


def _title_case(text: str) -> str:
    low = text.lower()
    low = low[:1].upper() + low[1:]
    # "KESKI-POHJANMAAN" -> "Keski-Pohjanmaan": a region's name after its compass word
    return re.sub(r"\b(Keski|Etelä|Pohjois|Itä|Länsi|Varsinais|Kanta|Päijät|Lounais|Sisä|Ylä|Ala)-([a-zåäö])",
                  lambda m: f"{m.group(1)}-{m.group(2).upper()}", low)


def organisation(texts: list[str]) -> tuple[str | None, str | None, str | None]:
    """(organisation as written, its kind, the municipality) from header
    lines: "Rauman kaupunki" -> ("Rauman kaupunki", "kaupunki", "Rauma");
    "JAKOBSTADS STAD" -> ("Jakobstads stad", "stad", "Jakobstad");
    "Länsi-Uudenmaan hyvinvointialue" -> (…, "hyvinvointialue", itself)."""
    from ...names import from_swedish_org

    for text in texts:
        m = _org_in(text)
        if not m:
            continue
        org = m.group("org")
        if m.group("ky"):
            return org, "kuntayhtymä", org
        if m.group("kind"):
            kind = m.group("kind").lower()
            kind = {"kaupungin": "kaupunki", "kunnan": "kunta"}.get(kind, kind)
            org = f"{m.group('gen')} {kind}"
            if kind in ("kaupunki", "kunta"):
                return org, kind, municipality_from_genitive(m.group("gen"))
            return org, kind, org
        if m.group("svkind") or m.group("svkind2"):
            kind = (m.group("svkind") or m.group("svkind2")).lower()
            return org, kind, from_swedish_org(org)
        kind = "hyvinvointialue" if re.search(r"hyvinvointialue|välfärdsområde", org, re.I) else "kuntayhtymä"
        return org, kind, org
    return None, None, None


def _tagged_presenter(values: list[str]) -> str | None:
    """The person an attendance list tags as presenting: "Jussi Lehto,
    kunnanjohtaja, esittelijä"; "Kfge:s ordf. Lena Grannas, kommundirektör
    Mikael Finne, föredragande"; "Vainionpää Leena   kunnanjohtaja,
    esittelijä"; "Storbacka Henrik  teknisk direktör, föredragande /
    tekninen johtaja, esittelijä"."""
    for k, value in enumerate(values):
        for entry in value.split(";"):
            tag = re.search(r"\b(?:esittelijä|föredragande)\b", entry, re.I)
            if not tag:
                continue
            before = entry[:tag.start()]
            if not before.strip(" ,") and k > 0:
                before = values[k - 1].split(";")[-1]  # the tag wrapped onto the next line
            parts = [p.strip() for p in re.split(r",", " ".join(before.split())) if p.strip()]
            parts = [p for p in parts if p not in ("/",)]
            while parts and (parts[-1].islower() or parts[-1].startswith("/")):
                title = parts.pop()
                if parts and not parts[-1].islower():
                    return f"{parts[-1]}, {title.strip(' /')}"
            if parts:
                return parts[-1]
    return None


def municipality_from_genitive(gen: str) -> str:
    """"Rauman" -> "Rauma", "Kurikan" -> "Kurikka", "Seinäjoen" ->
    "Seinäjoki", "Jämsän" -> "Jämsä": the municipality whose genitive it
    is, checked against the list of municipalities (consonant gradation
    makes the rules alone guess wrong)."""
    from ...names import municipality_of_genitive
    from ..pdf import base_from_genitive

    word = gen.strip()
    return municipality_of_genitive(word) or base_from_genitive(word) or word[:-1]


_BODY_HEAD = re.compile(
    r"(?:valtuusto|hallitus|lautakunta|jaosto|johtokunta|toimikunta|neuvosto|valiokunta|fullmäktige|styrelsen"
    r"|styrelse|nämnden|nämnd|sektionen|sektion|direktionen|direktion|utskottet|jaos)$",
    re.I,
)
_STOP = re.compile(r"^(?:pöytäkirja\w*|esityslista\w*|protokoll\w*|ote|utdrag|kokous|sammanträde|päätös|beslut"
                   r"|kaupunki|kunta|stad|kommun|sivu|sida|§|\d.*)$", re.I)


def find_body(text: str) -> str | None:
    """The first body named in ``text``: "Tekninen lautakunta 12.03.2024"
    -> "Tekninen lautakunta"; "Kasvatus- ja opetuslautakunta" as it is;
    "FOSTRANS- OCH UTBILDNINGSNÄMNDENS SVENSKA SEKTION" in its capitals
    made readable."""
    t = re.sub(r"(?<=[a-zåäö])(?=\d)", " ", text)  # "sektion16.11.2021"
    t = re.sub(r"(?<=[a-zåäö])/(?=[A-ZÅÄÖ])", " / ", t)  # "Stadsstyrelsen/Kaupunginhallitus"
    if t.isupper():
        t = t[:1] + t[1:].lower()
    words = t.replace(",", " , ").split()
    for i, w in enumerate(words):
        if not _BODY_HEAD.search(w.strip(".:;")):
            continue
        start = i
        j = i - 1
        while j >= 0 and i - j <= 5:
            prev = words[j]
            if prev == "," or _STOP.match(prev.strip(".:")):
                break
            start = j
            j -= 1
        span = words[start:i + 1]
        # The name starts with a capital (or is a single word).
        while len(span) > 1 and not span[0][:1].isupper():
            span = span[1:]
        # "Helsingfors stadsstyrelse", "Helsingin kaupunginhallitus": the
        # municipality's name before the body is not part of it.
        while len(span) > 1 and _municipality_word(span[0]):
            span = span[1:]
        if span and (span[0][:1].isupper() or len(span) == 1):
            name = " ".join(span).strip(".:;")
            if name.isupper():
                name = name[:1] + name[1:].lower()
            return name[:1].upper() + name[1:]
    return None


def _municipality_word(word: str) -> bool:
    from ...names import MUNICIPALITIES, municipality_of_genitive

    w = word.strip(".,:;").lower()
    return w in MUNICIPALITIES or (w.endswith("s") and w[:-1] in MUNICIPALITIES) \
        or municipality_of_genitive(w) is not None


def swedish_definite(body: str) -> str:
    """"Stadsstyrelse" -> "Stadsstyrelsen": Swedish minutes name a body in
    its definite form (the form a heading uses)."""
    for indef, definite in (("styrelse", "styrelsen"), ("nämnd", "nämnden"), ("sektion", "sektionen"),
                            ("direktion", "direktionen"), ("utskott", "utskottet")):
        if body.lower().endswith(indef):
            return body + definite[len(indef):]
    return body


def meeting_from(doc: Document, header: list[str], content: list[Line]) -> Meeting:
    """The meeting as the header, the cover page, the title and the file
    name state it."""
    m = Meeting()
    texts = header + [line.text for line in content[:6]] + ([doc.title] if doc.title else []) + doc.furniture
    m.organisation, m.org_kind, m.municipality = organisation(texts)
    for text in header + ([doc.title] if doc.title else []) + doc.furniture:
        if not m.body:
            b = find_body(text)
            if b:
                m.body = b
        if not m.date:
            d = parse_date(text)
            if d:
                m.date, m.date_from = d, "header"
        if not m.doc_type:
            dt = MINUTES_WORDS.search(text)
            if dt:
                m.doc_type = dt.group(0).lower()
    if not m.body:
        # A page that names its body alone on a line above the first item
        # (Dynasty's "Kaupunginhallitus" heading).
        for line in content[:8]:
            t = line.text.strip()
            if vocab.SECTION.search(t):
                break
            if find_body(t) == t and len(t.split()) <= 5:
                m.body = t
                break
            b = find_body(t)
            if b and line.kind != "row" and t.casefold().startswith(b.casefold()) and parse_date(t) \
                    and not _DIGITS.sub("", re.sub(r"\d{1,2}\.\d{1,2}\.\d{4}", "", t[len(b):])).strip(" .,:–-"):
                m.body = b  # "Aluehallitus 14.3.2022": the body and the meeting's day, nothing else
                break
    _read_header_table(m, [ln.text for ln in doc.lines[:12]])
    _read_cover(m, content)
    m.bodies = _bodies(doc, header)
    return m


def _bodies(doc: Document, header: list[str]) -> list[str]:
    out: list[str] = []
    for text in header + [line.text for line in doc.lines[:400]]:
        for piece in re.split(r"[;|]", text):
            b = find_body(piece)
            if b and b not in out and len(b) < 80:
                out.append(b)
    return out


_TOC_ENTRY = re.compile(r"(?:§\s*(\d{1,4})|(\d{1,4})\s*§)\s+(.+?)(?=\s*(?:;|§\s*\d|\d{1,4}\s*§)|$)")


_COLUMN_HEADS = re.compile(r"\b(?P<section>pykälä|paragraf|§)(?=\s|$)|\b(?P<date>kokouspäivämäärä|kokouspäivä|päivämäärä"
                           r"|sammanträdesdatum|datum)\b|\b(?:sivu|sida|toimielin|organ)\b", re.I)


def _read_header_table(m: Meeting, texts: list[str]) -> None:
    """A Word template's header table: a line of column heads
    ("Kokouspäivämäärä   Pykälä   Sivu") and, a line or two below, the
    values in the same columns ("Hallitus   14.03.2024   23   1")."""
    for i, head in enumerate(texts):
        heads = list(_COLUMN_HEADS.finditer(head))
        if len(heads) < 2 or not any(h.group("section") for h in heads):
            continue
        for row in texts[i + 1:i + 4]:
            for h in heads:
                if not (h.group("section") or h.group("date")):
                    continue
                cell = re.match(r"\s*(\S+)", row[h.start():]) if len(row) > h.start() else None
                start_ok = cell and (h.start() == 0 or row[h.start() - 1:h.start()].isspace())
                if not (cell and start_ok):
                    continue
                value = cell.group(1)
                if h.group("section") and re.fullmatch(r"§?\d{1,4}§?", value) and m.section is None:
                    m.section = value.strip("§")
                elif h.group("date") and not m.date:
                    d = parse_date(value)
                    if d:
                        m.date, m.date_from = d, "header"
            if m.section:
                return


def _read_cover(m: Meeting, content: list[Line]) -> None:
    """Aika/Tid for the date, Saapuvilla olleet or Esittelijä for the
    presenter, Toimielin/Organ for the body, the list of items for titles.
    Cover fields are labelled lines (the label and its value on one line,
    continued on the lines after) before the first item: on the first page,
    or after a table of contents."""
    if not content:
        return
    from .fields import _label_on

    fields: list[tuple[str, list[str]]] = []
    cover_kinds = ("time", "place", "present", "toc", "signing", "presenter", "body")
    for i, ln in enumerate(content[:160]):
        if fields and i > 0 and ln.page != content[i - 1].page and any(f != "toc" for f, _v in fields):
            break  # the cover page ended (a contents page may come before it)
        t = ln.text.strip()
        lab = _label_on(ln, True)
        if not fields and (i > 25 or vocab.SECTION.search(t) and not lab):
            break  # a cover comes first (or right after a contents page)
        if lab and lab[0] == "presenter" and not fields:
            lab = None  # "Esittelijä …" before any cover field is an item's
        if lab and lab[0] in cover_kinds:
            fields.append((lab[0], [lab[2]] if lab[2] else []))
            m.cover.add(i)
            continue
        if lab and fields and lab[0] not in ("date", "meeting"):
            break  # a label of an item: the cover is over
        if lab and lab[0] in ("date", "meeting") and fields:
            fields.append((lab[0], [lab[2]] if lab[2] else []))
            m.cover.add(i)
            continue
        if fields and not lab and (ln.text.startswith((" ", "\t")) or fields[-1][0] in
                                   ("present", "toc", "signing", "presenter")):
            if fields[-1][0] == "toc" and vocab.SECTION.search(t) \
                    and vocab.opens_item([x.text for x in content[i:i + 3]], 0):
                break  # "Käsitellyt asiat" and then the items themselves
            if fields[-1][0] == "toc" and fields[-1][1] and not vocab.SECTION.search(t) \
                    and not re.search(r"\d", t) and (ln.kind == "row" or ln.bold or ln.is_heading):
                break  # after "Käsitellyt asiat  § 251 - § 254": the first item's title
            if fields[-1][0] == "toc" or not vocab.SECTION.search(t):
                if fields[-1][0] == "presenter" and len(fields[-1][1]) >= 1:
                    fields.append(("other", []))
                    continue
                fields[-1][1].append(t)
                m.cover.add(i)
                continue
        if fields and vocab.SECTION.search(t) and fields[-1][0] != "toc":
            break
        if fields and i > 0 and ln.page != content[i - 1].page:
            break  # the cover page ended
    for name, values in fields:
        text = " ".join(values)
        text = re.sub(r"(\w)- (\w)", r"\1\2", text)
        if name in ("time", "date", "meeting"):
            # The cover's "Aika" is the meeting's; a header's date may be the
            # day an agenda was sent.
            d = parse_date(text)
            if d:
                m.date, m.date_from = d, "cover"
        if name in ("present", "presenter", "signing"):
            for value in values:
                for part in value.split(";"):
                    pm = re.match(r"^\s*([A-ZÅÄÖ][\w-]+(?:\s+[A-ZÅÄÖ][\w-]+){1,3})\s*,\s*([a-zåäö][\w -]{2,40}?)"
                                  r"(?:,|$)", part)
                    if pm:
                        m.officials.setdefault(pm.group(2).strip().lower(), pm.group(1))
        if name == "present" and not m.presenter:
            m.presenter = _tagged_presenter(values)
        elif name == "presenter" and not m.presenter and text:
            # "Esittelijä Juha Viitala, kunnanjohtaja", "Föredragande
            # Stadsdirektör Mats Nyström", bilingual "… / stadsdirektör".
            m.presenter = text.split(" / ")[0].strip()
        elif name == "body" and not m.body and text:
            b = find_body(text.split(" / ")[0])
            if b:
                m.body = b
        elif name == "toc":
            for mm in _TOC_ENTRY.finditer(text):
                m.toc[mm.group(1) or mm.group(2)] = mm.group(3).strip(" ;.")
