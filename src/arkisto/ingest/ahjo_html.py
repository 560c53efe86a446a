"""Helsinki Ahjo meeting bulletins (päätöstiedote / beslutsmeddelande) as HTML.

One page per meeting: the decision-maker (``div.Paattaja``), the meeting time
(``div.Kokousaika``), then one ``div.Tiedote`` per item — an ``h3`` "N Title",
the case id ("HEL 2021-012421"), a ``p.TiedoteTeksti`` with "Päätös" and
"Käsittely" parts, and an ``h4`` "Liitteet" list.  The number in front of
the title is the item's place on the agenda, not its §, so ``section`` is
left empty.  Bulletins carry no proposal, presenter or preparation.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from ..i18n import Msg
from ..models import Attachment, Decision, Outcome, Source
from ..text import one_line
from .common import (
    IngestResult,
    detect_outcome,
    new_decision,
    or_none,
    parse_date,
    votes_from_text,
    where_item,
)
from .html_dom import Block, load

FORMAT = "ahjo-bulletin-html"

_CASE_ID = re.compile(r"^HEL \d{4}-\d{6}$")
_PARTS = {
    "päätös": "decision", "beslut": "decision",
    "käsittely": "handling", "behandling": "handling",
}
_CITY = {"helsingin kaupunki": "Helsinki", "helsingfors stad": "Helsinki"}

# The bulletin's one-line summaries of how an item went.
_SHORT_OUTCOMES: list[tuple[re.Pattern[str], Outcome]] = [
    (re.compile(r"^(?:ehdotuksen mukaan|enligt förslaget)\s+äänestyksin|^(?:enligt förslaget )?efter omröstning", re.I), Outcome.voted),
    (re.compile(r"^(?:esittelijän )?muutetun ehdotuksen mukaan|^(?:enligt föredragandens )?ändrade förslag|^enligt föredragandens ändrade", re.I), Outcome.amended),
    (re.compile(r"^ehdotuksen mukaan|^enligt förslag(?:et)?\b", re.I), Outcome.approved),
    (re.compile(r"^pöydälle|^bordlades", re.I), Outcome.tabled),
    (re.compile(r"^palautettiin|^återremitterades", re.I), Outcome.returned),
]


def looks_like(head: bytes) -> bool:
    low = head.lower()
    return b'class="tiedote"' in low and (b'class="paattaja"' in low or b"tiedotenumero" in low)


def parse(path: Path, data: bytes) -> IngestResult | None:
    if not looks_like(data[:200000]):
        return None
    result = IngestResult(path=str(path), format=FORMAT)
    dom = load(path, data, result)
    blocks, title, lang = dom.blocks(), dom.title, dom.lang
    committee = next((one_line(b.text) for b in blocks if b.cls.lower() == "paattaja"), None)
    city = next((one_line(b.text) for b in blocks if b.cls.lower() == "kaupunkiteksti"), None)
    municipality = _CITY.get((city or "").lower())
    when = next((b.text for b in blocks if b.cls.lower() == "kokousaika"), None)
    meeting_date = parse_date(when) or parse_date(title)
    if lang not in ("fi", "sv"):
        lang = "sv" if any(re.search(r"Beslutsmeddelande|Mötestid", b.text) for b in blocks) else "fi"
    if not committee:
        result.warn(Msg("ingest_bulletin_no_committee"))
    if not meeting_date:
        result.warn(Msg("ingest_bulletin_no_date"))

    items: list[tuple[Block, list[Block]]] = []
    for b in blocks:
        if b.tag == "h3":
            items.append((b, []))
        elif b.tag in ("h1", "h2") or b.cls.lower().startswith(("paikka", "paivamaara")):
            if items:
                items.append((Block("end"), []))  # group heading or footer: closes the item
        elif items and items[-1][0].tag == "h3":
            items[-1][1].append(b)
    items = [(h, bl) for h, bl in items if h.tag == "h3"]
    if not items:
        result.warn(Msg("ingest_bulletin_no_items"))
        return result
    for i, (head, body) in enumerate(items):
        where = where_item(i + 1)
        try:
            rec = _item(head, body, path, i, committee, meeting_date, municipality, lang)
        except ValidationError as exc:
            errs = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()[:5])
            result.error(Msg("ingest_invalid_decision", errors=errs), where)
            continue
        if not rec.decision:
            result.warn(Msg("ingest_bulletin_no_decision"), where)
        result.records.append(rec)
    result.warn(Msg("ingest_bulletin_numbers"))
    return result


def _item(head: Block, body: list[Block], path: Path, index: int, committee, meeting_date, municipality, lang) -> Decision:
    m = re.match(r"^(\d{1,4})\s+(.*)$", one_line(head.text))
    number, title = (m.group(1), m.group(2)) if m else (None, one_line(head.text))
    case_id = None
    parts: dict[str, list[str]] = {}
    attachments: list[Attachment] = []
    in_att = False
    for b in body:
        t = b.text.strip()
        if not t:
            continue
        if b.tag == "h4":
            in_att = t.lower().rstrip(":") in ("liitteet", "bilagor")
            continue
        if in_att:
            for line in t.split("\n"):
                line = re.sub(r"^\d{1,3}\s+", "", one_line(line))
                if line:
                    url = next((h for x, h in b.links if h), None)
                    attachments.append(Attachment(title=line, url=url))
            continue
        if case_id is None and _CASE_ID.match(one_line(t)):
            case_id = one_line(t)
            continue
        # "Päätös\n…\n\nKäsittely\n…": a label alone on its line starts a part.
        cur = parts.setdefault("decision", [])
        for line in t.split("\n"):
            key = _PARTS.get(line.strip().rstrip(":").lower())
            if key:
                cur = parts.setdefault(key, [])
                continue
            cur.append(line)

    def part(name: str) -> str | None:
        text = "\n".join(line.strip() for line in parts.get(name, []))
        return or_none(re.sub(r"\n\s*\n+", "\n\n", text).strip())

    decision_text = part("decision")
    handling = part("handling")
    outcome = None
    if decision_text:
        first = decision_text.split("\n")[0]
        outcome = next((o for pat, o in _SHORT_OUTCOMES if pat.search(first)), None) or detect_outcome(decision_text)
    votes = votes_from_text(handling) or votes_from_text(decision_text)
    if votes:
        outcome = Outcome.voted
    source = Source(path=str(path), format=FORMAT, record=index)
    rec = new_decision(
        source, (index, number or "", case_id or ""),
        municipality=municipality,
        committee=committee,
        meeting_date=meeting_date,
        title=title or None,
        case_id=case_id,
        decision=decision_text,
        outcome=outcome,
        handling=handling,
        votes=votes,
        attachments=attachments,
        language=lang,
        derived=["municipality"] if municipality else [],
    )
    return rec
