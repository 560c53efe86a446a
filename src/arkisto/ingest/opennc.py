"""CloudNC OpenNC REST API items (Mikkeli and other CloudNC/CaseM users):
one JSON per item, ``{"value": [{"Name": field, "Text": value}, …]}``,
values being HTML fragments.

Fields: Name (title), Article (§), CaseNativeId, Description (preparation),
Decisionproposal, Decision, Eventhandling (käsittely), Presenters and
Draftsmans (``name;#title;#phone;#email;#``, several joined by ``!#``),
Attachments (one field per file, an ``<a href>``), HistoryTopics (earlier
handling, a JSON string), Disqualification, DissentingOpinion.

The body and the meeting date are not in an item.  They are derived from a
file name ``<municipality>_<body>_<n>.json`` (marked in ``derived``); a
date is taken from any field that holds one.  A meeting-level file
(participants, agenda attachment, no item fields) gives no records.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pydantic import ValidationError

from ..i18n import Msg
from ..models import Attachment, Decision, Outcome, Person, Source
from ..text import clean, one_line
from . import html_dom
from .arkisto_json import loads_strict
from .common import (
    BODY_WORDS,
    IngestResult,
    detect_outcome,
    guess_language,
    new_decision,
    or_none,
    parse_date,
    read_text,
    votes_from_text,
    where_record,
)
from .html_dom import html_to_text
from .people import EMAIL, PHONE, fill_contact, parse_contact

FORMAT = "opennc-json"

_ITEM_FIELDS = {"Name", "Article", "CaseNativeId", "Description", "Decisionproposal", "Decision"}
_MEETING_FIELDS = {"Participant_councilman", "AgendaAttachment", "MeetingDate", "Participants"}
_LOOKS = re.compile(rb'"value"\s*:\s*\[')
_NAME_TEXT = re.compile(rb'"Name"\s*:\s*"[^"]*"\s*,\s*"Text"\s*:|"Text"\s*:')


def _pairs(obj: object) -> list[dict] | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("value"), list):
        return None
    vals = obj["value"]
    if not vals:
        return None
    if not all(isinstance(v, dict) and isinstance(v.get("Name"), str) and "Text" in v for v in vals):
        return None
    return vals


def parse(path: Path, data: bytes) -> IngestResult | None:
    """Parser entry point: None when the JSON is not an OpenNC item."""
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
        return None
    if not _LOOKS.search(head) or b'"Name"' not in data[:200000]:
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    text = read_text(path, result, data)
    try:
        obj = loads_strict(text)  # no NaN, no duplicate keys: as arkisto's own JSON
    except ValueError as exc:
        if b"opennc" in head.lower() or _NAME_TEXT.search(head):
            if isinstance(exc, json.JSONDecodeError):
                result.error(Msg("ingest_opennc_json_at", line=exc.lineno, column=exc.colno, error=exc.msg))
            else:
                result.error(Msg("ingest_opennc_json", error=str(exc)))
            return result
        return None
    vals = _pairs(obj)
    if vals is None:
        return None
    fields: dict[str, list[object]] = {}
    for v in vals:
        fields.setdefault(v["Name"], []).append(v)
    if not (_ITEM_FIELDS & fields.keys()):
        if _MEETING_FIELDS & fields.keys():
            d = _meeting_date_of(fields)
            when = f" ({d.isoformat()})" if d else ""
            result.warn(Msg("ingest_opennc_meeting", when=when))
        else:
            result.warn(Msg("ingest_opennc_no_fields"))
        return result
    try:
        rec = _parse_item(fields, path, result)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()[:5])
        result.error(Msg("ingest_invalid_decision", errors=errs), where_record(1))
        return result
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        result.error(Msg("ingest_malformed_item", type=type(exc).__name__, error=str(exc)), where_record(1))
        return result
    result.records.append(rec)
    return result


def _raw(fields: dict, name: str) -> str:
    """The first non-empty value of a field, as text."""
    for v in fields.get(name, []):
        t = v.get("Text")
        if t is not None and str(t).strip():
            return str(t)
    return ""


def _all(fields: dict, name: str) -> list[str]:
    return [str(v.get("Text")) for v in fields.get(name, []) if v.get("Text") is not None and str(v.get("Text")).strip()]


def _html(fields: dict, name: str) -> str | None:
    return or_none("\n\n".join(html_to_text(t) for t in _all(fields, name)))


def _people(raw: str) -> list[Person]:
    """"Timo Halonen;#kaupunginjohtaja;#;#timo.halonen@mikkeli.fi;#" entries,
    several joined with "!#"."""
    people = []
    for entry in re.split(r"!#", raw):
        parts = [one_line(clean(p)) for p in entry.split(";#")]
        parts = [p for p in parts]
        if not parts or not parts[0]:
            continue
        if EMAIL.search(parts[0]) or ";" in parts[0]:
            p = parse_contact(parts[0])
            if p:
                people.append(p)
            continue
        name = parts[0]
        title = parts[1] if len(parts) > 1 and parts[1] and not EMAIL.search(parts[1]) else None
        email = phone = None
        for extra in parts[1:]:
            if not extra:
                continue
            m = EMAIL.search(extra)
            if m and not email:
                email = m.group(0)
            elif PHONE.fullmatch(extra) or re.fullmatch(r"\+?[\d ()\-]{5,}", extra):
                phone = phone or extra
        people.append(Person(name=name, title=title, phone=phone, email=email))
    return people


def _ms_date(v: object) -> date | None:
    """"/Date(1495465218000)/" or an ISO / Finnish date."""
    if not isinstance(v, str):
        return None
    m = re.search(r"/Date\((-?\d+)([+-]\d{4})?\)/", v)
    if m:
        # Finnish local time: UTC+2, +3 in summer; the hour does not move a
        # meeting across midnight in practice, +3 h is close enough.
        dt = datetime.fromtimestamp(int(m.group(1)) / 1000, tz=timezone.utc) + timedelta(hours=3)
        return dt.date()
    return parse_date(v)


def _meeting_date_of(fields: dict) -> date | None:
    for name in ("MeetingDate", "Meetingdate", "DateMeeting", "MeetingTime", "Date"):
        for v in fields.get(name, []):
            d = _ms_date(v.get("Text")) or _ms_date(v.get("Date"))
            if d:
                return d
    for vs in fields.values():
        for v in vs:
            d = _ms_date(v.get("Date"))
            if d:
                return d
    # "Esityslista - Kaupunginhallitus - 05.06.2017, klo 15_00.pdf"
    for v in fields.get("AgendaAttachment", []) + fields.get("MinutesAttachment", []):
        d = parse_date(html_to_text(str(v.get("Text") or "")))
        if d:
            return d
    return None


_FILE_NAME = re.compile(r"^(?P<muni>[a-zåäö]+(?:-[a-zåäö]+)?)_(?P<body>[a-zåäö]+(?:-[a-zåäö]+)*)_(?:(?P<date>\d{4}-\d{2}-\d{2})_)?(?P<n>\d+)$", re.I)


def body_from_slug(slug: str) -> str:
    """"kasvatus-ja-opetuslautakunta" -> "Kasvatus- ja opetuslautakunta"."""
    words = slug.lower().split("-")
    out: list[str] = []
    for i, w in enumerate(words):
        if w in ("ja", "tai", "och") and out and not out[-1].endswith("-"):
            out[-1] += "-"
        out.append(w)
    text = " ".join(out)
    return text[:1].upper() + text[1:]


def names_from_file(path: Path) -> tuple[str | None, str | None, date | None]:
    """(municipality, body, date) from "<municipality>_<body>[_<date>]_<n>.<ext>"."""
    m = _FILE_NAME.match(path.stem)
    if not m or not any(w in m.group("body").lower() for w in BODY_WORDS):
        return None, None, None
    muni = "-".join(p.capitalize() for p in m.group("muni").split("-"))
    d = None
    if m.group("date"):
        try:
            d = date.fromisoformat(m.group("date"))
        except ValueError:
            d = None
    return muni, body_from_slug(m.group("body")), d


def _history(fields: dict, current_description: str | None) -> str | None:
    """Earlier handling (HistoryTopics): who decided what, when."""
    out = []
    for raw in _all(fields, "HistoryTopics"):
        try:
            items = loads_strict(raw)
        except ValueError:  # not JSON (or NaN, duplicate keys): no history from it
            items = None
        if not isinstance(items, list):
            continue
        for h in items:
            if not isinstance(h, dict):
                continue
            party = one_line(clean(str(h.get("Party") or "")))
            d = _ms_date(h.get("MeetingDate"))
            art = h.get("Article")
            head = " ".join(x for x in (party, f"{d.day}.{d.month}.{d.year}" if d else "",
                                        f"§ {art}" if art not in (None, "", 0, "0") else "") if x)
            parts = [f"Aiempi käsittely: {head}" if head else "Aiempi käsittely"]
            desc = html_to_text(str(h.get("Description") or ""))
            if desc and not (current_description and desc[:200] in current_description):
                parts.append(desc)
            prop = html_to_text(str(h.get("DescisionProposal") or h.get("DecisionProposal") or ""))
            if prop:
                parts.append(prop)
            dec = html_to_text(str(h.get("Descision") or h.get("Decision") or ""))
            if dec:
                parts.append(dec)
            if len(parts) > 1:
                out.append("\n\n".join(parts))
    return or_none("\n\n".join(out))


def _parse_item(fields: dict, path: Path, result: IngestResult) -> Decision:
    title = or_none(one_line(html_to_text(_raw(fields, "Name"))))
    section = or_none(one_line(html_to_text(_raw(fields, "Article"))).replace("§", "").strip())
    case_id = or_none(one_line(html_to_text(_raw(fields, "CaseNativeId"))))
    description = _html(fields, "Description")
    history = _history(fields, description)
    preparation = description
    if history:
        preparation = history + ("\n\n" + description if description else "")
    proposal = _html(fields, "Decisionproposal") or _html(fields, "DecisionProposal")
    decision_text = _html(fields, "Decision")
    handling_parts = [x for x in (_html(fields, "Eventhandling"),) if x]
    for name, label in (("Disqualification", "Esteellisyys"), ("DissentingOpinion", "Eriävä mielipide")):
        t = _html(fields, name)
        if t:
            handling_parts.append(f"{label}: {t}")
    handling = or_none("\n\n".join(handling_parts))
    presenters = _people(_raw(fields, "Presenters"))
    preparers = _people(_raw(fields, "Draftsmans") or _raw(fields, "Draftsmen"))
    presenter = fill_contact(presenters[0], preparers) if presenters else None
    attachments: list[Attachment] = []
    for raw in _all(fields, "Attachments"):
        links = [(html_dom.plain_text(a), a.attributes.get("href") or "") for a in html_dom.parse(raw).css("a")]
        links = [(t, h) for t, h in links if t or h]
        if links:
            for text, href in links:
                t = text or href
                attachments.append(Attachment(title=re.sub(r"\.pdf$", "", t, flags=re.I) if t else href, url=href or None))
        else:
            t = one_line(html_to_text(raw))
            if t:
                attachments.append(Attachment(title=t))

    derived: list[str] = []
    municipality, committee, file_date = names_from_file(path)
    if committee:
        derived += ["committee", "municipality"]
    meeting_date = _meeting_date_of(fields)
    if meeting_date is None and file_date:
        meeting_date = file_date
        derived.append("meeting_date")
    where = f"§ {section}" if section else where_record(1)
    if not committee:
        result.warn(Msg("ingest_opennc_no_committee"), where)
    if meeting_date is None:
        result.warn(Msg("ingest_opennc_no_date"), where)

    lang = guess_language("\n".join(x for x in (title, proposal, decision_text, preparation) if x))
    if lang:
        derived.append("language")
    votes = votes_from_text(handling)
    outcome = detect_outcome(decision_text, proposal)
    if votes and decision_text:
        outcome = Outcome.voted
    source = Source(path=str(path), format=FORMAT, record=0)
    rec = new_decision(
        source, (case_id or "", section or ""),
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
        outcome=outcome,
        preparation=preparation,
        handling=handling,
        votes=votes,
        attachments=attachments,
        language=lang,
        derived=derived,
    )
    if not title:
        result.warn(Msg("ingest_opennc_no_name"), where)
    if not decision_text and not proposal:
        result.warn(Msg("ingest_item_no_text"), where)
    return rec
