"""The vocabulary of Finnish and Swedish municipal minutes: labels and the
fields they start, bodies and their abbreviations, dates, case ids and page
furniture.  Generalised from ../shared/minutes-conventions.md and from how
Dynasty, Tweb/KTweb, CloudNC/CaseM, Ahjo and Word-exported minutes write
them; none of it is one system's markup."""

from __future__ import annotations

import re
from datetime import date

# --- labels --------------------------------------------------------------------------

# Label (case-folded, as written) -> field.  Longest first when matching.
# Fields: proposal, decision, presenter, preparers, preparation, summary,
# handling, attachments, authority, case_id, appeal, notify, history,
# and the header fields of officials' decisions and Tweb extracts.
LABELS: dict[str, str] = {}


def _add(field: str, *names: str) -> None:
    for n in names:
        LABELS[n.casefold()] = field


_add("proposal", "päätösehdotus", "päätösesitys", "ehdotus", "esitys", "pohjaehdotus", "pohjaesitys",
     "esittelijän ehdotus", "esittelijän päätösehdotus", "päätösehdotus ja esittelijä",
     "förslag", "beslutsförslag", "föredragandens förslag", "förslag till beslut")
_add("decision", "päätös", "lautakunnan päätös", "kokouskäsittelyn päätös", "päätöksen sisältö",
     "beslut", "nämndens beslut", "styrelsens beslut")
_add("presenter", "esittelijä", "esittelijät", "esittelijänä toimi", "föredragande", "föredragare")
_add("preparers", "valmistelija", "valmistelijat", "asian valmistelija", "valmistelija / lisätiedot",
     "valmistelijat / lisätiedot", "valmistelijat / lisätietojen antaja", "valmistelija/lisätiedot",
     "valmistelijat/lisätiedot", "valmistelija ja lisätiedot", "lisätiedot", "lisätietoja",
     "lisätietojen antaja", "beredare", "beredning och upplysningar", "upplysningar",
     "tilläggsuppgifter", "ytterligare upplysningar", "kontaktperson", "kontaktpersoner")
_add("preparation", "valmistelu", "asian valmistelu", "selostus", "perustelut", "päätöksen perustelut",
     "esittelijän perustelut", "asian tausta", "tausta", "esittelyteksti", "asian kuvaus", "asiaselostus",
     "motivering", "föredragandens motivering", "beslutsmotivering", "bakgrund", "beredning",
     "ärendebeskrivning", "redogörelse")
_add("summary", "tiivistelmä", "sammandrag")
_add("handling", "käsittely", "kokouskäsittely", "asian käsittely", "behandling", "behandling i mötet")
_add("attachments", "liitteet", "liite", "oheismateriaali", "oheismateriaalit", "bilagor", "bilaga",
     "material för kännedom")
_add("authority", "toimivalta", "päätösvalta", "sovelletut oikeusohjeet", "lainkohta", "lainkohdat",
     "oikeusohjeet", "behörighet", "tillämpade rättsnormer")
_add("case_id", "dno", "dnro", "diaarinumero", "asianumero", "asiatunnus", "dnr", "diarienummer",
     "ärendenummer")
_add("appeal", "muutoksenhaku", "muutoksenhakuohje", "muutoksenhakuohjeet", "oikaisuvaatimusohje",
     "oikaisuvaatimusohjeet", "valitusosoitus", "muutoksenhakukielto", "muutoksenhakuohjeet ja -kiellot",
     "ändringssökande", "anvisning för ändringssökande", "rättelseyrkande", "anvisning för rättelseyrkande",
     "besvärsanvisning", "anvisning för begäran om omprövning", "omprövningsanvisning")
_add("notify", "täytäntöönpano", "tiedoksi", "otteet", "ote", "jakelu", "tiedoksianto", "delgivning",
     "verkställighet", "för kännedom", "protokollsutdrag", "utdrag", "kokouksessa esillä")
_add("history", "päätöshistoria", "aiemmat käsittelyt", "aikaisempi käsittely", "beslutshistorik",
     "tidigare behandling")
# Header fields: officials' decisions, Tweb extracts, cover pages.
_add("decider", "päätöksentekijä", "päätöksen tekijä", "päättäjä", "viranhaltija", "beslutsfattare",
     "beslutande tjänsteinnehavare")
_add("date", "päivämäärä", "päätöspäivämäärä", "päätöspäivä", "päätöksen päivämäärä", "datum",
     "beslutsdatum", "kokouspäivä", "kokouspäivämäärä")
_add("meeting", "kokous", "sammanträde", "möte")
_add("body", "toimielin", "organ", "päättävä toimielin", "beslutande organ")
_add("section", "pykälä", "paragraf", "päätösnumero", "päätöksen numero", "pykälänumero")
_add("subject", "asia", "ärende", "otsikko", "aihe", "rubrik")
_add("time", "aika", "kokousaika", "tid", "sammanträdestid")
_add("place", "paikka", "kokouspaikka", "plats", "sammanträdesplats")
_add("present", "saapuvilla olleet", "läsnä", "osallistujat", "läsnäolijat", "kokouksen osallistujat",
     "deltagare", "saapuvilla olleet jäsenet", "jäsenet", "närvarande",
     "närvarande medlemmar", "muut saapuvilla", "muut saapuvilla olleet", "muut läsnäolijat",
     "övriga närvarande", "poissa", "frånvarande", "muut läsnä olleet", "läsnä olleet", "läsnä olleet jäsenet",
     "muut läsnä olevat", "närvarande ledamöter")
_add("toc", "käsitellyt asiat", "käsiteltävät asiat", "asialuettelo", "käsitellyt pykälät", "asialista", "asiat", "sisällysluettelo", "behandlade ärenden",
     "ärenden", "innehållsförteckning", "pykälät", "paragrafer", "ärendeförteckning", "behandlade paragrafer")
_add("signing", "pöytäkirjan tarkastus", "pöytäkirjan tarkastajat", "pöytäkirjan tarkastaminen",
     "tarkastusaika", "allekirjoitukset", "protokolljustering", "justering", "justerare", "justerarnas signaturer",
     "nähtävänä", "pöytäkirja yleisesti nähtävänä", "pöytäkirjan nähtävänäolo", "protokollet framlagt",
     "puheenjohtaja", "pöytäkirjanpitäjä", "ordförande", "protokollförare", "sekreterare")

_LABEL_ALT = "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))

# "Kaupunginjohtajan ehdotus", "Sivistysjohtajan esitys", "Kaupunginhallituksen
# päätös", "Stadsdirektörens förslag", "Nämndens beslut": a genitive and a label.
_GEN_FI = r"[A-ZÅÄÖa-zåäö][\w-]*?(?:n|en)"
_GEN_SV = r"[A-ZÅÄÖa-zåäö][\w-]*?s"
INFLECTED = re.compile(
    rf"^(?P<who>(?:{_GEN_FI})(?:\s+(?:ja\s+)?{_GEN_FI})?)\s+(?P<what>ehdotus|esitys|päätösehdotus|päätös|muutettu ehdotus)\b"
    rf"|^(?P<who_sv>{_GEN_SV})\s+(?P<what_sv>förslag|beslut|ändrade förslag)\b",
    re.I,
)
_INFLECTED_FIELD = {"ehdotus": "proposal", "esitys": "proposal", "päätösehdotus": "proposal",
                    "muutettu ehdotus": "proposal", "päätös": "decision", "förslag": "proposal",
                    "ändrade förslag": "proposal", "beslut": "decision"}

# A label at the start of a line: the label, then a colon, the end of the
# line, or the text of the block.
LABEL_START = re.compile(rf"^\s*(?P<label>{_LABEL_ALT})(?=\s*:|\s*$|\s|/(?:{_LABEL_ALT})\b)(?P<colon>\s*:)?\s*(?P<rest>.*)$", re.I | re.S)


def label_of(text: str) -> tuple[str, str, str, bool] | None:
    """(field, label as written, rest of the line, had a colon) when the
    line starts with a label; None otherwise.  Inflected labels
    ("Kaupunginjohtajan ehdotus:") count when followed by a colon or the end
    of the line."""
    m = LABEL_START.match(text)
    if m:
        label = m.group("label")
        rest = m.group("rest").strip()
        colon = bool(m.group("colon"))
        # "Esittelijä / Föredragande Jukka Nylund", "Ehdotus – Förslag": the
        # label in both languages.
        m2 = re.match(rf"^[/–—-]\s*(?:{_LABEL_ALT})(?=\s*:|\s*$|\s)(\s*:)?\s*", rest, re.I)
        if m2:
            rest = rest[m2.end():].strip()
            colon = colon or bool(m2.group(1))
        return LABELS[label.casefold()], label, rest, colon
    m = INFLECTED.match(text.strip())
    if m:
        what = (m.group("what") or m.group("what_sv")).lower()
        rest = text.strip()[m.end():]
        # "Kaupunginhallituksen ehdotus / Stadsstyrelsens förslag": both languages.
        m2 = re.match(r"^\s*[/–—-]\s*", rest)
        m3 = INFLECTED.match(rest[m2.end():]) if m2 else None
        if m2 and m3:
            rest = rest[m2.end() + m3.end():]
        colon = rest.lstrip().startswith(":")
        rest = rest.lstrip().lstrip(":").strip()
        if colon or not rest:
            label = text.strip()[: m.end()]
            return _INFLECTED_FIELD[what], label, rest, colon
    return None


def inflected_owner(label: str) -> str | None:
    """"Kaupunginhallituksen päätös" -> "Kaupunginhallituksen"; None for a
    plain label."""
    m = INFLECTED.match(label.strip())
    if not m:
        return None
    return (m.group("who") or m.group("who_sv")).strip()


# Labels that never start an ordinary sentence: a line starting with one is
# a label even without a colon and with text after it on the same line.
STRONG = {k for k in LABELS if LABELS[k] not in ("subject", "meeting", "time", "place", "notify")} - {
    "esitys", "ehdotus", "asia", "asiat", "ote", "aika", "paikka", "kokous", "jäsenet", "tausta", "liite",
    "beslut", "förslag", "ärende", "ärenden", "datum", "tid", "plats", "möte", "bilaga", "poissa",
    "puheenjohtaja", "ordförande", "sekreterare", "justering", "viranhaltija", "beredning", "behandling",
}

# --- bodies ------------------------------------------------------------------------------

BODY_HEADS = ("valtuusto", "hallitus", "lautakunta", "jaosto", "johtokunta", "toimikunta", "neuvosto",
              "valiokunta", "kollegio", "toimielin", "fullmäktige", "styrelse", "styrelsen", "nämnd",
              "nämnden", "sektion", "sektionen", "direktion", "direktionen", "utskott", "utskottet",
              "kommitté", "kommittén", "jaos", "lautakunnan", "jaoston")
_BODY_HEAD_ALT = "|".join(sorted(BODY_HEADS, key=len, reverse=True))
# A body's name: a few words, the last ending in a body word.
BODY = re.compile(
    rf"(?P<body>(?:[A-ZÅÄÖ][\w-]*\s+(?:ja\s+|och\s+|-\s*)?){{0,5}}[A-ZÅÄÖa-zåäö][\w-]*?(?:{_BODY_HEAD_ALT}))\b",
)

# Abbreviations of bodies that do not follow the pattern below, or that
# could be read either way.  "K" forms depend on whether the organisation is
# a city (kaupunki) or a municipality (kunta).
ABBREVIATIONS: dict[str, str] = {
    "kv": "{K}valtuusto", "kval": "{K}valtuusto", "kvalt": "{K}valtuusto", "kvsto": "{K}valtuusto",
    "kvst": "{K}valtuusto", "valt": "{K}valtuusto",
    "kh": "{K}hallitus", "khall": "{K}hallitus", "khal": "{K}hallitus", "kunh": "Kunnanhallitus",
    "kanh": "Kaupunginhallitus", "kaupvalt": "Kaupunginvaltuusto",
    "tela": "Tekninen lautakunta", "tekla": "Tekninen lautakunta", "tltk": "Tekninen lautakunta",
    "teknltk": "Tekninen lautakunta",
    "sivla": "Sivistyslautakunta", "sila": "Sivistyslautakunta", "sivltk": "Sivistyslautakunta",
    "sivlk": "Sivistyslautakunta",
    "ympla": "Ympäristölautakunta", "ymla": "Ympäristölautakunta", "ympltk": "Ympäristölautakunta",
    "rala": "Rakennuslautakunta", "rakla": "Rakennuslautakunta",
    "tarla": "Tarkastuslautakunta", "tark": "Tarkastuslautakunta", "tarkltk": "Tarkastuslautakunta",
    "hyvla": "Hyvinvointilautakunta", "vapla": "Vapaa-aikalautakunta", "vala": "Vapaa-aikalautakunta",
    "kasla": "Kasvatus- ja opetuslautakunta", "kaslk": "Kasvatus- ja opetuslautakunta",
    "yhtvalt": "Yhtymävaltuusto", "yhthall": "Yhtymähallitus", "yh": "Yhtymähallitus",
    "avalt": "Aluevaltuusto", "ahall": "Aluehallitus", "ah": "Aluehallitus", "av": "Aluevaltuusto",
    "kvl": "Keskusvaalilautakunta", "kvlk": "Keskusvaalilautakunta",
    # Swedish
    "stfm": "Stadsfullmäktige", "sfm": "Stadsfullmäktige", "fm": "{S}fullmäktige",
    "stst": "Stadsstyrelsen", "sst": "Stadsstyrelsen", "stys": "Stadsstyrelsen", "styr": "Stadsstyrelsen",
    "sstyr": "Stadsstyrelsen", "kst": "Kommunstyrelsen", "ks": "Kommunstyrelsen", "kfm": "Kommunfullmäktige",
    "kstyr": "Kommunstyrelsen", "bin": "Bildningsnämnden", "bildn": "Bildningsnämnden",
    "tn": "Tekniska nämnden", "tekn": "Tekniska nämnden", "socn": "Socialnämnden",
}


def expand_abbreviation(abbr: str, kind: str | None, known: list[str]) -> str | None:
    """The body an abbreviation names.  First the bodies this document
    names in full (``known``), by the convention that an abbreviation takes
    the first letters of the name's parts (Tarla: TARkastusLAutakunta, Kh:
    Kaupungin-Hallitus, STST: STadsSTyrelsen); then the table above, with
    Kaupungin-/Kunnan- (Stads-/Kommun-) by ``kind`` ("kaupunki", "kunta",
    "stad", "kommun")."""
    a = abbr.strip(" .:").casefold()
    if not a or len(a) > 10 or not a.isalpha():
        return None
    for name in known:
        if _prefix_chain(a, _name_parts(name)):
            return name
    pattern = ABBREVIATIONS.get(a)
    if not pattern:
        return None
    k = "Kunnan" if kind in ("kunta", "kommun") else "Kaupungin"
    s = "Kommun" if kind in ("kunta", "kommun") else "Stads"
    return pattern.replace("{K}", k).replace("{S}", s)


def _name_parts(name: str) -> list[str]:
    """"Tarkastuslautakunta" -> ["tarkastus", "lautakunta"]; "Tekninen
    lautakunta" -> ["tekninen", "lautakunta"]; "Stadsstyrelsen" -> ["stads",
    "styrelsen"]."""
    parts: list[str] = []
    for word in re.split(r"[\s-]+", name.casefold()):
        if not word or word in ("ja", "och"):
            continue
        for head in sorted(BODY_HEADS + ("styrelsen", "fullmäktige", "kaupungin", "kunnan", "stads", "kommun"),
                           key=len, reverse=True):
            if word.endswith(head) and len(word) > len(head):
                parts += [word[: -len(head)], head]
                break
            if word.startswith(head) and len(word) > len(head) and head in ("kaupungin", "kunnan", "stads", "kommun"):
                parts += [head, word[len(head):]]
                break
        else:
            parts.append(word)
    return parts


def _prefix_chain(abbr: str, parts: list[str]) -> bool:
    """Whether ``abbr`` is non-empty prefixes of ``parts``, in order, each
    part used (the last may be skipped only when it is a body word)."""
    if not parts:
        return False

    def go(a: str, i: int) -> bool:
        if not a:
            return i == len(parts)
        if i == len(parts):
            return False
        p = parts[i]
        for k in range(min(len(a), len(p)), 0, -1):
            if p.startswith(a[:k]) and go(a[k:], i + 1):
                return True
        return False

    return len(parts) >= 2 and go(abbr, 0)


# --- dates --------------------------------------------------------------------------------

MONTHS_FI = ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu",
             "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu"]
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december"]
_MONTH_FI = "|".join(m + "(?:ta|n|ssa|lle)?" for m in MONTHS_FI)
_MONTH_SV = "|".join(MONTHS_SV)
DATE_NUM = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})(?!\d)")
DATE_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+({_MONTH_FI}|{_MONTH_SV})\s+((?:19|20)\d{{2}})(?!\d)", re.I)
ANY_DATE = re.compile(f"{DATE_NUM.pattern}|{DATE_ISO.pattern}|{DATE_WORDS.pattern}", re.I)


def parse_date(text: str | None) -> date | None:
    """The first date in ``text``: 12.3.2024, 12.03.2024, 2024-03-12,
    12. maaliskuuta 2024, 12 mars 2024 (weekday and time around it are fine)."""
    if not text:
        return None
    best: tuple[int, date] | None = None
    for pat, order in ((DATE_NUM, "dmy"), (DATE_ISO, "ymd"), (DATE_WORDS, "dwy")):
        m = pat.search(text)
        if not m:
            continue
        try:
            if order == "dmy":
                d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            elif order == "ymd":
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            else:
                word = m.group(2).casefold()
                month = next((i + 1 for i, n in enumerate(MONTHS_FI) if word.startswith(n)), None) or \
                    next((i + 1 for i, n in enumerate(MONTHS_SV) if word == n), None)
                if month is None:
                    continue
                d = date(int(m.group(3)), month, int(m.group(1)))
        except ValueError:
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), d)
    return best[1] if best else None


# --- case ids -------------------------------------------------------------------------------

CASE_ID = re.compile(
    r"(?<![\w/])(?:"
    r"HEL\s\d{4}-\d{6}"  # Ahjo
    r"|[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,11}:\d{1,7}/[\d.]+/\d{4}"  # TRE:6985/10.03.02/2014
    r"|[A-ZÅÄÖ]{1,10}/\d{1,7}/\d{2}(?:\.\d{2}){1,4}/\d{4}"  # OUKA/1472/02.02.02/2017, VD/1545/00.04.00/2017
    r"|\d{1,7}/\d{2}(?:\.\d{2}){1,4}/\d{4}"  # 1234/02.05.00/2024
    r"|\d{1,7}/\d{4}(?:/\d{2}(?:\.\d{2}){1,4})?"  # 123/2024 (Dnr) — only after a label, see case_id_in
    r"|[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,8}(?:Dno|Dnr|DNO|DNR)-\d{4}-\d{1,7}"  # LAPDno-2025-483
    r"|[A-ZÅÄÖ]{2,6}/\d{1,7}/(?:19|20)\d{2}"  # LAR/56/2025: the municipality's prefix, number, year
    r"|\d{1,7}-\d{4}\s\(\d{2,3}(?:\s\d{2}){0,3}\)"  # 5024-2017 (010), 8712-2021 (02 02 02)
    r")(?![\w/])"
)
_BARE_YEAR_ID = re.compile(r"^\d{1,7}/\d{4}$")


def case_id_in(text: str, labelled: bool = False) -> str | None:
    """A case id in ``text``.  A bare "123/2024" counts only after a label
    (Dno 123/2024), since it is also how minutes number themselves."""
    for m in CASE_ID.finditer(text):
        value = re.sub(r"\s+", " ", m.group(0))
        if _BARE_YEAR_ID.match(value) and not labelled:
            continue
        return value
    return None


# --- sections -------------------------------------------------------------------------------------

# "§ 45", "45 §", "§45", "Pykälä 45", "Paragraf 45", "§ 3/2022"
SECTION = re.compile(r"(?:§\s*(?P<a>\d{1,4})(?!\s*:\w)|(?<![\d.,/])(?P<b>\d{1,4})\s*§(?![\s§]*:\w)|\b(?:pykälä|paragraf)\s+§?\s*(?P<c>\d{1,4}))", re.I)

# --- page furniture ----------------------------------------------------------------------------------

FURNITURE = re.compile(
    r"^(?:"
    r"(?:sivu|sida|page|s\.)\s*\d{1,4}(?:\s*(?:\(\s*\d{1,4}\s*\)|/\s*\d{1,4}))?"
    r"|\d{1,4}\s*\(\s*\d{1,4}\s*\)"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|-\s*\d{1,4}\s*-"
    r"|otteen oikeaksi todistaa.*|utdragets riktighet bestyrks.*|pöytäkirjan tarkastajat\s+otteen.*"
    r"|puheenjohtajan nimikirjaimet.*|pöytäkirjanpitäjän nimikirjaimet.*"
    r"|justerarnas signaturer.*|justerarnas initialer.*|ordförandens signatur.*"
    r"|allekirjoitettu sähköisesti|sähköisesti allekirjoitettu|elektroniskt undertecknat|elektroniskt signerat"
    r"|tarkastajien nimikirjaimet.*|vakuudeksi|in fidem|siirry sisältöön|hoppa till innehållet"
    r"|sivun alkuun.*|tulosta|skriv ut|takaisin|tillbaka|stäng|sulje|näytä|visa|close|show"
    r")$",
    re.I,
)
MINUTES_WORDS = re.compile(
    r"\b(?:pöytäkirja|pöytäkirjanote|ote pöytäkirjasta|esityslista|kokouskutsu|päätöspöytäkirja"
    r"|protokoll|protokollsutdrag|föredragningslista|kallelse|viranhaltijapäätös|viranhaltijan päätös"
    r"|tjänsteinnehavarbeslut|päätös|beslut)\b",
    re.I,
)

# --- outcomes --------------------------------------------------------------------------------------

SV_WORDS = {"och", "att", "för", "som", "av", "med", "till", "det", "den", "ett", "är", "har", "på",
            "förslaget", "godkändes", "beslut", "stadsstyrelsen", "nämnden", "ska", "inte", "de", "om",
            "kommunstyrelsen", "fullmäktige", "stadsfullmäktige", "kommunfullmäktige", "enligt", "bilagan",
            "ger", "utlåtande", "ärendet", "antecknar", "kännedom", "beslutar", "föreslår"}
FI_WORDS = {"ja", "on", "että", "hyväksyy", "hyväksyttiin", "päätös", "kaupunginhallitus", "lautakunta",
            "ei", "se", "sekä", "tai", "kunnan", "kaupungin", "päättää", "mukaan", "ovat", "oli", "vuoden",
            "kunnanhallitus", "valtuusto", "kaupunginvaltuusto", "kunnanvaltuusto", "antaa", "lausunnon",
            "liitteen", "mukaisesti", "ehdotus", "esitys", "merkitsee", "tiedoksi", "asia", "esittää"}


_FI_ENDINGS = ("ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "ksi", "nen", "isen", "uksen",
               "yksen", "minen", "misen", "taan", "tään", "ttiin", "vat", "vät", "eiden", "iden", "jen", "sti", "nsa",
               "nsä", "tteen", "nnon")
_SV_ENDINGS = ("tion", "tionen", "ning", "ningen", "ningar", "heten", "ande", "ende", "else", "arna", "erna",
               "orna", "ligt", "iska", "iskt")
_FI_PAIRS = re.compile(r"aa|ää|uu|yy|ii|oo|öö|ie|uo|yö|ei|äi|öi")


def language(text: str) -> str | None:
    """"fi" or "sv" by the words of ``text`` (function words, endings and
    vowel pairs that each language has and the other has not); None for a
    text too short to tell."""
    words = re.findall(r"[a-zåäö]+", text.lower()[:20000])
    fi = sv = 0.0
    for w in words:
        if w in FI_WORDS:
            fi += 1
        elif w in SV_WORDS:
            sv += 1
        elif "å" in w:
            sv += 1
        elif len(w) > 4 and w.endswith(_FI_ENDINGS):
            fi += 0.5
        elif len(w) > 4 and w.endswith(_SV_ENDINGS):
            sv += 0.5
        elif len(w) > 3 and _FI_PAIRS.search(w) and not w.endswith(("ie", "ei")):
            fi += 0.25
    if fi + sv < 2.5:
        return None
    return "sv" if sv > fi else "fi"


_ITEM_FIELDS = frozenset({"proposal", "decision", "presenter", "preparers", "preparation", "summary", "handling",
                          "case_id"})


def opens_item(lines: list[str], i: int) -> bool:
    """The heading at i is followed by an item's own text (a field label such
    as "Perustelut" or "Päätösehdotus", or a paragraph of prose), not by the
    next entry of a list of items."""
    for line in lines[i + 1:i + 3]:
        t = line.strip()
        if not t:
            continue
        lab = label_of(t)
        if lab and lab[0] in _ITEM_FIELDS:
            return True
        return len(t) > 150 and t.endswith(".")
    return False
