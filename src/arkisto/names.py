"""Municipalities' names in Finnish and Swedish.

Bilingual municipalities publish under both names (Helsinki and
Helsingfors, Pietarsaari and Jakobstad); a record keeps the name its
document uses, and the search counts and filters one municipality once
under its canonical name (the Finnish one).  Nothing here imports anything
of arkisto's."""

from __future__ import annotations

# Finnish name -> Swedish name.
BILINGUAL: dict[str, str] = {
    "Helsinki": "Helsingfors", "Espoo": "Esbo", "Vantaa": "Vanda", "Kauniainen": "Grankulla",
    "Turku": "Åbo", "Tampere": "Tammerfors", "Oulu": "Uleåborg", "Vaasa": "Vasa", "Pori": "Björneborg",
    "Porvoo": "Borgå", "Pietarsaari": "Jakobstad", "Kokkola": "Karleby", "Uusikaarlepyy": "Nykarleby",
    "Raasepori": "Raseborg", "Kirkkonummi": "Kyrkslätt", "Sipoo": "Sibbo", "Hanko": "Hangö",
    "Loviisa": "Lovisa", "Kaarina": "S:t Karins", "Parainen": "Pargas", "Kemiönsaari": "Kimitoön",
    "Mustasaari": "Korsholm", "Närpiö": "Närpes", "Kristiinankaupunki": "Kristinestad", "Maalahti": "Malax",
    "Inkoo": "Ingå", "Siuntio": "Sjundeå", "Luoto": "Larsmo", "Kruunupyy": "Kronoby",
    "Maarianhamina": "Mariehamn", "Lapua": "Lappo", "Hämeenlinna": "Tavastehus",
    "Lappeenranta": "Villmanstrand", "Hamina": "Fredrikshamn", "Mikkeli": "S:t Michel",
    "Savonlinna": "Nyslott", "Rauma": "Raumo", "Uusikaupunki": "Nystad", "Naantali": "Nådendal",
    "Järvenpää": "Träskända", "Kerava": "Kervo", "Tuusula": "Tusby", "Lohja": "Lojo",
    "Hyvinkää": "Hyvinge", "Kajaani": "Kajana", "Raahe": "Brahestad", "Tornio": "Torneå",
    "Vöyri": "Vörå", "Kaskinen": "Kaskö", "Myrskylä": "Mörskom", "Lapinjärvi": "Lappträsk",
    "Pornainen": "Borgnäs", "Pedersören kunta": "Pedersöre", "Porvoon maalaiskunta": "Borgå landskommun",
    "Salo": "Salo", "Kotka": "Kotka", "Joensuu": "Joensuu", "Jyväskylä": "Jyväskylä",
    "Seinäjoki": "Seinäjoki", "Lahti": "Lahtis", "Kuopio": "Kuopio", "Rovaniemi": "Rovaniemi",
    "Kemi": "Kemi", "Iisalmi": "Idensalmi", "Heinola": "Heinola", "Kouvola": "Kouvola",
    "Nurmijärvi": "Nurmijärvi", "Mäntsälä": "Mäntsälä",
    "Kaustinen": "Kaustby", "Teuva": "Östermark", "Isokyrö": "Storkyro", "Laihia": "Laihela",
    "Vähäkyrö": "Lillkyro", "Pyhtää": "Pyttis", "Ruovesi": "Ruovesi", "Lapinlahti": "Lapinlahti",
    "Karkkila": "Högfors", "Vihti": "Vichtis", "Karjaa": "Karis", "Tammisaari": "Ekenäs",
    "Askola": "Askola", "Pukkila": "Pukkila", "Orimattila": "Orimattila",
}

# Either name (case-folded) -> the canonical (Finnish) name.
_CANON: dict[str, str] = {}
for _fi, _sv in BILINGUAL.items():
    _CANON[_fi.casefold()] = _fi
    _CANON.setdefault(_sv.casefold(), _fi)


def canonical(name: str | None) -> str | None:
    """"Helsingfors" -> "Helsinki", "Jakobstad" -> "Pietarsaari"; a name
    not in the table is returned as it is."""
    if not name:
        return name
    return _CANON.get(name.strip().casefold(), name.strip())


def other_names(name: str) -> list[str]:
    """Every name of the municipality ``name`` names, canonical first."""
    fi = canonical(name) or name
    sv = BILINGUAL.get(fi)
    return [fi] + ([sv] if sv and sv != fi else [])


def is_swedish_name(name: str) -> bool:
    return name.strip().casefold() in {sv.casefold() for fi, sv in BILINGUAL.items() if sv != fi}


def from_swedish_org(org: str) -> str | None:
    """"Jakobstads stad" -> "Jakobstad", "Helsingfors stad" -> "Helsingfors",
    "Närpes stad" -> "Närpes", "Korsholms kommun" -> "Korsholm"; None for
    anything else."""
    import re

    m = re.match(r"^\s*([A-ZÅÄÖ][\w:\- ]*?)\s+(?:stad|kommun|kommuns|stads)\b", org.strip())
    if not m:
        return None
    word = m.group(1).strip()
    for cand in (word, word[:-1] if word.endswith("s") else None):
        if cand and cand.casefold() in _CANON:
            return cand
    if word.endswith("s") and not word.endswith(("ss", "fors")):
        return word[:-1]
    return word
