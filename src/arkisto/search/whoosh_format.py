"""Whoosh's storage, as arkisto reads it: the one module that knows
Whoosh's private names and bytes.

arkisto pins whoosh-reloaded exactly (pyproject.toml) and records the
version that wrote an index in its manifest (``whoosh_version``); an index
written by another version asks for a rebuild, because what this module
reads is Whoosh's private format, which a new version may change.
"""

from __future__ import annotations


def whoosh_version() -> str:
    """The version of Whoosh in use ("2.7.5"), as recorded in a manifest."""
    import whoosh

    return whoosh.versionstring()
