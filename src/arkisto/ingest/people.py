"""Parsing people (esittelijä, valmistelija) from the ways minutes write them:

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
    "direktör", "chef", "sekreterare", "planerare", "ingenjör", "inspektör", "rektor", "föreståndare",
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
        trail = []
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
