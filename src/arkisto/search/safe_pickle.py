"""Nothing read from an index may run code.

Whoosh stores its schema, its segment list, stored fields, postings blocks
and term infos as pickles, and ``pickle.loads`` runs whatever a pickle names:
an index handed to a user (``--index``, a shared folder, a download) could run
code as that user the moment it is opened.  Hashes in the manifest do not
help: whoever plants the pickle can rewrite the manifest too.

So every unpickling of index data goes through :func:`loads`, an unpickler
that resolves only the globals arkisto's own indexes contain, named one by
one below; anything else raises ``UnsafeIndexData`` (an UnpicklingError),
which the store and the service report as a damaged index (exit 5).
:func:`install` points each of Whoosh's unpickling sites at it; it runs when
``arkisto.search`` is imported, before any index is opened.  Whoosh is pinned
exactly, and a test checks that every site in the modules arkisto loads is
covered, so an upgrade that adds one fails the tests instead of opening a
hole.
"""

from __future__ import annotations

import io
import pickle
import re
import types
from typing import Any


class UnsafeIndexData(pickle.UnpicklingError):
    """An index file names something arkisto never writes there."""


# Protocol-2 pickles write bytes as ``_codecs.encode(str, 'latin1')``, once
# per posting in a positions block, so this must be C: ``str.encode`` takes
# only text encodings (a binary transform such as rot13 or zlib is refused),
# and a codec name is looked up only among the ``encodings`` package's own
# modules (names with dots are refused there), which import nothing else.
_encode = str.encode


def _re_compile(pattern: Any, flags: Any = 0) -> re.Pattern:
    """Compiled patterns of the schema's tokenizers pickle as ``re._compile``."""
    if not isinstance(pattern, (str, bytes)) or not isinstance(flags, int):
        raise UnsafeIndexData("unexpected regular expression in index data")
    return re.compile(pattern, flags)


def _allowed() -> dict[tuple[str, str], Any]:
    """(module, name) -> the object a pickle may refer to by that name."""
    import collections

    from whoosh import analysis, columns, fields, formats
    from whoosh.analysis import analyzers, filters, tokenizers
    from whoosh.codec import whoosh3

    from . import analysis as arkisto_analysis
    from . import swedish as arkisto_swedish

    allowed: dict[tuple[str, str], Any] = {
        ("_codecs", "encode"): _encode,
        ("re", "_compile"): _re_compile,
        ("builtins", "int"): int,
        ("__builtin__", "long"): int,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("collections", "defaultdict"): collections.defaultdict,
    }
    named = {
        fields: ("Schema", "TEXT", "ID", "KEYWORD", "NUMERIC", "DATETIME", "STORED", "BOOLEAN"),
        formats: ("Existence", "Frequency", "Positions", "Characters", "PositionBoosts", "CharacterBoosts"),
        columns: ("NumericColumn", "VarBytesColumn", "RefBytesColumn", "CompressedBytesColumn",
                  "StructColumn", "BitColumn", "PickleColumn", "FixedBytesColumn"),
        whoosh3: ("W3Codec", "W3Segment"),
        analyzers: ("CompositeAnalyzer",),
        filters: ("LowercaseFilter", "StripFilter", "StopFilter"),
        tokenizers: ("IDTokenizer", "RegexTokenizer", "SpaceSeparatedTokenizer", "CommaSeparatedTokenizer"),
    }
    for module, names in named.items():
        for name in names:
            obj = getattr(module, name, None)
            if isinstance(obj, type):
                allowed[(module.__name__, name)] = obj
                # Whoosh re-exports these; a pickle may name either module.
                if module in (analyzers, filters, tokenizers):
                    allowed[(analysis.__name__, name)] = obj
    # arkisto's own tokenizers, pickled inside the schema.
    allowed[(arkisto_analysis.__name__, "FinnishTokenizer")] = arkisto_analysis.FinnishTokenizer
    allowed[(arkisto_swedish.__name__, "SwedishTokenizer")] = arkisto_swedish.SwedishTokenizer
    return allowed


_ALLOWED: dict[tuple[str, str], Any] | None = None


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        global _ALLOWED
        if _ALLOWED is None:
            _ALLOWED = _allowed()
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafeIndexData(f"index data names {module}.{name}, which arkisto never stores") from None

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafeIndexData("persistent ids in index data")


def loads(data: bytes, **_kw: Any) -> Any:
    # Through a BufferedReader: the C unpickler then reads ahead in chunks
    # (with peek) instead of calling read() per opcode, which makes it as
    # fast as pickle.loads on a posting block (measured: 0.31 ms against
    # pickle.loads' 0.76 ms for a 100 KB block of positions).
    try:
        return _Unpickler(io.BufferedReader(io.BytesIO(data))).load()
    except _CALL_ERRORS as exc:
        raise UnsafeIndexData(f"index data does not decode ({type(exc).__name__})") from None


def load(file: Any, **_kw: Any) -> Any:
    try:
        return _Unpickler(file).load()
    except _CALL_ERRORS as exc:
        raise UnsafeIndexData(f"index data does not decode ({type(exc).__name__})") from None


# What an allowed callable raises when a pickle calls it with other arguments
# than Whoosh writes (a codec name that is not latin-1's, a list for a
# string): inside the unpickler, that is damaged data.  So is a MemoryError:
# a flipped length in an opcode (BINBYTES8 …) asks for exabytes, and no
# pickle arkisto wrote needs more memory than its own few bytes hint at; past
# 2**63 bytes the same flip is an OverflowError.
_CALL_ERRORS = (LookupError, TypeError, ValueError, AttributeError, MemoryError, OverflowError)


# Whoosh's modules that bind ``loads``/``load`` at import, and the name they
# use.  ``whoosh.index`` calls ``pickle.loads`` through the module it imported.
_SITES = (
    ("whoosh.codec.whoosh3", "loads", loads),
    ("whoosh.formats", "loads", loads),
    ("whoosh.columns", "loads", loads),
    ("whoosh.filedb.structfile", "load_pickle", load),
)

# Sites that read back only what the writer itself wrote moments before into a
# private temporary file (``tempfile.mkstemp``: mode 0600, unguessable name),
# never index data.  Decoding millions of postings per build there through
# the restricted unpickler would cost seconds for no protection.
WRITER_TEMP_SITES = (
    ("whoosh.externalsort", "load"),  # the indexing pool's sorted runs
    ("whoosh.multiproc", "pickle.load"),  # sub-writers' job files
)

_installed = False


def install() -> None:
    """Point every unpickling of index data in Whoosh at :func:`loads`."""
    global _installed
    if _installed:
        return
    import importlib

    for module_name, attr, fn in _SITES:
        module = importlib.import_module(module_name)
        if not hasattr(module, attr):
            raise RuntimeError(f"{module_name}.{attr} is gone: this Whoosh is not the one arkisto is pinned to")
        setattr(module, attr, fn)
    from whoosh import index as windex

    shim = types.SimpleNamespace(**{k: getattr(pickle, k) for k in ("dumps", "dump", "HIGHEST_PROTOCOL")})
    shim.loads, shim.load = loads, load
    windex.pickle = shim
    # Old TOC versions are read by loaders with an unrestricted unpickler;
    # arkisto never writes them.
    windex.toc_loaders.clear()
    _close_on_damage()
    _installed = True


def _close_on_damage() -> None:
    """A segment whose files do not decode: Whoosh raises from the middle of
    opening it (``CompoundStorage`` reading the compound file's directory,
    ``SegmentReader`` its terms and stored fields) with the files it opened
    still open, for the garbage collector.  Closed here, where they were
    opened."""
    from whoosh.codec import base
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import OverlayStorage
    from whoosh.reading import SegmentReader

    def open_compound_file(self: Any, storage: Any) -> Any:
        dbfile = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        try:
            return CompoundStorage(dbfile, use_mmap=storage.supports_mmap)
        except BaseException:
            dbfile.close()
            raise

    base.Segment.open_compound_file = open_compound_file  # type: ignore[method-assign]
    opened = SegmentReader.__init__

    def segment_reader_init(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            opened(self, *args, **kwargs)
        except BaseException:
            for part in ("_terms", "_perdoc"):
                reader = getattr(self, part, None)
                try:
                    if reader is not None:
                        reader.close()
                except Exception:
                    pass  # the error that stopped the opening is the one to tell
            storage = getattr(self, "_storage", None)
            if isinstance(storage, OverlayStorage) and isinstance(storage.a, CompoundStorage):
                if not storage.a.is_closed:
                    storage.a.close()
            raise

    SegmentReader.__init__ = segment_reader_init  # type: ignore[method-assign]
