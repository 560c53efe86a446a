"""Abbreviations of Finnish public administration and their written-out forms.

Minutes say *HSL* in one decision and *Helsingin seudun liikenne* in the next,
*OKM* in a table and *opetus- ja kulttuuriministeriö* in the text.  A query
for one also searches the other:

- a word typed as an abbreviation (``HSL``, ``ely``) also searches its
  written-out form as a phrase;
- a quoted phrase that is a written-out form also searches the abbreviation.

Two-letter abbreviations, often shorthands as well (``ym.`` = ynnä muuta),
and those that are also everyday words (syke = pulse, kela = reel) count
only when typed with a capital, and a written-out form does not search them.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    # ministries and state agencies
    "okm": "opetus- ja kulttuuriministeriö",
    "stm": "sosiaali- ja terveysministeriö",
    "tem": "työ- ja elinkeinoministeriö",
    "lvm": "liikenne- ja viestintäministeriö",
    "mmm": "maa- ja metsätalousministeriö",
    "vm": "valtiovarainministeriö",
    "ym": "ympäristöministeriö",
    "om": "oikeusministeriö",
    "sm": "sisäministeriö",
    "um": "ulkoministeriö",
    "vn": "valtioneuvosto",
    "oph": "opetushallitus",
    "avi": "aluehallintovirasto",
    "esavi": "Etelä-Suomen aluehallintovirasto",
    "ely": "elinkeino-, liikenne- ja ympäristökeskus",
    "ara": "asumisen rahoitus- ja kehittämiskeskus",
    "thl": "terveyden ja hyvinvoinnin laitos",
    "kela": "kansaneläkelaitos",
    "mml": "maanmittauslaitos",
    "syke": "Suomen ympäristökeskus",
    "stea": "sosiaali- ja terveysjärjestöjen avustuskeskus",
    "kho": "korkein hallinto-oikeus",
    "kko": "korkein oikeus",
    "hao": "hallinto-oikeus",
    # regional bodies
    "hsl": "Helsingin seudun liikenne",
    "hsy": "Helsingin seudun ympäristöpalvelut",
    "hkl": "Helsingin kaupungin liikennelaitos",
    "hus": "Helsingin ja Uudenmaan sairaanhoitopiiri",
    "shp": "sairaanhoitopiiri",
    # laws and agreements
    "mrl": "maankäyttö- ja rakennuslaki",
    "ysl": "ympäristönsuojelulaki",
    "kvtes": "kunnallinen yleinen virka- ja työehtosopimus",
    "ovtes": "opetusalan virka- ja työehtosopimus",
    "tes": "työehtosopimus",
    # EU funds
    "eakr": "Euroopan aluekehitysrahasto",
    "esr": "Euroopan sosiaalirahasto",
    # municipal bodies, as minutes abbreviate them
    "kh": "kaupunginhallitus",
    "kv": "kaupunginvaltuusto",
    "kj": "kaupunginjohtaja",
    "amk": "ammattikorkeakoulu",
    "sote": "sosiaali- ja terveyspalvelut",
}


# Also everyday words: only in capitals, and never searched for a written-out form.
EVERYDAY_WORDS = frozenset({"syke", "kela", "hus", "tes"})


def capitals_only(key: str) -> bool:
    return len(key) < 3 or key in EVERYDAY_WORDS


def expansion(word: str) -> str | None:
    """The written-out form of ``word`` as typed, or None.  Some keys count
    only with a capital (``YM``, ``Kela``, ``Kh``; not ``ym``, ``kela``)."""
    key = word.lower()
    full = ABBREVIATIONS.get(key)
    if full is None or (capitals_only(key) and word == key):
        return None
    return full
