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


# Finland's municipalities (2025), for recognising a name in a file name or
# an e-mail domain.  Keys are lower case, with and without ä/ö/å.
_ALL = """Akaa Alajärvi Alavieska Alavus Asikkala Askola Aura Brändö Eckerö Enonkoski Enontekiö Espoo Eura
Eurajoki Evijärvi Finström Forssa Föglö Geta Haapajärvi Haapavesi Hailuoto Halsua Hamina Hammarland
Hankasalmi Hanko Harjavalta Hartola Hattula Hausjärvi Heinola Heinävesi Helsinki Hirvensalmi Hollola
Huittinen Humppila Hyrynsalmi Hyvinkää Hämeenkyrö Hämeenlinna Ii Iisalmi Iitti Ikaalinen Ilmajoki Ilomantsi
Imatra Inari Inkoo Isojoki Isokyrö Janakkala Joensuu Jokioinen Jomala Joroinen Joutsa Juuka Juupajoki Juva
Jyväskylä Jämijärvi Jämsä Järvenpää Kaarina Kaavi Kajaani Kalajoki Kangasala Kangasniemi Kankaanpää
Kannonkoski Kannus Karijoki Karkkila Karstula Karvia Kaskinen Kauhajoki Kauhava Kauniainen Kaustinen Keitele
Kemi Kemijärvi Keminmaa Kemiönsaari Kempele Kerava Keuruu Kihniö Kinnula Kirkkonummi Kitee Kittilä Kiuruvesi
Kivijärvi Kokemäki Kokkola Kolari Konnevesi Kontiolahti Korsnäs Koski Kotka Kouvola Kristiinankaupunki
Kruunupyy Kuhmo Kuhmoinen Kumlinge Kuopio Kuortane Kurikka Kustavi Kuusamo Kökar Kärkölä Kärsämäki Lahti
Laihia Laitila Lapinjärvi Lapinlahti Lappajärvi Lappeenranta Lapua Laukaa Lemland Lempäälä Leppävirta
Lestijärvi Lieksa Lieto Liminka Liperi Lohja Loimaa Loppi Loviisa Luhanka Lumijoki Lumparland Luoto Luumäki
Maalahti Maarianhamina Marttila Masku Merijärvi Merikarvia Miehikkälä Mikkeli Muhos Multia Muonio Mustasaari
Muurame Mynämäki Myrskylä Mäntsälä Mänttä-Vilppula Mäntyharju Naantali Nakkila Nivala Nokia Nousiainen
Nurmes Nurmijärvi Närpiö Orimattila Oripää Orivesi Oulainen Oulu Outokumpu Padasjoki Paimio Paltamo Parainen
Parikkala Parkano Pedersöre Pelkosenniemi Pello Perho Pertunmaa Petäjävesi Pieksämäki Pielavesi Pietarsaari
Pihtipudas Pirkkala Polvijärvi Pomarkku Pori Pornainen Porvoo Posio Pudasjärvi Pukkila Punkalaidun Puolanka
Puumala Pyhtää Pyhäjoki Pyhäjärvi Pyhäntä Pyhäranta Pälkäne Pöytyä Raahe Raasepori Raisio Rantasalmi Ranua
Rauma Rautalampi Rautavaara Rautjärvi Reisjärvi Riihimäki Ristijärvi Rovaniemi Ruokolahti Ruovesi Rusko
Rääkkylä Saarijärvi Salla Salo Saltvik Sastamala Sauvo Savitaipale Savonlinna Savukoski Seinäjoki Sievi
Siikainen Siikajoki Siikalatva Siilinjärvi Simo Sipoo Siuntio Sodankylä Soini Somero Sonkajärvi Sotkamo
Sottunga Sulkava Sund Suomussalmi Suonenjoki Sysmä Säkylä Taipalsaari Taivalkoski Taivassalo Tammela Tampere
Tervo Tervola Teuva Tohmajärvi Toholampi Toivakka Tornio Turku Tuusniemi Tuusula Tyrnävä Ulvila Urjala
Utajärvi Utsjoki Uurainen Uusikaarlepyy Uusikaupunki Vaala Vaasa Valkeakoski Vantaa Varkaus Vehmaa Vesanto
Vesilahti Veteli Vieremä Vihti Viitasaari Vimpeli Virolahti Virrat Vårdö Vöyri Ylitornio Ylivieska Ylöjärvi
Ypäjä Ähtäri Äänekoski"""


def _fold(s: str) -> str:
    return s.lower().replace("ä", "a").replace("ö", "o").replace("å", "a")


MUNICIPALITIES: dict[str, str] = {}
for _name in _ALL.split():
    MUNICIPALITIES[_name.lower()] = _name
    MUNICIPALITIES[_fold(_name)] = _name
for _fi, _sv in BILINGUAL.items():
    if _fi in MUNICIPALITIES.values():
        MUNICIPALITIES.setdefault(_sv.lower(), _sv)
        MUNICIPALITIES.setdefault(_fold(_sv), _sv)
# E-mail domains that are not the name.
MUNICIPALITIES.update({"hel": "Helsinki", "ouka": "Oulu", "jkl": "Jyväskylä", "tampere": "Tampere"})


def _genitive_forms(name: str) -> set[str]:
    """Plausible genitives of a municipality's name ("Kurikka" -> Kurikan,
    "Kuortane" -> Kuortaneen, "Alavus" -> Alavuden, "Lahti" -> Lahden):
    enough rules of Finnish declension, with consonant gradation, that the
    true one is among them; the list of names keeps the extra ones harmless."""
    import re

    n = name
    forms = {n + "n"}
    weak = [(r"kk([aeiouyäö])$", r"k\1"), (r"pp([aeiouyäö])$", r"p\1"), (r"tt([aeiouyäö])$", r"t\1"),
            (r"nk([aeiouyäö])$", r"ng\1"), (r"mp([aeiouyäö])$", r"mm\1"), (r"lt([aeiouyäö])$", r"ll\1"),
            (r"nt([aeiouyäö])$", r"nn\1"), (r"rt([aeiouyäö])$", r"rr\1"), (r"([aeiouyäöhlr])k([aeiouyäö])$", r"\1\2"),
            (r"([aeiouyäö])p([aeiouyäö])$", r"\1v\2"), (r"([aeiouyäö])t([aeiouyäö])$", r"\1d\2")]
    for pat, rep in weak:
        w = re.sub(pat, rep, n)
        if w != n:
            forms.add(w + "n")
            if w.endswith("i"):
                forms.add(w[:-1] + "en")
    if n.endswith("i"):
        forms.add(n[:-1] + "en")
        forms.add(re.sub(r"ki$", "en", n))  # Seinäjoki -> Seinäjoen
        forms.add(re.sub(r"ti$", "den", n))  # Lahti -> Lahden
        forms.add(re.sub(r"si$", "den", n))  # Vesi -> Veden
        forms.add(re.sub(r"mi$", "men", n))
    if n.endswith("nen"):
        forms.add(n[:-3] + "sen")
    if n.endswith("e"):
        forms.add(n + "en")
    if n.endswith("s"):
        forms.add(n[:-1] + "ksen")
        forms.add(n[:-1] + "den")
        forms.add(n + "en")
    return forms


_GENITIVE_INDEX: dict[str, str] | None = None


def municipality_of_genitive(word: str) -> str | None:
    """"Kurikan" -> "Kurikka"; None when no municipality has that genitive."""
    global _GENITIVE_INDEX
    if _GENITIVE_INDEX is None:
        idx: dict[str, str] = {}
        for name in set(MUNICIPALITIES.values()):
            for form in _genitive_forms(name):
                idx.setdefault(form.lower(), name)
        _GENITIVE_INDEX = idx
    return _GENITIVE_INDEX.get(word.strip().lower())


# Finland's cities (kaupungit, 2025): a municipality in this list is
# "Heinolan kaupunki" / "Heinola stad"; one not in it is named as a city or a
# municipality only where its own documents say which (cite.py).
CITIES = frozenset("""Akaa Alajärvi Alavus Espoo Forssa Haapajärvi Haapavesi Hamina Hanko Harjavalta Heinola Helsinki
Huittinen Hyvinkää Hämeenlinna Iisalmi Ikaalinen Imatra Joensuu Jyväskylä Jämsä Järvenpää Kaarina Kajaani Kalajoki
Kangasala Kankaanpää Kannus Karkkila Kaskinen Kauhajoki Kauhava Kauniainen Kemi Kemijärvi Kerava Keuruu Kitee
Kiuruvesi Kokemäki Kokkola Kotka Kouvola Kristiinankaupunki Kuhmo Kuopio Kurikka Kuusamo Lahti Laitila Lappeenranta
Lapua Lieksa Lohja Loimaa Loviisa Maarianhamina Mikkeli Mänttä-Vilppula Naantali Nivala Nokia Nurmes Närpiö
Orimattila Orivesi Oulainen Oulu Outokumpu Paimio Parainen Parkano Pieksämäki Pietarsaari Pori Porvoo Pudasjärvi
Pyhäjärvi Raahe Raasepori Raisio Rauma Riihimäki Rovaniemi Saarijärvi Salo Sastamala Savonlinna Seinäjoki Somero
Suonenjoki Tampere Tornio Turku Ulvila Uusikaarlepyy Uusikaupunki Vaasa Valkeakoski Vantaa Varkaus Viitasaari
Virrat Ylivieska Ylöjärvi Äänekoski""".split())
