"""HTML with no known layout: strip tags, index as full text."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .common import IngestResult
from .detect import read_text
from .generic import from_text

FORMAT = "generic-html"


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</(p|div|h\d|li|tr|table|section|article)>", "\n\n", markup)
    markup = re.sub(r"(?i)<li\b[^>]*>", "\n• ", markup)
    markup = re.sub(r"(?s)<[^>]+>", " ", markup)
    return html.unescape(markup)


def parse(path: Path, data: bytes) -> IngestResult:
    result = IngestResult(path=str(path), format=FORMAT)
    markup = read_text(path, result, data)
    m = re.search(r"(?is)<title[^>]*>(.*?)</title>", markup)
    text = html_to_text(markup)
    result = from_text(text, path, FORMAT, result)
    if m and result.records:
        t = re.sub(r"\s+", " ", html.unescape(m.group(1))).strip()
        if t:
            result.records[0].title = t[:200]
    return result
