"""Funded projects as a domain: the normalised project name, the normalised
funder, and sums of money with what they are.  Pure functions over text, with
no Whoosh or Textual, so that ingest, search, export, the CLI and the TUI
agree on what "the same project" and "OKM" mean.

- ``project_key``: "VALSSI", "VALSSI-hanke", "VALSSI -digitaalinen
  laadunarviointijärjestelmä" are one project; "Kärrynpyörä" and
  "Kärrynpyörää kaiken ikää 2" are two.
- ``normalise_funders``: the funders a text names, as codes ("OKM",
  "ELY-keskus", "EAKR", "RRF") or as a municipality's nominative name
  ("Heinolan kaupunki"), in inflected Finnish and in Swedish.
- ``parse_amounts``: "45 000 euroa", "0,3 milj. €", "enintään 120 000 €" with
  their role (applied, granted, own share, total cost) from the words around
  them; never years, § numbers, case ids, phone numbers or percentages.
- ``programme_key``: a comparable key for a funding programme's topic as
  written in different cases ("sitouttavan kouluyhteisötyön kehittämiseen",
  "Sitouttava kouluyhteisötyö poissaoloihin puuttumisessa").

All regular expressions here are free of nested quantifiers over the same
characters, so their time is linear in the text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from .models import Amount, FundedProject

# --- project names --------------------------------------------------------------------------

_QUOTES = re.compile(r"[\"'«»“”„‟’‘‚`´]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# The word hanke (project) or projekti at the end of a name, in any case, on
# its own, after a hyphen or after a spaced dash ("VALSSI-hankkeen",
# "Kärrynpyörä -hanke", "Siisti kesä -hankkeeseen", "X-projektin").
_HANKE_WORD = (
    r"(?:hanke|hankkee(?:n|seen|ssa|sta|lla|lle|lta|na|t)|hanketta|hankkeiden|hankkeisiin|hankkeissa"
    r"|projekti(?:n|in|ssa|sta|lla|lle|na)?|projektia|projekte[tn]s?|kokeilu(?:n|un|ssa|sta|lla|lle|na|a)?"
    r"|toimintamalli(?:n|a)?)"
)
_HANKE_END = re.compile(rf"(?:\s+-?|-)\s*{_HANKE_WORD}$")
# A head that may carry a subtitle after a spaced dash: an acronym
# ("VALSSI") or one capitalised word ("Eepos").
_ACRONYM = re.compile(r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9+&]{1,15}$")
_PROPER = re.compile(r"^[A-ZÅÄÖ][\wåäö+&]{1,30}$")


def project_key(name: str) -> str:
    """The normalised project name: case-folded, quotes gone, dashes as
    "-", a "-hanke" suffix (in any case) gone, a subtitle after a spaced dash
    gone when the head is an acronym or one proper name, trailing punctuation
    gone.  Distinct names stay distinct: nothing but the suffix and the
    subtitle is removed, so "Digitalisaation suuntaviivat … 2" and "… 3"
    keep their numbers."""
    text = unicodedata.normalize("NFC", name or "")
    text = _QUOTES.sub("", _DASHES.sub("-", text))
    text = " ".join(text.split())
    text = text.strip(" ,;:.!?-()[]")
    # The suffix may come before or after a subtitle's removal.
    text = _HANKE_END.sub("", text).strip(" ,;:.!?-")
    m = re.match(r"^(\S+)\s+-\s?(?=\w)", text)
    if m and (_ACRONYM.match(m.group(1)) or _PROPER.match(m.group(1))):
        text = m.group(1)
    text = _HANKE_END.sub("", text).strip(" ,;:.!?-")
    # "VALSSI-hankkeen" leaves "VALSSI"; "VALSSI:n" is the same name.
    text = re.sub(r"(?<=[A-ZÅÄÖ0-9]):[a-zåäö]{1,3}$", "", text)
    return text.casefold()


# --- funders ---------------------------------------------------------------------------------------

FUNDER_NAMES: dict[str, str] = {
    "OKM": "opetus- ja kulttuuriministeriö",
    "STM": "sosiaali- ja terveysministeriö",
    "TEM": "työ- ja elinkeinoministeriö",
    "YM": "ympäristöministeriö",
    "MMM": "maa- ja metsätalousministeriö",
    "LVM": "liikenne- ja viestintäministeriö",
    "VM": "valtiovarainministeriö",
    "SM": "sisäministeriö",
    "OM": "oikeusministeriö",
    "UM": "ulkoministeriö",
    "PLM": "puolustusministeriö",
    "OPH": "Opetushallitus",
    "AVI": "aluehallintovirasto",
    "ELY-keskus": "elinkeino-, liikenne- ja ympäristökeskus",
    "Business Finland": "Business Finland",
    "STEA": "Sosiaali- ja terveysjärjestöjen avustuskeskus",
    "Sitra": "Suomen itsenäisyyden juhlarahasto Sitra",
    "EAKR": "Euroopan aluekehitysrahasto",
    "ESR+": "Euroopan sosiaalirahasto plus",
    "Leader": "Leader-ryhmä (maaseudun kehittämisohjelma)",
    "Interreg": "Interreg (Euroopan alueellinen yhteistyö)",
    "RRF": "EU:n elpymis- ja palautumistukiväline (NextGenerationEU, Suomen kestävän kasvun ohjelma)",
    "JTF": "oikeudenmukaisen siirtymän rahasto",
    "ARA": "Asumisen rahoitus- ja kehittämiskeskus",
    "Traficom": "Liikenne- ja viestintävirasto",
    "THL": "Terveyden ja hyvinvoinnin laitos",
    "Taike": "Taiteen edistämiskeskus",
    "Erasmus+": "Erasmus+",
    "Kela": "Kansaneläkelaitos",
    "EU": "Euroopan unioni",
    "valtio": "Suomen valtio (a state grant whose authority the text does not name)",
}

# The state's own funders: a grant from one of these with a topic is a
# programme with many recipients.
STATE_FUNDERS = frozenset({"OKM", "STM", "TEM", "YM", "MMM", "LVM", "VM", "SM", "OM", "UM", "PLM", "OPH", "AVI",
                           "ELY-keskus", "STEA"})

# State agencies whose grants are state grants, though not a programme's.
_STATE_AGENCIES = frozenset({"ARA", "Traficom", "THL", "Taike", "Kela", "Business Finland"})

# (pattern, code, case-sensitive?).  Full names are matched on their stem, so
# every case form ("opetus- ja kulttuuriministeriöltä", "-ön", "-n myöntämä")
# and the Swedish names map to the same code.
_FUNDER_PATTERNS: list[tuple[str, str, bool]] = [
    (r"opetus-?\s*ja\s+kulttuuriministeri\w*|undervisnings-?\s*och\s+kulturministeri\w*|\bOKM\b", "OKM", False),
    (r"sosiaali-?\s*ja\s+terveysministeri\w*|social-?\s*och\s+hälsovårdsministeri\w*", "STM", False),
    (r"työ-?\s*ja\s+elinkeinoministeri\w*|arbets-?\s*och\s+näringsministeri\w*", "TEM", False),
    (r"\bympäristöministeri\w*|\bmiljöministeri\w*", "YM", False),
    (r"maa-?\s*ja\s+metsätalousministeri\w*|jord-?\s*och\s+skogsbruksministeri\w*", "MMM", False),
    (r"liikenne-?\s*ja\s+viestintäministeri\w*|kommunikationsministeri\w*", "LVM", False),
    (r"\bvaltiovarainministeri\w*|\bfinansministeri\w*", "VM", False),
    (r"\bsisäministeri\w*|\binrikesministeri\w*", "SM", False),
    (r"\boikeusministeri\w*|\bjustitieministeri\w*", "OM", False),
    (r"\bulkoministeri\w*|\butrikesministeri\w*", "UM", False),
    (r"\bpuolustusministeri\w*|\bförsvarsministeri\w*", "PLM", False),
    (r"\b(?:STM|TEM|YM|MMM|LVM|VM|PLM)\b", "", True),  # codes: the match is the code
    (r"\bopetushallitu\w*|\butbildningsstyrelse\w*|\bOPH\b", "OPH", False),
    (r"aluehallintovira\w*|regionförvaltningsverk\w*|\bAVI\b|\bRFV\b", "AVI", False),
    (r"\bELY-keskuk\w*|\bELY-keskus\b|\bELY\b|elinkeino-,?\s*liikenne-?\s*ja\s+ympäristökeskuk\w*"
     r"|elinkeino-,?\s*liikenne-?\s*ja\s+ympäristökeskus|\bNTM-central\w*", "ELY-keskus", False),
    (r"\bBusiness Finland\w*", "Business Finland", False),
    (r"\bSTEA\b|sosiaali-?\s*ja\s+terveysjärjestöjen\s+avustuskesku(?:k\w*|s\b)", "STEA", False),
    (r"\bSitra\w*", "Sitra", True),
    (r"\bEAKR\b|euroopan\s+aluekehitysrahasto\w*|europeiska\s+regionala\s+utvecklingsfonde\w*|\bERUF\b", "EAKR", False),
    (r"\bESR\b\+?|euroopan\s+sosiaalirahasto\w*|europeiska\s+socialfonde\w*", "ESR+", False),
    (r"\bLeader\w*", "Leader", False),
    (r"\bInterreg\w*", "Interreg", False),
    (r"elpymis-?\s*ja\s+palautumistukiväline\w*|\bRRF\b|NextGenerationEU|Next\s+Generation\s+EU"
     r"|kestävän\s+kasvun\s+ohjelma\w*|faciliteten\s+för\s+återhämtning\w*", "RRF", False),
    (r"\bJTF\b|oikeudenmukaisen\s+siirtymän\s+rahasto\w*|fonden\s+för\s+en\s+rättvis\s+omställning|\bFRO\b",
     "JTF", False),
    (r"\bARA\b|asumisen\s+rahoitus-?\s*ja\s+kehittämiskesku(?:k\w*|s\b)", "ARA", False),
    (r"\bTraficom\w*|liikenne-?\s*ja\s+viestintäviras\w*|transport-?\s*och\s+kommunikationsverke\w*",
     "Traficom", False),
    (r"\bTHL\b|terveyden\s+ja\s+hyvinvoinnin\s+laito\w*", "THL", False),
    (r"\bTaike\w*|taiteen\s+edistämiskesku(?:k\w*|s\b)|centret\s+för\s+konstfrämjande", "Taike", False),
    (r"\bErasmus\+?", "Erasmus+", False),
    (r"\bKela\w*", "Kela", True),
    (r"\bkansaneläkelaito\w*|\bfolkpensionsanstalt\w*", "Kela", False),
    (r"Euroopan\s+unioni\w*|\bEU\b(?!:n\s+elpym)", "EU", False),
    (r"\bvaltion\s+(?:[a-zåäö]+\s+){0,3}?(?:erityis)?avustu\w*|\bvaltionavustu\w*|\bvaltion\s+hankerahoitu\w*"
     r"|\bstatsunderstöd\w*|\bstatligt\s+(?:special)?understöd\w*"
     # "EAKR- ja valtion rahoitusta", "valtion vastinrahoitus 20 %".
     r"|\bvaltion\s+(?:vastin|osa)?rahoitu\w*|\bstatlig\s+(?:med)?finansiering\w*", "valtio", False),
]
_FUNDER_RE = [(re.compile(p, 0 if cs else re.I), code) for p, code, cs in _FUNDER_PATTERNS]
# Codes count only in capitals ("om" is Swedish for "if", "Eu" a typo);
# these are names written in mixed case.
_MIXED_CASE = {"Leader", "Sitra", "Kela", "Taike", "Interreg", "Traficom", "Erasmus+"}

# Municipalities and joint authorities: "Heinolan kaupungilta", "Lapuan
# kaupungin rahoitus", "Seinäjoen koulutuskuntayhtymän omarahoitusosuus",
# "Etelä-Pohjanmaan hyvinvointialueelta", "Etelä-Pohjanmaan liitolta".  A
# municipality is a funder when it gives (ablative "-lta"), when its share or
# funding is named ("kaupungin rahoitus", "kunnan osuus"), or when the text is
# nothing but its name (a funder field).
_PLACE = r"(?P<place>[A-ZÅÄÖ][\wåäö]*(?:-[A-ZÅÄÖ][\wåäö]*)?(?:n|in))"
_BODY = (r"(?P<body>kaupunki|kaupungi\w*|kunta|kunna\w*|kunta\w*|\w*kuntayhtymä\w*|hyvinvointialue\w*"
         r"|liitto|liito\w*|liiton)")
_MUNICIPAL = re.compile(rf"\b{_PLACE}\s+{_BODY}\b")
_FUNDING_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:\w*rahoitu|\w*osuu|\w*avustu|myöntä|\w*raha)", re.I)
_GRANTS_AFTER = re.compile(r"\s+(?:on\s+|ovat\s+|oli\s+)?(?:\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\s+)?"
                           r"(?:myönsi|myöntänyt|myöntää|myönsivät|rahoittaa|rahoitti)\b", re.I)


def _body_nominative(body: str) -> str:
    b = body.casefold()
    if b.startswith("kaupun"):
        return "kaupunki"
    if "kuntayhtymä" in b:
        return b[: b.index("kuntayhtymä")] + "kuntayhtymä"
    if b.startswith(("kunta", "kunna")):
        return "kunta"
    if b.startswith("hyvinvointialue"):
        return "hyvinvointialue"
    return "liitto"


# Regional councils in Swedish ("beviljas av Österbottens förbund") by their
# Finnish names, as a municipality is named in Finnish in a Swedish record.
_SV_REGIONS = {
    "österbotten": "Pohjanmaan", "mellersta österbotten": "Keski-Pohjanmaan", "södra österbotten": "Etelä-Pohjanmaan",
    "norra österbotten": "Pohjois-Pohjanmaan", "nyland": "Uudenmaan", "egentliga finland": "Varsinais-Suomen",
    "satakunta": "Satakunnan", "egentliga tavastland": "Kanta-Hämeen", "päijänne-tavastland": "Päijät-Hämeen",
    "birkaland": "Pirkanmaan", "kymmenedalen": "Kymenlaakson", "södra karelen": "Etelä-Karjalan",
    "södra savolax": "Etelä-Savon", "norra savolax": "Pohjois-Savon", "norra karelen": "Pohjois-Karjalan",
    "mellersta finland": "Keski-Suomen", "kajanaland": "Kainuun", "lappland": "Lapin",
}
_SV_COUNCIL = re.compile(
    r"\b(?:av|från|med)\s+(?P<r>(?:(?:Mellersta|Södra|Norra|Egentliga)\s+)?[A-ZÅÄÖ][\wåäö-]*?)s\s+förbund\w*")


def _municipal(text: str, whole: bool) -> list[tuple[int, str, str]]:
    out = []
    for m in _SV_COUNCIL.finditer(text):
        fi = _SV_REGIONS.get(m.group("r").casefold())
        if fi:
            out.append((m.start(), f"{fi} liitto", m.group(0)))
    for m in _MUNICIPAL.finditer(text):
        body = m.group("body").casefold()
        giving = re.search(r"(?:lta|ltä)$", body) is not None
        genitive = body.endswith("n")
        funding = (genitive and _FUNDING_AFTER.match(text[m.end():m.end() + 60]) is not None) or bool(
            re.search(r"(?:rahoitu|osuu|avustu)", body))
        nominative = body in ("kaupunki", "kunta", "hyvinvointialue", "liitto") or body.endswith("kuntayhtymä")
        # "Pohjois-Pohjanmaan liitto on myöntänyt …", "Tampereen kaupunki myönsi …": the subject gives.
        grants = nominative and _GRANTS_AFTER.match(text, m.end()) is not None
        if giving or funding or grants or (whole and nominative):
            out.append((m.start(), f"{m.group('place')} {_body_nominative(body)}", m.group(0)))
    return out


def funder_mentions(text: str | None) -> list[tuple[str, str]]:
    """(normalised funder, the words as written) for each funder ``text``
    names, in the order written and without repeats of a funder:
    "myönsi opetus- ja kulttuuriministeriö" -> [("OKM", "opetus- ja
    kulttuuriministeriö")].  A municipality counts only where the text has
    it give money (``_municipal``), so the recipient of a grant is not taken
    for its funder."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    found: list[tuple[int, str, str]] = []
    taken = bytearray(len(text) + 1)  # characters a longer name already matched
    for rx, code in _FUNDER_RE:
        for m in rx.finditer(text):
            if taken[m.start()]:
                continue
            value = code or m.group(0)
            word = m.group(0)
            if len(word) <= 5 and " " not in word and not word.isupper() and value not in _MIXED_CASE:
                continue  # "om", "Eu", "okm": a code is written in capitals
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            found.append((m.start(), value, word))
    whole = len(text.split()) <= 4
    found.extend(_municipal(text, whole))
    found.sort()
    out: dict[str, str] = {}
    for _, v, w in found:
        out.setdefault(v, w)
    # "valtion erityisavustus" says no more than the ministry or the state
    # agency that gives it ("Traficomin valtionavustus").
    if "valtio" in out and any(v in STATE_FUNDERS or v in _STATE_AGENCIES for v in out):
        del out["valtio"]
    # "EU" says no more than a named EU fund does.
    if "EU" in out and any(v in out for v in ("EAKR", "ESR+", "RRF", "JTF", "Interreg", "Erasmus+")):
        del out["EU"]
    return list(out.items())


def normalise_funders(text: str | None) -> list[str]:
    """The funders ``text`` names, normalised, in the order written and
    without repeats: "opetus- ja kulttuuriministeriöltä" -> ["OKM"],
    "OKM/AVI" -> ["OKM", "AVI"], "Etelä-Savon ELY-keskukselta" ->
    ["ELY-keskus"], "Heinolan kaupungilta" -> ["Heinolan kaupunki"]
    (see ``funder_mentions``)."""
    return [code for code, _ in funder_mentions(text)]


# --- amounts ------------------------------------------------------------------------------------------

# A number as written in Finnish: "45 000", "4.500", "120 000,00", "0,3",
# "8.636.678,70" (at most four groups, so that a table's long run of
# numbers costs no more than its length); not preceded by a digit, a slash (a case id
# "OKM/1252/520/2021") or a § sign.
_NUMBER = r"(?<![\d/§.,])(?<!§\s)(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3}){1,4}|\d+)(?:,\d+)?"
_SCALE = r"(?:milj(?:oon\w*|on\w*|\.)?|mrd\.?|miljardi\w*|M|t(?:uhat\w*|\.)?)"
_UNIT = r"(?:€|euro\w*|eur\b|e\b|EUR\b)"
_AMOUNT = re.compile(
    rf"(?P<prefix>\b(?:enintään|korkeintaan|vähintään|noin|n\.|yhteensä|max\.?)\s+)?"
    rf"(?:(?P<low>{_NUMBER})\s*[-–]\s*)?"
    rf"(?P<num>{_NUMBER})\s*(?:(?P<scale>{_SCALE})\s*)?(?P<unit>{_UNIT})",
)
# Roles: the nearest word that says what a sum is.
_ROLE_WORDS: list[tuple[str, str]] = [
    ("own_share", r"omarahoitu\w*|omavastuu\w*|oma\s+osuus\w*|omaa\s+rahoitusta|kunnan\s+osuu\w*"
                  r"|kuntien\s+osuu\w*|kuntaraha\w*|kuntarahoitu\w*|kaupungin\s+osuu\w*|självfinansier\w*"
                  r"|egen\s+andel\w*|kommunens\s+andel\w*"
                  # "osoittaa kaupungin rahoitusosuuden 60 000 euroa", "hakijan omalla rahoituksella",
                  # "kaupunki rahoittaa loput", work in kind: "osallistuu henkilötyöllä, jonka arvo on …"
                  r"|(?:kaupungin|kunnan|kuntayhtymän|hyvinvointialueen|stadens|kommunens)\s+(?:oma)?rahoitusosuu\w*"
                  r"|omalla\s+rahoituksella|(?:kaupunki|kunta|kuntayhtymä)\s+rahoittaa|henkilötyö\w*|työpanokse\w*"
                  r"|omana\s+työnä|omalla\s+työllä|(?:kaupunki|kunta|kuntayhtymä|hyvinvointialue)\s+osallistuu"),
    ("total_cost", r"kokonaiskustannu\w*|kustannusarvi\w*|kokonaisbudjet\w*|budjet\w*|kokonaiskulu\w*"
                   r"|hankkeen\s+kustannukset|yhteensä\s+(?:\w+\s+){0,2}?käytetään|käytetään\s+yhteensä"
                   r"|toteutune\w*\s+kustannu\w*|totala?\s+kostnade\w*|kostnade\w*\s+beräknas"
                   r"|totalkostnad\w*|kostnadsförslag\w*|budget\w*"),
    ("applied", r"\bhakee\b|\bhakea\b|\bhaetaan\b|\bhaettava\w*|\bhakemu\w*|\bhaki\b|\bhaettu\w*|\bhaetun\b"
                r"|\banoo\b|\banotaan\b|\banomu\w*|\bhaku\w*|\bansök\w*|\bansöker\b|\bsöker\b"),
    ("granted", r"myönsi|myöntä\w*|myönne\w*|myöntämä\w*|\bsaadu\w*|\bsaatu\w*|\bsai\b|\bsaanut\b"
                r"|(?<!haettava\s)(?<!haettu\s)avustu\w*\s+on\b|beviljat?\w*|erhållit\w*"
                # a partner's part of a consortium's grant
                r"|osuus\s+(?:rahoituksesta|avustuksesta|tuesta)|andel\s+av\s+(?:finansieringen|bidraget|stödet)"),
    # A share of a sum put to a use ("197 000 euroa kohdistetaan …") is
    # neither the grant nor the cost; nor are a payment claim's period,
    # co-funding by municipalities unnamed, or a repayment.
    ("other", r"\bkohdistetaan\b|\bkohdistuu\b|\bkäytetään\b|\bjaetaan\b|\bfördelas\b"
              r"|\bjaksolla\b|\bkaudella\b|\bmaksatu\w*|\bkuntien\s+rahoitu\w*|\bpalaute\w*|\bpalautta\w*"
              r"|\bkäyttämättä\b|\bennakko\w*|\bmaksuer\w*|\bförskott\w*|\butbetalning\w*|\båterbetal\w*"),
]
_ROLE_RE = [(role, re.compile(p, re.I)) for role, p in _ROLE_WORDS]
_YEAR = re.compile(
    r"\b(?:vuode(?:lle|n|lla|ssa)|vuonna|vuosille|vuosina|vuosi|år(?:et)?|för\s+år)\s+((?:19|20)\d\d)\b", re.I)
_MULTIPLIER = {"milj": 1e6, "m": 1e6, "mrd": 1e9, "miljardi": 1e9, "t": 1e3, "tuhat": 1e3}


def _value(num: str, scale: str | None) -> float:
    digits = re.sub(r"[ \u00a0\u202f.]", "", num).replace(",", ".")
    value = float(digits)
    if scale:
        s = scale.casefold().rstrip(".")
        s = "milj" if s.startswith("milj") else "miljardi" if s.startswith("miljardi") else \
            "tuhat" if s.startswith("tuha") else s
        value *= _MULTIPLIER.get(s, 1.0)
    return value


def _role(text: str, start: int, end: int, lo: int, hi: int) -> str | None:
    """The role whose word is nearest to the amount at ``start:end``, looking
    no further than the sums on either side (``lo``, ``hi``).  A word before
    the sum counts three times more than one after: Finnish says
    "omavastuuosuus on 125 000 euroa" more often than "45 000 euron
    avustusta"."""
    lo = max(lo, start - 200)
    hi = min(hi, end + 60)
    # A word after the sum is its own only in the same clause: not across
    # "ja 2) varata kunnan rahoitusosuuden …" or a comma.
    clause = re.search(r"[,;:]|\s(?:ja|sekä|och|samt)\s|\s\d\)", text[end:hi])
    if clause:
        hi = end + clause.start()
    best: tuple[float, str] | None = None
    for role, rx in _ROLE_RE:
        for m in rx.finditer(text, lo, hi):
            d = start - m.end() if m.end() <= start else (m.start() - end) * 3 if m.start() >= end else 0
            if best is None or d < best[0]:
                best = (d, role)
    return best[1] if best else None


# A sum per month or per year is a rent, a salary, a fee or a running cost,
# never a project's grant or budget ("2 650 euroa kuukaudessa", "1 150 000
# euroa vuodessa", "3 410 €/kk"); a project's yearly sums are "vuodelle 2025".
_PER_PERIOD = re.compile(r"\s*(?:/\s*(?:kk|kuukausi|v|vuosi|h|månad|år)\b|(?:\(\w+\s+\d+\s*%\)\s*)?"
                         r"(?:kuukaudessa|kuussa|vuodessa|vuosittain|päivässä|tunnilta|tunnissa|per\s+(?:månad|år|dag)"
                         r"|i\s+månaden|om\s+året|i\s+året)\b)", re.I)
_CLAIM = re.compile(r"\bmaksatu\w*|\b(?:tällä|kyseisellä)\s+jaksolla\b|\butbetalningsansök\w*", re.I)


def _about_other_thing(text: str, start: int, end: int) -> bool:
    """A sum in brackets with other words, after a noun that is not the
    project: "navetan laajennuksen (kustannusarvio 2,2 milj. euroa)",
    "määrärahaan (Kalliokadun peruskorjaus, 1,9 milj. euroa)".  A bracket
    holding the sum alone ("20 % (7 500 euroa)") restates the sum before."""
    open_ = text.rfind("(", max(0, start - 80), start)
    if open_ < 0 or ")" in text[open_:start]:
        return False
    close = text.find(")", end, end + 40)
    inside = (text[open_ + 1:start] + " " + text[end:close if close >= 0 else end]).strip(" ,;")
    if not re.search(r"[^\W\d_]{3,}", inside):
        return False
    before = text[max(0, open_ - 40):open_].split()
    return not (before and re.match(r"(?:hank|projekt|kokeilu)", before[-1], re.I))


def parse_amounts(text: str | None) -> list[Amount]:
    """Sums of money in ``text``: each with its value in euros, its role (the
    nearest word saying what it is), the year the text gives it (the
    nearest "vuodelle 2024" before it) and the words as written.  A range
    ("10 000–20 000 euroa") gives both ends.  Only a number with a unit is a
    sum, so years, § numbers, case ids, phone numbers and percentages are
    never taken."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    out: list[Amount] = []
    years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    year_pos = [pos for pos, _ in years]
    matches = list(_AMOUNT.finditer(text))
    claim = _CLAIM.search(text)
    claim_at = claim.start() if claim else len(text)
    for i, m in enumerate(matches):
        unit = m.group("unit")
        if unit == "e" and not re.search(r"[ .]\d{3}|\d{4}", m.group("num")):
            # "5 e" is an abbreviation too often; a bare "e" needs a sum of thousands.
            continue
        if re.search(r"(?:^|[^\d.,])\d{1,3}\s$", text[max(0, m.start() - 5):m.start()]):
            continue  # the tail of "§ 12 500": not a sum of its own
        if _about_other_thing(text, m.start(), m.end()) or _PER_PERIOD.match(text, m.end()):
            continue
        role = _role(text, m.start(), m.end(), matches[i - 1].end() if i else 0,
                     matches[i + 1].start() if i + 1 < len(matches) else len(text))
        if role is None:
            # "vuodelle 2025 320 000 euroa ja vuodelle 2026 280 000 euroa,
            # yhteensä 600 000 euroa": a sum in a list has the role of the one before.
            prev = out[-1].role if out and i and m.start() - matches[i - 1].end() <= 60 else None
            role = prev or "other"
        if role == "applied" and claim_at < m.start():
            # "Kolmas maksatushakemus …; tällä jaksolla … haettava tuki on
            # 86 430 euroa": what a payment claim asks is a payment.
            role = "other"
        # The nearest year before the sum (within 200 characters), else just after it.
        i_year = bisect.bisect_left(year_pos, m.start())
        year = None
        if i_year and m.start() - year_pos[i_year - 1] < 200:
            year = years[i_year - 1][1]
        elif i_year < len(years) and years[i_year][0] < m.end() + 80:
            year = years[i_year][1]
        written = " ".join(m.group(0).split())
        for num in (m.group("low"), m.group("num")):
            if not num:
                continue
            try:
                euros = _value(num, m.group("scale"))
            except ValueError:
                continue
            if euros <= 0:
                continue
            out.append(Amount(euros=euros, role=role, year=year, text=written))  # type: ignore[arg-type]
    return out


def years_in(text: str | None) -> list[int]:
    """The years a text gives a project: "vuosille 2024–2025" -> [2024, 2025],
    "1.8.2022–31.12.2023" -> [2022, 2023], "vuonna 2026 ja 2027" -> [2026, 2027].
    Years in other dates (a meeting's, a decision's) are not taken: only a
    span of dates, or years after a word for year or a range."""
    if not text:
        return []
    found: list[int] = []
    span = re.compile(r"\b\d{1,2}\.\d{1,2}\.((?:19|20)\d\d)\s*[-–]\s*\d{1,2}\.\d{1,2}\.((?:19|20)\d\d)\b")
    for m in span.finditer(text):
        found.extend(range(int(m.group(1)), int(m.group(2)) + 1) if int(m.group(2)) - int(m.group(1)) <= 10 else [])
    words = re.compile(
        r"\b(?:vuode(?:lle|n|lla|ssa)|vuonna|vuosille|vuosina|vuodet|vuosiksi|lukuvuo\w*|kesäkaude\w*|toteutusaika\w*"
        r"|år(?:en)?|åren)\s+((?:19|20)\d\d)(?:\s*(?:[-–]|ja|och)\s*((?:19|20)\d\d))?\b", re.I)
    for m in words.finditer(text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if 0 <= b - a <= 10:
            found.extend(range(a, b + 1))
    for m in re.finditer(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", text):
        a, b = int(m.group(1)), int(m.group(2))
        if 0 < b - a <= 10:
            found.extend(range(a, b + 1))
    return sorted(set(found))


# --- programmes -------------------------------------------------------------------------------------

# Words that say nothing about a programme's topic.
_GENERIC = {
    "kehittäminen", "kehittämiseen", "kehittämisen", "vaihe", "vaiheen", "ja", "sekä", "tai", "hanke",
    "hankkeen", "erityisavustus", "valtionavustus", "avustus", "toteuttaminen", "toteuttamiseen",
    "vahvistaminen", "vahvistamiseen", "edistäminen", "edistämiseen", "niiden", "sen", "och", "för", "av",
}
_ENDINGS = sorted(
    ("ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "ksi", "seen", "hin", "hun", "han",
     "hen", "hyn", "hön", "een", "iin", "iden", "ien", "ten", "jen", "ista", "istä", "ina", "inä", "na",
     "nä", "ta", "tä", "n", "t", "a", "ä"),
    key=len, reverse=True,
)


def _stem(word: str) -> str:
    """A crude Finnish stem: one case ending off, then a final vowel, then a
    doubled consonant halved ("kouluyhteisötyön" and "kouluyhteisötyö" ->
    "kouluyhteisöty"; "sitouttavan", "sitouttava" -> "sitouttav").  Only for
    comparing topics; arkisto.search has Voikko for real lemmas."""
    w = word.casefold()
    if len(w) <= 4:
        return w
    for e in _ENDINGS:
        if w.endswith(e) and len(w) - len(e) >= 4:
            w = w[: -len(e)]
            break
    if w[-1:] in "aeiouyäö" and len(w) > 4:
        w = w[:-1]
    return w


def programme_key(text: str | None) -> str:
    """A key under which a programme's topic, written in different cases by
    different municipalities, compares equal: the stems of its first two
    content words.  "sitouttavan kouluyhteisötyön 2. vaiheen kehittämiseen"
    and "Sitouttava kouluyhteisötyö poissaoloihin puuttumisessa" both give
    "sitouttav kouluyhteisöty".  Empty when the text has no content word."""
    words = [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", (text or "").casefold())
             if w not in _GENERIC and len(w) > 2]
    return " ".join(_stem(w) for w in words[:2])


# --- records from before these fields ---------------------------------------------------------


def completed(project: FundedProject) -> FundedProject:
    """The project with what can be derived from its written fields filled
    in where empty: the key from the name, the normalised funders from the
    funder as written, the sums from the amount as written.  For records
    made before these fields existed (an older export, an older index);
    what a record already has is kept."""
    update: dict[str, object] = {}
    if not project.key:
        update["key"] = project_key(project.name)
    if not project.funders and project.funder:
        update["funders"] = normalise_funders(project.funder) or [project.funder]
    if not project.amounts and project.amount:
        update["amounts"] = parse_amounts(project.amount)
    return project.model_copy(update=update) if update else project
