"""Municipal annual reports (tilinpäätös with its toimintakertomus) as PDF:
one :class:`AnnualReport` per file.  Reference: Kauhava, tilinpäätös 2024
(``annual-reports/`` in the corpus, 158 pages).

Detected by content: "tilinpäätös" / "toimintakertomus" on the first pages,
a table of contents with dot leaders, and at least ten pages.

- organisation: the body as the report names itself in the nominative
  ("Kauhavan kaupunki"); municipality: its base name ("Kauhava", derived).
- year: the financial year from the title ("Tilinpäätös 2024"), not the year
  of signing.
- sections: the entries of the table of contents ("1.1.1 Kaupunginjohtajan
  katsaus vuoteen 2024", and unnumbered sub-entries such as the subsidiaries
  and committees), each with the text from its heading in the body to the next
  heading.  Running headers and footers ("Tilinpäätös 2024", "5/157") are
  removed first.
- funded projects: how annual reports actually write them -- "X -hanke",
  "X-hankkeen", "kolme hanketta (A, B, C)", a project sub-heading followed by
  "… avustuksella", and "Name (FUNDER)" (extract_projects).  Funder and amount
  only when the same sentence or paragraph states them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..models import AnnualReport, FundedProject, Section, Source, stable_id
from ..text import join_lines, one_line
from ..projects import normalise_funders, parse_amounts, project_key, years_in
from ..i18n import Msg
from .common import IngestResult, extract_projects
from .funding import stage_of

FORMAT = "annual-report-pdf"
MIN_PAGES = 10

_KIND = re.compile(r"tilinpäätös|toimintakertomus|vuosikertomus|bokslut|verksamhetsberättelse", re.I)
_TOC_LINE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4}\.?)?\s*(?P<title>\S.*?)\s*\.{4,}\s*(?P<page>\d{1,4})\s*$")
_TITLE = re.compile(
    r"^(?P<t>(?:Tilinpäätös(?: ja toimintakertomus)?|Toimintakertomus(?: ja tilinpäätös)?|Vuosikertomus"
    r"|Bokslut|Verksamhetsberättelse)\s+(?:vuodelta\s+|för\s+år\s+)?(?P<y>(?:19|20)\d{2}))\b",
    re.I,
)
_PAGE_NO = re.compile(r"^(?:sivu\s*)?(\d{1,4})\s*(?:/\s*\d{1,4}|\(\s*\d{1,4}\s*\))?$", re.I)


def looks_like(doc) -> bool:
    if doc.page_count < MIN_PAGES:
        return False
    head = doc.pages(8)
    if not _KIND.search("\n".join(head[:4])):
        return False
    toc = sum(1 for p in head for line in p.split("\n") if _TOC_LINE.match(one_line(line)))
    return toc >= 5


def parse(path: Path, data: bytes) -> IngestResult | None:
    from .pdf import load

    doc = load(data)
    if not looks_like(doc):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    raw_pages = doc.pages()
    title, year = _title_year(raw_pages)
    pages, offset = _strip_running(raw_pages)
    toc, toc_pages = _toc(pages)
    if not toc:
        result.warn(Msg("ingest_annual_no_toc"))
    sections, missing, raw_sections = _sections(pages, toc, toc_pages, offset)
    if missing:
        result.warn(Msg("ingest_annual_toc_missing", n=len(missing),
                        headings="; ".join(missing[:5]) + ("…" if len(missing) > 5 else "")))
    organisation, municipality = _organisation(pages)
    derived: list[str] = []
    if municipality:
        derived.append("municipality")
    if year is None:
        result.warn(Msg("ingest_annual_no_year"))
    projects = funded_projects(raw_sections)
    source = Source(path=str(path), format=FORMAT, page=1, record=0)
    rec = AnnualReport(
        organisation=organisation,
        municipality=municipality,
        year=year,
        title=title,
        sections=sections,
        funded_projects=projects,
        derived=derived,
        source=source,
    )
    rec.id = stable_id(source, 0)
    result.records.append(rec)
    return result


# --- title, year, organisation ----------------------------------------------------------------


def _title_year(pages: list[str]) -> tuple[str | None, int | None]:
    for text in pages[:8]:
        for line in text.split("\n")[:15]:
            m = _TITLE.match(one_line(line))
            if m:
                return one_line(m.group("t")), int(m.group("y"))
    # "tilikausi 1.1.–31.12.2024"
    years = Counter(re.findall(r"tilikau\w*\s+(?:1\.1\.\s*[-–]\s*31\.12\.)?((?:19|20)\d{2})", "\n".join(pages[:10]), re.I))
    return None, int(years.most_common(1)[0][0]) if years else None


def _organisation(pages: list[str]) -> tuple[str | None, str | None]:
    """The municipality the report is about: the "<X>n kaupunki/kunta" named
    most often (in any case form)."""
    from .pdf import base_from_genitive

    text = "\n".join(pages)
    counts: Counter[tuple[str, str]] = Counter()
    for m in re.finditer(r"\b([A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)?n)\s+(kaupun|kun[nt])\w*", text):
        counts[(m.group(1), "kaupunki" if m.group(2) == "kaupun" else "kunta")] += 1
    if not counts:
        return None, None
    (gen, kind), _ = counts.most_common(1)[0]
    organisation = f"{gen} {kind}"
    return organisation, base_from_genitive(gen)


# --- running headers and footers -----------------------------------------------------------------


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", one_line(line)).lower()


def _strip_running(pages: list[str]) -> tuple[list[str], int | None]:
    """Remove lines that repeat at the top or bottom of most pages
    ("Tilinpäätös 2024", "5/157").  Returns the pages and the offset from the
    printed page number to the PDF page index, where the pages are numbered."""
    edge: Counter[str] = Counter()
    split = [[one_line(x) for x in p.split("\n")] for p in pages]
    for lines in split:
        nonblank = [x for x in lines if x]
        for x in set(nonblank[:4] + nonblank[-3:]):
            edge[_norm(x)] += 1
    limit = max(3, len(pages) * 0.3)
    running = {k for k, n in edge.items() if n >= limit}
    offsets: Counter[int] = Counter()
    out = []
    for index, lines in enumerate(split):
        nonblank_idx = [i for i, x in enumerate(lines) if x]
        edges = set(nonblank_idx[:4] + nonblank_idx[-3:])
        kept = []
        for i, x in enumerate(lines):
            if i in edges and x:
                m = _PAGE_NO.match(x)
                if m:
                    offsets[index - int(m.group(1))] += 1
                    continue
                if _norm(x) in running:
                    continue
            kept.append(x)
        out.append("\n".join(kept))
    offset = offsets.most_common(1)[0][0] if offsets else None
    return out, offset


# --- table of contents and sections --------------------------------------------------------------------


def _toc(pages: list[str]) -> tuple[list[tuple[str | None, str, int]], list[int]]:
    entries: list[tuple[str | None, str, int]] = []
    toc_pages: list[int] = []
    for index, text in enumerate(pages[:12]):
        lines = [x for x in text.split("\n") if x.strip()]
        found = False
        pending = ""
        for line in lines:
            m = _TOC_LINE.match(one_line(pending + " " + line if pending else line))
            if m:
                title = one_line(m.group("title")).strip(" .")
                if title:
                    entries.append((m.group("num").rstrip(".") if m.group("num") else None, title, int(m.group("page"))))
                found = True
                pending = ""
            elif found or re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S", line):
                # A title that wraps before its dot leaders.
                pending = (pending + " " + line).strip() if len(pending) < 200 else ""
        if found:
            toc_pages.append(index)
        elif toc_pages:
            break
    return entries, toc_pages


def _key(s: str) -> str:
    return re.sub(r"[^0-9a-zåäöü]", "", s.lower())


def _sections(pages, toc, toc_pages, offset) -> tuple[list[Section], list[str], list[list[str]]]:
    lines: list[tuple[int, str]] = []
    first = max(toc_pages) + 1 if toc_pages else 0
    for index in range(first, len(pages)):
        for x in pages[index].split("\n"):
            if x.strip():
                lines.append((index, x))
    starts: list[tuple[int, int, str]] = []  # (line index, lines used, heading)
    missing: list[str] = []
    cursor = 0
    for num, title, printed in toc:
        heading = f"{num} {title}" if num else title
        want = _key(heading)
        if len(want) < 3:
            continue
        lo = cursor
        if offset is not None:
            target = printed + offset
            # Start at the page the contents point to (never before the cursor).
            for j in range(cursor, len(lines)):
                if lines[j][0] >= target - 1:
                    lo = j
                    break
        hit = None
        for j in range(lo, len(lines)):
            if offset is not None and lines[j][0] > printed + offset + 2:
                break
            got = _key(lines[j][1])
            if not got:
                continue
            if got == want or (got.startswith(want) and num and len(lines[j][1]) < 160):
                hit = (j, 1)
                break
            # A heading that wraps in the body.
            if num and want.startswith(got) and len(got) >= 8 and j + 1 < len(lines):
                two = got + _key(lines[j + 1][1])
                if two.startswith(want):
                    hit = (j, 2)
                    break
        if hit is None:
            missing.append(heading)
            continue
        starts.append((hit[0], hit[1], heading))
        cursor = hit[0] + hit[1]
    sections = []
    raw: list[list[str]] = []
    for n, (j, used, heading) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = [x for _, x in lines[j + used:end]]
        text = join_lines("\n".join(body))
        if text.strip():
            sections.append(Section(heading=heading, text=text))
            raw.append(body)
    if not starts:
        raw.append([x for _, x in lines])
    return sections, missing, raw


# --- funded projects ---------------------------------------------------------------------------------------

_FUNDER_WORDS: list[tuple[str, str]] = [
    (r"opetushallitu|\bOPH\b", "OPH"),
    (r"opetus- ja kulttuuriministeriö|\bOKM\b", "OKM"),
    (r"sosiaali- ja terveysministeriö|\bSTM\b", "STM"),
    (r"työ- ja elinkeinoministeriö|\bTEM\b", "TEM"),
    (r"ympäristöministeriö", "YM"),
    (r"\bELY\b|ELY-keskus", "ELY"),
    (r"aluehallintoviras|\bAVI\b", "AVI"),
    (r"\bLeader\b", "Leader"),
    (r"\bSTEA\b", "STEA"),
    (r"Business Finland", "Business Finland"),
    (r"\bEAKR\b", "EAKR"), (r"\bESR\+?", "ESR"), (r"\bJTF\b", "JTF"),
    (r"maaseuturahasto", "Maaseuturahasto"),
    (r"Euroopan unioni|\bEU[:-]", "EU"),
    (r"\bvaltion\b[^.]{0,40}avustu|valtionavustu|valtion hankerahoitu", "valtio"),
]
_HANKE = re.compile(r"(?:(?<=\S)[-–]|\s[-–]\s?|\s)(hanke|hankkee(?:n|seen|ssa|sta|lla|lle|na)|hanketta)\b")
_NOT_IN_NAME = {
    "on", "oli", "ovat", "olivat", "myönsi", "sai", "saivat", "päätti", "käynnisti", "aloitti", "toteutti",
    "haki", "osallistui", "osallistuivat", "jatkui", "päättyi", "kautta", "myötä", "tämä", "kyseinen",
    "uusi", "koko", "kaupunki", "kaupungin", "kunta", "kunnan", "yhtiö", "yhtiön",
}
_ORG_END = re.compile(r"(ministeriö|ministeriön|keskus|keskuksen|virasto|viraston|hallitus|hallituksen|rahasto"
                      r"|rahaston|liitto|liiton|unioni|unionin)$", re.I)


def _funder(text: str) -> str | None:
    for pat, name in _FUNDER_WORDS:
        if re.search(pat, text, re.I):
            return name
    return None


def _sentences(para: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", para)


def funded_projects(raw_sections: list[list[str]]) -> list[FundedProject]:
    """Funded projects named in the report; ``raw_sections`` are the
    sections' text lines as extracted (headings are still lines of their own)."""
    found: list[FundedProject] = []
    for lines in raw_sections:
        text = join_lines("\n".join(lines))
        paras = [one_line(p) for p in text.split("\n\n") if p.strip()]
        for para in paras:
            for sent in _sentences(para):
                found.extend(_named_hanke(sent))
                found.extend(_hanke_list(sent))
        found.extend(_heading_projects([one_line(x) for x in lines]))
        for p in extract_projects(text):
            if not _ORG_END.search(p.name):
                found.append(p)
    unique: list[FundedProject] = []
    seen: set[str] = set()
    for p in found:
        key = p.key or p.name.casefold()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _project(name: str, sent: str, amounts: bool = True) -> FundedProject:
    """A project as the report's sentence states it: the funder as written
    (the first the sentence names), the normalised funders, the sums the
    sentence gives (not for a list of several projects, whose sums are not
    each one's), the years, and what the sentence says happened."""
    found = parse_amounts(sent) if amounts else []
    return FundedProject(
        name=name, funder=_funder(sent), amount=found[0].text if found else None,
        key=project_key(name), funders=normalise_funders(sent), amounts=found, years=years_in(sent),
        stage=stage_of(sent), sentence=sent,  # type: ignore[arg-type]
    )


def _named_hanke(sent: str) -> list[FundedProject]:
    """"Kärrynpyörä -hankkeen", "Menestystä kansainväliseen rekrytointiin-hanke",
    "Harrastamisen Suomen malli hankkeen" (a name needs a capital that is not
    the sentence's first word when no dash marks it)."""
    out = []
    for m in _HANKE.finditer(sent):
        dash = "-" in m.group(0) or "–" in m.group(0)
        pre = sent[: m.start()]
        tokens = pre.split()
        if not tokens:
            continue
        caps = [i for i, t in enumerate(tokens) if t[:1].isupper()]
        if not caps:
            continue
        j = caps[-1]
        if len(tokens) - j > 6:
            continue
        while j > 0 and tokens[j - 1][:1].isupper():
            j -= 1
        if j >= 2 and tokens[j - 1] in ("-", "–"):
            k = max((i for i in caps if i < j - 1), default=None)
            if k is not None and all(t[:1].islower() for t in tokens[k + 1 : j - 1]) and j - 1 - k <= 4:
                j = k
        name_tokens = tokens[j:]
        if not dash and not any(i > 0 and tokens[i][:1].isupper() for i in range(j, len(tokens)) if i > 0):
            continue
        if not dash and len(name_tokens) < 2:
            continue
        if any(t.lower().strip(",.") in _NOT_IN_NAME for t in name_tokens):
            continue
        name = " ".join(name_tokens).strip(" ,;:-–\"'”“()")
        if len(name) < 3 or _ORG_END.search(name):
            continue
        out.append(_project(name, sent))
    return out


def _hanke_list(sent: str) -> list[FundedProject]:
    """"Käynnissä on kolme hanketta (Vastuullisuus käytännön teoiksi, Turkisalan
    yrittäjien kehittymisen avaimet, Matkailun edistäminen Kauhavalla)"."""
    out = []
    for m in re.finditer(r"\bhank\w*\s*\(([^()]{5,400})\)", sent):
        for name in re.split(r"\s*,\s*|\s+ja\s+", m.group(1)):
            name = name.strip(" .;")
            if len(name) >= 3 and name[:1].isupper():
                out.append(_project(name, sent, amounts=False))
    return out


def _heading_projects(lines: list[str]) -> list[FundedProject]:
    """A project sub-heading on its own line(s), followed by a paragraph on its
    funding: "Harrastamisen riemua Kauhavalla 2024" / "Harrastamisen riemua
    Kauhavalla toimi valtion kunnille kohdistamalla erityisavustuksella."."""
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        prev = lines[i - 1] if i else ""
        used = 1
        head = line
        # A heading broken at a hyphen ("… vahvista-" / "miseksi").
        if head.endswith("-") and i + 1 < len(lines) and lines[i + 1][:1].islower() and len(lines[i + 1]) < 40:
            head = head[:-1] + lines[i + 1]
            used = 2
        nxt = lines[i + used] if i + used < len(lines) else ""
        ok = (
            head[:1].isupper()
            and 3 <= len(head) <= 160
            and not re.search(r"[.!?:;,\-–]$", head)
            and (not prev or re.search(r"[.!?]$", prev))
            and nxt[:1].isupper()
            and sum(c.isdigit() for c in head) <= 6
            and not re.search(r"avustu|rahoitu|hankkeet\b", head, re.I)  # a topic, not a project
        )
        if ok:
            para = one_line(join_lines("\n".join(lines[i + used:i + used + 8])).split("\n\n")[0])
            first = _sentences(para)[0]
            if re.search(r"avustu|hankerahoitu|rahoitu\w* hanke", first, re.I):
                out.append(_project(head, first))
        i += 1
    return out
