"""Dynasty (Documenta) public web pages: one page per agenda/minutes item, and
the meeting's index page that lists the items.

Item page: a header "Kaupunginhallitus / Pöytäkirja 08.05.2017 Pykälä 127"
(or "Esityslista 29.05.2017 Asianro 4"), the attachment links, then the
item as converted from Word: Dno and classification, the § number, the
title, and labelled fields in any order — Valmistelijat / lisätiedot,
Päätösehdotus (followed by the presenter), Käsittely, Päätös, Selostus,
Oheismateriaali, Liitteet, Tiedoksi, and Päätöshistoria (earlier handling
of the case, kept in the preparation text under that heading).

Index page: one record per listed item (title, §, body, date) with a
warning that the item text is on the item pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from ..i18n import Msg
from ..models import Attachment, Decision, Outcome, Person, Source, stable_id
from ..text import one_line
from . import html_dom
from .common import (
    IngestResult,
    detect_outcome,
    new_decision,
    or_none,
    parse_date,
    votes_from_text,
    where_record,
)
from .html_dom import Block, blocks_to_text
from .minutes import municipality_from_emails as _municipality_from_emails
from .opennc import names_from_file
from .people import fill_contact, parse_contacts, person_title_then_name

FORMAT = "dynasty-html"

LABELS: dict[str, str] = {
    "valmistelijat / lisätiedot": "preparers", "valmistelijat/lisätiedot": "preparers",
    "valmistelija / lisätiedot": "preparers", "valmistelijat": "preparers", "valmistelija": "preparers",
    "lisätiedot": "preparers", "lisätietoja": "preparers", "lisätietojen antaja": "preparers",
    "beredare / tilläggsuppgifter": "preparers", "beredare": "preparers", "tilläggsuppgifter": "preparers",
    "ytterligare upplysningar": "preparers", "mer information": "preparers",
    "päätösehdotus": "proposal", "esitys": "proposal", "ehdotus": "proposal", "pohjaesitys": "proposal",
    "päätösesitys": "proposal", "beslutsförslag": "proposal", "förslag": "proposal",
    "päätös": "decision", "beslut": "decision", "kokouskäsittelyn päätös": "decision",
    "käsittely": "handling", "kokouskäsittely": "handling", "behandling": "handling",
    "selostus": "preparation", "esittelyteksti": "preparation", "perustelut": "preparation",
    "valmistelu": "preparation", "asian valmistelu": "preparation", "föredragningstext": "preparation",
    "motivering": "preparation", "redogörelse": "preparation",
    "tiivistelmä": "summary", "sammandrag": "summary",
    "esittelijä": "presenter", "föredragande": "presenter",
    "toimivalta": "authority", "päätösvalta": "authority", "behörighet": "authority",
    "liitteet": "attachments", "liite": "attachments", "oheismateriaali": "attachments",
    "bilagor": "attachments", "bilaga": "attachments", "material": "attachments",
    "tiedoksi": "other", "för kännedom": "other", "muutoksenhaku": "other", "muutoksenhakuohje": "other",
    "sökande av ändring": "other", "täytäntöönpano": "other", "otteet": "other", "delges": "other",
    "päätöshistoria": "history", "beslutshistorik": "history", "beslutshistoria": "history",
    "dno": "case_id", "diaarinumero": "case_id", "diarienummer": "case_id",
}
_LABEL_ALT = sorted(LABELS, key=len, reverse=True)
_SV = {"beslut", "beslutsförslag", "behandling", "föredragande", "beredare", "bilagor", "för kännedom"}

_HEADER = re.compile(
    r"^(?P<body>[^\n]+)\n(?P<kind>Pöytäkirja|Esityslista|Päätösluettelo|Kokouskutsu|Protokoll|Föredragningslista|"
    r"Beslutsförteckning)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})(?P<rest>[^\n]*)",
    re.I,
)
_SECTION_IN_HEADER = re.compile(r"\b(?:Pykälä|Paragraf|§)\s*(\d{1,4})", re.I)
_AGENDA_NO = re.compile(r"\b(?:Asianro|Asia|Ärende(?:nr)?)\s*(\d{1,4})", re.I)
_DNO = re.compile(r"\b\d{1,6}/(?:\d{2}(?:\.\d{2})*/)?\d{4}\b")
_NUMBER_ONLY = re.compile(r"^(?:§\s*)?(\d{1,4})(?:\s*§)?$")
_BULLET = re.compile(r"^[-–˗·•▪]\s+")
_AGENDA_KINDS = ("esityslista", "föredragningslista", "kokouskutsu")
_LIST_NO = re.compile(r"^(?:\d{1,2}[.)]?|[a-zåäö]\))$")


def looks_like(markup_head: bytes) -> bool:
    low = markup_head.lower()
    return b"<!--data_begin-->" in low or b"djulkaisu" in low or (b"documenta" in low and b"rspeak" in low)


def parse(path: Path, data: bytes) -> IngestResult | None:
    """Parser entry point: None when the HTML is not a Dynasty page."""
    if not looks_like(data[:20000]):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    dom = html_dom.load(path, data, result)
    markup, blocks, lang = dom.source, dom.blocks(), dom.lang
    header = None
    hidx = -1
    for i, b in enumerate(blocks[:60]):
        m = _HEADER.match(b.text)
        if m:
            header, hidx = m, i
            break
    if header is None:
        result.error(Msg("ingest_dynasty_no_header"))
        return result
    committee = one_line(header.group("body"))
    meeting_date = parse_date(header.group("date"))
    kind = header.group("kind").lower()
    rest = header.group("rest")
    body_blocks = blocks[hidx + 1:]
    muni, derived_muni = _municipality(path, markup)
    try:
        if any(_label_of(b) for b in body_blocks) or not _parse_index(
            body_blocks, path, result, committee, meeting_date, kind, lang, muni, derived_muni
        ):
            # An item page (one with no labelled fields at all, e.g. a secret
            # item, still gives its title and number).
            rec = _parse_item(body_blocks, path, result, committee, meeting_date, kind, rest, lang, muni)
            if derived_muni and rec.municipality:
                rec.derived.append("municipality")
            result.records.append(rec)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()[:5])
        result.error(Msg("ingest_invalid_decision", errors=errs), where_record(1))
    return result


def _municipality(path: Path, markup: str) -> tuple[str | None, bool]:
    muni, _, _ = names_from_file(path)
    if muni:
        return muni, True
    m = re.search(r"https?://([a-zåäö]+)\d*\.hosting\.documenta\.fi", markup, re.I)
    if m:
        return m.group(1).capitalize(), True
    muni = _municipality_from_emails(markup)
    return (muni, True) if muni else (None, False)


def _label_of(b: Block) -> tuple[str, str] | None:
    """(label, text after it) when the block starts a labelled field."""
    if b.tag == "hr" or not b.text or b.cls.lower().startswith("tc"):
        return None  # "tc…" classes are the page's own chrome (attachment list, navigation)
    text = b.text
    low = text.lower()
    for lab in _LABEL_ALT:
        if not low.startswith(lab):
            continue
        after = text[len(lab):]
        if after and not re.match(r"[\s:]", after):
            continue
        rest = after.lstrip(" :\n").strip()
        bold = b.bold.lower().rstrip(" :")
        if bold == lab or after.lstrip().startswith(":") or not rest:
            return lab, rest
    return None


def _prose(blocks: list[Block]) -> str | None:
    """Field text: Word's bullet paragraphs become "• …" items, a lone list
    number joins the paragraph it numbers."""
    fixed: list[Block] = []
    pending = ""
    for b in blocks:
        if b.tag == "hr" or not b.text:
            continue
        t = b.text
        if _LIST_NO.match(t) or t in ("-", "–", "˗", "•"):
            pending = (pending + " " + t).strip()
            continue
        if pending:
            if pending in ("-", "–", "˗", "•"):
                fixed.append(Block("li", text=t))
            else:
                fixed.append(Block("p", text=f"{pending} {t}"))
            pending = ""
            continue
        if _BULLET.match(t):
            fixed.append(Block("li", text=_BULLET.sub("", t)))
        else:
            fixed.append(Block("p", text=t))
    if pending and pending not in ("-", "–", "˗", "•"):
        fixed.append(Block("p", text=pending))
    return or_none(blocks_to_text(fixed))


def _parse_item(blocks, path, result, committee, meeting_date, kind, header_rest, lang, muni) -> Decision:
    # Attachment links listed above the document ("Liitteet" + links, up to <hr>).
    links: list[tuple[str, str]] = []
    first_label = next((i for i, b in enumerate(blocks) if _label_of(b)), len(blocks))
    in_att = False
    for b in blocks[:first_label]:
        if b.tag == "hr":
            in_att = False
            continue
        if one_line(b.text).lower() in ("liitteet", "bilagor") or b.text.lower().startswith(("liitteet\n", "bilagor\n")):
            in_att = True
        if in_att:
            links.extend((t, h) for t, h in b.links if t)
    # Title, § and Dno: the paragraphs just above the first label.
    lead = [b for b in blocks[:first_label] if b.tag != "hr" and b.text and not b.links]
    title = None
    section = None
    tpos = None
    for j in range(len(lead) - 1, -1, -1):
        t = lead[j].text
        if _NUMBER_ONLY.match(t) or _DNO.fullmatch(t) or parse_date(t) and len(t) < 12:
            continue
        title, tpos = one_line(t), j
        break
    if tpos is not None and tpos > 0:
        m = _NUMBER_ONLY.match(lead[tpos - 1].text)
        if m:
            section = m.group(1)
    m = _SECTION_IN_HEADER.search(header_rest)
    if m:
        section = m.group(1)
    agenda_no = None
    if kind in _AGENDA_KINDS:
        # An agenda numbers its items by position; the § comes with the minutes.
        m = _AGENDA_NO.search(header_rest)
        agenda_no = m.group(1) if m else section
        section = None
    case_id = None
    for b in lead[: tpos if tpos is not None else len(lead)]:
        m = _DNO.search(b.text)
        if m:
            case_id = m.group(0)
            break

    # Fields.
    fields: dict[str, list[tuple[str, list[Block]]]] = {}
    history: list[Block] = []
    cur: tuple[str, str, list[Block]] | None = None
    in_history = False
    skip_other = False
    for b in blocks[first_label:]:
        lab = _label_of(b)
        if in_history:
            # Tiedoksi / Muutoksenhaku after the history are not part of it.
            if lab:
                skip_other = LABELS[lab[0]] == "other"
            if not skip_other:
                history.append(b)
            continue
        if lab:
            name = LABELS[lab[0]]
            if name == "history":
                in_history = True
                if lab[1]:
                    history.append(Block("p", text=lab[1]))
                continue
            cur = (name, lab[1], [])
            fields.setdefault(name, []).append((lab[1], cur[2]))
            continue
        if cur is not None:
            cur[2].append(b)
    # The page footer (navigation links) after the last field.
    for lst in [history] + [bl for v in fields.values() for _, bl in v]:
        while lst and (lst[-1].tag == "hr" or "Edellinen asia" in lst[-1].text or "Seuraava asia" in lst[-1].text
                       or "PDF-muodossa" in lst[-1].text or "Avaa haku" in lst[-1].text):
            lst.pop()
        cut = next((i for i, x in enumerate(lst) if x.tag == "hr"), None)
        if cut is not None:
            del lst[cut:]

    def text_of(name: str, with_rest: bool = True) -> str | None:
        parts = []
        for rest, bl in fields.get(name, []):
            body = _prose(([Block("p", text=rest)] if rest and with_rest else []) + bl)
            if body:
                parts.append(body)
        return or_none("\n\n".join(parts))

    presenter: Person | None = None
    proposal_parts = []
    for rest, bl in fields.get("proposal", []):
        body = bl
        if rest and presenter is None and len(rest) < 90 and not rest.endswith("."):
            presenter = person_title_then_name(rest)
            if presenter is None:
                body = [Block("p", text=rest)] + bl
        elif rest:
            body = [Block("p", text=rest)] + bl
        t = _prose(body)
        if t:
            proposal_parts.append(t)
    proposal = or_none("\n\n".join(proposal_parts))
    if presenter is None:
        for rest, bl in fields.get("presenter", []):
            presenter = person_title_then_name(rest or _prose(bl) or "")
            if presenter:
                break
    preparers: list[Person] = []
    for rest, bl in fields.get("preparers", []):
        lines = ([rest] if rest else []) + [b.text for b in bl if b.text and b.tag != "hr"]
        preparers.extend(parse_contacts("\n".join(lines)))
    if presenter:
        presenter = fill_contact(presenter, preparers)

    decision_text = text_of("decision")
    handling = text_of("handling")
    preparation = text_of("preparation")
    summary = text_of("summary")
    if summary:
        preparation = summary + ("\n\n" + preparation if preparation else "")
    hist = _prose(history)
    if hist:
        label = "Beslutshistorik" if lang == "sv" else "Päätöshistoria"
        preparation = (preparation + "\n\n" if preparation else "") + f"{label}\n\n{hist}"
    authority = text_of("authority")
    if not case_id:
        for rest, bl in fields.get("case_id", []):
            m = _DNO.search(rest + " " + " ".join(b.text for b in bl))
            if m:
                case_id = m.group(0)
                break

    attachments = [Attachment(title=re.sub(r"\s+", " ", t).strip(), url=h or None) for t, h in links]
    seen = {_norm(a.title) for a in attachments}
    for rest, bl in fields.get("attachments", []):
        for line in ([rest] if rest else []) + [b.text for b in bl]:
            for item in line.split("\n"):
                item = _BULLET.sub("", one_line(item)).strip(" -–˗")
                item = re.sub(r"^\d{1,3}[.)]?\s+", "", item)
                if item and _norm(item) not in seen:
                    seen.add(_norm(item))
                    attachments.append(Attachment(title=item))

    if lang not in ("fi", "sv"):
        lang = "sv" if any(k in _SV for k in (k for k, v in LABELS.items() if k in fields)) else "fi"
    votes = votes_from_text(handling)
    outcome = detect_outcome(decision_text, proposal)
    if votes and decision_text:
        outcome = Outcome.voted

    source = Source(path=str(path), format=FORMAT, record=0)
    where = f"§ {section}" if section else where_record(1)
    derived: list[str] = []
    if not muni:
        muni = _municipality_from_emails("\n".join(b.text for b in blocks))
    rec = new_decision(
        source, (section or agenda_no or "", case_id or ""),
        municipality=muni,
        committee=committee,
        meeting_date=meeting_date,
        section=section,
        title=title,
        case_id=case_id,
        presenter=presenter,
        preparers=preparers,
        proposal=proposal,
        decision=decision_text,
        outcome=outcome,
        authority=authority,
        preparation=preparation,
        handling=handling,
        votes=votes,
        attachments=attachments,
        language=lang,
        derived=derived,
    )
    if kind in _AGENDA_KINDS:
        result.warn(Msg("ingest_dynasty_agenda_item_no", no=agenda_no) if agenda_no
                    else Msg("ingest_dynasty_agenda_item"), where)
    if not title:
        result.warn(Msg("ingest_dynasty_no_title"), where)
    if not decision_text and not proposal:
        result.warn(Msg("ingest_item_no_text"), where)
    return rec


def _norm(t: str) -> str:
    return re.sub(r"[^\w]+", " ", t.lower()).strip()


def _parse_index(blocks, path, result, committee, meeting_date, kind, lang, muni, derived_muni) -> bool:
    """The meeting's item list: rows "125 Kokouksen laillisuuden …" linking to
    item pages.  False when the page lists no items."""
    in_table = False
    numbered_as_section = False
    rows: list[tuple[str, str, str | None]] = []
    for b in blocks:
        t = one_line(b.text)
        head = re.match(r"^(Pykälä|§|Paragraf|Asia|Asianro|Ärende|Nro)\b\s*(Otsikko|Rubrik)?", t, re.I)
        if b.tag == "tr" and head:
            in_table = bool(head.group(2))
            numbered_as_section = head.group(1).lower() in ("pykälä", "§", "paragraf")
            continue
        if not in_table:
            continue
        m = re.match(r"^(\d{1,4})\s+(\S.*)$", t)
        if not m:
            continue
        href = next((h for _, h in b.links if re.search(r"\.html?$", h, re.I)), None)
        rows.append((m.group(1), m.group(2), href))
    if not rows:
        return False
    lang = lang if lang in ("fi", "sv") else "fi"
    for i, (no, title, href) in enumerate(rows):
        source = Source(path=str(path), format=FORMAT, record=i)
        section = no if numbered_as_section else None
        rec = Decision(
            municipality=muni,
            committee=committee,
            meeting_date=meeting_date,
            section=section,
            title=title,
            language=lang,
            derived=["municipality"] if muni and derived_muni else [],
            source=source,
        )
        rec.id = stable_id(source, i, no)
        result.records.append(rec)
    doc: str = {"pöytäkirja": Msg("ingest_doc_minutes"), "esityslista": Msg("ingest_doc_agenda")}.get(kind, kind)
    result.warn(Msg("ingest_dynasty_index_page", doc=doc, n=len(rows)))
    return True
