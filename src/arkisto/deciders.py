"""Who decided: a body (a council, a board, a committee, a section) or an
official (an office holder deciding alone: tiimipäällikkö, rehtori,
kaupunginjohtaja, stadsdirektör).

A record's ``committee`` is whoever decided, as the document names it; the
index files officials' titles under their own facet (``official``) so that
the bodies' facet lists only bodies.  Recognised by the shape of the name,
not by a list of offices (minutes-conventions.md, "Who decided"):

- a Finnish name ends in its head word, modifiers before it in the
  genitive (Kaupunkiympäristölautakunnan ympäristö- ja lupajaosto,
  Sosiaali- ja terveystoimialan toimialajohtaja);
- a Swedish name starts with it (Svenska sektionen vid nämnden för …,
  Direktören för …);
- a body's head ends in -valtuusto, -hallitus, -lautakunta, -jaosto,
  -johtokunta, -toimikunta, … (nämnd, styrelse, fullmäktige, sektion …);
- an official's head is an agent noun of an office: -päällikkö, -johtaja,
  -sihteeri, -insinööri, -tarkastaja, -lääkäri, rehtori, pormestari …
  (-chef, -direktör, rektor, -sekreterare …), or the word viranhaltija.

A name that is neither stays with the bodies: an organisation (Kauhavan
kaupunki) or a name this module does not know is not called an official.

Imports nothing of arkisto: ingest and search may both use it."""

from __future__ import annotations

import re

# Heads of bodies, in the nominative (Finnish) or either form (Swedish).
_BODY_ENDINGS = (
    "valtuusto", "hallitus", "lautakunta", "jaosto", "jaos", "johtokunta", "toimikunta", "valiokunta",
    "neuvosto", "toimielin", "kokous", "työryhmä", "ohjausryhmä", "sektio", "yhtymä", "kaupunki", "kunta",
    "hyvinvointialue",
    "fullmäktige", "styrelse", "styrelsen", "nämnd", "nämnden", "sektion", "sektionen", "direktion",
    "direktionen", "kommitté", "kommittén", "utskott", "utskottet", "sammanträde", "stad", "staden",
    "kommun", "kommunen", "samkommun", "samkommunen", "välfärdsområde", "välfärdsområdet",
)

# Heads of offices: agent nouns and the titles of office holders.
_OFFICIAL_ENDINGS = (
    "päällikkö", "johtaja", "sihteeri", "insinööri", "tarkastaja", "rehtori", "lääkäri", "pormestari",
    "komentaja", "arkkitehti", "asiamies", "lakimies", "juristi", "kamreeri", "esimies", "koordinaattori",
    "asiantuntija", "suunnittelija", "mestari", "hoitaja", "työntekijä", "ohjaaja", "kuraattori",
    "psykologi", "valvoja", "neuvoja", "kanslisti", "kirjaaja", "notaari", "intendentti", "isännöitsijä",
    "viranhaltija", "virkamies", "kehittäjä", "ekonomisti", "controller", "puheenjohtaja",
    "chef", "chefen", "direktör", "direktören", "rektor", "rektorn", "sekreterare", "sekreteraren",
    "ingenjör", "ingenjören", "inspektör", "inspektören", "läkare", "läkaren", "borgmästare",
    "borgmästaren", "ombudsman", "ombudsmannen", "kamrer", "kamreren", "föreståndare", "föreståndaren",
    "handläggare", "handläggaren", "planerare", "planeraren", "arkitekt", "arkitekten", "jurist",
    "juristen", "koordinator", "koordinatorn", "tjänsteinnehavare", "tjänsteinnehavaren", "tjänsteman",
    "ledare", "ledaren", "förvaltare", "förvaltaren",
)

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# An acting holder (vs., va., t.f.) decides as the office.
_ACTING = re.compile(r"^(?:vs|va|t\.\s*f|tf|vt|sijainen)\.?\s+", re.I)


def _kind(word: str) -> str | None:
    w = word.casefold()
    if w.endswith(_BODY_ENDINGS):
        return "body"
    if w.endswith(_OFFICIAL_ENDINGS):
        return "official"
    return None


def is_official(name: str | None) -> bool:
    """True when ``name`` (a record's deciding body as written) is an
    official's title rather than a body's name: by its head word, the last
    word of a Finnish name or the first of a Swedish one."""
    if not name:
        return False
    words = _WORD.findall(_ACTING.sub("", name.strip()))
    if not words:
        return False
    if any(w.casefold() in ("viranhaltija", "viranhaltijapäätös", "tjänsteinnehavare") for w in words):
        return True
    for head in (words[-1], words[0]):
        kind = _kind(head)
        if kind is not None:
            return kind == "official"
    return False


__all__ = ["is_official"]
