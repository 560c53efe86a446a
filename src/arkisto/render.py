"""A record laid out for reading, as labelled sections of plain text.  Used by
``arkisto show`` and by the TUI's detail pane (which styles the same parts)."""

from __future__ import annotations

from datetime import date

from .i18n import Strings
from .models import AnnualReport, Decision, Person


def fi_date(d: date | str | None) -> str:
    """A date the Finnish way (12.3.2024), from a date or an ISO string
    (``Hit.meeting_date``); "" for none, and a string that is not an ISO
    date as it is."""
    if not d:
        return ""
    if isinstance(d, str):
        try:
            y, m, day = d.split("-")
            return f"{int(day)}.{int(m)}.{y}"
        except ValueError:
            return d
    return f"{d.day}.{d.month}.{d.year}"


def euros(value: float) -> str:
    """120 000 €, 0,5 € : Finnish grouping, the sign after."""
    whole = abs(value - round(value)) < 0.005
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") + " €"


def amount_text(role: str, value: float, year: int | None, s: Strings) -> str:
    """"myönnetty 100 000 € (2023)"."""
    return f"{s('role_' + role)} {euros(value)}" + (f" ({year})" if year else "")


def amounts_line(amounts: dict[str, list[tuple[float, int | None]]], s: Strings) -> str:
    """A project's amounts by role on one line: "haettu 120 000 € (2023);
    myönnetty 100 000 € (2023)"."""
    return "; ".join(amount_text(role, e, y, s) for role, vals in amounts.items() for e, y in vals)


def project_lines(p, s: Strings) -> list[str]:
    """A record's funded project for reading: its name, funders, stage,
    programme, amounts (role, year) and the sentence that names it."""
    funders = ", ".join(p.funders) or p.funder or ""
    head = f"• {p.name}" + "".join(f" ({x})" for x in (funders, None if p.amounts else p.amount) if x)
    if p.stage:
        head += f" · {s('stage_' + p.stage)}"
    lines = [head]
    if p.programme:
        lines.append(f"  {s('project_programme')}: {p.programme}")
    if p.amounts:
        lines.append("  " + "; ".join(amount_text(a.role, a.euros, a.year, s) for a in p.amounts))
    if p.sentence:
        lines.append(f"  “{p.sentence}”")
    return lines


def person_line(p: Person) -> str:
    bits = [p.name]
    if p.title:
        bits.append(p.title)
    if p.phone:
        bits.append(f"p. {p.phone}")
    if p.email:
        bits.append(p.email)
    return ", ".join(bits)


def header_lines(rec: Decision | AnnualReport, s: Strings) -> list[str]:
    if isinstance(rec, AnnualReport):
        return [x for x in [rec.title or s("kind_annual_report"), " · ".join(
            x for x in [rec.municipality, rec.organisation, str(rec.year) if rec.year else ""] if x)] if x]
    meta = " · ".join(
        x for x in [rec.municipality, rec.committee, fi_date(rec.meeting_date), rec.section and f"§ {rec.section}"] if x
    )
    lines = [rec.title or rec.citation(), meta]
    if rec.case_id:
        lines.append(f"{s('case_id')}: {rec.case_id}")
    return [line for line in lines if line]


def record_sections(rec: Decision | AnnualReport, s: Strings) -> list[tuple[str, str]]:
    """(label, text) pairs in reading order; empty fields are left out."""
    out: list[tuple[str, str]] = []
    if isinstance(rec, Decision):
        people = []
        if rec.presenter:
            people.append((s("presenter"), person_line(rec.presenter)))
        for p in rec.preparers:
            people.append((s("preparers"), person_line(p)))
        out += people
        if rec.proposal:
            out.append((s("proposal"), rec.proposal))
        if rec.decision or rec.outcome:
            text = rec.decision or ""
            out.append((s("decision") + (f" ({s.outcome(rec.outcome.value)})" if rec.outcome else ""), text))
        if rec.handling:
            out.append((s("handling"), rec.handling))
        for v in rec.votes:
            out.append((s("votes"), "\n".join(x for x in (v.description, v.result) if x)))
        if rec.authority:
            out.append((s("authority"), rec.authority))
        if rec.preparation:
            out.append((s("preparation"), rec.preparation))
        if rec.attachments:
            out.append((s("attachments"), "\n".join(f"• {a.title}" + (f" ({a.url})" if a.url else "") for a in rec.attachments)))
    else:
        for sec in rec.sections:
            out.append((sec.heading, sec.text))
    if rec.funded_projects:
        out.append((s("funded_projects"), "\n".join(line for p in rec.funded_projects for line in project_lines(p, s))))
    # Its own source, then those of the same decision from other files.
    lines = []
    for src in [rec.source, *rec.also]:
        where = src.path + "".join(
            f", {label} {n}" for label, n in ((s("page"), src.page), (s("record"), None if src.record is None else src.record + 1)) if n
        )
        lines.append(f"{where} ({src.format})")
    out.append((s("source"), "\n".join(lines)))
    if rec.derived:
        derived_from: dict[str, str] = getattr(rec, "derived_from", {}) or {}
        out.append((s("derived"), ", ".join(
            (s(f) if s(f) != f else f) + (f" ({derived_from[f]})" if f in derived_from else "")
            for f in rec.derived)))
    return out


def record_lines(rec: Decision | AnnualReport, s: Strings | None = None) -> list[str]:
    s = s or Strings()
    lines = header_lines(rec, s)
    lines.append("")
    for label, text in record_sections(rec, s):
        lines.append(f"{label}:")
        lines += ["  " + line if line else "" for line in text.split("\n")]
        lines.append("")
    return lines
