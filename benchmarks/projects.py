"""Funded-project benchmark: precision and recall of the projects, funders
and amounts arkisto reads from the corpus, against a judged set (issue 17).

    .venv/bin/python benchmarks/projects.py --half dev
    .venv/bin/python benchmarks/projects.py --half heldout
    .venv/bin/python benchmarks/projects.py --half dev --misses
    .venv/bin/python benchmarks/projects.py --corpus benchmarks/projects_unseen \
        --set benchmarks/projects_unseen/set.json --half dev|heldout

Every file of the corpus is parsed with ``arkisto.ingest.parse_path`` (the
product's entry point).  A record is named ``<path in the corpus>#<record
index in its file>``.  The judged set (projects_set.json) lists, per half,
the records with the projects they name; a record not listed in "dev" is in
the held-out half, with no project unless "heldout" lists it, so the
held-out half also counts every project read where there is none.

What counts (exactly):
- project: (record, key) pairs; key = ``FundedProject.key`` (the name
  case-folded in records from before keys were filled).
- funder: (record, key, funder) triples over ``FundedProject.funders``.
- amount: (record, key, euros rounded to the euro, role) over ``amounts``;
  the same sum with the same role twice in one project counts once.
A funder or amount of a project that is not in the judged set is a false
positive (it pollutes the projects view as much as the project does).
precision = right / read, recall = right / judged; "-" when a side is empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from arkisto.projects import project_key

REPO = Path(__file__).resolve().parent.parent
# ../shared/corpus from the main checkout; from a worktree under wt/, one up more.
DEFAULT_CORPUS = next((d.resolve() for d in (REPO / ".." / "shared" / "corpus", REPO / ".." / ".." / "shared" / "corpus")
                       if d.is_dir()), (REPO / ".." / "shared" / "corpus").resolve())
DEFAULT_SET = Path(__file__).resolve().parent / "projects_set.json"


def read_corpus(corpus: Path, skip: frozenset[Path] = frozenset()) -> dict[str, list]:
    """Record name -> the record's funded projects, for every record parsed
    (the corpus's README and the files in ``skip`` left out)."""
    import arkisto.ingest.detect as detect
    from arkisto.ingest import parse_path

    detect.ISOLATE = False
    out: dict[str, list] = {}
    for path in sorted(p for p in corpus.rglob("*")
                       if p.is_file() and p.name != "README.md" and p.resolve() not in skip):
        try:
            res = parse_path(path)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        if res is None:
            continue
        rel = path.relative_to(corpus).as_posix()
        for i, rec in enumerate(res.records):
            out[f"{rel}#{i}"] = list(rec.funded_projects)
    return out


def triples(name: str, projects: list[dict] | list) -> tuple[set, set, set]:
    """The (project, funder, amount) sets of one record's projects, judged
    (dicts) or read (FundedProject)."""
    proj, fund, amt = set(), set(), set()
    for p in projects:
        if isinstance(p, dict):
            # A judged project by its key, or by its name as a person lists it.
            key = p["key"] if "key" in p else project_key(p["name"])
            funders = p["funders"]
            amounts = [(round(e), r) for e, r in p["amounts"]]
        else:
            # A record from before keys were filled: its name, as the search side falls back.
            key, funders = p.key or p.name.casefold(), p.funders
            amounts = [(round(a.euros), a.role) for a in p.amounts]
        proj.add((name, key))
        fund.update((name, key, f) for f in funders)
        amt.update((name, key, e, r) for e, r in amounts)
    return proj, fund, amt


def evaluate(read: dict[str, list], judged: dict[str, list], names: list[str]) -> dict:
    """Precision, recall and the misses over the records ``names``."""
    kinds = ("project", "funder", "amount")
    got = {k: set() for k in kinds}
    want = {k: set() for k in kinds}
    for name in names:
        for k, s in zip(kinds, triples(name, read.get(name, []))):
            got[k] |= s
        for k, s in zip(kinds, triples(name, judged.get(name, []))):
            want[k] |= s
    result = {}
    for k in kinds:
        right = got[k] & want[k]
        result[k] = {
            "precision": len(right) / len(got[k]) if got[k] else None,
            "recall": len(right) / len(want[k]) if want[k] else None,
            "right": len(right), "read": len(got[k]), "judged": len(want[k]),
            "false": sorted(map(str, got[k] - want[k])), "missed": sorted(map(str, want[k] - got[k])),
        }
    return result


def halves(judged_set: dict, read: dict[str, list]) -> dict[str, tuple[dict[str, list], list[str]]]:
    dev = judged_set["dev"]
    held = judged_set["heldout"]
    held_names = sorted((set(read) | set(held)) - set(dev))
    return {"dev": (dev, sorted(dev)), "heldout": (held, held_names)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--half", choices=("dev", "heldout"), default="dev")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--misses", action="store_true", help="list false and missed items")
    ap.add_argument("--json", type=Path, help="write the figures to this file")
    args = ap.parse_args(argv)
    judged_set = json.loads(args.set.read_text(encoding="utf-8"))
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (--corpus DIR)", file=sys.stderr)
        return 2
    read = read_corpus(args.corpus, frozenset({args.set.resolve()}))
    judged, names = halves(judged_set, read)[args.half]
    res = evaluate(read, judged, names)

    def fmt(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    print(f"half: {args.half}, {len(names)} records, corpus {args.corpus}")
    print(f"{'':8} {'P':>5} {'R':>5}   right/read/judged")
    for k, v in res.items():
        print(f"{k:8} {fmt(v['precision']):>5} {fmt(v['recall']):>5}   {v['right']}/{v['read']}/{v['judged']}")
    if args.misses:
        for k, v in res.items():
            for x in v["false"]:
                print(f"  false {k}: {x}")
            for x in v["missed"]:
                print(f"  missed {k}: {x}")
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
