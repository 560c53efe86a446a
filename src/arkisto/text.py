"""Text hygiene shared by every ingest module: normalisation, control
characters, mojibake, and joining lines that a PDF extractor broke."""

from __future__ import annotations

import re
import unicodedata

from .i18n import Msg

# C0/C1 control characters except tab and newline; also DEL.  Zero-width
# characters (U+200B…U+200D, U+2060, U+FEFF) are dropped too: CaseM puts U+200B
# after commas and hyphens, and they break both tokenising and display.  Bidi
# marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A…U+202E,
# U+2066…U+2069) can make text display differently from what it says, so they
# go as well.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Whole terminal escape sequences, so that no parameters are left behind:
# CSI (ESC [ … final), OSC (ESC ] … BEL or ST, e.g. titles and OSC 52
# clipboard writes), DCS/PM/APC strings, and two-byte escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Typical UTF-8 read as latin-1/cp1252: "PÃ¤Ã¤tÃ¶s".
_MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc]")


def clean(text: str) -> str:
    """NFC, no control or zero-width characters, ``\r\n`` as ``\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPES.sub("", text)
    return _CONTROL.sub("", text)


def squash(text: str) -> str:
    """Collapse runs of spaces and strip; keeps newlines."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def one_line(text: str | None) -> str:
    return _SPACES.sub(" ", (text or "").replace("\n", " ")).strip()


def looks_like_mojibake(text: str) -> bool:
    # Every match starts with "\u00c3" or "\u00c2": looking for those two
    # first (a fast scan each) spares the pattern's scan of the text, most
    # of which has neither.
    if "\u00c3" not in text and "\u00c2" not in text:
        return False
    return bool(_MOJIBAKE.search(text))


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo UTF-8-read-as-cp1252/latin-1.  Returns (text, repaired?)."""
    if not looks_like_mojibake(text):
        return text, False
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if not looks_like_mojibake(fixed):
            return fixed, True
    # Mixed text: repair piecewise where a run decodes cleanly.
    def _fix(m: re.Match[str]) -> str:
        s = m.group(0)
        for enc in ("cp1252", "latin-1"):
            try:
                return s.encode(enc).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return s

    fixed = re.sub("(?:[\u00c3\u00c2\u00e2][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc\u20ac]{1,2})+", _fix, text)
    return fixed, fixed != text


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file's bytes.  Returns (text, notes) where notes say what
    was repaired: a BOM, a legacy encoding, mojibake, NFD (each a Msg: its
    str is the English)."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append(Msg("ingest_repair_bom"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notes.append(Msg("ingest_repair_cp1252"))
    text, fixed = repair_mojibake(text)
    if fixed:
        notes.append(Msg("ingest_repair_mojibake"))
    if not unicodedata.is_normalized("NFC", text):
        notes.append(Msg("ingest_repair_nfd"))
    return clean(text), notes


# --- joining broken lines --------------------------------------------------

_BULLET = "•◦▪‣∙·●-–*"
# A word broken with a hyphen at the end of a line: "palveluko-" + "din", or
# "Päijät-" + "Hämeessä".  Whether the hyphen belongs to the word is decided
# by ``hyphen_kept`` (the analyser's lexicon, then Finnish orthography).
_HYPHEN_END = re.compile(r"(\w)[-\u2010\u00ad]$")
# "esi- ja perusopetus": hyphen followed by a space and a conjunction stays.
_SUSPENDED = re.compile(r"^(ja|tai|sekä|että|eli|and|och|eller|samt)\b")
_VOWELS = set("aeiouyäöå")


def hyphen_kept(left: str, right: str, sentence_start: bool = False) -> bool:
    """Whether ``left-`` at a line end and ``right`` at the next line's
    start make a hyphenated word (kept hyphen) or one word broken for the
    line (hyphen dropped).

    - The next part starts with a capital: kept (Päijät-Hämeessä).
    - A capitalised word that does not start a sentence is a name: kept
      (Jyväskylä-radan, DigiOne-hankkeen).
    - Otherwise the lexicon decides: the joined word is a word
      (palvelukodin) -> dropped; the hyphenated one is -> kept.
    - The same vowel on both sides is written with a hyphen (maa-ainesten,
      Hepo-oja); so are abbreviations and numbers (EU-, 2020-).
    - With no lexicon, or neither form known: dropped (a line-break hyphen
      is far the commoner)."""
    from .lexicon import known

    left = left.strip("([\"'“”")
    right = right.rstrip(".,;:!?)]\"'”“")
    if not left or not right:
        return True
    pieces = re.split(r"[–—/-]", left)
    if len(pieces) > 1:
        # Seinäjoki–Jyväskylä-radan: the part before the hyphen is what counts,
        # and a capital inside a word is a name.
        left = pieces[-1]
        sentence_start = False
        if not left:
            return True
    if right[:1].isupper() or not right[:1].isalpha():
        return True
    if re.search(r"\.[a-z]{2,4}\b|@|/", right):
        return True  # invest-kauhava.fi: an address keeps its hyphen
    if left.isupper() or any(c.isdigit() for c in left):
        return True
    if left[:1].isupper() and not sentence_start:
        return True
    if left[-1:].lower() in _VOWELS and left[-1:].lower() == right[:1].lower():
        return True
    joined = known(left + right)
    if joined:
        return False
    if known(left + "-" + right):
        return True
    return False


_BULLET_DASH = re.compile(r"^[-–*]\s")


def join_lines(text: str) -> str:
    """Reflow PDF-extracted text into paragraphs.

    - Lines inside a paragraph are joined with a space.
    - A blank line normally ends a paragraph, but not when the previous line
      clearly continues (ends mid-word with a hyphen, or without sentence-final
      punctuation and the next line starts in lower case).
    - Bullets (``•`` and friends) start new items.

    Linear in the length of the text: a paragraph is built as a list of its
    lines, and the decisions look only at the paragraph's last two characters
    (re-scanning the growing paragraph made a 2 MB text take minutes).
    """
    paras: list[str] = []
    cur: list[str] = []  # the current paragraph's pieces
    tail = ""  # its last two characters
    pending_blank = False
    for raw in text.split("\n"):
        line = squash(raw)
        if not line:
            if cur:
                pending_blank = True
            continue
        starts_bullet = line[0] in "•◦▪‣●" or bool(_BULLET_DASH.match(line))
        if cur:
            hyphen_break = bool(_HYPHEN_END.search(tail)) and not _SUSPENDED.match(line)
            continues = hyphen_break or (
                not starts_bullet
                and tail[-1] not in ".!?:;"
                and (line[0].islower() or line[0].isdigit() or line[0] in "(")
            )
            if not starts_bullet and (continues or not pending_blank):
                if hyphen_break:
                    left, start = _last_word(cur)
                    if not hyphen_kept(left, line.split(" ", 1)[0], start):
                        cur[-1] = cur[-1][:-1]  # a line-break hyphen: one word
                    piece = line
                else:
                    piece = " " + line
                cur.append(piece)
                tail = (tail + piece)[-2:]
                pending_blank = False
                continue
            paras.append("".join(cur))
        cur = [line]
        tail = line[-2:]
        pending_blank = False
    if cur:
        paras.append("".join(cur))
    return "\n\n".join(_normalise_bullet(p) for p in paras)


def _last_word(cur: list[str]) -> tuple[str, bool]:
    """The paragraph's last word (without its hyphen), and whether it
    starts a sentence.  Looks at the last piece only (linear time)."""
    piece = cur[-1]
    words = piece[:-1].split(" ")
    word = words[-1]
    if len(words) >= 2:
        before = words[-2]
    elif len(cur) >= 2:
        before = cur[-2].rsplit(" ", 1)[-1]
    else:
        before = ""
    start = not before or before[-1:] in ".!?:" or before in "•◦▪‣●"
    return word, start


def _normalise_bullet(p: str) -> str:
    if p and p[0] in "•◦▪‣●":
        return "• " + p[1:].lstrip()
    return p


# --- display safety -----------------------------------------------------------


def safe_display(text: str | None) -> str:
    """Text safe to hand to a terminal: no escapes or control characters.
    (Markup safety is the TUI's job: it builds ``Text`` objects, never markup.)"""
    return clean(text or "")


# Every character a one-line message must not carry raw: all C0 and C1
# controls (newline and tab too), DEL, and the invisible and bidi ones above.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str | None) -> str:
    """One line with every control, invisible or bidi character shown as an
    escape: a file named ``a\nb`` shows as ``a\\nb``, so that a name (which
    anyone can choose) cannot forge a line of output or reorder it."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}", text or "")
