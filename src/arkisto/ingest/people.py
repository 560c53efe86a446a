"""Parsing people (esittelijä, valmistelija, a Lisätiedot block of contacts)
from the ways minutes write them:

    hyvinvointijohtaja Hepo-oja, Pirjo  p. 050 0717 310 etunimi.sukunimi@heinola.fi
    Satu Kankare, kaupunginjohtaja, puh. 040 123 4567
    kaupunginjohtaja Jukka Mäkelä
    Hallintojohtaja Pirjo Hepo-oja, puh. 050 123 4567, pirjo.hepo-oja@heinola.fi
"""

from __future__ import annotations

import re

from ..models import Person
from ..text import one_line

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(
    r"(?:(?:p|puh|puhelin|tel|gsm|mob)\.?:?\s*)?(\+?358[\d \-]{6,14}\d|0\d{1,3}(?:[ \-]?\d{2,4}){2,4})",
    re.IGNORECASE,
)
_PHONE_PREFIX = re.compile(r"\b(?:p|puh|puhelin|tel|gsm|mob)\.?:?\s*$", re.IGNORECASE)

# Word endings that mark a job title in Finnish administration.
TITLE_HINTS = (
    "johtaja", "päällikkö", "sihteeri", "asiantuntija", "insinööri", "suunnittelija",
    "lakimies", "juristi", "tarkastaja", "kamreeri", "esimies", "koordinaattori", "rehtori",
    "arkkitehti", "neuvos", "pormestari", "kirjaaja", "vastaava", "ohjaaja", "kehittäjä",
    "tutkija", "sihteer", "valmistelija", "esittelijä", "puheenjohtaja", "jäsen",
    "hoitaja", "kanslisti", "assistentti", "analyytikko", "ekonomisti", "controller",
    "manager", "kaupunginlakimies", "tekninen", "vs.", "va.", "apulais", "talous",
    "mestari", "laskentasihteeri", "toimistosihteeri", "palvelupäällikkö",
    # Swedish
    "borgmästare", "rådman", "direktör", "chef", "sekreterare", "planerare", "ingenjör", "inspektör", "rektor", "föreståndare",
    "handläggare", "förvaltare", "koordinator", "ledare", "kamrer", "sakkunnig", "ombudsman", "notarie",
)

_NAME_WORD = r"[A-ZÅÄÖÜÉ][\w'’\-]*"


def _is_title_word(w: str) -> bool:
    lw = w.lower().strip(",.")
    if not lw:
        return False
    return w[:1].islower() or any(h in lw for h in TITLE_HINTS)


def parse_person(text: str) -> Person | None:
    """One person from a free-form line.  Returns None for an empty line."""
    s = one_line(text)
    if not s:
        return None
    email = None
    m = EMAIL.search(s)
    if m:
        email = m.group(0).rstrip(".")
        s = (s[: m.start()] + " " + s[m.end():]).strip()
    phone = None
    m = PHONE.search(s)
    if m:
        phone = re.sub(r"\s+", " ", m.group(1).strip())
        s = (s[: m.start()] + " " + s[m.end():]).strip()
    s = re.sub(r"\b(?:p|puh|puhelin|tel|gsm|sähköposti|email|e-mail)\.?:?\s*$", "", s, flags=re.I)
    s = re.sub(r"\s+", " ", s).strip(" ,;:-")

    title_words: list[str] = []
    name = ""
    if "," in s:
        parts = [p.strip() for p in s.split(",") if p.strip()]
        first = parts[0].split()
        # "hyvinvointijohtaja Hepo-oja, Pirjo" -> lead title words, surname, first name
        lead = []
        while first and _is_title_word(first[0]) and len(first) > 1:
            lead.append(first.pop(0))
        if (
            len(parts) >= 2
            and len(first) == 1
            and re.fullmatch(_NAME_WORD, first[0])
            and re.fullmatch(rf"{_NAME_WORD}(?: {_NAME_WORD})?", parts[1])
            and not _is_title_word(parts[1])
        ):
            name = f"{parts[1]} {first[0]}"
            title_words = [" ".join(lead)] + parts[2:]
        else:
            # "Satu Kankare, kaupunginjohtaja" -> name, title
            name = " ".join(first)
            title_words = [" ".join(lead)] + parts[1:]
    else:
        words = s.split()
        # Title words lead ("kaupunginjohtaja Jukka Mäkelä") or trail
        # ("Jukka Mäkelä kaupunginjohtaja").
        lead = []
        while words and len(words) > 1 and _is_title_word(words[0]):
            lead.append(words.pop(0))
        trail: list[str] = []
        while words and len(words) > 1 and _is_title_word(words[-1]):
            trail.insert(0, words.pop())
        name = " ".join(words)
        title_words = [" ".join(lead + trail)]
    title = ", ".join(t.strip(" ,") for t in title_words if t.strip(" ,")) or None
    if not name:
        if title:
            name, title = title, None
        else:
            return None
    return Person(name=name, title=title, phone=phone, email=email)


def parse_people(text: str) -> list[Person]:
    """Several people, one per line or separated by ';'.  Contact lines that
    belong to the previous person (a bare phone or e-mail) are merged into it."""
    people: list[Person] = []
    chunks: list[list[str]] = []  # a person's lines (a list: no quadratic +=)
    for line in re.split(r"\n|;", text):
        line = line.strip()
        if not line:
            continue
        bare_contact = not re.sub(EMAIL.pattern, "", re.sub(PHONE.pattern, "", line, flags=re.I)).strip(
            " ,.:;").lower().replace("puh", "").replace("p.", "").replace("sähköposti", "").strip(" ,.:")
        if chunks and bare_contact:
            chunks[-1].append(line)
        else:
            chunks.append([line])
    for c in (" ".join(c) for c in chunks):
        p = parse_person(c)
        if p:
            people.append(p)
    return people


def fill_contact(person: Person, others: list[Person]) -> Person:
    """Complete a person's missing title, phone and e-mail from another entry
    of the same document naming the same person (the presenter is often also
    the preparer, whose entry carries the contact details)."""
    for o in others:
        if o.name.casefold() == person.name.casefold():
            return person.model_copy(update={
                "title": person.title or o.title,
                "phone": person.phone or o.phone,
                "email": person.email or o.email,
            })
    return person


# --- contact blocks (Lisätiedot, Valmistelijat) ------------------------------------

# "puhelin: 310 42617", "puh. 09 310 31585", "telefon 09 310 123", "p. 040 123"
_LABELLED_PHONE = re.compile(
    r"\b(?:puhelin|puh|p|tel|telefon|gsm|mob)\.?\s*:?\s*(\+?\d[\d \-]{4,16}\d)", re.I
)


def deobfuscate(text: str) -> str:
    """"etunimi.sukunimi(a)hel.fi" -> "etunimi.sukunimi@hel.fi"."""
    return re.sub(r"(\w)\s*\((?:a|at|ät)\)\s*(\w)", r"\1@\2", text)


def parse_contact(text: str) -> Person | None:
    """parse_person, but a phone number after a "puhelin:" label is taken even
    when it lacks the leading 0 (Helsinki writes "310 42617")."""
    s = one_line(deobfuscate(text))
    phone = None
    m = _LABELLED_PHONE.search(s)
    if m:
        phone = re.sub(r"\s+", " ", m.group(1)).strip()
        s = (s[: m.start()] + " " + s[m.end():]).strip(" ,;")
    # A label whose number was left out: "…, puhelin: " or "puh.,".
    s = re.sub(r"(?i)\b(?:puhelin|puh|tel|telefon|gsm)\.?\s*:?\s*(?=,|$)", "", s).strip(" ,;")
    p = parse_person(s)
    if p is None:
        return None
    if phone and not p.phone:
        p = p.model_copy(update={"phone": phone})
    return p


_PLACEHOLDER_EMAIL = re.compile(r"^(?:etunimi\.sukunimi|förnamn\.efternamn|firstname\.lastname)@", re.I)


def parse_contacts(text: str) -> list[Person]:
    """People from a Lisätiedot / Valmistelijat block, one per line; a line with
    only a phone or e-mail belongs to the person before it.  A template address
    ("etunimi.sukunimi@espoo.fi") is nobody's e-mail and is dropped."""
    text = deobfuscate(text)
    chunks: list[list[str]] = []  # a person's lines (a list: no quadratic +=)
    for line in re.split(r"\n|;", text):
        line = one_line(line)
        if not line:
            continue
        emails = EMAIL.findall(line)
        if emails and all(_PLACEHOLDER_EMAIL.match(e) for e in emails):
            line = one_line(EMAIL.sub("", line))
            if not line:
                continue
        rest = _LABELLED_PHONE.sub("", line)
        rest = EMAIL.sub("", rest).strip(" ,.:;")
        rest = re.sub(r"(?i)\b(?:sähköposti|e-post|email|e-mail)\b:?", "", rest).strip(" ,.:;")
        if chunks and (not rest or re.fullmatch(r"[\d +\-]+", rest)):
            chunks[-1].append(line)
        else:
            chunks.append([line])
    people = []
    for c in (" ".join(c) for c in chunks):
        p = parse_contact(c)
        if p:
            people.append(p)
    return people or parse_people(text)


_CAPITAL_WORD = re.compile(r"^[A-ZÅÄÖÜÉ][\w'’\-]*$")
_TITLE_HINT = re.compile(
    r"(johtaja|päällikkö|sihteeri|asiantuntija|insinööri|suunnittelija|lakimies|juristi|pormestari|"
    r"neuvos|kamreeri|rehtori|arkkitehti|direktör|chef|sekreterare|borgmästare|kansliachef)$",
    re.I,
)


def person_title_then_name(text: str) -> Person | None:
    """"Teknisen toimen johtaja Olli Isotalo" -> Olli Isotalo, "Teknisen toimen johtaja".

    The name is the run of capitalised words at the end (two or three), the
    title what comes before it.  Other shapes go to parse_contact."""
    s = one_line(text).strip(" ,:;")
    if not s:
        return None
    if "," in s or "@" in s or re.search(r"\d", s):
        return parse_contact(s)
    words = s.split()
    name: list[str] = []
    while words and len(name) < 3 and _CAPITAL_WORD.match(words[-1]) and not _TITLE_HINT.search(words[-1]):
        name.insert(0, words.pop())
    if len(name) >= 2 and words:
        return Person(name=" ".join(name), title=" ".join(words))
    return parse_contact(s)
