"""Pieces every ingest module shares: outcome detection, votes, funded projects,
dates, committees, reading a text file, the one way a decision record is made
(``new_decision``), and the result type ingest functions return."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from ..i18n import Msg, Strings
from ..models import AnnualReport, Decision, FundedProject, Outcome, Source, Vote, stable_id
from ..projects import STATE_FUNDERS, normalise_funders, parse_amounts, project_key, years_in
from ..text import clean, decode_bytes, escape_controls, one_line
from .funding import decision_projects

Record = Decision | AnnualReport


@dataclass
class Problem:
    """Something wrong with an input, with where it is."""

    path: str
    message: str
    where: str | None = None  # "record 3", "line 12", "page 4", "§ 45" (a Msg where it has words)
    severity: str = "error"  # "error": item skipped; "warning": kept, with a gap; "repaired"
    # The message as a key and parameters (``message`` is its English), said
    # in the UI's language: the indexer's own problems (a missing path, a
    # file with no records) and the parsers' findings alike.  None for a
    # message that has no key (it stays as written).
    msg: Msg | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, path: str, msg: Msg, where: str | None = None, severity: str = "error") -> Problem:
        return cls(path, str(msg), where, severity, msg)

    def __str__(self) -> str:
        """One line, whatever the file name holds (control characters escaped)."""
        return self.line()

    def line(self, s: Strings | None = None) -> str:
        """One line, with the message and where it is in the language of
        ``s`` where they have a key (English when no ``s`` is given)."""
        where = self.where.render(s) if isinstance(self.where, Msg) and s is not None else self.where
        loc = f"{self.path}: {where}" if where else self.path
        message = self.msg.render(s) if self.msg is not None and s is not None else self.message
        return escape_controls(f"{loc}: {message}")


@dataclass
class IngestResult:
    path: str
    format: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The parser vouches that every string in its records is already as
    # ``clean_record`` would leave it, so that it need not be run over them
    # (see arkisto_json.values_clean for the argument).
    cleaned: bool = field(default=False, compare=False, repr=False)

    # ``message`` and ``where``: a Msg (said in the UI's language; its str is
    # the English) or a plain string (said as it is).
    def warn(self, message: str | Msg, where: str | Msg | None = None) -> None:
        self._add(message, where, "warning")

    def repaired(self, message: str | Msg, where: str | Msg | None = None) -> None:
        self._add(message, where, "repaired")

    def error(self, message: str | Msg, where: str | Msg | None = None) -> None:
        self._add(message, where, "error")

    def _add(self, message: str | Msg, where: str | Msg | None, severity: str) -> None:
        msg = message if isinstance(message, Msg) else None
        self.problems.append(Problem(self.path, str(message), where, severity, msg))


class IngestError(Exception):
    """A whole file cannot be read.  The message names what is wrong: a Msg
    (said in the UI's language) or a plain string."""

    def __init__(self, message: str | Msg):
        super().__init__(message)

    @property
    def message(self) -> str | Msg:
        """What was wrong, as given (a Msg keeps its key)."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


def where_record(n: int) -> Msg:
    """``record n`` (1-based) as a Msg: "record 3" / "tietue 3"."""
    return Msg("ingest_where_record", n=n)


def where_item(n: int) -> Msg:
    """``item n`` (1-based) as a Msg: "item 2" / "kohta 2"."""
    return Msg("ingest_where_item", n=n)


def where_line(n: int) -> Msg:
    """``line n`` as a Msg: "line 12" / "rivi 12"."""
    return Msg("ingest_where_line", n=n)


def clean_record(rec: BaseModel) -> None:
    """Every string in a record, nested ones too, cleaned in place (no
    control, escape, zero-width or bidi characters): whatever a parser
    missed, a JSON ``\u001b`` or an HTML ``&#8238;`` decoded into text."""
    for name in type(rec).model_fields:
        value = getattr(rec, name)
        cleaned = _clean_value(value)
        if cleaned is not value:
            setattr(rec, name, cleaned)


def _clean_value(value):
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        c = clean(value)
        return value if c == value else c
    if isinstance(value, list):
        items = [_clean_value(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    if isinstance(value, BaseModel):
        clean_record(value)
    return value


# --- outcome ------------------------------------------------------------------

class _FollowedBy:
    """``first.*then|other`` without its backtracking: the regex tried every
    match of ``first`` against the whole rest of the text, quadratic on a text
    full of them.  Here ``then`` is looked for once, after the first match."""

    def __init__(self, first: str, then: str, other: str):
        self.first = re.compile(first, re.I)
        self.then = re.compile(then, re.I)
        self.other = re.compile(other, re.I)

    def search(self, text: str) -> bool:
        m = self.first.search(text)
        if m and self.then.search(text, m.end()):
            return True
        return bool(self.other.search(text))


_OUTCOMES: list[tuple[Outcome, re.Pattern[str] | _FollowedBy]] = [
    (Outcome.tabled, re.compile(r"\bpöydälle\b|bordlades|\bbordlägg", re.I)),
    (Outcome.returned, _FollowedBy(r"palaute(?:ttiin|taan|tti)\b", r"valmistel",
                                   r"\bpalautti\b|valmisteluun palautettavaksi|uudelleen valmisteltavaksi"
                                   r"|återremitter|återremiss")),
    (Outcome.amended, re.compile(
        r"muutettuna|muutoksin\b|seuraavin muutoksin|seuraavalla muutoksella|lisäyksin|seuraavin lisäyksin"
        r"|muutetussa muodossa|muutet(?:tu|tua|tuna|un|un) (?:ehdotu|esity|päätösehdotu|päätösesity)"
        r"|muutti ehdotustaan|muutti esitystään|muutti päätösehdotustaan|korjattuna|täydennettynä"
        r"|ändrade förslag|med ändring|med den ändring|med följande ändring|ändrat förslag|med tillägg|kompletterat"
        r"|godkände motförslag|motförslaget godkändes|hyväksyi vastaehdotuksen|vastaehdotus hyväksyttiin", re.I)),
    (Outcome.rejected, re.compile(r"\bhylättiin\b|\bhylkäsi\b|\bhylkää\b|\bei hyväksytty|\bei hyväksynyt|\bförkast|\bavslogs"
                                  r"|\bavslog\b", re.I)),
    (Outcome.voted, re.compile(r"\bäänestyksen jälkeen|\bäänestys(?:tulos|\b)|\bäänin\b|\bäänellä\b"
                               r"|\b(?:om)?röstning|\bröster\b", re.I)),
]
_AMENDED_WORDS = _OUTCOMES[2][1]
_NOTED = re.compile(
    r"\btiedoksi\b|\btiedokseen\b|\bmerkittiin\b|\bmerkitsi\b|\bantecknade|\bantecknades|för kännedom"
    r"|\btill kännedom|\bkenntnis", re.I)
_APPROVED = re.compile(
    r"\bhyväksyttiin\b|\bhyväksyi\b|\bhyväksyy\b|\bpäätti\b|\bpäättää\b|\bmyönt(?:ää|i)\b|\bvalitsi\b"
    r"|\bvalitsee\b|\bvalittiin\b|\boikeuttaa\b|\boikeutti\b|\btotesi\b|\btoteaa\b|\bmuuttaa\b|\bmuutti\b"
    r"|\bgodkände|\bgodkändes|\bgodkänns|\bbeslöt|\bbeslutade|\bvalde\b|\bbeviljade\b|\bbeviljades\b"
    r"|ehdotuksen mukaan"
    r"|ehdotuksen mukaisesti|esityksen mukaisesti|förslaget|\bantaa\b|\bantoi\b|\bvahvisti\b|\bvahvistaa\b"
    r"|\bnimesi\b|\bnimeää\b|\bnimettiin\b",
    re.I,
)
# "Ehdotus hyväksyttiin", "Hyväksyi esityksen", "Förslaget godkändes": the
# decision takes the proposal as it was; what the proposal does decides.
_AS_PROPOSED = re.compile(
    r"^(?:\w+\s+){0,3}?(?:(?:päätös)?(?:ehdotus|esitys)\s+hyväksyttiin|hyväksyttiin(?:\s+(?:esitys|ehdotus))?"
    r"|hyväksyi\s+(?:\w+\s+){0,2}(?:esityksen|ehdotuksen|päätösehdotuksen)"
    r"|(?:föredragandens\s+)?förslag(?:et)?\s+godkändes|godkändes)\b",
    re.I,
)
_PROPOSAL_NOTES = re.compile(
    r"^\s*(?:[\w-]+\s+){0,4}?(?:päättää\s+(?:1\.\s*)?)?(?:merkitsee|merkitään|merkitsevät|merkitä)\s+[^;]{0,240}?"
    r"\btiedo(?:ksi|kseen)\b"
    r"|^\s*(?:[\w-]+\s+){0,3}?antecknar\b|^\s*(?:[\w-]+\s+){0,4}?(?:tiedoksi|för kännedom)",
    re.I,
)


def detect_outcome(decision_text: str | None, proposal: str | None = None) -> Outcome | None:
    """The outcome a decision's text states.  None when there is no text;
    ``other`` when the text says nothing we recognise.

    A decision that takes the proposal as it was ("Ehdotus hyväksyttiin")
    has the proposal's outcome: a proposal that only notes something
    ("Lautakunta merkitsee tiedoksi …") was noted, not approved."""
    if not decision_text or not decision_text.strip():
        return None
    whole = one_line(decision_text)
    text = _without_procedure(whole)
    found = _stated_outcome(text, proposal)
    if found is Outcome.other and text != whole:
        # "Puheenjohtaja totesi kokouksen lailliseksi …": the procedure was
        # all the decision there is.
        return _stated_outcome(whole, proposal)
    return found


# "Tarkastuslautakunta päätti merkitä tiedoksi …", "… päätti hylätä
# oikaisuvaatimuksen": what the body decided to do is the outcome, not the
# "päätti" before it.
_DECIDED_TO = [
    (Outcome.noted, re.compile(r"\b(?:päätti|päättää)\s+(?:yksimielisesti\s+)?merkitä\b|\bbeslöt\s+anteckna\b", re.I)),
    (Outcome.rejected, re.compile(r"\b(?:päätti|päättää)\s+(?:yksimielisesti\s+)?hylätä\b|\bbeslöt\s+(?:att\s+)?"
                                  r"(?:förkasta|avslå)\b", re.I)),
]


def _stated_outcome(text: str, proposal: str | None) -> Outcome:
    first = text.split(". ")[0]
    for outcome, decided in _DECIDED_TO:
        if decided.search(first) and not _OUTCOMES[0][1].search(text) and not _AMENDED_WORDS.search(text):
            return outcome
    for outcome, pat in _OUTCOMES:
        if outcome is Outcome.rejected and _SIDE_MOTION_REJECTED.search(text) and not _REJECTED_MAIN.search(text):
            continue  # "ei hyväksynyt … toivomuspontta": a rider was rejected, not the decision
        if pat.search(text):
            if outcome is Outcome.voted and _vote_changed_proposal(text, proposal):
                return Outcome.amended
            return outcome
    if _NOT_TAKEN_OVER.search(text):
        return Outcome.noted  # an official's decision it chose not to take over: noted
    noted = _NOTED.search(text)
    approved = _APPROVED.search(text)
    if approved and not noted and proposal and _AS_PROPOSED.match(text) and _only_notes(one_line(proposal)):
        return Outcome.noted
    # "Merkitsi tiedoksi" is noted; "Hyväksyi … ja merkitsi tiedoksi" is an
    # approval: whichever the text says first.
    if noted and (not approved or noted.start() < approved.start()):
        return Outcome.noted
    if approved:
        return Outcome.approved
    return Outcome.other


_PROCEDURE = re.compile(
    r"^(?!\S+\s+[\w-]+\s+[\w:-]+n\s+(?:esityksestä|ehdotuksesta)\b)"  # "Valtuutettu N:n esityksestä valtuusto valitsi …"
    r"(?:puheenjohtaja|valtuutettu|jäsen|ledamoten|ordföranden|keskustelun (?:aikana|kuluessa)|keskustelussa"
    r"|äänestyksessä|vid omröstningen|under diskussionen|kokouksessa oli läsnä)\b", re.I)


# "Puheenjohtaja totesi, että valtuustoaloite palautetaan valmisteluun": the
# chair stating the result after a vote is the decision.
_STATES_RESULT = re.compile(r"totesi,? että .*(?:hyväksy|palaut|pöydälle|hylät|hylkä|muutettu|tiedoksi)"
                            r"|konstaterade att .*(?:godkän|återremitt|bordl|förkast)", re.I)


def _without_procedure(text: str) -> str:
    """The decision without its procedural sentences ("Puheenjohtaja totesi
    …", "Valtuutettu X ehdotti …", "Äänestyksessä …"), which state how the
    meeting went, not what it decided; all of it when nothing else is left."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text)
    kept = [x for x in sentences if not _PROCEDURE.match(x) or _STATES_RESULT.search(x)]
    return " ".join(kept) if kept else text


def _only_notes(proposal: str) -> bool:
    """The proposal notes and does nothing else: it starts by noting, and
    each of its numbered points notes too ("1. merkitä tiedoksi …, 2.
    esittää valtuustolle, että se merkitsee tiedoksi …"); a point that
    proposes something else ("… että aloite katsotaan loppuunkäsitellyksi")
    makes it a proposal that was approved."""
    if not _PROPOSAL_NOTES.match(proposal):
        return False
    points = re.split(r"(?:^|\s)\d{1,2}\.\s+(?=[a-zåäö])", proposal)
    points = [p for p in points[1:] if p.strip()] if len(points) > 2 else []
    return all(re.search(r"\btiedo(?:ksi|kseen)\b|för kännedom|antecknar", p, re.I) for p in points)


_NOT_TAKEN_OVER = re.compile(r"\b(?:olla\s+)?käyttämättä\s+otto-oikeu|\bei\s+käytä\s+otto-oikeu|inte\s+använda\s+(?:sin\s+)?övertagningsrätt", re.I)
_SIDE_MOTION_REJECTED = re.compile(
    r"(?:ei hyväksynyt|hylkäsi|hylättiin|förkastade|förkastades)\s+(?:\w+\s+){0,5}?"
    r"(?:toivomus\w*|pon\w*|vastaehdotu\w*|muutosehdotu\w*|hylkäysehdotu\w*|kläm\w*|motförslag\w*)", re.I)
_REJECTED_MAIN = re.compile(r"(?:ehdotus|esitys|hakemus|valitus|oikaisuvaatimus|förslaget|ansökan)\s+(?:hylättiin|förkastades|avslogs)"
                            r"|hylkäsi\s+(?:\w+\s+){0,3}?(?:hakemuksen|valituksen|oikaisuvaatimuksen)", re.I)
# A vote that the counter-proposal won: the decision was changed.
_AMENDED_BY_VOTE = re.compile(
    r"vastaehdotus\s+(?:voitti|hyväksyttiin)|motförslaget\s+(?:vann|godkändes)"
    # "beslöt efter omröstning enligt Kälds förslag", "… N:n ehdotuksen mukaisesti": a member's proposal won
    r"|enligt\s+(?!föredragandens|stadsdirektörens|kommundirektörens|ordförandens)[A-ZÅÄÖ][\w-]*s\s+förslag"
    r"|(?<!esittelijän )(?<!puheenjohtajan )\b[A-ZÅÄÖ][\w-]*:?n\s+(?:vasta)?ehdotuksen\s+mukaisesti", re.I)
_NUMBER = re.compile(r"\d+(?:[,.]\d+)?")


def _vote_changed_proposal(text: str, proposal: str | None) -> bool:
    """A decision taken by vote that is not the proposal: a counter-proposal
    won (said so), or the decision states figures the proposal does not
    ("neliöhinta on … 2,50 euroa" against a proposed 3,50)."""
    if _AMENDED_BY_VOTE.search(text):
        return True
    if not proposal:
        return False
    proposed = set(_NUMBER.findall(one_line(proposal)))
    stated = {n for n in _NUMBER.findall(text) if not re.fullmatch(r"(?:19|20)\d\d", n)}
    return bool(proposed) and bool(stated - proposed)


# --- funded projects --------------------------------------------------------------

FUNDERS = {
    "OKM": "OKM", "OPH": "OPH", "AVI": "AVI", "EU": "EU", "ESR": "ESR", "ESR+": "ESR+",
    "EAKR": "EAKR", "ELY": "ELY", "STM": "STM", "TEM": "TEM", "YM": "YM", "MMM": "MMM",
    "LVM": "LVM", "VM": "VM", "SM": "SM", "EAKR/ESR": "EAKR/ESR", "ARA": "ARA",
    "LEADER": "Leader", "ERASMUS+": "Erasmus+", "BUSINESS FINLAND": "Business Finland",
    "TRAFICOM": "Traficom", "SITRA": "Sitra", "KELA": "Kela", "STEA": "STEA",
    "INTERREG": "Interreg", "JTF": "JTF", "EMKR": "EMKR", "MAASEUTURAHASTO": "Maaseuturahasto",
    "OKM/AVI": "OKM/AVI", "THL": "THL", "TAIKE": "Taike", "ELY-KESKUS": "ELY",
    "VALTIONKONTTORI": "Valtiokonttori", "VALTIOKONTTORI": "Valtiokonttori", "SRC": "SRC",
    "HAMK": "HAMK", "ETELÄ-SAVON ELY-KESKUS": "ELY",
}
_FUNDER_ALT = "|".join(sorted((re.escape(k) for k in FUNDERS), key=len, reverse=True))
_AMOUNT = r"\d[\d  .]*(?:,\d+)?\s*(?:€|euroa|eur|e\b|M€|milj\.? ?€|milj\.? euroa)"
_PAREN = re.compile(
    rf"\(\s*(?P<funders>(?:{_FUNDER_ALT})(?:\s*(?:,|/|ja|\+|&)\s*(?:{_FUNDER_ALT}))*)"
    rf"(?:\s*[,:;]?\s*(?P<amount>{_AMOUNT}))?\s*\)",
    re.I,
)


def _funder_name(raw: str) -> str:
    parts = re.split(r"\s*(?:,|/|\bja\b|\+|&)\s*", raw.strip())
    names = [FUNDERS.get(p.upper(), p) for p in parts if p]
    return "/".join(dict.fromkeys(names))


def _project_name(raw: str) -> str:
    name = one_line(raw)
    # Leading connectives and list punctuation from the previous project.
    name = re.sub(r"^(?:[•◦▪‣●\-–*,;:.]|\bsekä\b|\bja\b|\btai\b|\bmyös\b)\s*", "", name, flags=re.I).strip()
    name = re.sub(r"^(?:[•◦▪‣●\-–*,;:.]|\bsekä\b|\bja\b)\s*", "", name, flags=re.I).strip()
    # "VALSSI -digitaalinen laadunarviointijärjestelmä …": a name then a
    # subtitle after a spaced dash.  "esi- ja perus…" has the space after.
    m = re.match(r"^(.+?)\s+[-–]\s?(?=\w)", name)
    if m and len(m.group(1)) >= 3:
        name = m.group(1)
    # Text before a colon introduces the list ("…hankkeita olivat: X").
    if ":" in name:
        name = name.rsplit(":", 1)[1].strip()
    return name.strip(" ,;.-–\"'”“")


def extract_projects(text: str | None) -> list[FundedProject]:
    """Funded projects named as ``Name (FUNDER)`` or ``Name (FUNDER, 50 000 €)``.

    The text is taken paragraph by paragraph (bullets are paragraphs), so a
    name never spans two bullets.  Several projects in one bullet, joined by
    "sekä"/"ja"/",", are split at each funder parenthesis.
    """
    if not text:
        return []
    found: list[FundedProject] = []
    special = False
    for para in re.split(r"\n\s*\n|\n(?=\s*[•◦▪‣●])", text):
        special = special or "erityisavustu" in para.lower()
        start = 0
        for m in _PAREN.finditer(para):
            segment = para[start : m.start()]
            start = m.end()
            # Only the last sentence of the segment is the name.
            segment = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", segment)[-1]
            name = _project_name(segment)
            if len(name) < 3 or len(name) > 200:
                continue
            # "… enintään 0,3 milj. € Euroopan aluekehitysrahastosta (EAKR)":
            # the parenthesis spells out a funder, the text before is no name.
            if not name[:1].isupper() or normalise_funders(name) or parse_amounts(name):
                continue
            amount = m.group("amount")
            funders = normalise_funders(m.group("funders"))
            # A list introduced as special grants ("erityisavustuksilla
            # rahoitettuja kehittämishankkeita olivat:") from a state funder:
            # each project is its grant's programme, named by its topic.
            found.append(FundedProject(
                name=name, funder=_funder_name(m.group("funders")),
                amount=one_line(amount) if amount else None,
                key=project_key(name), funders=funders,
                amounts=parse_amounts(one_line(amount)) if amount else [],
                years=years_in(one_line(para)), stage="mention",
                programme=name if special and any(f in STATE_FUNDERS for f in funders) else None,
                sentence=one_line(segment + para[m.start():m.end()]) or None,
            ))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for p in found:
        key = (p.name.lower(), p.funder)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


# --- dates, committees ----------------------------------------------------------

_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})")


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    m = _DATE.search(text)
    if m:
        d, mo, y = (int(x) for x in m.groups())
    else:
        m = _ISO.search(text)
        if not m:
            return None
        y, mo, d = (int(x) for x in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        return None


BODY_WORDS = (
    "lautakunta", "hallitus", "valtuusto", "jaosto", "toimikunta", "neuvosto", "johtokunta",
    "lautakunnan", "jaos", "kollegio", "valiokunta", "toimielin", "nämnd", "styrelse", "fullmäktige",
    "sektion", "direktion",
)

_BODY_SUBJECT = re.compile(
    r"^\s*((?:[A-ZÅÄÖ][\w-]*(?:,?\s+(?:ja\s+)?[\w-]+){0,5}?)(?:lautakunta|hallitus|valtuusto|jaosto|toimikunta|johtokunta|neuvosto))\b"
)


def date_from_file_name(path: str) -> date | None:
    """"oulu_kaupunginhallitus_2017-03-27_632581845351090.pdf" -> 27.3.2017:
    the date a file's name carries (yyyy-mm-dd, yyyymmdd, d.m.yyyy), for a
    document that states none (marked derived by the caller)."""
    from pathlib import Path

    name = Path(path).name
    m = re.search(r"(?<!\d)((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)", name)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return parse_date(name.replace("_", " "))


def committee_from_proposal(text: str | None) -> str | None:
    """"Kasvatus- ja opetuslautakunta hyväksyy …" -> "Kasvatus- ja opetuslautakunta";
    "Kaupunginhallitus esittää kaupunginvaltuustolle, että se …" -> "Kaupunginvaltuusto"."""
    if not text:
        return None
    flat = one_line(text)
    m = _BODY_SUBJECT.match(flat)
    if not m:
        return None
    # "Aluehallitus esittää aluevaltuustolle, että se …": the board proposes,
    # the council it addresses decides.
    to = re.match(r"\s+esittää\s+([a-zåäö-]*(?:valtuusto|kokoukse))lle\b", flat[m.end():], re.I)
    if to:
        body = re.sub(r"kokoukse$", "kokous", to.group(1))
        return body[:1].upper() + body[1:]
    return m.group(1)


def or_none(text: str | None) -> str | None:
    """The text stripped, or None when nothing is left."""
    text = (text or "").strip()
    return text or None


def first_sentence(text: str | None, limit: int = 160) -> str | None:
    if not text:
        return None
    s = one_line(text)
    # A sentence ends at . ! ? followed by a capital, not at "v. 2024" or "12. helmikuuta".
    m = re.match(r"(.+?[.!?])(?:\s+(?=[A-ZÅÄÖ])|$)", s)
    s = m.group(1) if m else s
    if len(s) > limit:
        s = s[: limit - 1].rsplit(" ", 1)[0] + "…"
    return s or None


# --- votes --------------------------------------------------------------------------

_VOTE_PHRASE = re.compile(
    r"(?P<phrase>\b\w+\s+äänellä\s+(?:\w+\s+)?(?:\(\d+(?:/\d+)?\)\s+)?(?:ääntä\s+)?vastaan"
    r"(?:\s+(?:ja|,)\s+(?:\w+\s+){0,3}?(?:äänestäessä|äänestettyä)\s+tyhjää)?"
    r"|\bäänin\s+\d+\s*[-–]\s*\d+(?:\s*[-–]\s*\d+)?"
    r"|\bmed\s+\d+\s+röster\s+mot\s+\d+"
    r"|\brösterna\s+\d+\s*[-–]\s*\d+)",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?](?=\s|$)|$)")


def votes_from_text(text: str | None) -> list[Vote]:
    """Votings written out in a Käsittely text.

    Two shapes: Ahjo's "JAA-ehdotus: … EI-ehdotus: … Jaa-äänet: 14 … Ei-äänet:
    34 … Tyhjä: 37 … Poissa: 0" blocks, and a sentence stating the result
    ("… 9 äänellä 6 ääntä vastaan hylänneen …", "hyväksyttiin äänin 8-7")."""
    if not text:
        return []
    votes: list[Vote] = []
    # Ahjo-style voting blocks.
    heads = list(re.finditer(r"(?im)^\s*(?:JAA|JA)-(?:ehdotus|förslag)\s*:?", text))
    for i, m in enumerate(heads):
        seg = text[m.start(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        yes = re.search(r"(?im)^\s*(?:JAA|JA)-(?:ehdotus|förslag)\s*:?\s*(.*)$", seg)
        no = re.search(r"(?im)^\s*(?:EI|NEJ)-(?:ehdotus|förslag)\s*:?\s*(.*)$", seg)
        counts = []
        for label, pat in (
            ("Jaa", r"(?:Jaa-äänet|Ja-röster|JAA|JA)"), ("Ei", r"(?:Ei-äänet|Nej-röster|EI|NEJ)"),
            ("Tyhjä", r"(?:Tyhjä|Tyhjiä|Blanka|Blankt)"), ("Poissa", r"(?:Poissa|Frånvarande)"),
        ):
            # "Jaa-äänet: 14" on its own line, or "JAA: 9, EI: 6, Tyhjiä: 0, Poissa: 0".
            c = re.search(rf"(?i)(?:^|(?<=[\s,]))(?-i:{pat})\s*:\s*(\d+)", seg) if label in ("Jaa", "Ei") else \
                re.search(rf"(?i)(?:^|(?<=[\s,])){pat}\s*:\s*(\d+)", seg)
            if c:
                counts.append(f"{label} {c.group(1)}")
        desc = "; ".join(
            f"{lab}: {one_line(x.group(1))}" for lab, x in (("JAA", yes), ("EI", no)) if x and x.group(1).strip()
        )
        if desc or counts:
            votes.append(Vote(description=desc, result=", ".join(counts)))
    if votes:
        return votes
    for para in re.split(r"\n\s*\n", text):
        flat = one_line(para)
        for s in _SENTENCE.finditer(flat):
            sent = s.group(0).strip()
            phrase = _VOTE_PHRASE.search(sent)
            if phrase:
                votes.append(Vote(description=sent, result=one_line(phrase.group("phrase"))))
    return votes


def funded_projects(*texts: str | None, title: str | None = None, org: str | None = None) -> list[FundedProject]:
    """extract_projects over the texts, without "names" that are whole
    sentences (a funder in parentheses after a long clause), then the
    projects the decision's sentences name (ingest.funding), each once by
    its normalised key."""
    found = extract_projects("\n\n".join(t for t in texts if t))
    found = [p for p in found if len(p.name.split()) <= 10 and not _clause_like(p.name)]
    keys = {p.key for p in found}
    lone = len(found) == 1
    for p in decision_projects(title, *texts, known=frozenset(keys), org=org):
        if p.key not in keys:
            keys.add(p.key)
            found.append(p)
        elif lone:
            # The record's one "Name (FUNDER)" project is the one its
            # sentences are about: they add the funders and sums the
            # parenthesis left out.
            q = found[0]
            found[0] = q.model_copy(update={
                "funders": list(dict.fromkeys(q.funders + p.funders)),
                "amounts": q.amounts or p.amounts, "years": q.years or p.years,
                "stage": p.stage if q.stage == "mention" else q.stage})
    return found


# Words that join a clause, seldom a name: two of them, or an association's
# or company's form at the end, make "Kommunen ansöker om utvecklingsstöd av
# Aktion Österbotten rf (Leader)" a sentence with its funder, not a project.
_CLAUSE_WORDS = {"on", "ovat", "oli", "ja", "että", "sekä", "joka", "jonka", "om", "av", "är", "och", "att", "som",
                 "för", "till", "med", "har"}
_ORG_FORMS = {"rf", "ry", "r.y.", "oy", "oyj", "ab", "ky", "kb"}


def _clause_like(name: str) -> bool:
    words = name.casefold().split()
    return sum(w in _CLAUSE_WORDS for w in words) >= 2 or (len(words) > 1 and words[-1] in _ORG_FORMS)


_FI_WORDS = {"ja", "on", "että", "ei", "sekä", "tai", "joka", "ovat", "kaupungin", "mukaan", "osalta", "myös"}
_SV_WORDS = {"och", "att", "som", "är", "för", "av", "med", "den", "det", "till", "på", "om"}


def guess_language(text: str | None) -> str | None:
    """"fi" or "sv" from common words, None when the text is too short to tell."""
    words = re.findall(r"\w+", (text or "").lower())
    fi = sum(w in _FI_WORDS for w in words)
    sv = sum(w in _SV_WORDS for w in words)
    if fi >= 3 and fi > sv:
        return "fi"
    if sv >= 3 and sv > fi:
        return "sv"
    return None


def read_text(path: Path, result: IngestResult, data: bytes | None = None) -> str:
    """A text file's content as clean NFC text; repairs are noted on ``result``."""
    if data is None:
        data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise IngestError(Msg("ingest_binary_text"))
    text, notes = decode_bytes(data)
    for note in notes:
        result.repaired(note)
    return text


def title_from_text(text: str) -> str | None:
    for line in text.split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if len(line) >= 8 and re.search(r"[A-Za-zÅÄÖåäö]{3}", line):
            return line[:120]
    return None


def new_decision(source: Source, key: tuple[object, ...], *, proposal: str | None = None,
                 decision: str | None = None, preparation: str | None = None, outcome: Outcome | None = None,
                 **fields: object) -> Decision:
    """A decision record as every parser makes one: the outcome its decision
    states (read with the proposal: a noting proposal taken as it was is
    noted) unless the parser knows better (a recorded vote), the funded
    projects its texts name, and an id that stays the same across runs,
    from the file and what identifies the item in it (``key``)."""
    title = fields.get("title")
    rec = Decision(
        proposal=proposal,
        decision=decision,
        preparation=preparation,
        outcome=outcome if outcome is not None else detect_outcome(decision, proposal),
        funded_projects=funded_projects(proposal, decision, preparation,
                                        title=title if isinstance(title, str) else None,
                                        org=org if isinstance(org := fields.get("municipality"), str) else None),
        source=source,
        **fields,  # type: ignore[arg-type]
    )
    rec.id = stable_id(source, *key)
    return rec
