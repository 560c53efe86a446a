"""HTML to readable text and to a flat list of blocks, with the standard
library only.  Shared by the HTML-bearing formats (Ahjo, OpenNC, Dynasty,
Ahjo bulletins).

A *block* is one paragraph-like element (p, div, h1–h6, li, a table row …)
with its text, its tag and class, the text of a leading bold run (Dynasty
marks field labels that way) and the links inside it.  ``blocks_to_text``
joins blocks into readable text: paragraphs separated by blank lines, list
items as ``• item`` lines, entities unescaped, no tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..models import FundedProject, Person, Vote
from ..text import clean, one_line
from .common import extract_projects
from .people import EMAIL, parse_people, parse_person

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "tbody", "thead",
    "tfoot", "ul", "ol", "section", "article", "blockquote", "center", "body", "html", "dl",
    "dt", "dd", "pre", "label", "form", "header", "footer", "main", "nav", "caption", "address",
}
_SKIP_TAGS = {"script", "style", "head", "title", "noscript", "template", "object", "iframe"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_WS = re.compile(r"[ \t\r\n\f\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass
class Block:
    tag: str  # the element that opened the block ("p", "h3", "li", "tr", "hr" …)
    cls: str = ""  # its class attribute
    text: str = ""  # whitespace-collapsed; <br> kept as "\n"
    bold: str = ""  # text of the bold run the block starts with, if any
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    lang: str = ""

    @property
    def is_heading(self) -> bool:
        return bool(re.fullmatch(r"h[1-6]", self.tag))


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self.lang = ""
        self._skip = 0
        self._in_title = False
        self._bold = 0
        self._stack: list[tuple[str, str]] = []  # open block elements (tag, class)
        self._segs: list[tuple[str, bool]] = []
        self._links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._href_text: list[str] = []
        self._cur_tag = "p"
        self._cur_cls = ""

    # -- helpers ---------------------------------------------------------------
    def _flush(self) -> None:
        if self._href is not None:  # a link left open across a block boundary
            self._end_link()
        raw = "".join(s for s, _ in self._segs)
        text = _norm_block(raw)
        if text:
            bold = ""
            run: list[str] = []
            for s, b in self._segs:
                if not s.strip() and not run:
                    continue  # leading whitespace
                if not b:
                    break
                run.append(s)
            bold = one_line("".join(run))
            self.blocks.append(Block(self._cur_tag, self._cur_cls, text, bold, self._links, self.lang))
        elif self._links:
            self.blocks.append(Block(self._cur_tag, self._cur_cls, "", "", self._links, self.lang))
        self._segs = []
        self._links = []

    def _start_block(self, tag: str, cls: str) -> None:
        self._flush()
        self._cur_tag, self._cur_cls = tag, cls

    def _end_link(self) -> None:
        text = one_line("".join(self._href_text))
        if self._href is not None and (text or self._href):
            self._links.append((text, self._href))
        self._href = None
        self._href_text = []

    # -- HTMLParser ------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in ("html", "body") and a.get("lang") and not self.lang:
            self.lang = a["lang"].lower()[:2]
        if tag in _SKIP_TAGS:
            if tag == "title":
                self._in_title = True
            elif tag != "head":
                self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self._segs.append(("\n", self._bold > 0))
            return
        if tag == "hr":
            self._flush()
            self.blocks.append(Block("hr"))
            return
        if tag in ("td", "th"):
            self._segs.append((" ", self._bold > 0))
            return
        if tag in ("b", "strong"):
            self._bold += 1
            return
        if tag == "a":
            if self._href is not None:
                self._end_link()
            self._href = a.get("href", "")
            return
        if tag in _BLOCK_TAGS:
            cls = a.get("class", "")
            if tag not in _VOID:
                self._stack.append((tag, cls))
            self._start_block(tag, cls)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if tag == "title":
                self._in_title = False
            elif tag != "head" and self._skip:
                self._skip -= 1
            return
        if self._skip:
            return
        if tag in ("b", "strong"):
            self._bold = max(0, self._bold - 1)
            return
        if tag == "a":
            self._end_link()
            return
        if tag in ("td", "th"):
            self._segs.append((" ", False))
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            # Pop to the matching element; text after it belongs to the parent.
            for i in range(len(self._stack) - 1, -1, -1):
                if self._stack[i][0] == tag:
                    del self._stack[i:]
                    break
            self._cur_tag, self._cur_cls = self._stack[-1] if self._stack else ("p", "")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        # Line breaks in the source are spaces; only <br> breaks a line.
        data = re.sub(r"[\r\n\t\f]+", " ", data)
        self._segs.append((data, self._bold > 0))
        if self._href is not None:
            self._href_text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _norm_block(raw: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in clean(raw).split("\n")]
    # Keep single line breaks from <br>; collapse runs of empty lines to one.
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def defuse_tail(markup: str) -> str:
    """The markup with every ``<`` after the last ``>`` written as ``&lt;``.

    None of them can open a tag, comment or declaration that closes, and the
    standard library's HTMLParser (Python before 3.13.4/3.12.11) re-reads the
    rest of the document from each of them: a few hundred KB of ``<a b=1 …``
    took minutes.  The parser hands such a tail on as text, and so it still is."""
    cut = markup.rfind(">") + 1
    if "<" not in markup[cut:]:
        return markup
    return markup[:cut] + markup[cut:].replace("<", "&lt;")


def tokenize(markup: str) -> tuple[list[Block], str, str]:
    """(blocks, <title> text, <html lang>) of an HTML document or fragment."""
    t = _Tokenizer()
    t.feed(defuse_tail(markup))
    t.close()
    return t.blocks, one_line(clean(t.title)), t.lang


def blocks_to_text(blocks: list[Block]) -> str:
    """Readable text: paragraphs separated by blank lines, list items as
    "• item" lines, headings as their own paragraphs."""
    parts: list[list[str]] = []  # each paragraph as its lines (a list: no quadratic +=)
    prev_li = False
    for b in blocks:
        if b.tag == "hr" or not b.text:
            continue
        if b.tag == "li":
            item = "• " + b.text.replace("\n", " ")
            if prev_li and parts:
                parts[-1].append(item)
            else:
                parts.append([item])
            prev_li = True
            continue
        prev_li = False
        parts.append([b.text])
    return "\n\n".join("\n".join(p) for p in parts).strip()


def html_to_text(markup: str | None) -> str:
    """An HTML fragment as readable plain text (no tags, entities unescaped)."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup and "&" not in markup:
        return _norm_block(markup).strip()
    blocks, _, _ = tokenize(markup)
    return blocks_to_text(blocks)


def or_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# --- people ----------------------------------------------------------------------

# "puhelin: 310 42617", "puh. 09 310 31585", "telefon 09 310 123", "p. 040 123"
_LABELLED_PHONE = re.compile(
    r"\b(?:puhelin|puh|p|tel|telefon|gsm|mob)\.?\s*:?\s*(\+?\d[\d \-]{4,16}\d)", re.I
)


def deobfuscate(text: str) -> str:
    """"etunimi.sukunimi(a)hel.fi" -> "etunimi.sukunimi@hel.fi"."""
    return re.sub(r"(\w)\s*\((?:a|at|ät)\)\s*(\w)", r"\1@\2", text)


def parse_contact(text: str) -> Person | None:
    """parse_person, but a phone number after a "puhelin:" label is taken even
    when it lacks the leading 0 (Helsinki writes "310 42617")."""
    s = one_line(deobfuscate(text))
    phone = None
    m = _LABELLED_PHONE.search(s)
    if m:
        phone = re.sub(r"\s+", " ", m.group(1)).strip()
        s = (s[: m.start()] + " " + s[m.end():]).strip(" ,;")
    # A label whose number was left out: "…, puhelin: " or "puh.,".
    s = re.sub(r"(?i)\b(?:puhelin|puh|tel|telefon|gsm)\.?\s*:?\s*(?=,|$)", "", s).strip(" ,;")
    p = parse_person(s)
    if p is None:
        return None
    if phone and not p.phone:
        p = p.model_copy(update={"phone": phone})
    return p


_PLACEHOLDER_EMAIL = re.compile(r"^(?:etunimi\.sukunimi|förnamn\.efternamn|firstname\.lastname)@", re.I)


def parse_contacts(text: str) -> list[Person]:
    """People from a Lisätiedot / Valmistelijat block, one per line; a line with
    only a phone or e-mail belongs to the person before it.  A template address
    ("etunimi.sukunimi@espoo.fi") is nobody's e-mail and is dropped."""
    text = deobfuscate(text)
    chunks: list[list[str]] = []  # a person's lines (a list: no quadratic +=)
    for line in re.split(r"\n|;", text):
        line = one_line(line)
        if not line:
            continue
        emails = EMAIL.findall(line)
        if emails and all(_PLACEHOLDER_EMAIL.match(e) for e in emails):
            line = one_line(EMAIL.sub("", line))
            if not line:
                continue
        rest = _LABELLED_PHONE.sub("", line)
        rest = EMAIL.sub("", rest).strip(" ,.:;")
        rest = re.sub(r"(?i)\b(?:sähköposti|e-post|email|e-mail)\b:?", "", rest).strip(" ,.:;")
        if chunks and (not rest or re.fullmatch(r"[\d +\-]+", rest)):
            chunks[-1].append(line)
        else:
            chunks.append([line])
    people = []
    for c in (" ".join(c) for c in chunks):
        p = parse_contact(c)
        if p:
            people.append(p)
    return people or parse_people(text)


_NAME_WORD = re.compile(r"^[A-ZÅÄÖÜÉ][\w'’\-]*$")
_TITLE_HINT = re.compile(
    r"(johtaja|päällikkö|sihteeri|asiantuntija|insinööri|suunnittelija|lakimies|juristi|pormestari|"
    r"neuvos|kamreeri|rehtori|arkkitehti|direktör|chef|sekreterare|borgmästare|kansliachef)$",
    re.I,
)


def person_title_then_name(text: str) -> Person | None:
    """"Teknisen toimen johtaja Olli Isotalo" -> Olli Isotalo, "Teknisen toimen johtaja".

    The name is the run of capitalised words at the end (two or three), the
    title what comes before it.  Other shapes go to parse_contact."""
    s = one_line(text).strip(" ,:;")
    if not s:
        return None
    if "," in s or "@" in s or re.search(r"\d", s):
        return parse_contact(s)
    words = s.split()
    name: list[str] = []
    while words and len(name) < 3 and _NAME_WORD.match(words[-1]) and not _TITLE_HINT.search(words[-1]):
        name.insert(0, words.pop())
    if len(name) >= 2 and words:
        return Person(name=" ".join(name), title=" ".join(words))
    return parse_contact(s)


# --- votes --------------------------------------------------------------------------

_VOTE_PHRASE = re.compile(
    r"(?P<phrase>\b\w+\s+äänellä\s+(?:\w+\s+)?(?:\(\d+(?:/\d+)?\)\s+)?(?:ääntä\s+)?vastaan"
    r"(?:\s+(?:ja|,)\s+(?:\w+\s+){0,3}?(?:äänestäessä|äänestettyä)\s+tyhjää)?"
    r"|\bäänin\s+\d+\s*[-–]\s*\d+(?:\s*[-–]\s*\d+)?"
    r"|\bmed\s+\d+\s+röster\s+mot\s+\d+"
    r"|\brösterna\s+\d+\s*[-–]\s*\d+)",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?](?=\s|$)|$)")


def votes_from_text(text: str | None) -> list[Vote]:
    """Votings written out in a Käsittely text.

    Two shapes: Ahjo's "JAA-ehdotus: … EI-ehdotus: … Jaa-äänet: 14 … Ei-äänet:
    34 … Tyhjä: 37 … Poissa: 0" blocks, and a sentence stating the result
    ("… 9 äänellä 6 ääntä vastaan hylänneen …", "hyväksyttiin äänin 8-7")."""
    if not text:
        return []
    votes: list[Vote] = []
    # Ahjo-style voting blocks.
    heads = list(re.finditer(r"(?im)^\s*(?:JAA|JA)-(?:ehdotus|förslag)\s*:?", text))
    for i, m in enumerate(heads):
        seg = text[m.start(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        yes = re.search(r"(?im)^\s*(?:JAA|JA)-(?:ehdotus|förslag)\s*:?\s*(.*)$", seg)
        no = re.search(r"(?im)^\s*(?:EI|NEJ)-(?:ehdotus|förslag)\s*:?\s*(.*)$", seg)
        counts = []
        for label, pat in (
            ("Jaa", r"(?:Jaa-äänet|Ja-röster|JAA|JA)"), ("Ei", r"(?:Ei-äänet|Nej-röster|EI|NEJ)"),
            ("Tyhjä", r"(?:Tyhjä|Tyhjiä|Blanka|Blankt)"), ("Poissa", r"(?:Poissa|Frånvarande)"),
        ):
            # "Jaa-äänet: 14" on its own line, or "JAA: 9, EI: 6, Tyhjiä: 0, Poissa: 0".
            c = re.search(rf"(?i)(?:^|(?<=[\s,]))(?-i:{pat})\s*:\s*(\d+)", seg) if label in ("Jaa", "Ei") else \
                re.search(rf"(?i)(?:^|(?<=[\s,])){pat}\s*:\s*(\d+)", seg)
            if c:
                counts.append(f"{label} {c.group(1)}")
        desc = "; ".join(
            f"{lab}: {one_line(x.group(1))}" for lab, x in (("JAA", yes), ("EI", no)) if x and x.group(1).strip()
        )
        if desc or counts:
            votes.append(Vote(description=desc, result=", ".join(counts)))
    if votes:
        return votes
    for para in re.split(r"\n\s*\n", text):
        flat = one_line(para)
        for s in _SENTENCE.finditer(flat):
            sent = s.group(0).strip()
            m = _VOTE_PHRASE.search(sent)
            if m:
                votes.append(Vote(description=sent, result=one_line(m.group("phrase"))))
    return votes


def funded_projects(*texts: str | None) -> list[FundedProject]:
    """extract_projects over the texts, without "names" that are whole
    sentences (a funder in parentheses after a long clause)."""
    found = extract_projects("\n\n".join(t for t in texts if t))
    return [p for p in found if len(p.name.split()) <= 10]


_FI_WORDS = {"ja", "on", "että", "ei", "sekä", "tai", "joka", "ovat", "kaupungin", "mukaan", "osalta", "myös"}
_SV_WORDS = {"och", "att", "som", "är", "för", "av", "med", "den", "det", "till", "på", "om"}


def guess_language(text: str | None) -> str | None:
    """"fi" or "sv" from common words, None when the text is too short to tell."""
    words = re.findall(r"\w+", (text or "").lower())
    fi = sum(w in _FI_WORDS for w in words)
    sv = sum(w in _SV_WORDS for w in words)
    if fi >= 3 and fi > sv:
        return "fi"
    if sv >= 3 and sv > fi:
        return "sv"
    return None
