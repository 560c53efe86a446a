"""Search: schema, Finnish analysis, the index store, the indexer and the
search service.  No Textual here: the TUI and the CLI are both clients.

Importing this package makes every unpickling of index data go through
arkisto's restricted unpickler (see ``safe_pickle``): nothing read from an
index may run code."""

from .safe_pickle import install as _install_safe_pickle

_install_safe_pickle()
