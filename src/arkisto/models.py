"""The records arkisto works with: the one vocabulary of the whole program.

Every ingest module produces these, the index stores them whole (as JSON), and
the CLI, the export and the TUI read them back.  Nothing here imports Textual or
Whoosh.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field


# The year facet's value for a record whose date nobody states (shown as
# "päiväys puuttuu" in the Finnish UI; ``vuosi:puuttuu`` selects it).
NO_DATE = "no date"


class Outcome(str, Enum):
    """How an item ended.  ``other`` is used when the text says nothing we recognise."""

    approved = "approved"  # hyväksyttiin (as proposed)
    amended = "amended"  # hyväksyttiin muutettuna / muutoksin
    noted = "noted"  # merkittiin tiedoksi
    tabled = "tabled"  # pöydälle
    returned = "returned"  # palautettiin valmisteluun
    voted = "voted"  # decided by a vote (äänestys)
    rejected = "rejected"  # hylättiin
    other = "other"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Person(_Model):
    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None


AmountRole = Literal["applied", "granted", "own_share", "total_cost", "other"]

# What a record does with a project: applies for it, grants or accepts its
# funding, decides the municipality's own share, reports on it, closes it, or
# only names it.
ProjectStage = Literal["application", "grant", "acceptance", "own_share", "report", "closure", "mention"]


class Amount(_Model):
    """A sum of money a record states for a project: its value in euros, what
    it is (applied for, granted, the municipality's own share, the total
    cost), the year it is for where the text says, and the words as written
    ("0,3 milj. €", "enintään 120 000 euroa")."""

    euros: float
    role: AmountRole = "other"
    year: int | None = None
    text: str = ""


class FundedProject(_Model):
    """A funded project as one record names it.

    ``name`` and ``funder`` are as written; ``key`` is the project's
    normalised name (the same for "VALSSI", "VALSSI-hanke" and "VALSSI
    -digitaalinen laadunarviointijärjestelmä"), ``funders`` the normalised
    funders ("OKM", "ELY-keskus", "EAKR", "Heinolan kaupunki"), ``programme``
    the funding programme the project belongs to where the text names one
    (a ministry's special grant with many recipients), ``sentence`` the
    sentence that names the project in this record."""

    name: str
    funder: str | None = None  # as written, e.g. "opetus- ja kulttuuriministeriöltä" or "OKM/AVI"
    amount: str | None = None  # the first amount as written, e.g. "120 000 €"
    key: str = ""
    funders: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    stage: ProjectStage | None = None
    programme: str | None = None
    sentence: str | None = None


class Attachment(_Model):
    title: str
    url: str | None = None


class Section(_Model):
    heading: str
    text: str = ""


class Source(_Model):
    path: str
    format: str  # e.g. "minutes-text", "casem-pdf", "ahjo-json", "arkisto-json"
    page: int | None = None  # 1-based page where the item starts, where known
    record: int | None = None  # 0-based index of the item within the file


class Vote(_Model):
    """One voting in a meeting (Käsittely / VotingResults)."""

    description: str = ""
    result: str = ""


class PersonalSpan(_Model):
    """Personal data found in a record's text (ingest/personal.py): its kind,
    the field it is in ("decision", "sections.2.text"), its character offsets
    in that field, and how sure the finding is ("possible" for a name-like
    run in a sensitive decision that no role names)."""

    kind: Literal["hetu", "phone", "email", "address", "name"]
    field: str
    start: int
    end: int
    confidence: Literal["sure", "possible"] = "sure"


class Decision(_Model):
    kind: Literal["decision"] = "decision"
    id: str = ""
    municipality: str | None = None
    committee: str | None = None
    meeting_date: date | None = None
    section: str | None = None  # "§" number as written, e.g. "134"
    title: str | None = None
    case_id: str | None = None  # diaarinumero
    presenter: Person | None = None
    preparers: list[Person] = Field(default_factory=list)
    proposal: str | None = None  # päätösehdotus
    decision: str | None = None  # päätös
    outcome: Outcome | None = None
    authority: str | None = None  # toimivalta
    preparation: str | None = None  # valmistelu / selostus / esittelyteksti
    handling: str | None = None  # käsittely
    votes: list[Vote] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    funded_projects: list[FundedProject] = Field(default_factory=list)
    language: str | None = None  # "fi", "sv" where known
    # Fields filled in by inference rather than read from a label, e.g. a
    # title derived from the proposal, or a municipality from a file name.
    derived: list[str] = Field(default_factory=list)
    # Where each derived field came from: "header", "cover page", "file name" …
    derived_from: dict[str, str] = Field(default_factory=dict)
    source: Source
    # The same decision from other files (a bulletin and the API JSON, a
    # listing entry, a copy of the file): merged into this record, whose
    # fields came from the richest of them (search/merge.py).
    also: list[Source] = Field(default_factory=list)
    # Personal data in the text fields (ingest/personal.py); empty in records
    # written before it was looked for.
    personal: list[PersonalSpan] = Field(default_factory=list)
    # When the record first entered this index (UTC), kept when the same
    # record is indexed again; None in records indexed before it was kept.
    first_indexed: datetime | None = None

    @property
    def year(self) -> int | None:
        return self.meeting_date.year if self.meeting_date else None

    def citation(self) -> str:
        """"Kasvatus- ja opetuslautakunta 12.3.2025 § 45" with what is known."""
        parts = [self.committee or self.municipality or ""]
        if self.meeting_date:
            d = self.meeting_date
            parts.append(f"{d.day}.{d.month}.{d.year}")
        if self.section:
            parts.append(f"§ {self.section}")
        text = " ".join(p for p in parts if p)
        return text or (self.title or self.id)


class AnnualReport(_Model):
    kind: Literal["annual_report"] = "annual_report"
    id: str = ""
    organisation: str | None = None
    municipality: str | None = None
    year: int | None = None
    title: str | None = None
    sections: list[Section] = Field(default_factory=list)
    funded_projects: list[FundedProject] = Field(default_factory=list)
    language: str | None = None  # "fi", "sv" where known
    derived: list[str] = Field(default_factory=list)
    source: Source
    # The same decision from other files (a bulletin and the API JSON, a
    # listing entry, a copy of the file): merged into this record, whose
    # fields came from the richest of them (search/merge.py).
    also: list[Source] = Field(default_factory=list)
    # Personal data in the text fields (ingest/personal.py).
    personal: list[PersonalSpan] = Field(default_factory=list)
    # When the record first entered this index (UTC); see Decision.
    first_indexed: datetime | None = None

    def citation(self) -> str:
        # "Kauhavan kaupunki Tilinpäätös 2024", not "… 2024 2024" (cite.py
        # has the full form).
        year = str(self.year or "")
        return " ".join(p for p in [self.organisation, self.title, "" if year in (self.title or "") else year] if p)


Record = Annotated[Union[Decision, AnnualReport], Field(discriminator="kind")]


def stable_id(source: Source, *key: object) -> str:
    """A stable id for an item: the same item in the same file gets the same id.

    The key is the file's path as given plus the item's position and whatever
    identifies it inside the file (its §, its native id).  Content is left out
    on purpose so that a corrected re-publication of a file updates the record
    instead of adding a second one.
    """
    h = hashlib.sha1()
    for part in (source.format, _norm_path(source.path), *key):
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def _norm_path(path: str) -> str:
    import os

    return os.path.normcase(os.path.abspath(path))

