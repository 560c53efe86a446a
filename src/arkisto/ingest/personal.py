"""Personal data in a record: where it is, of what kind, how sure.

Published decisions name private people: applicants for permits, neighbours
who objected, appellants, grant recipients, now and then with a personal
identity code or a home address.  ``detect(rec)`` finds them as spans
(kind, field, start, end, confidence) over the record's text fields, and
``redact(rec)`` returns a copy with each span replaced by its kind
("[nimi]").  What is looked for:

- **hetu**: a personal identity code ``DDMMYYCNNNT`` with a valid date,
  an individual number 002–999 and the right check character, in every
  century sign (``+``; ``-`` and ``Y X W V U``; ``A``–``F``).  A number
  labelled as a phone, invoice, reference or case number is not one.
- **phone**, **email**, **address**: contact details of private people.
  Those of officials (the record's presenter and preparers, anyone named
  with an official's title, the municipality's offices, a court) are not
  flagged: the nearest cue before a detail decides whose it is.
- **name**: a person named in the roles decisions name private people in
  (hakija, valittaja, oikaisuvaatimuksen tekijä, naapuri, asiakas,
  avustuksen saaja …, sökande, ändringssökande, granne, klient …).  In a
  decision of a sensitive kind (child welfare, social assistance, a
  disciplinary matter), other person-like names are marked ``possible``.

Rules, not lists of files or people: every pattern is compiled once and
scanned once per field, so the time is linear in the text.  Nothing here
imports search or Textual.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import date

from ..models import AnnualReport, Decision, PersonalSpan
from .people import TITLE_HINTS

# The placeholder each kind becomes in redacted text.
LABELS = {
    "hetu": "[henkilötunnus]",
    "address": "[osoite]",
    "phone": "[puhelin]",
    "email": "[sähköposti]",
    "name": "[nimi]",
}

# --- personal identity codes ---------------------------------------------------------

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
            "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
_HETU = re.compile(r"(?<![\w/.,+\-])(\d{6})([+\-A-FU-Y])\n?(\d{3})([0-9A-Y])(?![\w/\-])")
# A number labelled as something else is not an identity code even when its
# check character happens to fit (1 in 31 of them does).
_NOT_HETU_LABEL = re.compile(
    r"(?:puh(?:elin)?|p|tel|telefon|tfn|gsm|mob|lasku\w*|faktura\w*|viite\w*|referens\w*|nro|no|numero|nummer|"
    r"dnro|dno|dnr|diaari\w*|asia\w*numero|tilaus\w*|order\w*|sopimus\w*|tili\w*|konto|iban|y-tunnus|fo-nummer)"
    r"\.?\s*:?\s*$",
    re.I,
)


def valid_hetu(code: str) -> bool:
    """True for a personal identity code whose date, number and check character fit."""
    m = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([+\-A-FU-Y])(\d{3})([0-9A-Y])", code)
    if not m:
        return False
    dd, mm, yy, sign, nnn, check = m.groups()
    try:
        date(_CENTURY[sign] + int(yy), int(mm), int(dd))
    except ValueError:
        return False
    if not 2 <= int(nnn) <= 999:
        return False
    return _CHECK[int(dd + mm + yy + nnn) % 31] == check


def _hetus(text: str) -> Iterator[tuple[int, int]]:
    for m in _HETU.finditer(text):
        code = m.group(1) + m.group(2) + m.group(3) + m.group(4)
        if not valid_hetu(code):
            continue
        if _NOT_HETU_LABEL.search(text[max(0, m.start() - 40):m.start()]):
            continue
        yield m.start(), m.end()


# --- contact details -----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+\-]*\w\s?(?:@|\((?:at|a|ät)\)|\[(?:at|a|ät)\])\s?[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}(?![\w])",
    re.I,
)
_PLACEHOLDER_EMAIL = re.compile(r"^(?:etunimi\.sukunimi|förnamn\.efternamn|firstname\.lastname)\b", re.I)
# Mailboxes of an office, not of a person.
_FUNCTION_MAILBOX = re.compile(
    r"^(?:kirjaamo|registratur|kirjaamo\.\w+|info|asiakaspalvelu|neuvonta|palaute|rakennusvalvonta|"
    r"ymparisto\w*|tekninen\w*|hallinto|toimisto|kunta|kaupunki|postmaster|noreply|no-reply)\b",
    re.I,
)
_PHONE_LABELS = ["puhelinnumero", "puhelin", "puh", "p", "tel", "telefon", "telefonnummer", "tfn", "gsm", "mob",
                 "mobiili", "matkapuhelin", "matkapuh", "mobil"]
# What may stand between a phone label and its number: ".", "nro", ":".
_PHONE_GAP = r"\.?\s?(?:nro\.?\s?)?:?\s?"
_PHONE_NUMBER = (
    _PHONE_GAP +
    r"((?:\+358|00358)[ \-\n]?\(?0?\)?[ \-\n]?\d{1,3}(?:[ \-\n]?\d{2,4}){1,4}|\(?0\d{1,4}\)?(?:[ \-\n]?\d{2,4}){1,4})"
    r"(?![\w\-/.]\d)(?!\w)"
)
_LABELLED_PHONE = re.compile(r"(?<!\w)(?:" + "|".join(_PHONE_LABELS) + ")" + _PHONE_NUMBER, re.I)
# Without a label: an international number, or a mobile number (04x, 050).
_BARE_PHONE = re.compile(
    r"(?<![\w/.,\-+])(?<!\d )((?:\+358|00358)[ \-]?\(?0?\)?[ \-]?\d{1,3}(?:[ \-]?\d{2,4}){1,4}"
    r"|0(?:4\d|50)[ \-]?\d{3,4}[ \-]?\d{3,4})(?![\w\-/]|[.,]\d| \d)"
)
_NOT_PHONE_LABEL = re.compile(
    r"(?:lasku\w*|faktura\w*|viite\w*|referens\w*|tilaus\w*|sopimus\w*|tili\w*|konto|iban|y-tunnus|fo-nummer|"
    r"kiinteistö\w*|tunnus|dnro|dno|dnr|diaari\w*)\s*(?:nro|numero|nummer|n:o|no)?\.?\s*:?\s*$",
    re.I,
)

_STREET_SUFFIX = (r"(?:katu|tie|kuja|polku|väylä|raitti|rinne|kaari|piha|ranta|mäki|tori|portti|kulma|aukio|"
                  r"puistikko|bulevardi|esplanadi|kaarre|linja|gatan|gata|vägen|väg|gränd|stigen|backen|torget|"
                  r"allén|strand|kajen)")
_ADDRESS = re.compile(
    r"(?<![\w\-])((?:(?:Pohjoinen|Eteläinen|Läntinen|Itäinen|Vanha|Iso|Pikku|Norra|Södra|Västra|Östra|Stora|Lilla)"
    r"[ \n])?[A-ZÅÄÖ][a-zåäöéü\-]+" + _STREET_SUFFIX + r")[ \n](\d{1,4}[a-h]?)(?![\d,.]\d)(?![\w\-–/%€])"
    r"((?:[ \n](?:[A-H][ \n]?\d{1,3}|as\.?[ \n]?\d{1,3}|bost\.?[ \n]?\d{1,3}|lh\.?[ \n]?\d{1,3}|[A-H]))?"
    r"(?:,?[ \n]\d{5}[ \n][A-ZÅÄÖ][a-zåäö\-]+)?)(?![\w])"
)
# What an address needs to be there at all: a street word's ending right
# before a space and a number ("…katu 5"; most texts have none, and the full
# pattern tries every word).  The pattern starts with the space, so the
# regex engine skips to the spaces, and only at a space before a digit does
# it look back for the endings.
_SUFFIXES = tuple(_STREET_SUFFIX[3:-1].split("|"))
_ADDRESS_HINT = re.compile(r"[ \n]\d(?:" + "|".join(rf"(?<={s}[ \n]\d)" for s in _SUFFIXES) + ")")
# The same test made faster: the endings grouped by their last letter, one
# look-behind for the letter first (a space and a digit are common, and
# each of them tried every ending), and a pattern for the space and one
# for the newline, each starting with its one character, which the regex
# engine finds faster than either of two.
_BY_LAST: dict[str, list[str]] = {}
for _s in _SUFFIXES:
    _BY_LAST.setdefault(_s[-1], []).append(_s)
_ENDINGS = "|".join(rf"(?<={c}[ \n]\d)(?:" + "|".join(rf"(?<={s}[ \n]\d)" for s in group) + ")"
                    for c, group in _BY_LAST.items())
_ADDRESS_HINTS = (re.compile(r" \d(?:" + _ENDINGS + ")"), re.compile(r"\n\d(?:" + _ENDINGS + ")"))


def _address_hint(text: str) -> bool:
    """A street word's ending right before a space and a number (as
    ``_ADDRESS_HINT.search(text)``)."""
    return any(p.search(text) is not None for p in _ADDRESS_HINTS)


# Road numbers, not addresses: "valtatie 4", "Kantatie 54".
_ROAD = re.compile(r"^(?:valta|kanta|seutu|maan|yhdys|moottori|kehä)tie$", re.I)

# Whose a contact detail is: the nearest cue before it decides.  The cues
# are found anywhere in a word ("rakennustarkastaja", "lisätietoja"): no
# ``\w*`` around them, which made the search quadratic in a word's length.
_OFFICIAL_CUES = [re.escape(h) for h in TITLE_HINTS if len(h) > 4 and h not in
                  ("tekninen", "talous", "vastaava", "jäsen")] + (
    r"lisätied|lisätiet|"
    r"yhteyshenkilö|kirjaamo|registratur|kaupungintalo|kunnantalo|virastotalo|virasto|"
    r"toimipiste|palvelupiste|asiointipiste|käyntiosoite|postiosoite|toimisto|hallinto-oikeu|"
    r"oikeus|tuomioistuin|stadshus|kommunhus|förvaltningsdomstol|"
    r"upplysning|kontaktperson|besöksadress|postadress|kaupunki|kaupungin|kunnan|kunta|stad|"
    r"kommun").split("|") + [r"oikaisuvaatimus\s+(?:on\s+)?(?:osoitet|toimite)",
                             r"valitus\s+(?:on\s+)?(?:osoitet|toimite)"]
_OFFICIAL_CUE = re.compile(r"(?:" + "|".join(_OFFICIAL_CUES) + ")", re.I)

# --- names in roles -------------------------------------------------------------------

_FI_ROLE = (
    r"hakij(?:a|an|at|aa|alle|alta|ana|oiden|oille|oita|oina|oilta)|"
    r"muutoksenhakij\w*|valittaj(?:a|an|at|aa|alle|alta|ana|ien|ille|ia)|valituksen\s+tekijä\w*|"
    r"oikaisuvaatimuksen\s+(?:tekijä\w*|(?:on\s+|ovat\s+)?(?:tehnyt|tehneet|jättänyt|jättäneet|tekivät|teki|jätti|jättivät))|"
    r"muistutuksen\s+(?:tekijä\w*|jättäjä\w*|(?:on\s+|ovat\s+)?(?:tehnyt|tehneet|jättänyt|jättäneet|tekivät|teki|jätti|jättivät))|"
    r"naapuri(?:n|t|lle|lta|a|na)?|naapure(?:iden|ille|ita|ilta|ina)|"
    r"asiakas|asiakkaa(?:n|t|lle|lta|na)|asiakkai(?:den|lle|ta|na)|"
    r"avustuksen\s+saaj(?:a|an|at|alle|ana|ien|ille)|avustuksensaaj\w*|kantelij\w*"
)
_SV_ROLE = (
    r"sökande(?:n|na)?|ändringssökande(?:n|na)?|rättelseyrkande(?:t)?\s+(?:har\s+)?(?:framställts|gjorts|lämnats)\s+av|"
    r"rättelseyrkare(?:n|na)?|besvärande(?:n)?|granne(?:n)?|grannar(?:na)?|klient(?:en|er|erna)?|"
    r"bidragsmottagare(?:n|na)?|mottagare(?:n)?\s+av\s+(?:bidrag|understöd)(?:et)?|anmärkning(?:en)?\s+har\s+lämnats\s+av"
)
_ROLE = re.compile(r"(?<!\w)(?:" + _FI_ROLE + "|" + _SV_ROLE + r")(?!\w)", re.I)
# A word of a name; one followed by a colon is the next label, not a name.
_WORD = r"[A-ZÅÄÖÜ][a-zåäöéüß'’]+(?:-[A-ZÅÄÖÜ]?[a-zåäöéüß'’]+)?(?![\w'’\-]|[ \t]*:)"
_ONE_NAME = rf"{_WORD}(?:(?:[ \t]+|[ \t]*\n[ \t]*){_WORD}){{1,2}}"
_NAMES = re.compile(
    rf"(?:{_WORD}(?:[ \t]+|[ \t]*\n[ \t]*)(?:ja|och)(?:[ \t]+|[ \t]*\n[ \t]*))?{_ONE_NAME}"
    rf"(?:(?:,[ \t]*\n?[ \t]*|[ \t]+(?:ja|och)[ \t]+\n?[ \t]*){_ONE_NAME})*"
)
# Between a role and its name: a colon, a verb, a title of courtesy.
_ROLE_GAP = re.compile(
    r"\s*(?::|\)|,)?\s*(?:(?:on|ovat|oli|olivat|olevat|olevan|är|var|är\s+också|myös|nimeltä|herr|fru|rouva|herra)\s+)*"
)
# Words that make a capitalised run an organisation, a place or a thing, not a person.
_NOT_PERSON_WORDS = frozenset("""
oy oyj ab ky ry rf tmi ltd inc ay osakeyhtiö asunto kiinteistö yhtymä säätiö seura yhdistys kerho liitto
osuuskunta kaupunki kunta kommun stad förening stiftelse bolag rakennus rakennuslupa lupa hakemus päätös
lautakunta hallitus valtuusto nämnd styrelse fullmäktige toimiala palvelut keskus koulu päiväkoti sairaala
hyvinvointialue seurakunta kirkko yliopisto ammattikorkeakoulu kuntayhtymä kansalaisopisto kiinteistöt
asuntoyhtiö kodit talo oy:n ab:n ry:n
""".split())
_NOT_PERSON_ENDINGS = ("yhtiö", "yhdistys", "seura", "kerho", "liitto", "säätiö", "kunta", "kaupunki", "opisto",
                       "koulu", "keskus", "palvelu", "palvelut", "lautakunta", "toimisto", "föreningen", "bolag",
                       "oy", "ab")

# The kinds of decision whose every name is sensitive, read from the title.
_SENSITIVE = re.compile(
    r"lastensuojel\w*|huostaan\w*|sijaishuol\w*|toimeentulotu\w*|kurinpi\w*|varoitu\w*|"
    r"virantoimituksesta\s+pidättä\w*|(?:virka|työ)suhteen\s+(?:irtisano|päättä|purka)\w*|barnskydd\w*|"
    r"omhändertag\w*|utkomststöd\w*|disciplin\w*|varning\w*|tjänsteförhållande\w*\s+(?:uppsägning|hävning)\w*",
    re.I,
)
_PERSONLIKE = re.compile(rf"(?<![\w\-]){_WORD}[ \t]+{_WORD}(?![\w\-])")

# What each kind needs to be there at all (tested before its pattern runs).
# Each starts with a character or a set of them, never a look-behind, so
# that the regex engine skips to where one can start: six digits and a
# century sign are looked for at the sign, rarer than digits.
_HETU_HINT = re.compile(r"[+\-A-FU-Y](?<=\d\d\d\d\d\d[+\-A-FU-Y])")
# A phone number: an international prefix, or 0 and digits, then more digits
# after at most one separator (a date's "01.02." is not one).  The 0 has no
# digit before it ("0(?<!\d0)" is "(?<!\d)0" with the 0 first).
_PHONE_HINT = re.compile(r"\+358|00358|0(?<!\d0)\d{1,4}\)?[ \-\n]?\d{2}")
# Any of "@", "(at)", "[at]", "(a)", "[a]", "(ät)", "[ät]", in the lowered text.
_EMAIL_HINT = re.compile(r"@|\((?:at|a|ät)\)|\[(?:at|a|ät)\]")
_ROLE_HINTS = ("hakij", "valittaj", "valituksen", "oikaisuvaatimuksen", "muistutuksen", "naapur", "asiakas",
               "asiakka", "asiakkai", "avustuksen", "avustuksensaaj", "kantelij", "sökande", "rättelseyrk",
               "besvärande", "grann", "klient", "mottagare", "anmärkning")
# Every role word holds one of these, lowered, at most _ROLE_LEAD letters
# from its start ("muutoksenhakija": "hakij" at 9; "ändringssökande",
# "bidragsmottagare"): a role is looked for only there.  (The hints above,
# each holding one of these at its start.)
_ROLE_SEEDS = ("hakij", "valit", "oikaisuvaatimuksen", "muistutuksen", "naapur", "asiak", "avustuksen", "kantelij",
               "sökande", "rättelseyrk", "besvärande", "grann", "klient", "mottagare", "anmärkning")
_ROLE_LEAD = 9

# --- fields -----------------------------------------------------------------------


def text_fields(rec: Decision | AnnualReport) -> Iterator[tuple[str, str]]:
    """(path, text) of each free-text field that may carry personal data.
    Paths are dotted: "decision", "votes.0.result", "sections.3.text"."""
    if rec.title:
        yield "title", rec.title
    if isinstance(rec, Decision):
        for name in ("proposal", "decision", "handling", "preparation", "authority"):
            value = getattr(rec, name)
            if value:
                yield name, value
        for i, v in enumerate(rec.votes):
            if v.description:
                yield f"votes.{i}.description", v.description
            if v.result:
                yield f"votes.{i}.result", v.result
        for i, a in enumerate(rec.attachments):
            if a.title:
                yield f"attachments.{i}.title", a.title
    else:
        for i, s in enumerate(rec.sections):
            if s.heading:
                yield f"sections.{i}.heading", s.heading
            if s.text:
                yield f"sections.{i}.text", s.text


def field_text(rec: Decision | AnnualReport, path: str) -> str | None:
    obj: object = rec
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part, None)  # type: ignore[index]
        if obj is None:
            return None
    return obj if isinstance(obj, str) else None


# --- the officials of a record ------------------------------------------------------------


class _Officials:
    """What the record says of its officials: names, e-mails, phone digits."""

    def __init__(self, rec: Decision | AnnualReport):
        self.names: set[str] = set()
        self.surnames: set[str] = set()
        self.emails: set[str] = set()
        self.domains: set[str] = set()
        self.phones: set[str] = set()
        people = ([rec.presenter] if rec.presenter else []) + list(rec.preparers) if isinstance(rec, Decision) else []
        for p in people:
            self._add_name(p.name)
            if p.email:
                self.emails.add(p.email.lower())
                self.domains.add(p.email.lower().rsplit("@", 1)[-1])
            if p.phone:
                self.phones.add(_digits(p.phone))
        muni = (rec.municipality or "").lower()
        self.municipality = _fold(muni)

    def _add_name(self, name: str) -> None:
        words = [w.strip(",.").lower() for w in name.split() if w[:1].isupper()]
        if words:
            self.names.add(" ".join(words))
            self.surnames.update(w for w in words if len(w) > 2)

    def is_official_name(self, name: str) -> bool:
        words = [w.lower() for w in re.findall(r"[\w\-]+", name)]
        return " ".join(words) in self.names or (len(words) >= 2 and words[-1] in self.surnames
                                                 and words[0] in {n.split()[0] for n in self.names})


def _digits(s: str) -> str:
    d = re.sub(r"\D", "", s)
    return "0" + d[3:] if d.startswith("358") else d


def _fold(s: str) -> str:
    return s.replace("ä", "a").replace("ö", "o").replace("å", "a")


# --- detection ------------------------------------------------------------------------------


def detect(rec: Decision | AnnualReport) -> list[PersonalSpan]:
    """Every span of personal data in the record's text fields, in field order."""
    officials = _Officials(rec)
    sensitive = _is_sensitive(rec)
    spans: list[PersonalSpan] = []
    for path, text in text_fields(rec):
        for kind, start, end, confidence in find(text, officials, sensitive):
            # Built without validation: the values are of the model's types.
            spans.append(PersonalSpan.model_construct(
                kind=kind, field=path, start=start, end=end, confidence=confidence))
    return spans


def _is_sensitive(rec: Decision | AnnualReport) -> bool:
    """A child welfare, social assistance or disciplinary decision, by its
    title (a body text that mentions child welfare is often about something
    else: hiring a social worker, a budget)."""
    return isinstance(rec, Decision) and bool(_SENSITIVE.search(rec.title or ""))


def find(text: str, officials: _Officials | None = None, sensitive: bool = False) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, confidence) of the personal data in one text."""
    found: list[tuple[str, int, int, str]] = []
    # The spans taken so far: disjoint, sorted by start (so their ends are
    # sorted too), searched by bisection (a text may hold thousands).
    starts_taken: list[int] = []
    ends_taken: list[int] = []

    def free(a: int, b: int) -> bool:
        i = bisect.bisect_left(starts_taken, b)  # those starting before b: [:i]
        return i == 0 or ends_taken[i - 1] <= a

    def add(kind: str, a: int, b: int, conf: str = "sure") -> None:
        if free(a, b):
            found.append((kind, a, b, conf))
            i = bisect.bisect_left(starts_taken, a)
            starts_taken.insert(i, a)
            ends_taken.insert(i, b)

    # Cheap tests first: most texts have no code, no role and no e-mail, and
    # the big patterns need not run over them.
    lower = text.lower()
    # The cues are searched in the lowered text, much faster than ignoring
    # case; where lowering changes the length (a rare letter), in the text.
    low = lower if len(lower) == len(text) else None
    # Where matching the lowered text is the same as ignoring case: also no
    # "ı" or "ſ", which match "i" and "s" ignoring case but are their own
    # lower case.
    folded = low if low is not None and "ı" not in low and "ſ" not in low else None
    if _HETU_HINT.search(text):
        for a, b in _hetus(text):
            add("hetu", a, b)
    names = list(_role_names(text, _roles(text, lower, folded), officials))
    for a, b in names:
        add("name", a, b)
    starts = sorted(a for a, _ in names)  # _whose finds the nearest by bisection
    emails = _EMAIL.finditer(text) if _EMAIL_HINT.search(lower) else iter(())
    for m in emails:
        local = re.split(r"\s?(?:@|\(|\[)", m.group(0), maxsplit=1)[0]
        if _PLACEHOLDER_EMAIL.match(local) or _FUNCTION_MAILBOX.match(local):
            continue
        if _official_email(m.group(0), officials) or _whose(text, m.start(), starts, officials, low) == "official":
            continue
        add("email", m.start(), m.end())
    if _PHONE_HINT.search(text):
        numbers = [m.start() for m in _NUMBER_START.finditer(text)]
        labelled = (_labelled_phones(folded, numbers) if folded is not None
                    else _LABELLED_PHONE.finditer(text))
        tried: set[tuple[int, int]] = set()  # a labelled number is often a bare one too
        for m in itertools.chain(labelled, _bare_phones(text, numbers)):
            span = m.span(1)
            if span not in tried:
                tried.add(span)
                _maybe_phone(text, span[0], span[1], starts, officials, add, low)
    addresses = _ADDRESS.finditer(text) if _address_hint(text) else iter(())
    for m in addresses:
        street = m.group(1).split()[-1]
        if _ROAD.match(street):
            continue
        a, b = m.start(), m.end()
        apartment = bool(re.match(r"[ \n](?:[A-H][ \n]?\d|as\.?[ \n]?\d|bost|lh)", m.group(3)))
        whose = _whose(text, a, starts, officials, low)
        if whose == "official":
            continue
        if whose == "private" or apartment:
            add("address", a, b)
    if sensitive:
        for a, b in _possible_names(text, officials):
            if free(a, b):
                add("name", a, b, "possible")
    found.sort(key=lambda s: s[1])
    return found


def _possible_names(text: str, officials: _Officials | None) -> Iterator[tuple[int, int]]:
    """Person-like pairs of capitalised words in a sensitive decision: not an
    official by name or title, an organisation, a place or an adverbial."""
    pos = 0
    while True:
        m = _PERSONLIKE.search(text, pos)
        if not m:
            return
        a, b = m.start(), m.end()
        words = m.group(0).split()
        first = words[0].lower()
        ok = (_personlike(m.group(0), officials) and not (len(first) > 5 and _NOT_FIRST.search(first))
              and not any(w.lower() in _MUNICIPALITY_WORDS() for w in words)
              and not _TITLE_BEFORE.search(text, max(0, a - 40), a))
        if ok:
            yield a, b
            pos = b
        else:
            pos = a + len(words[0])  # the second word may start a name


# Where a phone number's digits can start, labelled or bare: "+358", or a
# 0 with no digit before it and a digit after ("00358", "040", the 0 of
# "(09)").  One character is taken, so every place is found.  (A number of
# _PHONE_NUMBER or _BARE_PHONE starts so: the character before its 0 is a
# label's, a separator's, "(" or, in a bare one, no word character.)
_NUMBER_START = re.compile(r"\+(?=358)|0(?<!\d0)(?=\d)")


def _bare_phones(text: str, numbers: list[int]) -> Iterator[re.Match]:
    """``_BARE_PHONE.finditer(text)``, trying the pattern only where a
    number can start (``numbers``: _NUMBER_START's places, in order; its
    look-behinds first make the engine try every place).  A place where
    it cannot match costs a failed try, nothing else: finditer's matches
    are those found trying every place from the last match's end."""
    end = 0
    for at in numbers:
        if at >= end:
            m = _BARE_PHONE.match(text, at)
            if m:
                end = m.end()
                yield m


def _labelled_phones(folded: str, numbers: list[int]) -> Iterator[re.Match]:
    """``_LABELLED_PHONE_LOW.finditer(folded)``, trying the pattern only
    where a label ends right before a number can start (``numbers``, from
    _NUMBER_START): the pattern's first letters are common ones, and
    scanning the whole text for them took most of the time of finding
    phone numbers.  Every match starts at such a place, and the places are
    tried in order from the last match's end, as finditer does."""
    tries: set[int] = set()
    for at in numbers:
        m = _LABEL_END.search(folded, max(0, at - _LABEL_REACH), at)
        while m:
            tries.add(m.start())
            m = _LABEL_END.search(folded, m.start() + 1, at)
    end = 0
    for at in sorted(tries):
        if at >= end:
            m = _LABELLED_PHONE_LOW.match(folded, at)
            if m:
                end = m.end()
                yield m


def _maybe_phone(text, a, b, starts, officials, add, low: str | None) -> None:
    digits = _digits(text[a:b])
    if not 7 <= len(digits) <= 12:
        return
    before = text[max(0, a - 30):a]
    if _NOT_PHONE_LABEL.search(before):
        return
    if officials is not None and digits in officials.phones:
        return
    if _whose(text, a, starts, officials, low) == "official":
        return
    add("phone", a, b)


def _official_email(email: str, officials: _Officials | None) -> bool:
    e = re.sub(r"\s?(?:\((?:at|a|ät)\)|\[(?:at|a|ät)\])\s?", "@", email.lower(), flags=re.I).replace(" ", "")
    if officials is None:
        return False
    if e in officials.emails:
        return True
    local, _, domain = e.partition("@")
    if domain in officials.domains:
        return True
    first = domain.split(".")[0]
    if officials.municipality and len(first) > 2 and first in (officials.municipality, _fold(officials.municipality)):
        return True
    parts = [p for p in re.split(r"[.\-_]", local) if p]
    return any(p in officials.surnames for p in parts)


_BOUNDARY = re.compile(r"\n\s*\n|[.!?](?=\s+[A-ZÅÄÖ])")


def _whose(text: str, pos: int, starts: list[int], officials: _Officials | None,
           low: str | None = None) -> str | None:
    """"official", "private" or None: the nearest cue before ``pos`` in its
    sentence.  ``starts`` are where the names in roles start (sorted);
    ``low`` is the text lowered (of the same length), if known."""
    lo = max(0, pos - 200)
    window = text[lo:pos]
    cut = 0
    for m in _BOUNDARY.finditer(window):
        cut = m.end()
    start = lo + cut
    best: tuple[int, str] | None = None
    i = bisect.bisect_left(starts, pos) - 1  # the last name before pos
    if i >= 0 and starts[i] >= start:
        best = (starts[i], "private")
    cues = [(_ROLE, _ROLE_LOW, "private"), (_PRIVATE_CUE, _PRIVATE_CUE_LOW, "private"),
            (_OFFICIAL_CUE, _OFFICIAL_CUE_LOW, "official")]
    for folded, lowered, whose in cues:
        for m in (lowered.finditer(low, start, pos) if low is not None else folded.finditer(text, start, pos)):
            if best is None or m.start() > best[0]:
                best = (m.start(), whose)
    if officials is not None:
        for m in _PERSONLIKE.finditer(text, start, pos):
            if officials.is_official_name(m.group(0)) and (best is None or m.start() > best[0]):
                best = (m.start(), "official")
    if best is None:
        return None
    return best[1]


# Cues of a private person's details ("osoitteessa" alone is as often an
# office's or a site's address, and is no cue).
_PRIVATE_CUES = [r"kotiosoit\w*", r"asuinosoit\w*", r"yhteystied\w*", r"hemadress\w*", r"asuu", r"bor\s+på",
                  r"kontaktuppgift\w*", r"asunto\w*\s+osoit\w*"]
_PRIVATE_CUE = re.compile("|".join(r"(?<!\w)" + c for c in _PRIVATE_CUES), re.I)


def _by_first_letter(alternatives: list[str], word_start: bool = False) -> str:
    """The alternation of ``alternatives`` (each starting with a letter) for
    lowered text, grouped by their first letter: it matches what the plain
    alternation matches (the alternatives that can match at one place share
    their first letter and keep their order), but the regex engine skips to
    the places where one of the letters is and tries only that letter's
    group, where the plain alternation tries every alternative at every
    place.  ``word_start``: each at the start of a word, which is tested
    after the first letter (a look-behind first makes the engine try every
    place)."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        assert alt[:1].isalpha() and alt[:1].lower() == alt[:1] and alt[1:2] not in ("*", "+", "?", "{"), alt
        groups.setdefault(alt[0], []).append(alt[1:])
    after = r"(?<!\w.)" if word_start else ""
    return "(?:" + "|".join(f"{c}{after}(?:{'|'.join(rests)})" for c, rests in groups.items()) + ")"


# The same patterns for lowered text (all their letters are lower case).
_ROLE_LOW = re.compile(_ROLE.pattern)
_PRIVATE_CUE_LOW = re.compile(_by_first_letter(_PRIVATE_CUES, word_start=True))
_OFFICIAL_CUE_LOW = re.compile(_by_first_letter(_OFFICIAL_CUES))
_LABELLED_PHONE_LOW = re.compile(_by_first_letter(_PHONE_LABELS, word_start=True) + _PHONE_NUMBER)
# A phone label and what may stand between it and the number, ending where
# the number's digits start (the end of the string searched): where
# _LABELLED_PHONE_LOW can start for a number there.  A label and that
# take at most _LABEL_REACH characters: the longest label, then ".", a
# space, "nro", ".", a space, ":", a space and "(".
_LABEL_END = re.compile(_by_first_letter(_PHONE_LABELS, word_start=True) + _PHONE_GAP + r"\(?\Z")
_LABEL_REACH = max(len(label) for label in _PHONE_LABELS) + 10


def _roles(text: str, lower: str, folded: str | None) -> Iterator[int]:
    """Where each role word of the text ends, as ``_ROLE.finditer(text)``
    finds them.  In a text whose lowered form can stand for it (``folded``)
    a role can only start at most _ROLE_LEAD letters before a seed, and only
    there is it tried: most texts have no seed, some a few."""
    if folded is None:
        if any(h in lower for h in _ROLE_HINTS):
            yield from (m.end() for m in _ROLE.finditer(text))
        return
    tries: set[int] = set()
    for seed in _ROLE_SEEDS:
        i = folded.find(seed)
        while i >= 0:
            tries.update(range(max(0, i - _ROLE_LEAD), i + 1))
            i = folded.find(seed, i + 1)
    end = 0
    for at in sorted(tries):
        if at >= end:  # finditer's matches do not overlap
            m = _ROLE_LOW.match(folded, at)
            if m:
                end = m.end()
                yield end


def _role_names(text: str, roles: Iterable[int], officials: _Officials | None) -> Iterator[tuple[int, int]]:
    """The names right after a role word (``roles``: where each ends):
    "Hakija: Matti Virtanen", "naapurit Maija ja Pekka Laine",
    "Oikaisuvaatimuksen on tehnyt Anna-Liisa Koski"."""
    for role_end in roles:
        gap = _ROLE_GAP.match(text, role_end)
        at = gap.end() if gap else role_end
        m = _NAMES.match(text, at)
        if not m:
            continue
        yield from _person_parts(text, m.start(), m.group(0), officials)


def _person_parts(text: str, start: int, run: str, officials: _Officials | None) -> Iterator[tuple[int, int]]:
    """The people of a run of names, each as a span; organisations ("Hakija:
    Heinolan Urheilijat ry", "Asunto Oy Koivukuja") and officials dropped."""
    for p in _PERSON.finditer(run):
        a, b = start + p.start(), start + p.end()
        if not _personlike(p.group(0), officials) or _ORG_AFTER.match(text, b):
            continue
        yield a, b


_PERSON = re.compile(rf"(?:{_WORD}(?:[ \t]+|[ \t]*\n[ \t]*)(?:ja|och)(?:[ \t]+|[ \t]*\n[ \t]*))?{_ONE_NAME}")
_ORG_AFTER = re.compile(r"[ \t]*(?:oy|oyj|ab|ky|ry|rf|tmi|ltd|r\.y\.|ay|kb|osakeyhtiö|yhtymä)(?!\w)", re.I)


# A capitalised word that starts a sentence and ends in a case ending of an
# adverbial ("Haastattelussa", "Lisäksi") is no first name.
_NOT_FIRST = re.compile(r"(?:ssa|ssä|lla|llä|sta|stä|lta|ltä|ksi|ssa|tta|ttä|sti)$")


_EXTRA_TITLE = re.compile(r"työntekijä|ohjaaja|lääkäri|hoitaja|terapeutti|kuraattori|psykologi|opettaja")
_TITLE_BEFORE = re.compile(
    r"(?:" + "|".join(re.escape(h) for h in TITLE_HINTS if len(h) > 4) + r"|" + _EXTRA_TITLE.pattern + r")"
    r"\w*\.?[ \t\n]+$", re.I)


def _personlike(run: str, officials: _Officials | None) -> bool:
    words = run.split()
    for w in words:
        lw = w.lower()
        if lw in _NOT_PERSON_WORDS or any(lw.endswith(e) for e in _NOT_PERSON_ENDINGS):
            return False
        if any(h in lw for h in TITLE_HINTS if len(h) > 4) or _EXTRA_TITLE.search(lw):
            return False
    if officials is not None and officials.is_official_name(run):
        return False
    from ..names import municipality_of_genitive

    # "Heinolan Urheilijat": an organisation of a municipality.  (A surname
    # may be a place's name: Koski, Salo.)
    return not municipality_of_genitive(words[0])


_MUNI: set[str] = set()


def _MUNICIPALITY_WORDS() -> set[str]:
    if not _MUNI:
        from ..names import MUNICIPALITIES

        _MUNI.update(MUNICIPALITIES)
    return _MUNI


# --- redaction ------------------------------------------------------------------------------


def redact_text(text: str, spans: list[tuple[str, int, int, str]]) -> tuple[str, list[tuple[str, int, int, str]]]:
    """The text with each (kind, start, end, confidence) replaced by its
    kind's label, and the labels' own spans in the new text."""
    out: list[str] = []
    new: list[tuple[str, int, int, str]] = []
    pos = 0
    length = 0
    for kind, a, b, confidence in sorted(spans, key=lambda s: s[1]):
        if a < pos or b > len(text):
            continue  # overlapping or out of the text: not a span of this text
        out.append(text[pos:a])
        length += a - pos
        label = LABELS[kind]
        new.append((kind, length, length + len(label), confidence))
        out.append(label)
        length += len(label)
        pos = b
    out.append(text[pos:])
    return "".join(out), new


def official_contact_spans(rec: Decision | AnnualReport) -> list[PersonalSpan]:
    """Where the record's text gives the phone numbers and e-mails of its
    own officials (presenter, preparers).  They are published on purpose and
    not personal data of a private person: detection leaves them out, and
    only a redaction that asks for it (``officials=True``) replaces them."""
    if not isinstance(rec, Decision):
        return []
    values = []
    for p in ([rec.presenter] if rec.presenter else []) + list(rec.preparers):
        values += [("phone", p.phone)] if p.phone else []
        values += [("email", p.email)] if p.email else []
    patterns = [(kind, re.compile(r"\s*".join(re.escape(w) for w in value.split()), re.I))
                for kind, value in values if value.split()]
    spans = []
    for path, text in text_fields(rec):
        for kind, pattern in patterns:
            spans += [PersonalSpan.model_validate({"kind": kind, "field": path, "start": m.start(), "end": m.end()})
                      for m in pattern.finditer(text)]
    return spans


def redact(rec: Decision | AnnualReport, officials: bool = False) -> Decision | AnnualReport:
    """A copy of the record with its personal data replaced by labels; its
    spans then point at the labels.  ``officials``: the officials' published
    phone numbers and e-mails too, in the text and in their contact fields."""
    spans_in = list(rec.personal) + (official_contact_spans(rec) if officials else [])
    people = officials and isinstance(rec, Decision) and any(
        p.phone or p.email for p in ([rec.presenter] if rec.presenter else []) + list(rec.preparers))
    if not spans_in and not people:
        return rec
    by_field: dict[str, list[PersonalSpan]] = {}
    for s in spans_in:
        by_field.setdefault(s.field, []).append(s)
    data = rec.model_dump()
    if people:
        for person in ([data["presenter"]] if data.get("presenter") else []) + list(data["preparers"]):
            for key in ("phone", "email"):
                if person.get(key):
                    person[key] = LABELS[key]
    spans: list[dict] = []
    for path, group in by_field.items():
        text = field_text(rec, path)
        if text is None:
            continue
        new_text, new = redact_text(text, [(s.kind, s.start, s.end, s.confidence) for s in group])
        _set(data, path, new_text)
        spans += [{"kind": k, "field": path, "start": a, "end": b, "confidence": c} for k, a, b, c in new]
    data["personal"] = spans
    return type(rec).model_validate(data)


# Oikaisuvaatimus and kunnallisvalitus: 14 days from notification.  The
# notification date is not in the record; a member of the public is deemed
# notified seven days after the minutes are published, and the minutes are
# published soon after the meeting, so the meeting date + 14 days is the
# earliest end of the period (``redact_after_days`` adds the margin).
APPEAL_DAYS = 14


def redaction_due(rec: Decision | AnnualReport, mode: str, after_days: int = 0, today: date | None = None) -> bool:
    """Whether ``mode`` ("never", "always", "after-appeal") redacts this
    record today.  A record with no date counts as past its appeal period."""
    if mode == "always":
        return True
    if mode != "after-appeal":
        return False
    from datetime import timedelta

    today = today or date.today()
    if isinstance(rec, Decision):
        when = rec.meeting_date
    else:
        when = date(rec.year, 12, 31) if rec.year else None
    return when is None or today > when + timedelta(days=APPEAL_DAYS + after_days)


def _set(data: dict, path: str, value: str) -> None:
    parts = path.split(".")
    obj: object = data
    for part in parts[:-1]:
        obj = obj[int(part)] if part.isdigit() else obj[part]  # type: ignore[index]
    obj[parts[-1]] = value  # type: ignore[index]
