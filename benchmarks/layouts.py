"""Unseen-layout benchmark: how well arkisto reads, and finds, decisions set
in layouts it has never seen (issue 13).

    .venv/bin/python benchmarks/layouts.py                           # the dev set
    .venv/bin/python benchmarks/layouts.py --set tests/fixtures/layouts/heldout
    .venv/bin/python benchmarks/layouts.py --misses --json out.json

A set is a folder with documents and a ``gold.json`` in the format of
LAYOUTS_SPEC.md (documents -> gold items; queries -> relevant items).  Every
document is parsed with ``arkisto.ingest.parse_path``, the product's own
entry point, and every file is indexed with
``arkisto.search.indexer.index_paths`` into a temporary index that
``SearchService.search(q, limit=10)`` queries.  The analyzer is the default
one of the process (Voikko when installed; ``ARKISTO_ANALYZER`` overrides).

What counts (exactly):

Matching records to gold items, per file, in three steps:
  1. a gold item with a § takes the first unmatched record of its file whose
     ``section`` is the same string (stripped);
  2. gold items without a § take, in gold order, the unmatched records of the
     file that have no section, in record order;
  3. if a file then has as many unmatched records as unmatched gold items,
     they are paired in order (a record that is the item but whose § was
     misread: found, with § wrong).  With unequal counts nothing more pairs.
  A gold item left unmatched is not found; a record left unmatched is an
  extra record.  items found = matched / gold items.

Fields, among matched items (share right = right / matched, "-" when none
matched; the JSON also has right / all gold items, which the CI floor uses):
  title, committee   equal after casefolding, collapsing whitespace and
                     stripping trailing punctuation (. , ; : ! ?).  A
                     committee read as an abbreviation ("Kh") is wrong; one
                     resolved to the full name is right because the gold IS
                     the full name.  No other leniency (dashes, word order
                     and inflection must match).
  section            the record's § string equals the gold's.
  meeting_date       the record's date in ISO form equals the gold's.
  presenter          the set of name tokens (letters, digits, hyphens;
                     casefolded) of ``presenter.name`` equals the gold's:
                     "Laine Liisa" = "Liisa Laine"; a title inside the name
                     ("Liisa Laine, tekninen johtaja") is wrong.
  outcome            the record's outcome value equals the gold's.
  case_id            equal after collapsing whitespace (case kept).
  municipality       equal after casefolding and collapsing whitespace; the
                     other language's name is wrong (the gold names the
                     municipality as the document does).
  language           equal.
  A gold null is right only when the record has nothing there (None or an
  empty string); a gold value is wrong when the record has nothing.

Search: a hit counts for a gold item when it comes from that file and has
that § (for a key "#n", the item without a §: a hit from that file with no
section).  recall@10 of a query = relevant items among the top 10 /
min(|relevant|, 10); a type's figure is the mean over its queries, overall
the mean over all queries.  A second, looser figure ("file") counts a
relevant item when any top-10 hit comes from its file, whatever its §: the
gap between the two is what search loses because decisions were not split
and numbered.

The script measures; it never asserts and exits 0 (2 for a usage error such
as a missing set).  tests/test_layouts.py runs the same functions and holds
the overall figures to floors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO / "tests" / "fixtures" / "layouts" / "dev"
FIELDS = ("title", "section", "committee", "meeting_date", "presenter", "outcome", "case_id", "municipality",
          "language")
QUERY_TYPES = ("exact", "inflected", "compound", "name", "topic", "phrase", "swedish")
LIMIT = 10


# --- the set ---------------------------------------------------------------------------


def load_set(set_dir: str | os.PathLike[str]) -> dict:
    """gold.json of a set, checked enough that a typo fails loudly."""
    set_dir = Path(set_dir)
    with open(set_dir / "gold.json", encoding="utf-8") as f:
        gold = json.load(f)
    for doc in gold["documents"]:
        if not (set_dir / doc["file"]).is_file():
            raise ValueError(f"gold.json names {doc['file']}, which is not in {set_dir}")
        keys = [it["key"] for it in doc["items"]]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{doc['file']}: duplicate item keys {keys}")
    for q in gold.get("queries", []):
        if q["type"] not in QUERY_TYPES:
            raise ValueError(f"query {q['q']!r}: unknown type {q['type']!r}")
        for file, key in q["relevant"]:
            doc = next((d for d in gold["documents"] if d["file"] == file), None)
            if doc is None or key not in {it["key"] for it in doc["items"]}:
                raise ValueError(f"query {q['q']!r}: relevant item {file} {key} is not in the gold")
    return gold


# --- comparison rules --------------------------------------------------------------------


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def norm_text(s: str) -> str:
    """Title/committee form: casefolded, whitespace collapsed, trailing punctuation stripped."""
    return _collapse(s).rstrip(".,;:!?").rstrip().casefold()


def name_tokens(s: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w-]+", s.casefold()))


def record_value(rec, field: str):
    """The record's value for a gold field, as a comparable plain value or None."""
    if field == "presenter":
        p = getattr(rec, "presenter", None)
        return (p.name or None) if p is not None else None
    if field == "meeting_date":
        d = getattr(rec, "meeting_date", None)
        return d.isoformat() if d else None
    if field == "outcome":
        o = getattr(rec, "outcome", None)
        return o.value if o is not None else None
    v = getattr(rec, field, None)
    if isinstance(v, str) and not v.strip():
        return None
    return v


def field_right(field: str, gold_value, rec_value) -> bool:
    """One field of one matched item, by the rules in the module docstring."""
    if gold_value is None:
        return rec_value is None
    if rec_value is None:
        return False
    if field in ("title", "committee", "municipality"):
        return norm_text(str(rec_value)) == norm_text(str(gold_value))
    if field == "presenter":
        return name_tokens(str(rec_value)) == name_tokens(str(gold_value))
    if field == "case_id":
        return _collapse(str(rec_value)) == _collapse(str(gold_value))
    if field == "section":
        return str(rec_value).strip() == str(gold_value).strip()
    return str(rec_value) == str(gold_value)


def match(items: list[dict], records: list) -> tuple[list[tuple[dict, object | None, str]], list]:
    """Pair one file's gold items with its records (steps 1-3 of the
    docstring).  Returns [(gold item, record or None, how)] in gold order and
    the unmatched records."""
    free = list(range(len(records)))  # indices: records may compare equal
    pairs: dict[int, tuple[object, str]] = {}

    def take(n: int, r: int, how: str) -> None:
        pairs[n] = (records[r], how)
        free.remove(r)

    for n, it in enumerate(items):
        if it.get("section"):
            r = next((r for r in free if getattr(records[r], "section", None) is not None
                      and str(records[r].section).strip() == str(it["section"]).strip()), None)
            if r is not None:
                take(n, r, "§")
    for n, it in enumerate(items):
        if not it.get("section"):
            r = next((r for r in free if not getattr(records[r], "section", None)), None)
            if r is not None:
                take(n, r, "order")
    left = [n for n in range(len(items)) if n not in pairs]
    if left and len(left) == len(free):
        for n, r in zip(left, list(free)):
            take(n, r, "leftover")
    out = [(it, *pairs.get(n, (None, ""))) for n, it in enumerate(items)]
    return out, [records[r] for r in free]


# --- parsing ------------------------------------------------------------------------------


def parse_set(set_dir: str | os.PathLike[str], gold: dict) -> dict[str, dict]:
    """Parse every gold document with parse_path.  file -> {records, problems, format, seconds}."""
    from arkisto.ingest import parse_path

    out = {}
    for doc in gold["documents"]:
        t0 = time.perf_counter()
        res = parse_path(Path(set_dir) / doc["file"])
        out[doc["file"]] = {
            "records": list(res.records),
            "format": res.format,
            "problems": [str(p) for p in res.problems],
            "seconds": time.perf_counter() - t0,
        }
    return out


def _show(v) -> str:
    return "—" if v is None else repr(v)


def score_parsing(gold: dict, parsed: dict[str, dict]) -> dict:
    """Per layout and overall: gold items, found, extra records, and per field
    the number right among matched items; plus every miss."""
    rows: dict[str, dict] = defaultdict(lambda: {"items": 0, "found": 0, "extra": 0, "records": 0,
                                                 "right": dict.fromkeys(FIELDS, 0), "by": defaultdict(int)})
    misses = []
    for doc in gold["documents"]:
        recs = parsed[doc["file"]]["records"]
        pairs, extra = match(doc["items"], recs)
        for row in (rows[doc["layout"]], rows["overall"]):
            row["items"] += len(doc["items"])
            row["records"] += len(recs)
            row["extra"] += len(extra)
        for it, rec, how in pairs:
            where = f"{doc['file']} {it['key']}"
            if rec is None:
                misses.append({"item": where, "field": "found", "read": None, "gold": it["title"],
                               "layout": doc["layout"]})
                continue
            for row in (rows[doc["layout"]], rows["overall"]):
                row["found"] += 1
                row["by"][how] += 1
            for field in FIELDS:
                got = record_value(rec, field)
                if field_right(field, it.get(field), got):
                    for row in (rows[doc["layout"]], rows["overall"]):
                        row["right"][field] += 1
                else:
                    misses.append({"item": where, "field": field, "read": got, "gold": it.get(field),
                                   "layout": doc["layout"]})
        for rec in extra:
            misses.append({"item": f"{doc['file']} (extra record)", "field": "extra",
                           "read": f"§ {getattr(rec, 'section', None)} {getattr(rec, 'title', None)!r}",
                           "gold": None, "layout": doc["layout"]})
    summary = {}
    for name, row in rows.items():
        found = row["found"]
        summary[name] = {
            "documents": sum(1 for d in gold["documents"] if name in ("overall", d["layout"])),
            "items": row["items"],
            "found": found,
            "recall": found / row["items"] if row["items"] else 0.0,
            "records": row["records"],
            "extra": row["extra"],
            "matched_by": dict(row["by"]),
            "fields": {f: (row["right"][f] / found if found else None) for f in FIELDS},
            # right / all gold items: unlike the share among found items it
            # cannot fall when more items are found (the CI floor uses it)
            "fields_of_all": {f: (row["right"][f] / row["items"] if row["items"] else 0.0) for f in FIELDS},
        }
    return {"summary": summary, "misses": misses}


# --- search --------------------------------------------------------------------------------


def index_set(set_dir: str | os.PathLike[str], gold: dict, index_dir: str | os.PathLike[str]):
    """Index exactly the gold documents (not the set's generator or gold.json)."""
    from arkisto.search.indexer import index_paths

    files = [Path(set_dir) / d["file"] for d in gold["documents"]]
    return index_paths(files, index_dir, rebuild=True)


def _hit_keys(rec, set_dir: Path, gold: dict) -> set[tuple[str, str]]:
    """The gold (file, key) pairs a hit's record stands for."""
    try:
        path = Path(rec.source.path).resolve()
    except (OSError, AttributeError):
        return set()
    sec = getattr(rec, "section", None)
    out = set()
    for doc in gold["documents"]:
        if (set_dir / doc["file"]).resolve() != path:
            continue
        for it in doc["items"]:
            if it["key"].startswith("#"):
                if not sec:
                    out.add((doc["file"], it["key"]))
            elif sec is not None and str(sec).strip() == it["key"]:
                out.add((doc["file"], it["key"]))
    return out


def _hit_files(rec, set_dir: Path, gold: dict) -> set[str]:
    try:
        path = Path(rec.source.path).resolve()
    except (OSError, AttributeError):
        return set()
    return {d["file"] for d in gold["documents"] if (set_dir / d["file"]).resolve() == path}


def evaluate_search(set_dir: str | os.PathLike[str], gold: dict, index_dir: str | os.PathLike[str],
                    limit: int = LIMIT) -> list[dict]:
    """Every query through SearchService.search(q, limit=10): per query the
    relevant items found (with rank), the misses and the top hits."""
    from arkisto.search.service import SearchService

    set_dir = Path(set_dir)
    results = []
    with SearchService(index_dir) as svc:
        for q in gold.get("queries", []):
            res = svc.search(q["q"], limit=limit)
            relevant = [tuple(r) for r in q["relevant"]]
            found: dict[tuple[str, str], int] = {}
            files_hit: set[str] = set()
            top = []
            for rank, hit in enumerate(res.hits, 1):
                if hit.record is not None:
                    files_hit |= _hit_files(hit.record, set_dir, gold)
                keys = _hit_keys(hit.record, set_dir, gold) if hit.record is not None else set()
                top.append({"rank": rank, "title": (hit.title or "")[:80], "section": hit.section,
                            "file": os.path.basename(hit.source.get("path", "")),
                            "relevant": bool(keys & set(relevant))})
                for k in keys:
                    if k in relevant:
                        found.setdefault(k, rank)
            results.append({
                "q": q["q"], "type": q["type"],
                "recall": len(found) / (min(len(relevant), limit) or 1),
                "recall_file": min(1.0, sum(1 for f, _k in relevant if f in files_hit)
                                   / (min(len(relevant), limit) or 1)),
                "found": {f"{f} {k}": r for (f, k), r in found.items()},
                "misses": [f"{f} {k}" for f, k in relevant if (f, k) not in found],
                "total": res.total, "top": top,
            })
    return results


def summarise_search(results: list[dict]) -> dict[str, dict]:
    out = {}
    groups = {t: [r for r in results if r["type"] == t] for t in QUERY_TYPES}
    groups["overall"] = list(results)
    for name, rs in groups.items():
        if rs:
            out[name] = {"queries": len(rs), "recall@10": sum(r["recall"] for r in rs) / len(rs),
                         "recall@10_file": sum(r["recall_file"] for r in rs) / len(rs)}
    return out


def run(set_dir: str | os.PathLike[str], index_dir: str | os.PathLike[str] | None = None) -> dict:
    """Everything: parse, score, index, search.  Used by main() and the CI floor."""
    set_dir = Path(set_dir)
    gold = load_set(set_dir)
    t0 = time.perf_counter()
    parsed = parse_set(set_dir, gold)
    t_parse = time.perf_counter() - t0
    scored = score_parsing(gold, parsed)
    with tempfile.TemporaryDirectory(prefix="arkisto-layouts-") as tmp:
        idx = Path(index_dir) if index_dir else Path(tmp) / "index"
        t0 = time.perf_counter()
        report = index_set(set_dir, gold, idx)
        t_index = time.perf_counter() - t0
        search = evaluate_search(set_dir, gold, idx)
    from arkisto.search import analysis

    return {
        "set": str(set_dir),
        "analyzer": analysis.analyzer_id(analysis.backend_name()),
        "parse_seconds": round(t_parse, 2),
        "index_seconds": round(t_index, 2),
        "indexed_records": report.records,
        "parsing": scored["summary"],
        "misses": scored["misses"],
        "search": {"summary": summarise_search(search), "queries": search},
        "formats": {f: p["format"] for f, p in parsed.items()},
    }


# --- report ---------------------------------------------------------------------------------

_SHORT = {"title": "title", "section": "§", "committee": "body", "meeting_date": "date", "presenter": "pres",
          "outcome": "outc", "case_id": "case", "municipality": "muni", "language": "lang"}


def parsing_table(summary: dict) -> str:
    head = f"{'layout':<30}{'docs':>5}{'items':>6}{'found':>7}{'extra':>6}" + "".join(
        f"{_SHORT[f]:>7}" for f in FIELDS)
    lines = [head, "-" * len(head)]
    names = sorted(n for n in summary if n != "overall") + ["overall"]
    for name in names:
        s = summary[name]
        if name == "overall":
            lines.append("-" * len(head))
        shares = "".join(f"{'-':>7}" if s["fields"][f] is None else f"{s['fields'][f]:>7.2f}" for f in FIELDS)
        lines.append(f"{name:<30}{s['documents']:>5}{s['items']:>6}{s['recall']:>7.2f}{s['extra']:>6}{shares}")
    return "\n".join(lines)


def search_table(summary: dict) -> str:
    lines = [f"{'query type':<14}{'queries':>8}{'R@10':>8}{'file':>8}", "-" * 38]
    for name in (*QUERY_TYPES, "overall"):
        if name in summary:
            if name == "overall":
                lines.append("-" * 38)
            s = summary[name]
            lines.append(f"{name:<14}{s['queries']:>8}{s['recall@10']:>8.3f}{s['recall@10_file']:>8.3f}")
    return "\n".join(lines)


def misses_report(result: dict) -> str:
    lines = ["Parsing misses (item, field: read | gold):"]
    for m in result["misses"]:
        if m["field"] == "found":
            lines.append(f"  {m['item']}: NOT FOUND  (gold title {m['gold']!r})")
        elif m["field"] == "extra":
            lines.append(f"  {m['item']}: {m['read']}")
        else:
            lines.append(f"  {m['item']}: {m['field']}: {_show(m['read'])} | {_show(m['gold'])}")
    lines.append("")
    lines.append("Search misses (query: missing items; top hits):")
    for q in result["search"]["queries"]:
        if q["recall"] >= 1.0:
            continue
        lines.append(f"  [{q['type']}] {q['q']}  R@10={q['recall']:.2f}  matches={q['total']}")
        for m in q["misses"]:
            lines.append(f"      MISS {m}")
        for t in q["top"][:3]:
            lines.append(f"      #{t['rank']} {t['file']} § {t['section']}: {t['title']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score arkisto on a set of unseen layouts (gold.json).")
    ap.add_argument("--set", default=str(DEFAULT_SET), help="the set folder (default: the dev set)")
    ap.add_argument("--json", metavar="OUT", help="write every figure, miss and top-10 list here")
    ap.add_argument("--misses", action="store_true", help="print every miss: item, field, read vs gold")
    args = ap.parse_args(argv)
    if not (Path(args.set) / "gold.json").is_file():
        print(f"layouts.py: no gold.json in {args.set}", file=sys.stderr)
        return 2
    try:
        result = run(args.set)
    except (ValueError, KeyError) as exc:  # a gold.json that does not follow the format
        print(f"layouts.py: {args.set}/gold.json: {exc}", file=sys.stderr)
        return 2
    p = result["parsing"]["overall"]
    print(f"set {result['set']}: {p['documents']} documents, {p['items']} gold items, {p['records']} records "
          f"read (parse {result['parse_seconds']} s, index {result['index_seconds']} s)")
    print()
    print("Reading (items found; extra records; share right among found items):")
    print(parsing_table(result["parsing"]))
    print(f"matched by: {p['matched_by']}")
    print()
    print("Search (recall@10: the item by file and §; file: any hit from the item's file):")
    print(search_table(result["search"]["summary"]))
    if args.misses:
        print()
        print(misses_report(result))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    raise SystemExit(main())
