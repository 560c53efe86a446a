"""An item's labelled blocks, and the record they make.

A label starts a block: on its own line, followed by a colon, as a heading
or a bold lead in HTML, as a table row's first cell, or at the start of a
line in the margin-label layouts ("Päätös Merkittiin tiedoksi.").  Labels
that name a single value (Esittelijä: name, Dno 123/2024, Päätöksentekijä
…) take their line only, and the text after them goes on in the block that
was open.  Appeal instructions, certifications and signatures end a
decision even without a label."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...models import Person
from ...text import join_lines, one_line
from ..doc import Line
from ..people import EMAIL, PHONE, TITLE_HINTS, parse_people, parse_person
from . import vocab
from .vocab import STRONG, label_of

# Single-value labels: their line only.
_ONE_LINE = {"presenter", "case_id", "decider", "date", "section", "subject", "meeting", "time", "place"}
# Labels that are also ordinary words at the start of a sentence: they count
# without a colon only when what follows starts a new sentence.
_NOUN_LIKE = {"päätös", "ehdotus", "esitys", "asia", "selostus", "perustelut", "käsittely", "valmistelu",
              "tausta", "beslut", "förslag", "motivering", "behandling", "bakgrund", "tiedoksi",
              "täytäntöönpano", "liitteet", "liite", "bilagor", "lisätiedot", "upplysningar", "ote",
              "jakelu", "otteet", "aika", "paikka", "kokous", "tid", "plats", "datum", "ärende",
              "päätösesitys", "päätösehdotus", "pohjaehdotus", "beslutsförslag"}

_APPEAL_START = re.compile(
    r"^(?:tähän päätökseen tyytymätön|tähän päätökseen ei saa|oikaisuvaatimusohje|valitusosoitus|muutoksenhakuohje"
    r"|muutoksenhakukielto|den som är missnöjd|ändring i beslutet får|anvisning för|besvärsanvisning"
    r"|rättelseyrkande|oikaisuvaatimuksen saa tehdä|päätökseen tyytymätön)",
    re.I,
)
_PREPARER_LINE = re.compile(
    r"^(?P<who>(?:[A-ZÅÄÖ][\w-]+\s+){1,4}?)(?P<date>\d{1,2}\.\d{1,2}\.(?:19|20)\d{2})\s*:\s*(?P<rest>.*)$"
)
_SV_TITLE_HINTS = ("borgmästare", "rådman", "direktör", "chef", "sekreterare", "planerare", "ingenjör", "inspektör", "rektor", "jurist",
                   "föreståndare", "ekonom", "handläggare", "förvaltare", "koordinator", "ledare", "läkare",
                   "kamrer", "kommunikatör", "arkitekt", "sakkunnig", "utvecklare", "ombudsman", "notarie")


# Finite verbs that a line naming a person never holds, though a sentence
# that opens the text under "Valmistelija …" does ("Lounais-Suomen
# aluehallintovirasto on myöntänyt Kaarinan …": two capitals, six words).
_FINITE_VERBS = frozenset({"on", "ovat", "oli", "olivat", "ei", "eivät", "myönsi", "myöntänyt", "hakee", "haki",
                           "päätti", "är", "var", "har", "hade", "beviljade", "söker", "ansöker"})


@dataclass
class Blocks:
    lead: list[str] = field(default_factory=list)  # text before the first label
    fields: dict[str, list[str]] = field(default_factory=dict)  # field -> its blocks' texts
    labels: dict[str, list[str]] = field(default_factory=dict)  # field -> the labels as written
    presenter_from_label: list[tuple[int, str]] = field(default_factory=list)  # (line, "Hyvinvointialuejohtaja X Y")
    signatures: list[str] = field(default_factory=list)  # "Name" + "title" lines after a decision
    starts: dict[str, list[int]] = field(default_factory=dict)  # field -> the line each block starts at

    def get(self, name: str) -> list[str]:
        return self.fields.get(name, [])


def _is_person_line(text: str) -> bool:
    """A line that names a person (with a title, a phone, an e-mail)."""
    t = text.strip()
    if not t:
        return False
    words = t.replace(",", " ").split()
    if any(w in _FINITE_VERBS for w in words):
        # "Opetushallitus on 28.4.2025 … myöntänyt": a sentence, not a
        # person, though its date looks like a phone number.
        return False
    if EMAIL.search(t) or PHONE.search(t):
        return len(t.split()) <= 16
    if t.endswith((".", ":", ";")) and not re.search(r"\b(?:p|puh|tel|vs|va)\.$", t):
        return False
    if not 1 <= len(words) <= 7:
        return False
    if t.islower() and len(words) <= 4 and any(h in t for h in TITLE_HINTS + _SV_TITLE_HINTS):
        return True  # "borgmästare", "vs. kaupunginjohtaja": a title on its own line
    caps = sum(1 for w in words if w[:1].isupper())
    return caps >= 1 and (caps >= 2 or any(h in t.lower() for h in TITLE_HINTS + _SV_TITLE_HINTS))


def _person_text_like(text: str) -> bool:
    """"Hyvinvointialuejohtaja Svahn Sanna", "kunnanjohtaja Matti Mallikas":
    a title and two or three names, nothing else."""
    t = text.strip().rstrip(",")
    words = t.split()
    if not 2 <= len(words) <= 6 or t.endswith("."):
        return False
    low = t.lower()
    if not any(h in low for h in TITLE_HINTS + _SV_TITLE_HINTS):
        return False
    names = [w for w in words if w[:1].isupper() and not any(h in w.lower() for h in TITLE_HINTS + _SV_TITLE_HINTS)]
    return len(names) >= 2


def _is_signature(lines: list[str], i: int) -> bool:
    """"Mikko Nurmela" then "liikennesuunnittelupäällikkö": a signature."""
    if i + 1 >= len(lines):
        return False
    a, b = lines[i].strip(), lines[i + 1].strip()
    if not re.fullmatch(r"[A-ZÅÄÖ][\w'-]+(?:\s+[A-ZÅÄÖ][\w'-]+){1,2}", a):
        return False
    return bool(re.fullmatch(r"(?:vs\.\s*|va\.\s*|t\.f\.\s*)?[a-zåäö][\w\s.-]{2,60}", b)) and \
        any(h in b.lower() for h in TITLE_HINTS + _SV_TITLE_HINTS)


def split_blocks(lines: list[Line]) -> Blocks:
    out = Blocks()
    cur: tuple[str, list[str]] | None = None  # (field, lines)
    resume: tuple[str, list[str]] | None = None  # the block a one-line label interrupted

    def start(fld: str, label: str, rest: str) -> tuple[str, list[str]]:
        out.labels.setdefault(fld, []).append(label)
        out.starts.setdefault(fld, []).append(i)
        body: list[str] = []
        out.fields.setdefault(fld, []).append("")  # filled in at the end of the block
        blk = (fld, body)
        if rest:
            body.append(rest)
        all_blocks.append(blk)
        return blk

    all_blocks: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        t = line.text.strip()
        if not t:
            i += 1
            continue
        para_start = i == 0 or lines[i - 1].block != line.block or lines[i - 1].page != line.page
        accepted = _label_on(line, para_start)
        if accepted is None and _APPEAL_START.match(t) and (cur is None or cur[0] != "appeal"):
            accepted = ("appeal", "", t, False)
        if accepted is None:
            pm = _PREPARER_LINE.match(t)
            if pm and _person_text_like(pm.group("who")) or (pm and len(pm.group("who").split()) >= 2
                                                              and not pm.group("rest")):
                out.labels.setdefault("preparers", []).append(t)
                out.fields.setdefault("preparers_inline", []).append(pm.group("who").strip())
                cur = start("preparation", "", pm.group("rest"))
                resume = None
                i += 1
                continue
        if accepted is not None and cur is not None and not cur[1] and accepted[2] and not accepted[3] \
                and accepted[1].casefold() in _NOUN_LIKE and not line.is_heading and not line.bold:
            # "Päätös" alone, then "Ehdotus hyväksyttiin …": the block's text.
            accepted = None
        if accepted is not None and cur is not None and cur[0] == "appeal" and not line.is_heading \
                and accepted[0] in ("proposal", "decision", "preparation", "summary", "handling", "appeal", "other"):
            # Appeal instructions run to the end of the item; "Päätös" or
            # "Valitusaika" inside them are theirs.
            accepted = None
        if accepted is not None and cur is not None and cur[0] == "history" and rest_inline(accepted) \
                and not line.is_heading and not line.bold:
            # "Päätös: Ehdotus hyväksyttiin." inside an earlier handling is
            # that handling's, not the item's.
            accepted = None
        if accepted is not None:
            fld, label, rest, colon = accepted
            if fld in _ONE_LINE and rest:
                blk = start(fld, label, rest)
                # An indented continuation (a column layout) belongs to it.
                while i + 1 < len(lines) and lines[i + 1].text.startswith((" " * 8, "\t")) and \
                        not _label_on(lines[i + 1]) and fld in ("subject", "decider"):
                    blk[1].append(lines[i + 1].text.strip())
                    i += 1
                if fld in ("presenter", "decider"):
                    # "Esittelijä tekninen johtaja Liisa" / "Laine": a name wrapped.
                    while i + 1 < len(lines) and len(blk[1]) < 3 and not blk[1][-1].rstrip().endswith(".") \
                            and _wrapped_name(lines[i + 1]) and not _label_on(lines[i + 1]):
                        blk[1].append(lines[i + 1].text.strip())
                        i += 1
                if fld == "subject":
                    # A subject wrapped onto a second line: "… al-" / "kaen".
                    while i + 1 < len(lines) and not _label_on(lines[i + 1]) and len(blk[1]) < 4 and \
                            (blk[1][-1].endswith(("-", "§", "/", ",")) or lines[i + 1].text.strip()[:1].islower()
                             or blk[1][-1].rstrip()[-1:].isdigit() and lines[i + 1].text.strip()[:1].isdigit()) and \
                            len(lines[i + 1].text.strip()) < 120:
                        blk[1].append(lines[i + 1].text.strip())
                        i += 1
                if cur is not None and cur[0] not in _ONE_LINE:
                    resume = cur
                cur = resume
                i += 1
                continue
            if fld == "proposal" and rest and _person_text_like(rest) and i + 1 < len(lines):
                out.presenter_from_label.append((i, rest))
                rest = ""
            elif fld == "proposal" and label != label.split()[0] and _person_text_like(label.split(None, 1)[1]):
                out.presenter_from_label.append((i, label.split(None, 1)[1]))
                label = label.split()[0]
            cur = start(fld, label, rest)
            resume = None
            i += 1
            continue
        if cur is None:
            out.lead.append(t)
        elif cur[0] == "presenter" or cur[0] == "decider":
            if len(cur[1]) < 3 and _is_person_line(t):
                cur[1].append(t)
            else:
                cur = resume
                continue  # this line again, in the block the label interrupted
        elif cur[0] == "preparers" and not _is_person_line(t) and cur[1] and not _continues_contact(t):
            # The preparers' names end; the text that follows is the item's
            # preparation (Dynasty writes it under the same heading).
            cur = start("preparation", "", "")
            continue
        else:
            if cur[1] and i > 0 and (lines[i - 1].block != line.block or lines[i - 1].page != line.page) \
                    and cur[0] not in ("attachments",):
                cur[1].append("")  # a paragraph break the source had
            cur[1].append(line.text if line.text.startswith(" ") and cur[0] == "attachments" else t)
        i += 1
    # Fill in the texts, and take signatures off the ends of blocks.
    counters: dict[str, int] = {}
    for fld, body in all_blocks:
        k = counters.get(fld, 0)
        counters[fld] = k + 1
        body = _strip_signature(body, out)
        out.fields[fld][k] = "\n".join(body)
    out.lead = _strip_signature(out.lead, out)
    return out


def _wrapped_name(line: Line) -> bool:
    t = line.text.strip()
    words = t.split()
    if not 1 <= len(words) <= 3 or t.endswith((".", ":")):
        return False
    return all(re.fullmatch(r"[A-ZÅÄÖ][\w'-]*,?|[a-zåäö][\w-]*(?:johtaja|päällikkö|sihteeri|direktör|chef)\w*,?", w)
               for w in words)


def rest_inline(accepted: tuple[str, str, str, bool]) -> bool:
    return bool(accepted[2])


def _continues_contact(t: str) -> bool:
    return bool(EMAIL.fullmatch(t.strip()) or re.fullmatch(r"(?:p|puh|tel)\.?\s*[\d +-]{6,}", t.strip(), re.I))


def _strip_signature(body: list[str], out: Blocks) -> list[str]:
    for i in range(len(body) - 1):
        if _is_signature(body, i) and i + 2 >= len(body) - 1:
            out.signatures.append(f"{body[i].strip()}, {body[i + 1].strip()}")
            return body[:i] + body[i + 2:]
    return body


def _label_on(line: Line, para_start: bool = False) -> tuple[str, str, str, bool] | None:
    """The label a line starts with, under the rules in the module docstring.
    ``para_start``: the line starts a paragraph (after a blank line), where
    a label may be followed by text in lower case ("Valmistelu asia on …")."""
    t = line.text.strip()
    if line.kind == "row" and len(line.cells) >= 2:
        lab = label_of(line.cells[0].strip())
        rest = "  ".join(c.strip() for c in line.cells[1:] if c.strip())
        if lab and not lab[2]:
            return lab[0], lab[1], rest, True
        if lab and lab[0] == "proposal" and _person_text_like(lab[2]):
            # "Päätösehdotus Kaupunginjohtaja Nikula Terhi | Kaupunginhallitus …":
            # the presenter beside the label, the proposal in the next cell.
            return lab[0], lab[1] + " " + lab[2], rest, True
    if line.bold:
        lab = label_of(line.bold.strip())
        if lab and not lab[2]:
            rest = t[len(line.bold.strip()):].strip().lstrip(":").strip() if t.startswith(line.bold.strip()) else ""
            return lab[0], lab[1], rest, True
    lab = label_of(t)
    if lab is None:
        return None
    fld, label, rest, colon = lab
    letters = [c for c in t if c.isalpha()]
    if rest and not colon and len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.8 \
            and len(rest.split()) >= 2:
        return None  # a line in capitals that starts with a label's word is a title
    if line.is_heading or colon or not rest:
        if not rest and not colon and not line.is_heading and fld in ("time", "place", "meeting", "subject") \
                and len(t.split()) == 1 and t.islower():
            return None
        return lab
    low = label.casefold()
    gap = bool(re.match(rf"\s*{re.escape(label)}\s{{2,}}", line.text, re.I))
    if gap:
        return lab
    if low in _NOUN_LIKE or low not in STRONG:
        # "Päätös Merkittiin tiedoksi." is a label; "Päätös on tehty …" is not.
        if rest[:1].isupper() or rest[:1].isdigit() or (fld in ("case_id", "section", "date") and rest[:1].isdigit()):
            if fld in ("subject", "meeting", "time", "place", "date") and low not in STRONG and len(t.split()) > 14:
                return None
            return lab
        if para_start and fld not in ("subject", "meeting", "time", "place", "date") and low in STRONG | _NOUN_LIKE \
                and not re.match(r"^(?:on|oli|ovat|ei|voi|tulee|koskee|ja|sekä|är|var|har|kan|ska)\b", rest):
            return lab
        return None
    return lab


# --- people --------------------------------------------------------------------------------

def presenter_of(blocks: Blocks, own_from: int = 0, proposal: list[str] | None = None) -> Person | None:
    """The item's presenter: a presenter label in the item's own handling
    (from line ``own_from``), a person on the proposal's label line, or
    "Esittelijä: …" inside the item's own proposal."""
    own = [t for t, st in zip(blocks.get("presenter"), blocks.starts.get("presenter", [])) if st >= own_from]
    own += [t for st, t in blocks.presenter_from_label if st >= own_from][::-1]
    for text in own:
        p = _person(text)
        if p:
            return p
    # "Esittelijä: Liisa Laine, tekninen johtaja" inside the proposal block
    for text in (proposal if proposal is not None else blocks.get("proposal")) + blocks.lead:
        m = re.search(r"(?:^|\n)\s*(?:Esittelijä|Föredragande)\s*:\s*(.+)", text)
        if m:
            p = _person(m.group(1))
            if p:
                return p
    return None


def _person(text: str) -> Person | None:
    t = one_line(text).strip(" ,;")
    t = re.sub(r"^(?:esittelijä|föredragande)\s*:?\s*", "", t, flags=re.I)
    if not t or len(t) > 160:
        return None
    p = parse_person(t)
    if p is None:
        return None
    name_words = p.name.split()
    if not 1 <= len(name_words) <= 4 or not all(w[:1].isupper() for w in name_words):
        # "Direktör för svenska servicehelheten Marcus Henricson": a long
        # Swedish title in lower case words, then the name.
        words = t.split()
        k = len(words)
        while k > 0 and words[k - 1][:1].isupper():
            k -= 1
        if 2 <= len(words) - k <= 3 and k > 0:
            return Person(name=" ".join(words[k:]), title=" ".join(words[:k]), phone=p.phone, email=p.email)
        return None
    return p


def preparers_of(blocks: Blocks) -> list[Person]:
    people: list[Person] = []
    for text in blocks.get("preparers"):
        people += [p for p in parse_people(text) if _plausible(p)]
    for who in blocks.get("preparers_inline"):
        p = parse_person(who)
        if p:
            people.append(p)
    return people


def _plausible(p: Person) -> bool:
    words = p.name.split()
    return 1 <= len(words) <= 5 and bool(p.name[:1].isupper())


def official_title(text: str) -> str | None:
    """"Liikennesuunnittelupäällikkö Mikko Nurmela" -> "Liikennesuunnittelupäällikkö";
    "kasvatus- ja opetusjohtaja Anna-Liisa Mäkelä" -> "Kasvatus- ja opetusjohtaja"."""
    t = one_line(text)
    p = _person(t) or parse_person(t)
    title = p.title if p and p.title else None
    if not title:
        words = t.split()
        if len(words) == 1 and any(h in t.lower() for h in TITLE_HINTS + _SV_TITLE_HINTS):
            title = t
    if not title or not any(h in title.lower() for h in TITLE_HINTS + _SV_TITLE_HINTS):
        return None  # an official's title names an office (…johtaja, …päällikkö, …direktör)
    title = re.sub(r"^(?:vs\.|va\.|t\.f\.|tf\.|vt\.)\s*", "", title.strip(" ,"), flags=re.I)
    return title[:1].upper() + title[1:] if title else None


def prose(texts: list[str]) -> str | None:
    parts = [join_lines(t) for t in texts if t and t.strip()]
    text = "\n\n".join(p for p in parts if p.strip())
    return text or None


# --- outcome ----------------------------------------------------------------------------------

def is_vocab_label(text: str) -> bool:
    return label_of(text) is not None


__all__ = ["Blocks", "split_blocks", "presenter_of", "preparers_of", "official_title", "prose", "vocab"]


_MARGIN = re.compile(r"^(?P<left>\S(?:\S| (?! ))*?)\s{3,}(?P<right>\S.*)$")


def unwrap_margin_labels(lines: list[Line]) -> list[Line]:
    """A label wrapped over the margin's lines, beside the text:

        Kaupunginhallituksen      Kaupunginhallitus esittää, että se
        ehdotus / Stadsstyrelsens valitsee kolme lautamiestä …
        förslag                   1.6.2025–31.5.2029.

    becomes the label on the first line and the text beneath it, as a
    one-line margin label is read.  Only a run whose margin parts join
    into a known label is rewritten."""
    out = list(lines)
    i = 0
    while i < len(out):
        m = _MARGIN.match(out[i].text)
        if not m or out[i].kind != "p" or label_of(out[i].text.strip()):
            i += 1
            continue
        col = m.start("right")  # the text's column; the margin is what is left of it
        lefts, rights, j, done = [m.group("left")], [m.group("right")], i + 1, False
        while j < len(out) and j - i < 4 and out[j].page == out[i].page and out[j].kind == "p":
            t = out[j].text
            left, right = t[:col].strip(), t[col:].strip()
            if not left or (len(t) > col and not t[col - 1].isspace()) or "  " in left:
                break
            lefts.append(left)
            rights.append(right)
            j += 1
            joined = re.sub(r"(?<=[a-zåäö])- (?=[a-zåäö])", "", " ".join(lefts))  # "Revisionsnämnd-" / "ens"
            lab = label_of(joined)
            if lab and not lab[2] and len(lefts) >= 2:
                first = out[i]
                out[i] = Line(f"{joined.rstrip(':')}:    {rights[0]}", page=first.page, kind=first.kind, block=first.block)
                for k in range(i + 1, j):
                    out[k] = Line(" " * 26 + rights[k - i], page=out[k].page, kind=out[k].kind, block=out[k].block)
                done = True
                break
        i = j if done else i + 1
    return out
