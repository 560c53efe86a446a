"""HTML with no known layout: strip tags, index as full text.

The tag handling is written as scans rather than as the obvious regexes
(``<[^>]+>``, ``<script\\b.*?</script>``, ``<title>(.*?)</title>``): those
re-read the rest of the file from every ``<`` that is never closed, so a few
hundred KB of ``<a <a <a …`` took minutes."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..text import clean
from .common import IngestResult
from .detect import read_text
from .generic import from_text

FORMAT = "generic-html"

_DROPPED = re.compile(r"(?i)<(script|style|head)\b")
_CLOSERS = {name: re.compile(rf"(?i)</{name}>") for name in ("script", "style", "head")}
_TITLE = re.compile(r"(?i)<title")
_TITLE_END = re.compile(r"(?i)</title>")


def _drop_elements(markup: str) -> str:
    """Script, style and head elements replaced by a space.  An element that
    is never closed is kept (and once one is not closed, no later one of its
    kind can be), as the regex did."""
    out: list[str] = []
    pos = start = 0
    unclosed: set[str] = set()
    while m := _DROPPED.search(markup, start):
        name = m.group(1).lower()
        end = None if name in unclosed else _CLOSERS[name].search(markup, m.end())
        if end is None:
            unclosed.add(name)
            start = m.end()
            continue
        out += [markup[pos:m.start()], " "]
        pos = start = end.end()
    out.append(markup[pos:])
    return "".join(out)


def _strip_tags(markup: str) -> str:
    """Every ``<…>`` (at least one character inside) replaced by a space."""
    out: list[str] = []
    pos = start = 0
    while (i := markup.find("<", start)) >= 0:
        j = markup.find(">", i + 1)
        if j < 0:
            break  # no tag can close after this point
        if j == i + 1:  # "<>" is text
            start = i + 1
            continue
        out += [markup[pos:i], " "]
        pos = start = j + 1
    out.append(markup[pos:])
    return "".join(out)


def title_of(markup: str) -> str | None:
    """The raw content of the first ``<title …>…</title>``, or None."""
    m = _TITLE.search(markup)
    if not m:
        return None
    # Only the first <title can match: a later one has no ">" or "</title>"
    # after it if this one has none.
    gt = markup.find(">", m.end())
    if gt < 0:
        return None
    end = _TITLE_END.search(markup, gt + 1)
    return markup[gt + 1:end.start()] if end else None


def html_to_text(markup: str) -> str:
    markup = _drop_elements(markup)
    markup = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</(p|div|h\d|li|tr|table|section|article)>", "\n\n", markup)
    # A match ends at a ">": only the text up to the last one can hold one
    # (from a "<li" after it the regex would scan to the end, each time).
    cut = markup.rfind(">") + 1
    markup = re.sub(r"(?i)<li\b[^>]*>", "\n• ", markup[:cut]) + markup[cut:]
    return clean(html.unescape(_strip_tags(markup)))  # decode, then clean: "&#8238;" is U+202E


def parse(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    markup = read_text(path, result, data)
    raw_title = title_of(markup)
    text = html_to_text(markup)
    result = from_text(text, path, FORMAT, result)
    if raw_title is not None and result.records:
        t = re.sub(r"\s+", " ", clean(html.unescape(raw_title))).strip()
        if t:
            result.records[0].title = t[:200]
    return result
