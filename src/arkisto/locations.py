"""Where things live: the index, the settings file, the bundled sample archive."""

from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    from platformdirs import user_data_path

    return user_data_path("arkisto", appauthor=False)


def config_home() -> Path:
    from platformdirs import user_config_path

    return user_config_path("arkisto", appauthor=False)


def config_file() -> Path:
    return config_home() / "config.toml"


def default_index_dir() -> Path:
    return data_home() / "index"


def resolve_index_dir(cli_value: str | None, configured: str | None = None) -> Path:
    """``--index``, then ``ARKISTO_INDEX``, then the config file's ``index``,
    then the per-user default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("ARKISTO_INDEX")
    if env:
        return Path(env).expanduser()
    if configured:
        return Path(configured).expanduser()
    return default_index_dir()


def sample_data_dir() -> Path | None:
    """The bundled sample archive: packaged with the wheel, or the checkout's
    top-level sample_data/ for an editable install."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_data", here.parents[1] / "sample_data"):
        if candidate.is_dir():
            return candidate
    return None
