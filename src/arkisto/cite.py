"""Citations a person can paste into a memo or an appeal: plain text, CSL-JSON
and BibTeX for one record.

    Heinolan kaupunki, kasvatus- ja opetuslautakunta 12.3.2025 § 45, dnro 123/2025
    Helsingin kaupunki, tiimipäällikkö, viranhaltijapäätös § 6, dnro HEL 2022-000218
    Helsingfors stad, svenska sektionen vid nämnden för fostran och utbildning 16.11.2021, dnr HEL 2021-012421
    Kauhavan kaupunki, Tilinpäätös 2024

The municipality is named in its official form in the record's language
("Heinolan kaupunki", "Jakobstads stad") only as far as it can be derived:
from the record's own text, else from the table of cities and the genitive
Voikko confirms; otherwise the bare name is used, never a guessed one.
Nothing here imports Textual or the search package.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import lru_cache

from .models import AnnualReport, Decision
from .names import BILINGUAL, CITIES, _genitive_forms, canonical

FORMATS = ("text", "csl", "bibtex")

# A word that names a body (toimielin) rather than an official's title: a
# committee whose name has none of these is an official (Tiimipäällikkö,
# Kaupunginjohtaja, Kasvatuksen ja koulutuksen toimialajohtaja).
_BODY_FI = ("lautakunta", "hallitus", "valtuusto", "jaosto", "johtokunta", "toimikunta", "neuvosto",
            "kollegio", "jaos", "toimielin", "lautakunnan", "hallituksen", "valtuuston", "jaoston")
_BODY_SV = ("nämnd", "nämnden", "sektion", "sektionen", "styrelse", "styrelsen", "fullmäktige",
            "direktion", "direktionen", "utskott", "utskottet", "kommitté", "kommittén", "delegation", "delegationen")

_OFFICIAL_DECISION = {"fi": "viranhaltijapäätös", "sv": "tjänsteinnehavarbeslut"}
_CASE_ID = {"fi": "dnro", "sv": "dnr"}


def _lang(rec) -> str:
    return "sv" if getattr(rec, "language", None) == "sv" else "fi"


def is_official(committee: str | None) -> bool:
    """True when ``committee`` is an official's title, not a body's name."""
    if not committee:
        return False
    for word in re.findall(r"[^\W\d_]+", committee.casefold()):
        if word.endswith(_BODY_FI) or word.endswith(_BODY_SV):  # stadsstyrelsen, bildningsnämnden
            return False
    return True


# --- the municipality's official name -----------------------------------------------------

_voikko_lock = threading.Lock()


@lru_cache(maxsize=1)
def _voikko():
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except Exception:  # ImportError, OSError, no dictionary: no genitives confirmed
        return None


@lru_cache(maxsize=512)
def genitive(name: str) -> str | None:
    """The genitive of a municipality's Finnish name ("Heinola" -> "Heinolan",
    "Helsinki" -> "Helsingin") where Voikko confirms exactly one of the
    candidate forms; None otherwise."""
    v = _voikko()
    if v is None:
        return None
    found = set()
    for form in _genitive_forms(name):
        with _voikko_lock:
            analyses = v.analyze(form)
        for a in analyses:
            if (a.get("SIJAMUOTO") == "omanto" and a.get("NUMBER") == "singular"
                    and (a.get("BASEFORM") or "").casefold() == name.casefold()):
                found.add(form)
    return found.pop() if len(found) == 1 else None


def _swedish_stad(name: str, word: str) -> str:
    """"Jakobstad" -> "Jakobstads stad", "Helsingfors" -> "Helsingfors stad",
    "Vasa" -> "Vasa stad": the genitive s after a consonant other than s."""
    last = name[-1:].casefold()
    return f"{name}{'' if last in 'aeiouyåäös' or not last.isalpha() else 's'} {word}"


def _record_prose(rec) -> str:
    if isinstance(rec, AnnualReport):
        return "\n".join([rec.organisation or "", rec.title or ""] + [f"{s.heading}\n{s.text}" for s in rec.sections])
    return "\n".join(x or "" for x in (rec.title, rec.proposal, rec.decision, rec.preparation, rec.handling,
                                        rec.committee, rec.authority))


def official_name(municipality: str | None, lang: str = "fi", text: str = "", committee: str | None = None) -> str | None:
    """The municipality as it names itself: "Heinolan kaupunki", "Lapuan
    kaupunki", "Jakobstads stad".  From the record's own ``text`` first
    ("… Helsingin kaupungin …"), else the table of cities and Voikko's
    genitive, else a body named after the kind ("Kunnanhallitus").  Where
    neither can be derived, the name as it is (never a guess)."""
    if not municipality:
        return None
    fi = canonical(municipality) or municipality
    if lang == "sv":
        sv = BILINGUAL.get(fi, fi)
        m = re.search(rf"\b{re.escape(sv)}s?\s+(stad|kommun)\b", text)
        if m:
            return _swedish_stad(sv, m.group(1))
        if fi in CITIES:
            return _swedish_stad(sv, "stad")
        return sv if municipality != fi else municipality
    forms = _genitive_forms(fi)
    m = re.search(r"\b(" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
                  + r")\s+(kaupunki|kaupungin|kaupunkia|kunta|kunnan|kuntaa)\b", text)
    if m:
        return f"{m.group(1)} {'kaupunki' if m.group(2).startswith('kaupun') else 'kunta'}"
    gen = genitive(fi)
    body = (committee or "").casefold()
    if gen and fi in CITIES:
        return f"{gen} kaupunki"
    if gen and body.startswith(("kunnanhallitus", "kunnanvaltuusto", "kunnanjohtaja")):
        return f"{gen} kunta"
    return fi if municipality == fi or lang == "fi" else municipality


# --- plain text ---------------------------------------------------------------------------------


def _body_after_name(committee: str, municipality: str | None) -> str:
    """The body in lower case after the municipality's name where it is a
    common noun ("Kasvatus- ja opetuslautakunta" -> "kasvatus- ja
    opetuslautakunta"); a name that starts with a proper noun ("Helsingin
    seudun …", "HSL:n hallitus") or an acronym is kept."""
    words = committee.split()
    first = words[0]
    if len(first) > 1 and not first[1:].replace("-", "").islower():
        return committee  # an acronym or a name written with capitals inside
    fi = canonical(municipality) if municipality else None
    gen = genitive(fi) if fi else None
    if first.rstrip(",:") in {x for x in (municipality, fi, gen) if x}:
        return committee
    if any(w[:1].isupper() for w in words[1:]):
        return committee  # "Keski-Uudenmaan Kasvatus …": a proper name
    return first[:1].lower() + committee[1:]


def _fi_date(d) -> str:
    return f"{d.day}.{d.month}.{d.year}"


def citation(rec: Decision | AnnualReport) -> str:
    """The plain-text citation of a record, with what is known of it."""
    lang = _lang(rec)
    text = _record_prose(rec)
    if isinstance(rec, AnnualReport):
        org = rec.organisation or official_name(rec.municipality, lang, text)
        title = rec.title or ""
        year = str(rec.year) if rec.year else ""
        if year and year in title:
            year = ""
        head = ", ".join(x for x in (org, title) if x)
        return " ".join(x for x in (head, year) if x) or rec.id
    org = official_name(rec.municipality, lang, text, rec.committee)
    who = ""
    if rec.committee:
        who = _body_after_name(rec.committee, rec.municipality) if org else rec.committee
        if is_official(rec.committee):
            who += f", {_OFFICIAL_DECISION[lang]}"
    head = ", ".join(x for x in (org, who) if x)
    when = " ".join(x for x in (_fi_date(rec.meeting_date) if rec.meeting_date else "",
                                f"§ {rec.section}" if rec.section else "") if x)
    out = " ".join(x for x in (head, when) if x)
    if rec.case_id:
        out = ", ".join(x for x in (out, f"{_CASE_ID[lang]} {rec.case_id}") if x)
    return out or rec.title or rec.id


# --- CSL-JSON ----------------------------------------------------------------------------------


def _url(rec) -> str | None:
    for src in [rec.source, *rec.also]:
        if re.match(r"https?://", src.path):
            return src.path
    return None


def csl(rec: Decision | AnnualReport) -> dict:
    """One CSL-JSON item (what Zotero, Pandoc and citeproc read)."""
    lang = _lang(rec)
    item: dict = {"id": rec.id, "language": rec.language or lang}
    if isinstance(rec, AnnualReport):
        org = rec.organisation or official_name(rec.municipality, lang, _record_prose(rec))
        item.update({"type": "report", "title": rec.title or "", "genre": "annual report"})
        if org:
            item["author"] = [{"literal": org}]
            item["publisher"] = org
        if rec.year:
            item["issued"] = {"date-parts": [[rec.year]]}
    else:
        org = official_name(rec.municipality, lang, _record_prose(rec), rec.committee)
        body = rec.committee and (_body_after_name(rec.committee, rec.municipality) if org else rec.committee)
        item.update({"type": "document", "title": rec.title or citation(rec),
                     "genre": _OFFICIAL_DECISION[lang] if is_official(rec.committee) else
                     ("protokollsparagraf" if lang == "sv" else "pöytäkirjan pykälä")})
        author = ", ".join(x for x in (org, body) if x)
        if author:
            item["author"] = [{"literal": author}]
        if org:
            item["publisher"] = org
        if rec.committee:
            item["authority"] = rec.committee
        if rec.meeting_date:
            d = rec.meeting_date
            item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
        if rec.section:
            item["number"] = f"§ {rec.section}"
        if rec.case_id:
            item["archive_location"] = rec.case_id
            item["note"] = f"{_CASE_ID[lang]} {rec.case_id}"
    url = _url(rec)
    if url:
        item["URL"] = url
    return {k: v for k, v in item.items() if v not in (None, "", [])}


# --- BibTeX ------------------------------------------------------------------------------------

_BIB_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib(value: str) -> str:
    """A value safe between BibTeX braces: its special characters escaped,
    backslashes, tildes and carets written out, controls gone."""
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    value = value.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}").replace("^", r"\^{}")
    return _BIB_SPECIAL.sub(r"\\\1", value)


def _bib_key(rec, org: str | None, year: int | None) -> str:
    base = (canonical(rec.municipality) if rec.municipality else None) or org or "arkisto"
    folded = unicodedata.normalize("NFKD", base.split()[0]).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[^a-z0-9]", "", folded) or "arkisto"
    tail = f"_{re.sub(r'[^0-9A-Za-z]', '', rec.section)}" if getattr(rec, "section", None) else ""
    return f"{folded}{year or ''}{tail}_{rec.id[:6]}"


def bibtex(rec: Decision | AnnualReport) -> str:
    """One BibTeX (biblatex-compatible) entry; names are corporate authors,
    in double braces so that they are never split into first and last names."""
    item = csl(rec)
    issued = item.get("issued", {}).get("date-parts", [[None]])[0]
    year = issued[0] if issued else None
    org = item.get("publisher")
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", "{" + _bib(item["author"][0]["literal"]) + "}"))
    fields.append(("title", _bib(item.get("title", ""))))
    if year:
        fields.append(("year", str(year)))
    if issued and len(issued) == 3:
        fields.append(("date", f"{issued[0]:04d}-{issued[1]:02d}-{issued[2]:02d}"))
    if isinstance(rec, AnnualReport):
        kind = "report"
        if org:
            fields.append(("institution", _bib(org)))
        fields.append(("type", _bib(item.get("genre", ""))))
    else:
        kind = "misc"
        if item.get("number"):
            fields.append(("number", _bib(item["number"])))
        if item.get("note"):
            fields.append(("note", _bib(item["note"])))
        if org:
            fields.append(("organization", _bib(org)))
    if item.get("URL"):
        fields.append(("url", _bib(item["URL"])))
    fields.append(("langid", "swedish" if item.get("language") == "sv" else "finnish"))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@{kind}{{{_bib_key(rec, org, year)},\n{body}\n}}"


def cite(rec: Decision | AnnualReport, fmt: str = "text") -> str:
    """The citation of ``rec`` in one of FORMATS (CSL-JSON as an array of one item)."""
    if fmt == "text":
        return citation(rec)
    if fmt == "csl":
        return json.dumps([csl(rec)], ensure_ascii=False, indent=2)
    if fmt == "bibtex":
        return bibtex(rec)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
