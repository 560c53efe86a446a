"""Tweb (KTweb) decision PDFs: one case's decision as published by Tweb.
Reference: Oulu (``oulu-tweb/`` in the corpus).

Labels stand in a left column, their text to the right, so the extracted text
has a label on its own line (or the label and the first line of its text on
one line), and long labels wrap ("Täytäntöönpano-" / "tiedot",
"Kaupungin-" / "hallituksen" / "päätösehdotus")::

    Oulun kaupunki
    Päivämäärä
    Oulun kaupungin tilinpäätös 2016          <- title
    Dno  OUKA/899/02.06.01.04/2017
    Päätöshistoria  Kaupunginhallitus 20.3.2017 § 66
    Tiivistelmä / Esittelyteksti / Liitteet / Oheismateriaali
    Esittelijä / Päätösesitys / Päätös / Valmistelijat / Täytäntöönpanotiedot

A document can carry the handling of an earlier body ("Kaupunginhallituksen
käsittely" with its own Esittelijä, Päätösesitys and Päätös) before the
handling it is published for (e.g. the council's "Kaupunginhallituksen
päätösehdotus" and "Päätös").

Record structure: ONE Decision per document, for the handling the document is
published for (its last handling), as for CaseM items.  Earlier handlings in
the document, and the Päätöshistoria list, are kept in ``preparation`` under
a heading with body, date and § (dates and § come from Päätöshistoria).  The
earlier bodies' own documents are the records of their decisions, so they are
not repeated here as records of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..i18n import Msg
from ..models import Attachment, Decision, Person, Source
from ..text import join_lines, one_line
from .common import (
    IngestResult,
    committee_from_proposal,
    date_from_file_name,
    first_sentence,
    new_decision,
    parse_date,
)
from .people import fill_contact, parse_person

FORMAT = "tweb-pdf"

# Compact label (lower case, no spaces) -> field.
LABELS: dict[str, str] = {
    "dno": "case_id", "diaarinumero": "case_id", "asianumero": "case_id", "dnro": "case_id",
    "päätöshistoria": "history",
    "tiivistelmä": "summary",
    "esittelyteksti": "preparation", "selostus": "preparation", "perustelut": "preparation",
    "asianvalmistelu": "preparation", "valmistelu": "preparation", "asiankuvaus": "preparation",
    "liitteet": "attachments", "liite": "attachments", "oheismateriaali": "attachments",
    "esittelijä": "presenter", "esittelijät": "presenter",
    "päätösesitys": "proposal", "päätösehdotus": "proposal", "ehdotus": "proposal", "esitys": "proposal",
    "päätös": "decision",
    "käsittely": "handling", "kokouskäsittely": "handling",
    "valmistelijat": "preparers", "valmistelija": "preparers", "lisätietojenantaja": "preparers",
    "valmistelijat/lisätietojenantaja": "preparers", "valmistelija/lisätietojenantaja": "preparers",
    "valmistelijat/lisätiedot": "preparers", "lisätiedot": "preparers", "lisätietoja": "preparers",
    "täytäntöönpanotiedot": "other", "täytäntöönpano": "other", "tiedoksi": "other",
    "muutoksenhaku": "other", "muutoksenhakuohje": "other", "ote": "other", "otteet": "other",
    "toimivalta": "authority", "päätösvalta": "authority",
    "päivämäärä": "date", "kokouspäivämäärä": "date",
}
# Labels that also start ordinary sentences: accepted with text on the same
# line only after a line that ends a sentence.
_WEAK = {"päätös", "ehdotus", "esitys", "ote", "otteet", "valmistelu", "selostus", "perustelut", "käsittely",
         "tiedoksi", "liite", "lisätiedot", "lisätietoja", "muutoksenhaku", "valmistelija"}
# "Kaupunginhallituksen käsittely", "Kaupunginhallituksen päätösehdotus".
_BODY_PHASE = re.compile(r"^(?P<gen>[A-ZÅÄÖ][\w-]*n)\s+(?P<what>käsittely|päätösehdotus|päätösesitys|ehdotus)$", re.I)
_ORG = re.compile(r"^(?P<org>[A-ZÅÄÖ][\w-]*n\s+(?:kaupunki|kunta)|[A-ZÅÄÖ][\w -]*(?:kuntayhtymä|hyvinvointialue))\s*$")
_CASE_ID = re.compile(r"\b(?:[A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4}|\d{1,6}/[\d.]{5,}/\d{4}|[A-ZÅÄÖ]{2,}Dno-\d{4}-\d+)\b")
_HISTORY_ENTRY = re.compile(r"^(?P<body>[A-ZÅÄÖ][^\d§]*?)\s+(?P<dates>\d{1,2}\.\d{1,2}\.\d{4}[\d.,\s]*?)\s*(?:§\s*(?P<sec>\d{1,4}))?\s*$")


@dataclass
class _Phase:
    body: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, line: str) -> None:
        self.fields.setdefault(name, []).append(line)

    def lines(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    def prose(self, name: str) -> str | None:
        text = join_lines("\n".join(self.lines(name)))
        return text if text and text.strip() not in ("-", "–") else None


def looks_like(doc) -> bool:
    meta = " ".join(doc.meta_str(k) for k in ("/Title", "/Subject")).lower()
    text = "\n".join(doc.pages(2))
    starts = {m.group(1).lower() for m in re.finditer(
        r"^\s*(Dno|Päätöshistoria|Tiivistelmä|Esittelyteksti|Päätösesitys|Esittelijä|Valmistelijat)\b", text, re.M)}
    if "tweb" in meta and starts:
        return True
    # Oulu's Tweb layout: its own labels (Päätöshistoria, Esittelyteksti).
    # Other Tweb and KTweb layouts go to the conventions reader.
    return "dno" in starts and bool(starts & {"päätöshistoria", "esittelyteksti"}) and len(starts) >= 3


def parse(path: Path, data: bytes) -> IngestResult | None:
    from .pdf import load

    doc = load(data)
    if not looks_like(doc):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    pages = doc.pages()
    org, header_date, header_section, lines = _strip_headers(pages)
    title_lines, phases = _phases(lines)
    rec = _record(path, org, header_date, header_section, title_lines, phases, result)
    if rec is not None:
        result.records.append(rec)
    return result


def _strip_headers(pages: list[str]) -> tuple[str | None, date | None, str | None, list[str]]:
    org = None
    header_date = None
    header_section = None
    out: list[str] = []
    for pno, text in enumerate(pages):
        plines = [one_line(x) for x in text.split("\n")]
        k = 0
        while k < len(plines) and k < 12:
            line = plines[k]
            if not line:
                k += 1
                continue
            m = _ORG.match(line)
            if m and (org is None or line == org):
                org = org or m.group("org").strip()
                k += 1
                continue
            m = re.match(r"^(?:Kokous)?[Pp]äivämäärä\s*(.*)$", line)
            if m:
                d = parse_date(m.group(1))
                if not d and k + 1 < len(plines) and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", plines[k + 1]):
                    d = parse_date(plines[k + 1])
                    k += 1
                if pno == 0 and d:
                    header_date = d
                k += 1
                continue
            m = re.fullmatch(r"§\s*(\d{1,4})", line)
            if m:
                header_section = header_section or m.group(1)
                k += 1
                continue
            if re.fullmatch(r"(?:Sivu\s*)?\d{1,3}\s*(?:\(\s*\d{1,3}\s*\)|/\s*\d{1,3})", line):
                k += 1
                continue
            break
        out.extend(plines[k:])
    return org, header_date, header_section, out


def _label_at(lines: list[str], i: int, prev: str, block_empty: bool = False) -> tuple[str, str, int, str] | None:
    """(compact label, display label, lines used, text after the label).

    A weak label with its text on the same line ("Päätös Päätösesitys
    hyväksyttiin.") is one after a sentence's end, or at the start of a
    paragraph (after an empty line: PDFium, which sets a label and its text
    on one line, marks the gap before it)."""
    # Wrapped labels: two to four short lines that make one label.
    for k in (4, 3, 2):
        parts = lines[i:i + k]
        if len(parts) < k or any(not p or len(p) > 30 for p in parts):
            continue
        display = parts[0]
        for p in parts[1:]:
            if display.endswith("-") and p[:1].islower():
                display = display[:-1] + p
            elif display.endswith("/"):
                display = display + p
            else:
                display = display + " " + p
        compact = display.lower().replace(" ", "")
        if compact in LABELS or _BODY_PHASE.match(display):
            return compact, display, k, ""
    line = lines[i]
    if not line:
        return None
    compact = line.lower().replace(" ", "")
    if compact in LABELS or _BODY_PHASE.match(line):
        return compact, line, 1, ""
    m = re.match(r"^(\S+)\s+(\S.*)$", line)
    # A label with its text on the same line never comes right after a label
    # that has no text yet ("Päätös" / "Päätösesitys hyväksyttiin.").
    if m and not block_empty:
        word = m.group(1).lower()
        if word in LABELS and LABELS[word] != "date":
            after_gap = i > 0 and not lines[i - 1]
            if word in _WEAK and prev and not after_gap and not re.search(r"[.!?:]$|^-$", prev):
                return None
            return word, m.group(1), 1, m.group(2)
    return None


def _phases(lines: list[str]) -> tuple[list[str], list[_Phase]]:
    title: list[str] = []
    phases = [_Phase()]
    label: str | None = None
    prev = ""
    i = 0
    while i < len(lines):
        found = _label_at(lines, i, prev, label is not None and not any(
            x.strip() for x in phases[-1].lines(label)))
        if found:
            compact, display, used, rest = found
            i += used
            m = _BODY_PHASE.match(display)
            if m:
                from .pdf import base_from_genitive

                body = base_from_genitive(m.group("gen")) or m.group("gen")
                if m.group("what").lower() == "käsittely":
                    phases.append(_Phase(body=body))
                    label = None
                else:
                    cur = phases[-1]
                    if cur.lines("decision") or cur.lines("proposal"):
                        cur = _Phase()
                        phases.append(cur)
                    label = "proposal"
            else:
                label = LABELS[compact]
                if label == "decision" and phases[-1].lines("decision"):
                    label = "decision"  # a second Päätös block continues the first
            if rest and label:
                phases[-1].add(label, rest)
            prev = rest or display
            continue
        line = lines[i]
        if label is None:
            if line and len(phases) == 1 and not phases[0].fields:
                title.append(line)
            elif line:
                phases[-1].add("preparation", line)
        else:
            phases[-1].add(label, line)
        if line:
            prev = line
        i += 1
    return title, phases


def _history(phases: list[_Phase]) -> tuple[list[str], dict[str, tuple[date | None, str | None]]]:
    entries: list[str] = []
    index: dict[str, tuple[date | None, str | None]] = {}
    for ph in phases:
        for line in ph.lines("history"):
            line = one_line(line)
            if not line or line in ("-", "–"):
                continue
            entries.append(line)
            m = _HISTORY_ENTRY.match(line)
            if m:
                dates = re.findall(r"\d{1,2}\.\d{1,2}\.\d{4}", m.group("dates"))
                index[m.group("body").strip().casefold()] = (parse_date(dates[-1]) if dates else None, m.group("sec"))
    return entries, index


_NAME_AT_END = re.compile(r"([A-ZÅÄÖ][\w'’-]+(?:\s+[A-ZÅÄÖ][\w'’-]+){1,3})\s*$")


def _person(text: str) -> Person | None:
    """Tweb writes people title first: "Vs. kaupunginjohtaja Päivi Laajala",
    "Sivistys- ja kulttuurijohtaja Mika Penttilä puh. 044 7039012"."""
    from .people import EMAIL, PHONE, TITLE_HINTS

    s = one_line(text)
    email = phone = None
    m = EMAIL.search(s)
    if m:
        email = m.group(0).rstrip(".")
        s = (s[: m.start()] + " " + s[m.end():]).strip()
    m = PHONE.search(s)
    if m:
        phone = re.sub(r"\s+", " ", m.group(1).strip())
        s = (s[: m.start()] + " " + s[m.end():]).strip()
    s = re.sub(r"\b(?:p|puh|puhelin|tel|gsm)\.?:?\s*$", "", s, flags=re.I).strip(" ,;:")
    m = _NAME_AT_END.search(s)
    if not m:
        return parse_person(text)
    words = m.group(1).split()
    while len(words) > 2 and any(h in words[0].lower() for h in TITLE_HINTS):
        words.pop(0)
    name = " ".join(words)
    title = s[: s.rfind(name)].strip(" ,;:") or None
    return Person(name=name, title=title, phone=phone, email=email)


def _people(text: str) -> list[Person]:
    """"Konsernihallinto, konsernicontroller Jaana Niemelä puh. 044 703 9202,
    talouspäällikkö Armi Tauriainen puh. … ja talousjohtaja Jukka Weisell …"."""
    s = one_line(text)
    out: list[Person] = []
    for chunk in re.split(r"\s*,\s*(?=\D)|(?<!-)\s+ja\s+", s):
        chunk = chunk.strip(" ,;")
        if not chunk:
            continue
        p = _person(chunk)
        if not p:
            continue
        words = p.name.split()
        # An organisation unit ("Konsernihallinto", "Oulun kaupungin
        # konsernihallinto") is not a person.
        if len(words) < 2 or not all(w[:1].isupper() for w in words):
            continue
        if not any(q.name.casefold() == p.name.casefold() for q in out):
            out.append(p)
    return out


def _attachments(lines: list[str]) -> list[Attachment]:
    items: list[str] = []
    for line in lines:
        line = one_line(line)
        if not line or line in ("-", "–"):
            continue
        if items and (line[:1].islower() or line[:1] == "(" or items[-1].endswith(("-", ","))):
            items[-1] = items[-1] + ("" if items[-1].endswith("-") else " ") + line
        else:
            items.append(line.lstrip("•-–* ").strip())
    return [Attachment(title=t) for t in items if t]


def _record(path: Path, org, header_date, header_section, title_lines, phases, result) -> Decision | None:
    from .pdf import municipality_from_org

    current = phases[-1]
    earlier = phases[:-1]
    history, hist_index = _history(phases)
    derived: list[str] = []

    proposal = current.prose("proposal")
    decision = current.prose("decision")
    if not (proposal or decision or any(p.prose("preparation") or p.prose("summary") for p in phases)):
        result.error(Msg("ingest_tweb_no_text"))
        return None

    prep_parts: list[str] = []
    for ph in phases:
        for name in ("summary", "preparation"):
            t = ph.prose(name)
            if t:
                prep_parts.append(t)
    for ph in earlier:
        block = _render_phase(ph, hist_index)
        if block:
            prep_parts.append(block)
    if history:
        prep_parts.append("Päätöshistoria:\n\n" + "\n\n".join(history))
    preparation = "\n\n".join(prep_parts) or None

    preparers: list[Person] = []
    for ph in phases:
        for t in ([" ".join(ph.lines("preparers"))] if ph.lines("preparers") else []):
            for p in _people(t):
                if not any(q.name.casefold() == p.name.casefold() for q in preparers):
                    preparers.append(p)
    presenter = None
    if current.prose("presenter"):
        presenter = _person(current.prose("presenter"))
        if presenter:
            presenter = fill_contact(presenter, preparers)
    attachments: list[Attachment] = []
    for ph in phases:
        for a in _attachments(ph.lines("attachments")):
            if not any(b.title == a.title for b in attachments):
                attachments.append(a)

    case_id = None
    for ph in phases:
        m = _CASE_ID.search(" ".join(ph.lines("case_id")))
        if m:
            case_id = m.group(0)
            break
    title = one_line(" ".join(title_lines)) or None
    if not title:
        title = first_sentence(phases[0].prose("summary")) or first_sentence(proposal)
        if title:
            derived.append("title")
    committee = current.body
    if not committee:
        committee = committee_from_proposal(proposal)
        if committee:
            derived.append("committee")
    municipality = municipality_from_org(org)
    if municipality:
        derived.append("municipality")
    derived_from: dict[str, str] = {}
    if header_date is None:
        header_date = date_from_file_name(str(path))
        if header_date:
            derived.append("meeting_date")
            derived_from["meeting_date"] = "file name"
        else:
            result.warn(Msg("ingest_tweb_no_date"))
    if not committee:
        result.warn(Msg("ingest_tweb_no_committee"))
    authority = current.prose("authority")
    source = Source(path=str(path), format=FORMAT, page=1, record=0)
    rec = new_decision(
        source, (0, header_section or ""),
        municipality=municipality,
        committee=committee,
        meeting_date=header_date,
        section=header_section,
        title=title,
        case_id=case_id,
        presenter=presenter,
        preparers=preparers,
        proposal=proposal,
        decision=decision,
        authority=one_line(authority) if authority else None,
        preparation=preparation,
        handling=current.prose("handling"),
        attachments=attachments,
        derived=derived,
        derived_from=derived_from,
    )
    return rec


def _render_phase(ph: _Phase, hist_index: dict[str, tuple[date | None, str | None]]) -> str:
    head = ph.body or ""
    if ph.body and ph.body.casefold() in hist_index:
        d, sec = hist_index[ph.body.casefold()]
        if d:
            head += f" {d.day}.{d.month}.{d.year}"
        if sec:
            head += f" § {sec}"
    parts = [head] if head else []
    if ph.prose("presenter"):
        parts.append(f"Esittelijä: {one_line(ph.prose('presenter'))}")
    if ph.prose("proposal"):
        parts.append(f"Päätösesitys: {ph.prose('proposal')}")
    if ph.prose("decision"):
        parts.append(f"Päätös: {ph.prose('decision')}")
    if ph.prose("handling"):
        parts.append(f"Käsittely: {ph.prose('handling')}")
    return "\n\n".join(parts) if len(parts) > (1 if head else 0) else ""
