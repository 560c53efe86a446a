"""What the engine reads of an index: a narrow interface.

The engine (``engine.py``) matches and scores plans over arrays; all it
asks of the index is below.  ``whoosh_format.WhooshPostings`` answers it
from a Whoosh reader, and is the only code that knows Whoosh's private
structures; another store (a sidecar of posting arrays, a compiled engine)
would answer the same questions.  Document numbers are the index's
(0 … ``doc_count_all() - 1``, deleted ones included); terms are bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np


class Postings(Protocol):
    # The schema.
    def has_field(self, field: str) -> bool: ...

    def to_bytes(self, field: str, text: str | bytes) -> bytes: ...

    def scorable(self, field: str) -> bool:
        """Whether the field keeps lengths for BM25 (else a term scores its weight)."""
        ...

    # Documents and the statistics BM25F needs.
    def doc_count_all(self) -> int: ...

    def deleted(self) -> np.ndarray:
        """The numbers of the deleted documents."""
        ...

    def idf(self, field: str, btext: bytes) -> float: ...

    def avg_field_length(self, field: str) -> float: ...

    def doc_frequency(self, field: str, text: str | bytes) -> int: ...

    # The lexicon.
    def lexicon(self, field: str) -> Iterable[bytes]: ...

    def all_terms(self) -> Iterable[tuple[str, bytes]]: ...

    def expand_prefix(self, field: str, prefix: str) -> Iterable[str | bytes]: ...

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int = 1) -> Iterable[str | bytes]: ...

    # A term's postings, and its positions.
    def postings(self, field: str, btext: bytes, values: bool = False) -> tuple[np.ndarray, np.ndarray, list | None]:
        """(docnums, weights, raw values or None); deleted documents may be
        among them (the engine keeps the live ones)."""
        ...

    def frequencies(self, field: str, btext: bytes, out: np.ndarray) -> bool:
        """The term's weights written into ``out`` (one per document, zero
        elsewhere), without making its posting list whole; deleted
        documents may be among them.  False when a weight is not above
        zero (the engine then reads ``postings``)."""
        ...

    def positions(self, field: str, docs: np.ndarray, vals: list) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) pairs from postings' raw values."""
        ...

    def position_keys(self, field: str, btext: bytes, within: np.ndarray | None = None) -> np.ndarray:
        """A term's (document, position) pairs as sorted keys
        ``document << 32 | position + 1024``; with ``within`` (a mask over
        the documents) only in the documents it marks."""
        ...

    # Segments: the index's immutable parts, in document order.
    def segments(self) -> list[tuple[str, int, int]]:
        """(segment id, number of its first document, its documents with
        the deleted ones) of each segment."""
        ...

    def segment_terms(self, index: int, field: str) -> list[tuple[bytes, np.ndarray]]:
        """Every term of the field in one segment with its documents,
        numbered within the segment; deleted ones may be among them."""
        ...

    # Per-document columns.
    def field_lengths(self, field: str) -> np.ndarray:
        """Each document's length in the field as BM25F reads it (Whoosh
        stores it in one byte, so quantised)."""
        ...

    def field_length_codes(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """The same lengths as (codes, table): each document's byte and the
        length of each byte, so that ``table[codes]`` is ``field_lengths``.
        An eighth of the memory, and BM25's length norm is worked out once
        per byte instead of once per posting."""
        ...

    def column(self, field: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(values, present) of a sortable numeric column, or None."""
        ...
