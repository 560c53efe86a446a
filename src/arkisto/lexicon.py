"""Is this a Finnish word?  The analyser's lexicon, for decisions that must
not be guessed: whether ``palveluko-`` + ``din`` at a line end is one word
(palvelukodin) or a hyphenated one (Päijät-Hämeessä, Jyväskylä-radan).

Voikko's spelling dictionary when the system has it, else simplemma's
Finnish dictionary (pip-only), else nothing (``known`` returns None and the
caller falls back on orthography).  Nothing here imports the search layer:
ingest and search both use it."""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
_state: dict[str, object] = {}


def _voikko():
    if "voikko" not in _state:
        try:
            import libvoikko

            _state["voikko"] = libvoikko.Voikko("fi")
        except Exception:  # no library, no dictionary
            _state["voikko"] = None
    return _state["voikko"]


def _simplemma_known(word: str) -> bool | None:
    try:
        import simplemma
    except ImportError:
        return None
    try:
        return bool(simplemma.is_known(word, lang="fi"))
    except Exception:
        return None


@lru_cache(maxsize=65536)
def known(word: str) -> bool | None:
    """True when ``word`` (any case) is a word of Finnish, False when it is
    not, None when no lexicon is installed."""
    w = word.strip(".,;:!?()\"'”“’")
    if not w or len(w) > 80:
        return False
    with _lock:
        v = _voikko()
        if v is not None:
            try:
                return bool(v.spell(w))
            except Exception:
                return None
    return _simplemma_known(w.lower())


def backend() -> str:
    with _lock:
        return "voikko" if _voikko() is not None else "simplemma"
