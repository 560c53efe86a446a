"""The pieces both CaseM readers share (casem_html reads the source HTML,
casem_text the PDF text): the labels of the CaseM templates, the item with
its handlings (phases) that a reader fills, and the helpers that read
preparers, attachments and case ids the same way in both."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..models import Person
from ..text import one_line
from .people import EMAIL, parse_person

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
HANDLING_PREFIX = {"äänestys", "äänestystulos", "esteellisyys", "esteellisyydet", "eriävä mielipide",
                    "eriävät mielipiteet", "pöytäkirjamerkintä"}
LIST_FIELDS = {"attachments", "preparers"}
DOC_TYPES = ("Pöytäkirja", "Esityslista", "Kokouskutsu", "Pöytäkirjanote", "Ote pöytäkirjasta",
             "Päätösluettelo", "Viranhaltijapäätös", "Päätöspöytäkirja")
DOC_TYPE_ALT = "|".join(re.escape(t) for t in DOC_TYPES)

SECTION = re.compile(r"^§\s*(\d{1,4}[a-z]?)$")
# "Kaupunginhallitus, 26.05.2025, § 198": one handling of the item.
PHASE = re.compile(r"^(?P<body>[A-ZÅÄÖ][^,§]{1,80}?),\s*(?P<date>\d{1,2}\.\d{1,2}\.\d{4}),\s*§\s*(?P<sec>\d{1,4})$")
PRESENTER = re.compile(r"^Esittelijä(?:t)?\s*:\s*(?P<who>\S.*)$")
CASE_ID = re.compile(
    r"^(?:[A-ZÅÄÖ]{2,}Dno-\d{4}-\d+|[A-ZÅÄÖ]{2,8}/\d{1,6}/[\d.]+/\d{4}|\d{1,6}/[\d.]{5,}/\d{4}"
    r"|[A-ZÅÄÖ]{2,6}:\d{1,6}/\d{4})$"
)


@dataclass
class Phase:
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
class Item:
    section: str | None
    title: str | None
    case_id: str | None = None
    phases: list[Phase] = field(default_factory=lambda: [Phase()])
    page: int | None = None


    def start_phase(self, heading: re.Match[str]) -> Phase:
        """A handling's heading ("Kaupunginhallitus 25.08.2025 § 307"):
        the phase it opens (the current one while it is still empty)."""
        from .common import parse_date

        phase = self.phases[-1]
        if phase.fields or phase.preparers or phase.attachments or phase.body:
            phase = Phase()
            self.phases.append(phase)
        phase.body = heading.group("body").strip()
        phase.date = parse_date(heading.group("date"))
        phase.section = heading.group("sec")
        return phase


@dataclass
class Meeting:
    organisation: str | None = None
    doc_type: str | None = None
    committee: str | None = None
    date: date | None = None
    language: str | None = None


def label_of(text: str) -> str | None:
    t = one_line(text).rstrip(":").strip().lower()
    t = re.sub(r"\s*/\s*", " / ", t)
    return t if t in LABELS else None


def people(lines: list[str]) -> list[Person]:
    """Preparers in either CaseM layout: one person a line ("Name, Title,
    email"), or three lines of names, e-mails and titles, each a list."""
    lines = [one_line(x) for x in lines if one_line(x)]
    out: list[Person] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if "@" not in line and nxt and all_emails(nxt):
            names = [n.strip() for n in line.split(",") if n.strip()]
            emails = [e.strip() for e in nxt.split(",") if e.strip()]
            titles_line = lines[i + 2] if i + 2 < len(lines) and "@" not in lines[i + 2] else ""
            titles: list[str | None] = [t.strip() for t in titles_line.split(",") if t.strip()] if titles_line else []
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


def all_emails(line: str) -> bool:
    parts = [p.strip() for p in line.split(",") if p.strip()]
    return bool(parts) and all(EMAIL.fullmatch(p) for p in parts)


def add_prose(phase: Phase, label: str, label_word: str, text: str) -> None:
    if label == "handling" and label_word in HANDLING_PREFIX:
        text = f"{label_word.capitalize()}: {text}"
    if label == "other":
        return
    phase.add(label, text)


def add_attachment(atts: list[str], text: str) -> None:
    t = one_line(text)
    if not t or t == "-":
        return
    if atts and re.match(r"^(?:Salassa pidettävä|Ei julkinen|Julkisuuslaki)", t, re.I):
        atts[-1] = f"{atts[-1]} ({t})"
        return
    t = re.sub(r"^\d{1,2}\s+", "", t)
    atts.append(t)


def looks_case_id(text: str) -> bool:
    return bool(CASE_ID.match(text)) or bool(re.fullmatch(r"[A-ZÅÄÖ][\w/.\-:]{3,40}\d", text) and re.search(r"\d{4}", text))
