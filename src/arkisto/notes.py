"""Notes about a query (what was wrong with it, how it was read, what to
try instead), in the UI's language.

A note is a ``str`` (its English text, so ``SearchResult.hints`` stays a
list of strings for scripts and old callers) that also carries a stable
``code`` and its ``params``; ``text(note, lang)`` gives it in Finnish or
English from the ``note_<code>`` strings of i18n.py.  The CLI's JSON gives
both (``notes: [{"code", "text", "params"}]``), so a script tests the code, not
the wording.

    n = Note("unclosed_quote")
    str(n)              # "unclosed quote: searched the words after it as a phrase"
    text(n, "fi")       # "lainausmerkki jäi auki: …"
"""

from __future__ import annotations

from .i18n import STRINGS


class Note(str):
    """A note: its English text, with ``code`` and ``params``."""

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, **params: object) -> Note:
        self = super().__new__(cls, _render(code, params, "en"))
        self.code = code
        self.params = params
        return self

    def __reduce__(self):  # pickles (the TUI's worker threads never need it, but copy does)
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict[str, object]) -> Note:
    return Note(code, **params)


def _value(v: object) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v)


def _render(code: str, params: dict[str, object], lang: str) -> str:
    strings = STRINGS.get(lang, STRINGS["en"])
    template = strings.get(f"note_{code}") or STRINGS["en"].get(f"note_{code}")
    if template is None:  # a code without a text: say what it is rather than fail
        return code + "".join(f" {k}={_value(v)}" for k, v in params.items())
    kw = {k: _value(v) for k, v in params.items()}
    facet = params.get("facet")
    if isinstance(facet, str):  # the facet as the UI names it: toimielin / committee
        kw["facet_name"] = (strings.get(facet) or STRINGS["en"].get(facet) or facet).lower()
    other = params.get("other")
    if isinstance(other, str):
        kw["other_name"] = (strings.get(other) or STRINGS["en"].get(other) or other).lower()
    try:
        return template.format(**kw)
    except (KeyError, IndexError, ValueError):
        return code


def text(note: str, lang: str | None) -> str:
    """A note in ``lang`` (fi or en); a plain string as it is."""
    if isinstance(note, Note):
        return _render(note.code, note.params, lang or "en")
    return note


def to_json(note: str, lang: str | None) -> dict:
    """A note for JSON output: its stable code, its text in ``lang`` and its
    parameters (lists as lists)."""
    if isinstance(note, Note):
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in note.params.items()}
        return {"code": note.code, "text": text(note, lang), "params": params}
    return {"code": "other", "text": note, "params": {}}


__all__ = ["Note", "text", "to_json"]
