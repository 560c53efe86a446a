"""Typed settings from a small TOML file in the user's config directory.

    # ~/.config/arkisto/config.toml
    lang = "fi"          # or "en"
    theme = "textual-dark"
    index = "~/arkistot/index"
    page_size = 50
    redact = "never"     # or "always", or "after-appeal": personal data replaced
    redact_after_days = 0  # with "after-appeal": days after the appeal period
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .locations import config_file


@dataclass
class Settings:
    lang: str = "fi"
    theme: str = "textual-dark"
    index: str | None = None
    page_size: int = 20
    redact: str = "never"
    redact_after_days: int = 0

    @classmethod
    def load(cls, path: Path | None = None) -> tuple[Settings, list[str]]:
        """Settings and a list of problems (a bad file never stops arkisto)."""
        path = path or config_file()
        problems: list[str] = []
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(), problems
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return cls(), [f"{path}: ignored ({exc})"]
        s = cls()
        types = {f.name: f.type for f in fields(cls)}
        for key, value in data.items():
            if key not in types:
                problems.append(f"{path}: unknown setting {key!r} ignored")
                continue
            if key == "page_size":
                if not isinstance(value, int) or not 5 <= value <= 500:
                    problems.append(f"{path}: page_size must be a number from 5 to 500")
                    continue
            elif key == "redact_after_days":
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 36500:
                    problems.append(f"{path}: redact_after_days must be a number of days, 0 or more")
                    continue
            elif key == "redact" and value not in ("never", "always", "after-appeal"):
                problems.append(f"{path}: redact must be \"never\", \"always\" or \"after-appeal\"")
                continue
            elif key == "lang" and value not in ("fi", "en"):
                problems.append(f"{path}: lang must be \"fi\" or \"en\"")
                continue
            elif not isinstance(value, str):
                problems.append(f"{path}: {key} must be a string")
                continue
            setattr(s, key, value)
        return s, problems

    def save(self, path: Path | None = None) -> Path:
        path = path or config_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for key, value in asdict(self).items():
            if value is None:
                continue
            if isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path
