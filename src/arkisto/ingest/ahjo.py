"""Helsinki's Ahjo REST API decisions (``/decisions``): ``{"decisions": [record, …]}``,
a list of records, or one record.

Each record carries structured fields (Title, Section, CaseIDLabel,
Organization, Meeting, Attachments, VotingResults, ClassificationCode/Title)
and two HTML documents: ``Content`` (the decision: Päätös, Käsittely,
Päätöksen perustelut, Esittelijä, Lisätiedot, Liitteet, Muutoksenhaku …) and
``Motion`` (the proposal: Päätösehdotus, Esittelijän perustelut …).  Swedish
records use Beslut, Behandling, Föredragande, Ytterligare upplysningar, ….

Officials' decisions (viranhaltijapäätökset) have no Meeting: their
committee is the official's title (Organization.Name) and their date stays
empty unless the record has a decision-date field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ..i18n import Msg
from ..models import Attachment, Decision, Outcome, Person, Source, Vote
from ..text import clean, one_line
from . import html_dom
from .arkisto_json import loads_strict
from .common import (
    IngestResult,
    detect_outcome,
    new_decision,
    or_none,
    parse_date,
    read_text,
    votes_from_text,
    where_record,
)
from .html_dom import Block, blocks_to_text
from .people import fill_contact, parse_contacts, person_title_then_name

FORMAT = "ahjo-json"

# Heading (lower case, no trailing colon) -> field.
LABELS: dict[str, str] = {
    # Content (the decision)
    "päätös": "decision", "beslut": "decision",
    "lausunto": "decision", "utlåtande": "decision",
    "esitys": "decision", "framställning": "decision",
    "käsittely": "handling", "behandling": "handling",
    "päätöksen perustelut": "preparation", "beslutsmotivering": "preparation", "motivering": "preparation",
    "motiveringar": "preparation", "beslutets motivering": "preparation",
    "esittelijän perustelut": "preparation", "föredragandens motiveringar": "preparation",
    "tiivistelmä": "summary", "sammandrag": "summary",
    "esittelijä": "presenter", "esittelijätiedot": "presenter", "föredragande": "presenter",
    "föredragandens uppgifter": "presenter", "föredragandens kontaktuppgifter": "presenter",
    "lisätiedot": "preparers", "ytterligare upplysningar": "preparers", "mer information": "preparers",
    "tilläggsuppgifter": "preparers",
    "liitteet": "attachments", "bilagor": "attachments",
    "muutoksenhaku": "other", "sökande av ändring": "other", "ändringssökande": "other",
    "otteet": "other", "utdrag": "other", "tiedoksi": "other", "för kännedom": "other",
    "toimeksi- ja tiedoksiannot": "other", "päätöshistoria": "other", "beslutshistorik": "other",
    "toimivalta": "authority", "behörighet": "authority",
    # Motion (the proposal)
    "päätösehdotus": "proposal", "beslutsförslag": "proposal",
    "lausuntoehdotus": "proposal", "förslag till utlåtande": "proposal",
    "esitysehdotus": "proposal", "förslag till framställning": "proposal",
}
# Section headings in Ahjo's HTML carry these classes; headings without a
# class inside a section are sub-headings of that section.
_SECTION_CLASSES = {
    "sisaltootsikko", "esittelijatiedot", "lisatiedototsikko", "muutoksenhakuotsikko",
    "liitteetotsikko", "otteetotsikko", "tiedoksiotsikko", "paatoshistoriaotsikko",
}
_SV_LABELS = {"beslut", "behandling", "föredragande", "ytterligare upplysningar", "beslutsförslag",
              "bilagor", "sökande av ändring", "föredragandens motiveringar", "beslutsmotivering"}
_CASE_ID = re.compile(r"\bHEL \d{4}-\d{6}\b")
_DATE_KEYS = ("DateDecision", "DecisionDate", "DateSigned", "SignedDate", "DatePublished", "Date")


# --- detection ------------------------------------------------------------------

def _is_record(obj: object) -> bool:
    return isinstance(obj, dict) and "Title" in obj and (
        "CaseIDLabel" in obj or "NativeId" in obj or "Content" in obj and "Section" in obj
    )


def _records_of(obj: object) -> list | None:
    if isinstance(obj, dict) and isinstance(obj.get("decisions"), list):
        items = obj["decisions"]
        if not items or any(_is_record(i) for i in items[:20]):
            return items
        return None
    if isinstance(obj, list) and obj and all(isinstance(i, dict) for i in obj[:20]) and any(
        _is_record(i) for i in obj[:20]
    ):
        return obj
    if _is_record(obj):
        return [obj]
    return None


_LOOKS = re.compile(rb'"(?:decisions|CaseIDLabel|NativeId)"\s*:')


def parse(path: Path, data: bytes) -> IngestResult | None:
    """Parser entry point: None when the JSON is not Ahjo decisions."""
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
        return None
    if not _LOOKS.search(data[:200000]):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    text = read_text(path, result, data)
    try:
        obj = loads_strict(text)  # no NaN, no duplicate keys: as arkisto's own JSON
    except ValueError as exc:
        # Claim a damaged file only when its start is clearly Ahjo's.
        if re.search(rb'"decisions"\s*:\s*\[', head) or re.search(rb'"(?:CaseIDLabel|NativeId)"\s*:', head):
            if isinstance(exc, json.JSONDecodeError):
                result.error(Msg("ingest_ahjo_json_at", line=exc.lineno, column=exc.colno, error=exc.msg))
            else:
                result.error(Msg("ingest_ahjo_json", error=str(exc)))
            return result
        return None
    items = _records_of(obj)
    if items is None:
        return None
    if not items:
        result.warn(Msg("ingest_ahjo_no_decisions"))
        return result
    undated = 0
    for i, item in enumerate(items):
        where = where_record(i + 1)
        if not isinstance(item, dict):
            result.error(Msg("ingest_record_not_object", type=type(item).__name__), where)
            continue
        try:
            rec = _parse_record(item, str(path), i, result, where)
        except ValidationError as exc:
            errs = "; ".join(
                f"{'.'.join(str(x) for x in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()[:5]
            )
            result.error(Msg("ingest_invalid_decision", errors=errs), where)
            continue
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            result.error(Msg("ingest_malformed_record", type=type(exc).__name__, error=str(exc)), where)
            continue
        if rec.meeting_date is None:
            undated += 1
        result.records.append(rec)
    if undated:
        result.warn(Msg("ingest_ahjo_undated", n=undated))
    return result


# --- one record -------------------------------------------------------------------

def _s(v: object) -> str | None:
    if v is None:
        return None
    if not isinstance(v, (str, int, float)):
        raise TypeError(f"expected text, got {type(v).__name__}")
    t = one_line(clean(str(v)))
    return t or None


def _html_sections(markup: str | None) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str], str]:
    """({field: [(heading, text), …]}, {"section": …, "title": …, "dnro": …}, lang)."""
    fields: dict[str, list[tuple[str, str]]] = {}
    meta: dict[str, str] = {}
    if not markup or not str(markup).strip():
        return fields, meta, ""
    dom = html_dom.parse(str(markup))
    blocks, title, lang = dom.blocks(), dom.title, dom.lang
    if title:
        meta["title"] = title
    classed = any(b.cls.lower() in _SECTION_CLASSES for b in blocks if b.is_heading)

    def is_head(b: Block) -> bool:
        if not b.is_heading or b.tag in ("h1",):
            return False
        if classed:
            return b.cls.lower() in _SECTION_CLASSES
        return _label(b.text) in LABELS

    current: tuple[str, str] | None = None
    buf: list[Block] = []

    def close() -> None:
        if current is not None:
            fields.setdefault(current[0], []).append((current[1], blocks_to_text(buf)))

    for b in blocks:
        cl = b.cls.lower()
        if current is None and not is_head(b):
            if cl == "asiapykala":
                meta["section"] = b.text
            elif cl == "asiaotsikko" or (b.tag == "h1" and "title" not in meta):
                meta["title"] = one_line(b.text)
            elif cl == "dnrotmuoto":
                meta["dnro"] = b.text
            continue
        if is_head(b):
            close()
            heading = one_line(b.text)
            current = (LABELS.get(_label(heading), "unknown"), heading)
            buf = []
            continue
        buf.append(b)
    close()
    return fields, meta, lang


def _label(text: str) -> str:
    return one_line(text).rstrip(":").strip().lower()


def _parse_record(item: dict, path: str, index: int, result: IngestResult, where: str) -> Decision:
    content, cmeta, clang = _html_sections(item.get("Content"))
    motion, mmeta, mlang = _html_sections(item.get("Motion"))

    def text_of(fields: dict, name: str, with_heads: bool = False) -> str | None:
        parts = []
        for heading, t in fields.get(name, []):
            if t.strip():
                parts.append(f"{heading}\n\n{t}" if with_heads else t)
        return or_none("\n\n".join(parts))

    org = item.get("Organization") if isinstance(item.get("Organization"), dict) else {}
    meeting = item.get("Meeting") if isinstance(item.get("Meeting"), dict) else None

    title = _s(item.get("Title")) or cmeta.get("title") or mmeta.get("title")
    section = _s(item.get("Section")) or cmeta.get("section")
    if section:
        section = section.replace("§", "").strip() or None
    case_id = _s(item.get("CaseIDLabel"))
    if not case_id:
        m = _CASE_ID.search(cmeta.get("dnro", ""))
        case_id = m.group(0) if m else None
    committee = _s(org.get("Name")) if org else None
    if not committee and meeting:
        committee = _s(meeting.get("DecisionMaker")) or _s(meeting.get("Name"))
    meeting_date: date | None = None
    if meeting:
        meeting_date = parse_date(_s(meeting.get("DateMeeting")))
    if meeting_date is None:
        for k in _DATE_KEYS:
            if isinstance(item.get(k), str):
                meeting_date = parse_date(item[k])
                if meeting_date:
                    break

    lang = clang or mlang
    labels_seen = {_label(h) for f in (content, motion) for v in f.values() for h, _ in v}
    if lang not in ("fi", "sv"):
        lang = "sv" if labels_seen & _SV_LABELS else "fi"

    decision_text = text_of(content, "decision")
    handling = text_of(content, "handling")
    preparation = text_of(content, "preparation") or text_of(motion, "preparation")
    summary = text_of(content, "summary") or text_of(motion, "summary")
    if summary:
        preparation = summary + ("\n\n" + preparation if preparation else "")
    unknown = text_of(content, "unknown", with_heads=True)
    if unknown:
        preparation = (preparation + "\n\n" if preparation else "") + unknown
    cls_code, cls_title = _s(item.get("ClassificationCode")), _s(item.get("ClassificationTitle"))
    if cls_code or cls_title:
        label = "Uppgiftsklass" if lang == "sv" else "Tehtäväluokka"
        line = f"{label}: {' '.join(x for x in (cls_code, cls_title) if x)}"
        preparation = (preparation + "\n\n" if preparation else "") + line
    proposal = text_of(motion, "proposal") or text_of(content, "proposal")
    authority = text_of(content, "authority") or text_of(motion, "authority")

    preparers: list[Person] = []
    for _, t in content.get("preparers", []) or motion.get("preparers", []):
        preparers.extend(parse_contacts(t))
    presenter = None
    for _, t in content.get("presenter", []) + motion.get("presenter", []):
        presenter = _presenter(t)
        if presenter:
            break
    if presenter:
        presenter = fill_contact(presenter, preparers)

    votes = _votes(item.get("VotingResults"), lang) or votes_from_text(handling)
    attachments = _attachments(item.get("Attachments"), text_of(content, "attachments") or text_of(motion, "attachments"))

    outcome: Outcome | None = Outcome.voted if item.get("VotingResults") else detect_outcome(decision_text, proposal)

    source = Source(path=path, format=FORMAT, record=index)
    native = _s(item.get("NativeId")) or _s(item.get("DecisionId")) or _s(item.get("ID")) or index
    rec = new_decision(
        source, (native,),
        municipality="Helsinki",
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
        derived=["municipality"],
    )
    if not title:
        result.warn(Msg("ingest_record_no_title"), where)
    if not decision_text and not proposal:
        result.warn(Msg("ingest_ahjo_no_text"), where)
    return rec


def _presenter(text: str) -> Person | None:
    """Ahjo writes the presenter as a title line and a name line."""
    lines = [one_line(x) for x in text.split("\n") if one_line(x)]
    if not lines:
        return None
    if len(lines) >= 2 and not re.search(r"\d|@", lines[-1]):
        return Person(name=lines[-1], title=", ".join(lines[:-1]))
    return person_title_then_name(lines[0])


def _votes(results: object, lang: str) -> list[Vote]:
    if not isinstance(results, list):
        return []
    names = {"fi": ("JAA", "EI", "Jaa", "Ei", "Tyhjä", "Poissa"), "sv": ("JA", "NEJ", "Ja", "Nej", "Blankt", "Frånvarande")}
    yes_l, no_l, y, n, b, a = names.get(lang, names["fi"])
    votes = []
    for r in results:
        if not isinstance(r, dict):
            continue
        parts = []
        desc = []
        for key, label in (("Ayes", y), ("Noes", n), ("Blank", b), ("Absent", a)):
            v = r.get(key)
            if isinstance(v, dict) and v.get("NumberOfVotes") is not None:
                parts.append(f"{label} {v.get('NumberOfVotes')}")
        for key, label in (("Ayes", yes_l), ("Noes", no_l)):
            v = r.get(key)
            if isinstance(v, dict) and isinstance(v.get("Content"), str) and v["Content"].strip():
                desc.append(f"{label}: {one_line(clean(v['Content']))}")
        if parts or desc:
            votes.append(Vote(description="; ".join(desc), result=", ".join(parts)))
    return votes


def _norm_title(t: str) -> str:
    t = re.sub(r"[_\s]+", " ", t.lower())
    return re.sub(r"[^\w ]", "", t).strip()


def _attachments(api: object, listed: str | None) -> list[Attachment]:
    """The API's attachments (title + URL); the document's Liitteet list adds
    the ones the API leaves out (secret or unpublished: no URL)."""
    from_api: list[Attachment] = []
    if isinstance(api, list):
        for a in api:
            if not isinstance(a, dict):
                continue
            title = _s(a.get("Title")) or _s(a.get("Name"))
            url = _s(a.get("FileURI")) or _s(a.get("Url")) or _s(a.get("URL"))
            if title or url:
                from_api.append(Attachment(title=title or url or "", url=url))
    doc: list[str] = []
    for line in (listed or "").split("\n"):
        line = one_line(line).lstrip("•-–* ")
        line = re.sub(r"^\d{1,3}\s+", "", line)
        if line:
            doc.append(line)
    if len(doc) <= len(from_api):
        return from_api
    out: list[Attachment] = []
    unused = list(from_api)
    for title in doc:
        nt = _norm_title(title)
        match = None
        for a in unused:
            na = _norm_title(a.title)
            if na and nt and (na == nt or na in nt or nt in na):
                match = a
                break
        if match:
            unused.remove(match)
            out.append(Attachment(title=title, url=match.url))
        else:
            out.append(Attachment(title=title))
    out.extend(unused)
    return out
