"""Typed settings from a small TOML file in the user's config directory.

    # ~/.config/arkisto/config.toml
    lang = "fi"          # or "en"
    theme = "textual-dark"   # "arkisto-high-contrast" for a high-contrast theme
    index = "~/arkistot/index"
    page_size = 50
    redact = "never"     # or "always", or "after-appeal": personal data replaced
    redact_after_days = 0  # with "after-appeal": days after the appeal period
    redact_officials = false  # true: officials' published phones and e-mails too

    [keys]               # the TUI's keys: action = "key" (or "key1,key2")
    copy = "ctrl+y"
    quit = "q,f10"

The actions are those of ``KEY_ACTIONS`` (help, search, back, copy, export,
sort, clear_filters, refresh, explain, quit, open_source, save_search,
saved_searches).  A key is a character ("y",
"?"), a named key ("f5", "escape", "enter", "pageup") or either with
modifiers ("ctrl+y", "alt+e").  An unknown action, a key that is not a key,
or a key that another action or a list already uses is reported and that
line ignored; a bad file never stops arkisto.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .i18n import Msg
from .locations import config_file


# The TUI's rebindable actions and their default keys (Textual's key names).
KEY_ACTIONS: dict[str, str] = {
    "help": "f1",
    "search": "slash",
    "back": "escape",
    "copy": "y",
    "export": "e",
    "sort": "s",
    "clear_filters": "c",
    "refresh": "f5",
    "explain": "f2",
    "quit": "q",
    "open_source": "o",
    "save_search": "ctrl+s",
    "saved_searches": "ctrl+o",
}
# Keys the lists, the field and the app keep for themselves (moving, pages,
# the palette, quitting from the field): an action bound to one would never run.
RESERVED_KEYS = frozenset({
    "j", "k", "g", "G", "n", "p", "x", "question_mark", "tab", "shift+tab", "enter", "space",
    "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "backspace",
    "ctrl+p", "ctrl+q", "ctrl+c", "ctrl+u",
})
MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
# Characters Textual names otherwise than Unicode does ("/" is "slash").
CHAR_NAMES = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
              "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
NAMED_KEYS = frozenset({*CHAR_NAMES.values(),
    "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
    "pageup", "pagedown", "up", "down", "left", "right",
} | {f"f{i}" for i in range(1, 25)})


def key_name(key: str) -> str | None:
    """``key`` in Textual's spelling ("?" -> "question_mark", "ctrl+Y" kept
    as typed apart from the modifiers), or None when it is not a key."""
    *mods, base = key.strip().split("+") if key.strip() != "+" else ["+"]
    mods = [m.lower() for m in mods]
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods) or not base:
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        if not base.isalnum():
            try:
                base = unicodedata.name(base).lower().replace("-", "_").replace(" ", "_")
            except ValueError:
                return None
            base = CHAR_NAMES.get(base, base)
    elif base.lower() in NAMED_KEYS:
        base = base.lower()
    else:
        try:
            unicodedata.lookup(base.replace("_", " "))
        except KeyError:
            return None
    return "+".join([*mods, base])


def check_keys(value: object, where: str) -> tuple[dict[str, str], list[Msg]]:
    """The valid part of a ``[keys]`` table (action -> Textual key list) and
    a problem for each line left out."""
    if not isinstance(value, dict):
        return {}, [Msg("cfg_keys_not_table", path=where)]
    keys: dict[str, str] = {}
    problems: list[Msg] = []
    for action, spec in value.items():
        if action not in KEY_ACTIONS:
            problems.append(Msg("cfg_unknown_action", path=where, action=repr(action),
                                actions=", ".join(KEY_ACTIONS)))
        elif not isinstance(spec, str) or not spec.strip():
            problems.append(Msg("cfg_key_needed", path=where, action=action))
        else:
            names = [key_name(k) for k in spec.split(",")]
            bad = [k.strip() for k, n in zip(spec.split(","), names) if n is None]
            if bad:
                problems.append(Msg("cfg_not_a_key", path=where, action=action, name=repr(bad[0])))
            else:
                keys[action] = ",".join(n for n in names if n)
    # A key bound twice would run only one of its actions: a line that takes
    # another action's key (or one arkisto keeps) is left out.
    bound = {k: a for a, d in KEY_ACTIONS.items() if a not in keys for k in d.split(",")}
    for action in list(keys):
        taken = [k for k in keys[action].split(",") if k in bound or k in RESERVED_KEYS]
        if not taken:
            bound.update((k, action) for k in keys[action].split(","))
            continue
        k = taken[0]
        owner = Msg("cfg_owner_action", action=bound[k]) if k in bound else Msg("cfg_owner_reserved")
        problems.append(Msg("cfg_key_taken", path=where, action=action, name=repr(k), owner=owner))
        del keys[action]
        bound.update((k, action) for k in KEY_ACTIONS[action].split(",") if k not in bound)
    return keys, problems


@dataclass
class Settings:
    lang: str = "fi"
    theme: str = "textual-dark"
    index: str | None = None
    page_size: int = 20
    keys: dict[str, str] = field(default_factory=dict)  # action -> Textual key list
    redact: str = "never"
    redact_after_days: int = 0
    redact_officials: bool = False

    @classmethod
    def load(cls, path: Path | None = None) -> tuple[Settings, list[Msg]]:
        """Settings and a list of problems (a bad file never stops arkisto),
        each said in the UI's language where it is shown (``Msg.render``)."""
        path = path or config_file()
        problems: list[Msg] = []
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(), problems
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return cls(), [Msg("cfg_unreadable", path=str(path), error=str(exc))]
        s = cls()
        types = {f.name: f.type for f in fields(cls)}
        for key, value in data.items():
            if key not in types:
                problems.append(Msg("cfg_unknown_setting", path=str(path), name=repr(key)))
                continue
            if key == "keys":
                s.keys, key_problems = check_keys(value, str(path))
                problems += key_problems
                continue
            if key == "page_size":
                if not isinstance(value, int) or not 5 <= value <= 500:
                    problems.append(Msg("cfg_page_size", path=str(path)))
                    continue
            elif key == "redact_after_days":
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 36500:
                    problems.append(Msg("cfg_redact_after_days", path=str(path)))
                    continue
            elif key == "redact_officials":
                if not isinstance(value, bool):
                    problems.append(Msg("cfg_redact_officials", path=str(path)))
                    continue
            elif key == "redact" and value not in ("never", "always", "after-appeal"):
                problems.append(Msg("cfg_redact", path=str(path)))
                continue
            elif key == "lang" and value not in ("fi", "en"):
                problems.append(Msg("cfg_lang", path=str(path)))
                continue
            elif not isinstance(value, str):
                problems.append(Msg("cfg_not_string", path=str(path), name=key))
                continue
            setattr(s, key, value)
        return s, problems

    def save(self, path: Path | None = None) -> Path:
        path = path or config_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for key, value in asdict(self).items():
            if value is None or key == "keys":
                continue
            if isinstance(value, bool):  # before int: a bool is one
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
        if self.keys:  # a table comes after the plain settings
            lines += ["", "[keys]"] + [f'{action} = "{keys}"' for action, keys in self.keys.items()]
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path
