"""The minutes-text family: text extracted from a minutes PDF, with labelled
blocks in any order.  Reference: the Heinola item (heinola/ in the corpus).

    Päätös Päätösehdotus hyväksyttiin.
    Esittelijä hyvinvointijohtaja Hepo-oja, Pirjo
    Päätösehdotus Kasvatus- ja opetuslautakunta hyväksyy …
    Toimivalta Hallintosääntö  23.1§
    Valmistelija hyvinvointijohtaja Hepo-oja, Pirjo  p. 050 0717 310
    Valmistelu Päijät-Hämeen sivistyspalveluiden …

A label starts a line (after a blank line, or followed by a colon) and its
block runs to the next label.  A file may hold one item or many; items are
split at § headings ("45 § Otsikko", "§ 45 Otsikko").
"""

from __future__ import annotations

import re
from pathlib import Path

from ..models import Attachment, Decision, Source, stable_id
from ..text import clean, join_lines, one_line
from .common import (
    IngestResult,
    committee_from_proposal,
    detect_outcome,
    extract_projects,
    first_sentence,
    parse_date,
)
from .people import fill_contact, parse_people, parse_person

FORMAT = "minutes-text"

# label -> field.  Longest first when matching, so "Päätösehdotus" wins over
# "Päätös" when both could start a line.
LABELS: dict[str, str] = {
    "Päätösehdotus": "proposal",
    "Päätösesitys": "proposal",
    "Ehdotus": "proposal",
    "Esitys": "proposal",
    "Pohjaesitys": "proposal",
    "Kaupunginjohtajan ehdotus": "proposal",
    "Kunnanjohtajan ehdotus": "proposal",
    "Esittelijän ehdotus": "proposal",
    "Päätös": "decision",
    "Kokouskäsittelyn päätös": "decision",
    "Käsittely": "handling",
    "Kokouskäsittely": "handling",
    "Esittelijä": "presenter",
    "Esittelijät": "presenter",
    "Valmistelija": "preparers",
    "Valmistelijat": "preparers",
    "Valmistelijat / lisätiedot": "preparers",
    "Lisätiedot": "preparers",
    "Lisätietoja": "preparers",
    "Valmistelu": "preparation",
    "Asian valmistelu": "preparation",
    "Selostus": "preparation",
    "Esittelyteksti": "preparation",
    "Perustelut": "preparation",
    "Asian kuvaus": "preparation",
    "Tiivistelmä": "summary",
    "Toimivalta": "authority",
    "Päätösvalta": "authority",
    "Liitteet": "attachments",
    "Liite": "attachments",
    "Oheismateriaali": "attachments",
    "Tiedoksi": "other",
    "Muutoksenhaku": "other",
    "Muutoksenhakuohje": "other",
    "Täytäntöönpano": "other",
    "Otteet": "other",
    "Jakelu": "other",
    "Dno": "case_id",
    "Diaarinumero": "case_id",
    "Asianumero": "case_id",
}
_LABEL_ALT = "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
_LABEL_LINE = re.compile(rf"^[ \t]*(?P<label>{_LABEL_ALT})(?:[ \t]*:[ \t]*|[ \t]+|$)(?P<rest>.*)$", re.M)
_ITEM_HEAD = re.compile(r"^[ \t]*(?:(?P<n1>\d{1,4})[ \t]*§|§[ \t]*(?P<n2>\d{1,4}))[ \t]+(?P<title>\S.*)$", re.M)
_CASE_ID = re.compile(
    r"\b(?:[A-ZÅÄÖ]{2,6}/\d{1,6}/[\d.]+/\d{4}|HEL \d{4}-\d{6}|\d{1,6}/[\d.]{5,}/\d{4}|[A-ZÅÄÖ]{2,6}:\d{1,6}/\d{4})\b"
)


def looks_like(text: str) -> bool:
    """Two or more distinct labels at line starts: a minutes text."""
    found = {m.group("label") for m in _LABEL_LINE.finditer(text[:20000])}
    fields = {LABELS[f] for f in found}
    return len(fields & {"proposal", "decision", "presenter", "preparers", "preparation", "authority"}) >= 2


def parse_text(text: str, path: str, result: IngestResult | None = None) -> IngestResult:
    result = result or IngestResult(path=path, format=FORMAT)
    text = clean(text)
    heads = list(_ITEM_HEAD.finditer(text))
    if heads:
        chunks = []
        preamble = text[: heads[0].start()]
        for i, m in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            chunks.append((m.group("n1") or m.group("n2"), one_line(m.group("title")), text[m.end() : end]))
    else:
        preamble = ""
        chunks = [(None, None, text)]
    meeting_date = parse_date(preamble)
    for index, (section, title, body) in enumerate(chunks):
        rec = _parse_item(body, path, index, section, title, meeting_date, result)
        if rec is not None:
            result.records.append(rec)
    return result


def parse_file(path: Path) -> IngestResult:
    from .detect import read_text  # local: detect imports this module

    result = IngestResult(path=str(path), format=FORMAT)
    text = read_text(path, result)
    return parse_text(text, str(path), result)


def split_blocks(body: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first label, [(label, block text), …])"""
    lines = body.split("\n")
    blocks: list[tuple[str, list[str]]] = []
    lead: list[str] = []
    prev_blank = True
    for line in lines:
        m = _LABEL_LINE.match(line)
        is_label = bool(m) and (prev_blank or ":" in line[: m.end("label") + 2] or _strong(m.group("label")))
        if m and is_label:
            blocks.append((m.group("label"), [m.group("rest")]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            lead.append(line)
        prev_blank = not line.strip()
    return "\n".join(lead), [(label, "\n".join(ls)) for label, ls in blocks]


def _strong(label: str) -> bool:
    # Labels that never start an ordinary sentence.
    return label in {"Päätösehdotus", "Päätösesitys", "Toimivalta", "Valmistelija", "Valmistelijat",
                     "Esittelijä", "Esittelyteksti", "Dno", "Kokouskäsittely", "Käsittely"}


def _parse_item(body, path, index, section, title, meeting_date, result) -> Decision | None:
    lead, blocks = split_blocks(body)
    if not blocks:
        if one_line(body):
            result.warn("no labelled blocks (Päätös, Esittelijä, …) found; item skipped", _where(index, section))
        return None
    fields: dict[str, list[str]] = {}
    for label, text in blocks:
        fields.setdefault(LABELS[label], []).append(text)

    def prose(name: str) -> str | None:
        parts = [join_lines(t) for t in fields.get(name, []) if t.strip()]
        return "\n\n".join(parts) or None

    source = Source(path=path, format=FORMAT, record=index if section is not None else None)
    derived: list[str] = []
    proposal = prose("proposal")
    decision_text = prose("decision")
    preparation = prose("preparation")
    summary = prose("summary")
    if summary:
        preparation = summary + ("\n\n" + preparation if preparation else "")
    presenter = None
    for t in fields.get("presenter", []):
        presenter = parse_person(t)
        if presenter:
            break
    preparers = []
    for t in fields.get("preparers", []):
        preparers.extend(parse_people(t))
    if presenter:
        presenter = fill_contact(presenter, preparers)
    authority = prose("authority")
    if authority:
        authority = re.sub(r"(\d)\s*§", r"\1 §", one_line(authority))
    case_id = None
    for t in fields.get("case_id", []) + [lead]:
        m = _CASE_ID.search(t)
        if m:
            case_id = m.group(0)
            break
    attachments = [
        Attachment(title=one_line(line).lstrip("•-–* ").strip())
        for t in fields.get("attachments", [])
        for line in t.split("\n")
        if one_line(line).strip("•-–* ")
    ]
    committee = committee_from_proposal(proposal)
    if committee:
        derived.append("committee")
    if not title:
        title = first_sentence(proposal) or first_sentence(decision_text)
        if title:
            derived.append("title")
    municipality = _municipality_from_emails(body)
    if municipality:
        derived.append("municipality")
    all_text = "\n\n".join(x for x in (proposal, decision_text, preparation) if x)
    rec = Decision(
        municipality=municipality,
        committee=committee,
        meeting_date=meeting_date,
        section=section,
        title=title,
        case_id=case_id,
        presenter=presenter,
        preparers=preparers,
        proposal=proposal,
        decision=decision_text,
        outcome=detect_outcome(decision_text),
        authority=authority,
        preparation=preparation,
        handling=prose("handling"),
        attachments=attachments,
        funded_projects=extract_projects(all_text),
        derived=derived,
        source=source,
    )
    rec.id = stable_id(source, index, section or "")
    missing = [n for n, v in (("decision", decision_text), ("proposal", proposal)) if not v]
    if len(missing) == 2:
        result.warn("item has neither a proposal nor a decision", _where(index, section))
    return rec


def _where(index: int, section: str | None) -> str:
    return f"§ {section}" if section else f"item {index + 1}"


_MUNI_DOMAINS = re.compile(r"@([a-zåäö-]+)\.fi\b", re.I)
_NOT_MUNI = {"gmail", "hotmail", "outlook", "yahoo", "luukku", "kolumbus", "phnet", "phhyky"}


def _municipality_from_emails(text: str) -> str | None:
    """"etunimi.sukunimi@heinola.fi" -> "Heinola" (marked derived)."""
    for m in _MUNI_DOMAINS.finditer(text):
        dom = m.group(1).lower()
        if dom not in _NOT_MUNI and "-" not in dom:
            return dom.capitalize()
    return None
