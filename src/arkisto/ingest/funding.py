"""Funded projects read from a decision's own sentences, not only from
bullet lists: applications ("hakee … avustusta … -hankkeelle"), grants and
acceptances ("myönsi", "ottaa vastaan avustuksen"), own-share decisions
("omarahoitusosuus", "kuntarahaosuus"), reports ("loppuraportti", "selvitys
hankkeen toteutumisesta") and closures ("hanke päättyi").

A project is named three ways in minutes (see minutes-conventions):
with a "-hanke" suffix ("Siisti kesä -hankkeeseen", "KESTÄVÄT-hankkeen"),
in quotes next to the word hanke/projekti, or as an acronym in capitals next
to it ("VALSSI-hanke", "hankkeessa VALSSI").  A ministry's special grant that
names its topic but no project ("myöntää … valtion erityisavustusta
sitouttavan kouluyhteisötyön kehittämiseen 500 000 euroa") is recorded under
its topic, which is also its programme.

Precision before recall: a capitalised run is a name only with the suffix
or the quotes; the sums and funders of the record's other sentences are
given to a project only when the record names that one project.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import FundedProject
from ..projects import STATE_FUNDERS, funder_mentions, normalise_funders, parse_amounts, project_key, years_in
from ..text import one_line

# Sentences: a full stop, "!" or "?" followed by a capital; "2. vaiheen",
# "11.11.2021" and "v. 2024" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”“])")
_SUFFIX = re.compile(
    r"(?:(?<=[\w”\")])-|\s[-–]\s?)[a-zåäö]*(?:hanke|hankkee(?:n|seen|ssa|sta|lla|lle|lta|na)\b|hanketta"
    r"|projekti(?:n|in|ssa|sta|lla|lle|na|a)?\b|kokeilu(?:n|un|ssa|sta|lla|lle|na|a)?\b|projekte[tn]s?\b"
    r"|toimintamalli(?:n|a)?\b(?=\s+(?:juurrut|levit|käyttöönot|vakiinnut)))"
)
_QUOTED = re.compile(r"[\"“”„]([^\"“”„\n]{3,100})[\"“”]")
# A name in capitals after the word, of up to five words ("hankkeelle
# EUROOPAN NUORET ÄÄNET"), or one word before it.
_CAPS_WORD = r"[A-ZÅÄÖ][A-ZÅÄÖ0-9+]{1,15}(?:-[A-ZÅÄÖ0-9]+)*!?"
_CAPS_NEAR = re.compile(
    rf"\b(?:hanke|hankkee\w*|hanketta|projekti\w*)\s+(?P<a>(?=[A-ZÅÄÖ][A-ZÅÄÖ0-9+]{{3}}){_CAPS_WORD}"
    rf"(?:\s+{_CAPS_WORD}){{0,4}})(?![\w-])"
    r"|\b(?P<b>[A-ZÅÄÖ][A-ZÅÄÖ0-9+]{3,15})\s+(?:hanke|hankkee\w*|hanketta|projekti\w*)\b"
)
# Swedish: "projektet Läslust i Närpes skolor", "i projektet Vätgasdalen
# Österbotten och reserverar …": a capital, then words up to a comma, a
# full stop or a word that starts the next clause.
_SV_STOP = (r"och|som|samt|är|har|ska|att|med|till|från|av|genom|inom|eller|vilket|där|under|beviljas"
            r"|kommer|skall|kan|var|hade|för\s+(?:att|år|åren|perioden|tiden)")
_SV_PROJECT = re.compile(
    rf"\bprojekte[tn]\s+(?P<n>[A-ZÅÄÖ][\w-]*(?:\s+(?!(?:{_SV_STOP})\b)[\w-]+(?:\.\d+)*){{0,5}})"
)
# An abbreviation in a case ("Oy:lle", "ry:n") ends the name before it.
_CASED_ABBREV = re.compile(r"^\w+:[a-zåäö]+$|^(?:oy|ry|ab|oyj|ky)$", re.I)
# A lower-case word inside a name ("Pyöräilyn pääväylä Kalliokatu"): a
# nominative, no case ending, no word about money.
_NOT_NOMINATIVE = re.compile(r"(?:lle|lta|ltä|lla|llä|ssa|ssä|sta|stä|seen|ksi|(?<!ne)n|t|\W|aa|ää|ee|ii|oo|uu|yy|öö)$"
                             r"|avustu|rahoitu|tuki|tuke"
                             r"|hank|projekt|euro", re.I)
_HANKE_NEAR = re.compile(r"\bhank|\bprojekt", re.I)
# A heading's word for the kind of document or matter, before a name:
# "Avustushakemus …", "Rahoitushakemus …", "Päätös …", "Ansökan …".
_LEAD_NOUN = re.compile(r"^(?:\w*hakemu[sk]\w*|\w*päätö[sk]\w*|esitys|ehdotus|lausunto|selvitys|ilmoitus"
                        r"|ansökan|beslut|förslag)$", re.I)
# Words that never sit inside a project's name: verbs and pronouns that end
# the clause before it.
_NOT_IN_NAME = {
    "on", "oli", "ovat", "olivat", "myönsi", "myöntää", "sai", "saivat", "päätti", "päättää", "käynnisti",
    "aloitti", "toteutti", "haki", "hakee", "osallistui", "osallistua", "osallistuivat", "jatkui", "päättyi",
    "kautta", "myötä", "tämä", "kyseinen", "koko", "yhteensä", "euroa", "euron", "vuonna", "vuosina",
    "hallinnoimaan", "hallinnoima", "hallinnoiman", "esittää", "että", "joka", "jonka", "sekä", "eli",
}
# Organisations and funders are not projects: a name ending in an
# authority's word, or a place's genitive and "kaupunki"/"kunta" ("Lapuan
# kaupunki"; "Maailman toimivin kaupunki" is a project).
_ORG_END = re.compile(
    r"(ministeriö\w*|keskus\w*|keskukse\w*|virasto\w*|hallitu\w*|rahasto\w*|liitto|liiton|unioni\w*"
    r"|lautakun\w*|valtuusto\w*|yhtymä\w*|\boy|\bry|\boyj"
    r"|^\S+n\s+(?:kaupunki|kaupungin|kunta|kunnan))$",
    re.I,
)
_STAGES: list[tuple[str, re.Pattern[str]]] = [
    ("closure", re.compile(r"\bpäätty(?:i|y|nyt|neen)\b|\bpäättyvä\w*|\bpäättynee\w*|\bavslut\w*", re.I)),
    ("report", re.compile(r"loppuraport\w*|väliraport\w*|loppuselvity\w*|selvity\w* (?:avustuksen käytöstä|"
                          r"hankkeen toteutumisesta)|slutrapport\w*", re.I)),
    ("acceptance", re.compile(r"ottaa vastaan|vastaanottaa|otetaan vastaan|hyväksyä \S+ \S+ myöntämän"
                              r"|hyväksyä \S+ \S+ \S+ myöntämän|hyväksyy \S+ \S+ myöntämän|vastaanotta\w*|tar emot", re.I)),
    ("own_share", re.compile(r"omarahoitu\w*|omavastuu\w*|kuntaraha\w*|kuntarahoitu\w*|kunnan osuu\w*"
                             r"|självfinansier\w*", re.I)),
    ("grant", re.compile(r"\bmyönsi\b|\bmyöntää\b|\bmyöntämi\w*|\bmyönnetty\w*|\bmyöntänyt\b|\bmyönnetään\b|\bbevilj\w*", re.I)),
    ("application", re.compile(r"\bhakee\b|\bhakea\b|\bhaetaan\b|\bhaettava\w*|\bhakemu\w*|\bhaki\b|\bhaettu\w*"
                               r"|\banoo\b|\banomu\w*|\bansök\w*|\bsöker\b", re.I)),
]
_REFERS = re.compile(r"\bhank(?:e|kee\w*|etta)\b|\bprojekti\w*|\bprojekte[tn]s?\b|\bkokeilu\w*", re.I)
_FUNDING_WORDS = re.compile(r"avustu|rahoitu|omarahoitu|omavastuu|kustannusarvi|kokonaiskustannu|kuntaraha"
                            r"|\btu(?:ki|kea|en|ella)\b|\w(?:tuki|tukea|tuen)\b|budget|kostnad|\bstöd"
                            r"|henkilötyö|työpanokse|\bomana\s+työnä|\bomalla\s+työllä"
                            r"|\b(?:kunnan|kuntien|kaupungin|oma)\s+osuu|\bbidrag|finansier|\b(?:kommunens|egen)\s+andel", re.I)
_ANAPHORA = re.compile(r"^(?:Hanke|Hankkee\w*|Projekti\w*|Avustu\w*|Rahoitu\w*|Kuntarahoitu\w*|Omarahoitu\w*"
                       r"|Omavastuu\w*)\b")
# A state grant that names its topic: "valtion erityisavustusta sitouttavan
# kouluyhteisötyön kehittämiseen", "erityisavustuksen … harrastustoiminnan
# järjestämiseen".  The topic runs to the first illative ("-Vn", "-seen",
# "-hin") within six words.
_PROGRAMME = re.compile(
    r"\b(?:valtion\s+)?(?:erityisavustu|valtionavustu)\w*\s+(?P<topic>(?:[a-zåäö0-9.-]+\s+){0,6}?"
    r"[a-zåäö-]+(?:een|iin|seen|hin|hun|hyn|ään|aan|öön|uun|yyn))\b"
)


# The deciding organisation pays: an own share named by the body's word
# ("kaupungin omarahoitusosuus", "kunnan rahoitusosuus", "kuntayhtymän
# omarahoitusosuus", "Kommunens egen andel"), work or money of its own
# ("kaupunki rahoittaa loput", "kaupunki osallistuu henkilötyöllä"), or a
# grant the body decides to give to an association or a company
# ("Kunnanhallitus päättää myöntää … ry:lle", a regional council's "päättää
# myöntää … Oy:lle … EAKR-rahoitusta"; not a sum from its own budget to its
# own unit).  Unnamed "alueen kuntien rahoitus" is nobody's.
_BODY_GEN = r"(?P<b>kaupungin|kunnan|\w*kuntayhtymän|yhtymän|hyvinvointialueen|stadens|kommunens|välfärdsområdets)"
_PAYS = re.compile(
    rf"\b{_BODY_GEN}\s+(?:oma\w*\s+)?(?:rahoitus)?(?:osuu\w*|omarahoitu\w*|omavastuu\w*|rahoitusosuu\w*|egen\s+andel\w*"
    r"|andel\w*|kuntaraha\w*)"
    r"|\b(?P<n>kaupunki|kunta|\w*kuntayhtymä|hyvinvointialue|staden|kommunen)\s+(?:rahoittaa|finansierar"
    r"|osallistuu\s+(?:\S+\s+){0,4}?(?:henkilötyöllä|työpanoksella|omalla\s+työllä|rahoitukseen"
    r"|\d[\d\s.]*(?:euro\w*|€)))"
    # "… ja sitoutuu omarahoitusosuuteen 18 750 euroa": the deciding body commits to it.
    r"|(?P<s>\bsitout(?:uu|ua)\s+(?:\w+\s+){0,3}?(?:omarahoitu|kuntaraha|rahoitusosuu|oma\w*\s+osuu)\w*)"
    r"|\b(?P<g>\w*(?:hallitus|lautakunta|valtuusto|jaosto|styrelsen|nämnden|fullmäktige))\s+(?:päättää\s+myöntää"
    r"|beslutar\s+(?:att\s+)?bevilja)\s+(?:\S+\s+){0,6}?\S*(?:\b(?:ry|oy|oyj|ab|rf|ky):(?:lle|n)|yhdistykselle"
    r"|yhdistyksille|seuralle|säätiölle|\b(?:rf|ab|ry)\b)",
    re.I,
)
_BODY_WORDS = {"kaupun": "kaupunki", "kunna": "kunta", "kunta": "kunta", "stad": "kaupunki", "kommun": "kunta",
               "hyvinvointialue": "hyvinvointialue", "välfärdsområde": "hyvinvointialue"}
_ORG_BODY = re.compile(r"(?:kaupunki|kunta|kuntayhtymä|hyvinvointialue|liitto)$", re.I)


def _body_kind(word: str) -> str | None:
    w = word.casefold()
    if "kuntayhtymä" in w or w.startswith("yhtymä"):
        return "kuntayhtymä"
    for stem, kind in _BODY_WORDS.items():
        if w.startswith(stem):
            return kind
    return None


def _payer(context: str, org: str | None, record: str) -> str | None:
    """The deciding organisation, as a funder's name ("Lemin kunta",
    "Jokilaaksojen koulutuskuntayhtymä"), when ``context`` has it pay;
    named from the record's organisation (``org``) or, without one, from
    the one body of that kind the record names ("Iisalmen kaupunki").  The
    record is searched once for all its projects (the caches), so that a
    record naming many projects is not read again for each."""
    m = _PAYS.search(context)
    if not m:
        return None
    kind = _body_kind(m.group("b") or m.group("n") or "") if not (m.group("g") or m.group("s")) else None
    if m.group("g"):
        g = m.group("g").casefold()
        kind = "kunta" if g.startswith(("kunnan", "kommun")) else "kaupunki" if g.startswith(("kaupungin", "stads")) \
            else None
    if org and _ORG_BODY.search(org.strip()):
        if kind in (None, "kaupunki", "kunta") or org.strip().casefold().endswith(kind):
            return org.strip()
        return _named_body(kind, record)
    if org and kind in (None, "kaupunki", "kunta"):
        return _municipality_name(org.strip(), kind, record)
    return _named_body(kind, record) if kind else None


@lru_cache(maxsize=16)
def _named_body(kind: str, record: str) -> str | None:
    """The one "<Place>n <kind>" the record names, in any case ("HÄMEENLINNAN
    KAUPUNKI", "Jokilaaksojen koulutuskuntayhtymälle"); None for none or two."""
    stem = {"kaupunki": r"kaupun\w*", "kunta": r"kun(?:ta|na)\w*", "kuntayhtymä": r"\w*kuntayhtymä\w*",
            "hyvinvointialue": r"hyvinvointialue\w*", "liitto": r"lii(?:tto|ton|to)\w*"}[kind]
    found = set()
    for m in re.finditer(rf"\b([A-ZÅÄÖ][\w-]*(?:n|in))\s+({stem})\b", record, re.I):
        if not m.group(1)[:1].isupper():
            continue
        place = m.group(1)
        place = place if not place.isupper() else "-".join(w.capitalize() for w in place.split("-"))
        body = m.group(2).casefold()
        name = body[: body.index("kuntayhtymä")] + "kuntayhtymä" if kind == "kuntayhtymä" else kind
        found.add(f"{place} {name}")
        if len(found) > 1:
            return None
    return found.pop() if found else None


@lru_cache(maxsize=16)
def _municipality_name(org: str, kind: str | None, record: str) -> str | None:
    """"Lemi" -> "Lemin kunta", "Närpes" -> "Närpiön kaupunki": the Finnish
    name's genitive as the record writes it, else Voikko's, and the body's
    kind as the record says it (else a city's or a municipality's)."""
    from ..cite import genitive
    from ..names import CITIES, _genitive_forms, canonical

    fi = canonical(org) or org
    if fi.endswith("kaupunki"):
        return fi  # "Kristiinankaupunki", "Uusikaupunki": the name is the body
    kind = kind or ("kaupunki" if fi in CITIES else "kunta")
    forms = sorted(_genitive_forms(fi), key=len, reverse=True)
    m = re.search(r"\b(" + "|".join(map(re.escape, forms)) + r")\s+(?:kaupun|kunn|kunta)", record, re.I)
    gen = m.group(1) if m else genitive(fi)
    if not gen:
        return None
    gen = gen if not gen.isupper() else gen.capitalize()
    return f"{gen} {kind}"


_OWN_BUDGET = re.compile(
    r"\b(?:ei|eikä)\s+(?:\w+\s+){0,3}?(?:haeta|haettu|hae)\s+ulkopuolista\s+rahoitusta|\bomana\s+investointina"
    r"|\brahoitetaan\s+kokonaan\s+(?:\w+\s+)?oma\w*|\bingen\s+extern\s+finansiering|\bhelt\s+med\s+egna\s+medel",
    re.I)
# A sentence on the organisation's own budget lines ("Kunnan talousarviossa
# on yleisavustuksiin varattu 18 000 euroa") is not about the project when
# it does not name or refer to it.
_BUDGET_LINE = re.compile(r"\btalousarvio\w*|\bmääräraha\w*|\bbudjetissa\b|\bi\s+budgeten\b", re.I)


def _about_it(s: str) -> bool:
    """A sentence of a one-project record that is about its money: one that
    starts by referring to it ("Hankkeen …") or says something about money,
    other than a line of the organisation's own budget."""
    if _ANAPHORA.match(s):
        return True
    if not _FUNDING_WORDS.search(s):
        return False
    return not (_BUDGET_LINE.search(s) and not normalise_funders(s) and not re.search(
        r"omarahoitu|omavastuu|kuntaraha|osuu|egen\s+andel", s, re.I))


_MAX_SENTENCE = 1500


def sentences(text: str) -> list[str]:
    """The text's sentences, one line each.  Paragraphs and bullets end a
    sentence, except a paragraph break inside one (a PDF's blank line before
    "kuntoon" -hankkeelle …": no end punctuation before it, and after it
    neither a capital nor a bullet)."""
    paras: list[list[str]] = []  # pieces, joined once (a string grown piece by piece is quadratic)
    for para in re.split(r"\n\s*\n|\s(?=[•◦▪‣●]\s?)", text):
        flat = one_line(para)
        if not flat:
            continue
        if paras and not re.match(r"[A-ZÅÄÖ•◦▪‣●]|[-–*]\s", flat) and not re.search(r"[.!?:;]$", paras[-1][-1]):
            paras[-1].append(flat)
        else:
            paras.append([flat])
    out: list[str] = []
    for pieces in paras:
        flat = " ".join(pieces).lstrip("•◦▪‣● ")
        for s in _SENTENCE_END.split(flat):
            s = s.strip()
            # Text without sentence ends (tables, broken extractions) is
            # taken in bounded pieces, so that no step is quadratic in it.
            while len(s) > _MAX_SENTENCE:
                cut = s.rfind(" ", 0, _MAX_SENTENCE)
                cut = cut if cut > 0 else _MAX_SENTENCE
                out.append(s[:cut])
                s = s[cut:].strip()
            if s:
                out.append(s)
    return out


def _suffix_names(sent: str) -> list[str]:
    """Names before a "-hanke" suffix: the run of capitalised words nearest
    before it and the lower-case words after the run ("Siisti kesä
    -hankkeeseen", "Härmänmaan sopimusvalmistuksen … kasvuohjelma
    -hankkeeseen"), across a spaced dash to an earlier capital ("Parasta
    palvelua - Eepos -hankkeeseen"), never across a verb, a colon or a
    comma; a name that starts the sentence has at most four words."""
    names = []
    for m in _SUFFIX.finditer(sent):
        before = sent[: m.start()].rstrip()
        if before.endswith(")") and "(" in before[-150:]:
            # "CARE-NORTH (Cross-border Care …) -hanke": the name is before the brackets.
            before = before[: before.rindex("(")]
        tokens = before.split()
        if not tokens:
            continue
        dash = next((d for d in range(len(tokens) - 1, max(0, len(tokens) - 11), -1) if tokens[d] in ("-", "–", "—")),
                    None)
        if dash and dash + 1 < len(tokens) and (
                (tokens[dash + 1][:1].islower() and (tokens[dash - 1][:1].isupper() or tokens[dash - 1][:1].isdigit()))
                or (len(tokens[dash - 1]) >= 3 and tokens[dash - 1].isupper())):
            # "KIERTO2 – rakennusjätteiden kiertotalous Varsinais-Suomessa
            # -hankkeeseen": a subtitle in lower case after a spaced dash;
            # after a name in capitals any subtitle ("SMART HARBOURS –
            # Low-emission small harbours in the Central Baltic -hanke").
            tokens = tokens[:dash]
        if tokens[-1][:1].islower() and "." in tokens[-1].strip("."):
            names.append(tokens[-1])  # "hel.fi-hankkeen"
            continue
        caps = [i for i in range(max(0, len(tokens) - 8), len(tokens)) if tokens[i][:1].isupper()
                or tokens[i][:1] in "\"“”"]
        if not caps:
            continue
        j = caps[-1]
        if _CASED_ABBREV.match(tokens[j]):
            continue

        def back(j: int) -> int:
            while j > 0 and (tokens[j - 1][:1].isupper() or tokens[j - 1][:1].isdigit()) \
                    and not tokens[j - 1].endswith((":", ",", ";")) and not _CASED_ABBREV.match(tokens[j - 1]):
                j -= 1
            return j

        j = back(j)
        if j >= 3 and tokens[j - 1].islower() and len(tokens[j - 1]) >= 4 and tokens[j - 1] not in _NOT_IN_NAME \
                and not _NOT_NOMINATIVE.search(tokens[j - 1]) and tokens[j - 2][:1].isupper() \
                and not tokens[j - 2].endswith((":", ",", ";")) and not _CASED_ABBREV.match(tokens[j - 2]) \
                and not normalise_funders(tokens[j - 2]) and not _ANAPHORA.match(tokens[j - 2]):
            # "Pyöräilyn pääväylä Kalliokatu -hanke": one lower-case
            # nominative between two capitals is inside the name (a verb
            # after the sentence's first word is not: "Lautakunta hyväksyy X").
            j = back(j - 2)
        if j >= 2 and tokens[j - 1] in ("-", "–"):
            k = max((i for i in range(max(0, j - 6), j - 1) if tokens[i][:1].isupper()), default=None)
            if k is not None and all(t[:1].islower() and not t.endswith(",") for t in tokens[k + 1: j - 1]):
                j = k
        name_tokens = tokens[j:]
        while len(name_tokens) > 1 and _LEAD_NOUN.match(name_tokens[0]) and name_tokens[1][:1].isupper():
            # "Avustushakemus Kirkkojärven kunnostus -hankkeelle": the kind
            # of the document (a heading) before the name is not in it.
            name_tokens = name_tokens[1:]
        if any(t.lower().strip("”\"“,") in _NOT_IN_NAME for t in name_tokens):
            continue
        if any(t.endswith((":", ";", ",")) for t in name_tokens[:-1]) or "(" in "".join(name_tokens):
            continue
        if j == 0 and len(name_tokens) > 4:
            continue
        name = " ".join(name_tokens).strip(" ,;:-–()\"“”")
        if 2 <= len(name) <= 150 and not _ORG_END.search(name) and not normalise_funders(name):
            names.append(name)
    return names


def _quoted_names(sent: str) -> list[str]:
    out = []
    for m in _QUOTED.finditer(sent):
        around = sent[max(0, m.start() - 40): m.start()] + " " + sent[m.end(): m.end() + 30]
        name = m.group(1).strip(" ,;:.")
        if _HANKE_NEAR.search(around) and name[:1].isupper() and len(name.split()) <= 12:
            out.append(name)
    return out


def _swedish_names(sent: str) -> list[str]:
    out = []
    for m in _SV_PROJECT.finditer(sent):
        words = m.group("n").split()
        while words and words[-1] in ("i", "på", "vid"):
            words.pop()
        name = " ".join(words)
        if len(name) >= 3 and not normalise_funders(name) and not _ORG_END.search(name):
            out.append(name)
    return out


def _caps_names(sent: str) -> list[str]:
    out = []
    for m in _CAPS_NEAR.finditer(sent):
        name = m.group("a") or m.group("b")
        if not normalise_funders(name):  # "EAKR-hanke" names a fund, not a project
            out.append(name)
    return out


def stage_of(text: str) -> str:
    for stage, rx in _STAGES:
        if rx.search(text):
            return stage
    return "mention"


def programme_of(text: str) -> str | None:
    """The topic of a state grant as written ("sitouttavan kouluyhteisötyön
    kehittämiseen"), when the text names one and a state funder."""
    m = _PROGRAMME.search(text)
    if not m:
        return None
    topic = m.group("topic").strip()
    topic = re.sub(r"\s*\((?:[A-Z]+/)?[\d/]+\)", "", topic)
    return topic if len(topic) >= 6 else None


def decision_projects(title: str | None, *texts: str | None, known: set[str] | frozenset[str] = frozenset(),
                      org: str | None = None) -> list[FundedProject]:
    """Funded projects a decision's title and texts name, each with its
    normalised key, funders, sums, years, stage, programme and naming
    sentence.  ``known`` are the keys of projects already read from the
    record (its bullet lists): with them the record is not about one
    project, and nothing is given to a project but its own sentences.
    ``org``: the deciding organisation (the record's municipality), a
    funder where the record has it pay (``_payer``)."""
    sents: list[str] = []
    if title:
        sents.append(one_line(title))
    for t in texts:
        if t:
            sents.extend(sentences(t))
    named: dict[str, list[tuple[str, str]]] = {}
    # A sentence that names no project but refers to one ("Hankkeen
    # kokonaiskustannusarvio on …", "Yhteensä hankkeeseen käytetään …") is
    # about the project the previous naming sentence named alone.
    referring: dict[str, list[str]] = {}
    last: str | None = None
    since = 0
    for s in sents:
        since += 1
        keys = []
        for name in _suffix_names(s) + _quoted_names(s) + _caps_names(s) + _swedish_names(s):
            key = project_key(name)
            if key and len(key) >= 3:
                named.setdefault(key, []).append((name, s))
                keys.append(key)
        if keys:
            last = keys[0] if len(set(keys)) == 1 else None
            since = 0
        elif last and since <= 3 and (_ANAPHORA.match(s) or _REFERS.search(s) or _FUNDING_WORDS.search(s)):
            referring.setdefault(last, []).append(s)
    projects: list[FundedProject] = []
    record = " ".join(sents)
    single = len(named) == 1 and not (known - set(named))
    for key, mentions in named.items():
        own = list(dict.fromkeys(s for _, s in mentions))
        context = own + referring.get(key, [])
        if single:
            mine = set(own)
            context = own + [s for s in sents if s not in mine and _about_it(s)]
        joined = " ".join(context)
        # A funded project: something in what is said of it is about money,
        # and not only the organisation's own ("toteutetaan kaupungin
        # omana investointina", "ei ole haettu ulkopuolista rahoitusta").
        if not (_FUNDING_WORDS.search(joined) or normalise_funders(joined) or parse_amounts(joined)):
            continue
        if _OWN_BUDGET.search(joined) and not normalise_funders(joined):
            continue
        about = own + referring.get(key, [])
        if single:  # the record's own act (its title, proposal, decision) comes first
            in_context = set(context)
            about = [x for x in sents if x in in_context]
        projects.append(_project(mentions[0][0], key, about, context, org, record))
    if not named and not known:
        grant = _programme_grant(sents, org, record)
        if grant:
            projects.append(grant)
    return projects


def _stage(own: list[str], joined: str) -> str:
    """What the record does with the project: the first sentence about it
    that says (a title or a proposal comes first: "Avustushakemus …",
    "… -hankkeen kuntarahaosuus"), else anything the record says."""
    for s in own:
        stage = stage_of(s)
        if stage != "mention":
            return stage
    return stage_of(joined)


def _project(name: str, key: str, own: list[str], context: list[str], org: str | None = None,
             record: str = "") -> FundedProject:
    """``own``: the sentences that name or refer to the project (its stage
    and naming sentence); ``context``: those and, when the record is about
    this one project, its other sentences on money (funders, sums, years)."""
    joined = " ".join(context)
    mentions = funder_mentions(joined)
    funders = [code for code, _ in mentions]
    payer = _payer(joined, org, record or joined)
    if payer and payer not in funders:
        funders.append(payer)
    amounts = []
    seen: set[tuple[float, str]] = set()
    for a in (a for s in context for a in parse_amounts(s)):
        if (a.euros, a.role) not in seen:  # the same sum said twice is one fact
            seen.add((a.euros, a.role))
            amounts.append(a)
    # The sum applied for (or restated without a word for it) that the
    # decision grants is one fact, the grant.
    granted = {a.euros for a in amounts if a.role == "granted"}
    amounts = [a for a in amounts if a.role not in ("applied", "other") or a.euros not in granted]
    programme = programme_of(joined) if any(f in STATE_FUNDERS for f in funders) else None
    return FundedProject(
        name=name, key=key,
        funder=mentions[0][1] if mentions else None,  # as written
        amount=amounts[0].text if amounts else None,
        funders=funders, amounts=amounts, years=years_in(joined),
        stage=_stage(own, joined),  # type: ignore[arg-type]
        programme=programme, sentence=own[0],
    )


def _programme_grant(sents: list[str], org: str | None = None, record: str = "") -> FundedProject | None:
    """A state grant with a topic and a sum but no project name: one record
    under its topic ("sitouttavan kouluyhteisötyön kehittämiseen")."""
    for s in sents:
        topic = programme_of(s)
        if not topic:
            continue
        funders = [f for f in normalise_funders(s) if f in STATE_FUNDERS]
        if not funders or not parse_amounts(s):
            continue
        context = [s] + [x for x in sents if x != s and re.search(
            r"avustu|omavastuu|omarahoitu", x, re.I) and parse_amounts(x)]
        p = _project(topic, project_key(topic), [s], context, org, record)
        p.programme = topic
        return p
    return None
