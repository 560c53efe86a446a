"""Personal data detection on the labelled set (tests/fixtures/personal).

Precision and recall per kind, and how many officials' contact details (and
other decoys: dates, case ids, property and business ids, invoice numbers,
codes with a wrong check character) were flagged.

    .venv/bin/python benchmarks/personal.py                 # the dev half
    .venv/bin/python benchmarks/personal.py --half heldout  # measure only at the end
    .venv/bin/python benchmarks/personal.py --half all --misses

A found span counts for a labelled one when they are of the same kind (the
three contact kinds each their own), in the same field, and overlap by at
least half of their union.  Every other found span is a false positive,
whether it falls on a decoy or on the real text.  Names labelled "possible"
(a name in a sensitive decision without a role) are scored on their own line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "fixtures" / "personal"
sys.path.insert(0, str(FIXTURES))

import generate  # noqa: E402

from arkisto.ingest.personal import detect  # noqa: E402
from arkisto.models import Decision  # noqa: E402

ROWS = [("identity codes", {"hetu"}, "sure"), ("private contact details", {"phone", "email", "address"}, "sure"),
        ("  phone", {"phone"}, "sure"), ("  e-mail", {"email"}, "sure"), ("  address", {"address"}, "sure"),
        ("names in the listed roles", {"name"}, "sure"), ("names in sensitive decisions (possible)", {"name"}, "possible")]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 and inter > 0 else 0.0


def score(items: list[dict]) -> dict:
    """Counts per row, decoys flagged, and the misses."""
    tp = {r[0]: 0 for r in ROWS}
    fp = {r[0]: 0 for r in ROWS}
    fn = {r[0]: 0 for r in ROWS}
    decoys_flagged: dict[str, int] = {}
    decoys_total: dict[str, int] = {}
    misses: list[str] = []
    for item in items:
        rec = Decision.model_validate(item["record"])
        found = [(s.kind, s.field, s.start, s.end, s.confidence) for s in detect(rec)]
        gold = [(g["kind"], g["field"], g["start"], g["end"], g.get("confidence", "sure")) for g in item["gold"]]
        matched_found: set[int] = set()
        for g in gold:
            hit = None
            for i, f in enumerate(found):
                if i not in matched_found and f[0] == g[0] and f[1] == g[1] and _overlap(f[2:4], g[2:4]) >= 0.5:
                    hit = i
                    break
            for label, kinds, conf in ROWS:
                if g[0] in kinds and g[4] == conf:
                    if hit is None:
                        fn[label] += 1
                    else:
                        tp[label] += 1
            if hit is None:
                text = rec_text(rec, g[1])
                misses.append(f"missed {g[0]} {text[g[2]:g[3]]!r} in …{text[max(0, g[2] - 50):g[2]]!r}")
            else:
                matched_found.add(hit)
        for i, f in enumerate(found):
            if i in matched_found:
                continue
            # A found span on a gold span of another confidence is not counted twice.
            for label, kinds, conf in ROWS:
                if f[0] in kinds and (f[4] == conf or conf == "sure" and not any(
                        g[0] == f[0] and _overlap(f[2:4], g[2:4]) >= 0.5 for g in gold)):
                    if f[4] == conf:
                        fp[label] += 1
            text = rec_text(rec, f[1])
            misses.append(f"false {f[0]} {text[f[2]:f[3]]!r} in …{text[max(0, f[2] - 50):f[2]]!r}")
        for d in item["decoys"]:
            decoys_total[d["kind"]] = decoys_total.get(d["kind"], 0) + 1
            if any(f[1] == d["field"] and _overlap(f[2:4], (d["start"], d["end"])) > 0 for f in found):
                decoys_flagged[d["kind"]] = decoys_flagged.get(d["kind"], 0) + 1
    return {"tp": tp, "fp": fp, "fn": fn, "decoys_flagged": decoys_flagged, "decoys_total": decoys_total,
            "misses": misses}


def rec_text(rec: Decision, field: str) -> str:
    from arkisto.ingest.personal import field_text

    return field_text(rec, field) or ""


def table(half: str, s: dict) -> str:
    lines = [f"set: {half}", f"{'figure':<42} {'labelled':>8} {'found':>6} {'P':>6} {'R':>6}"]
    for label, _, _ in ROWS:
        tp, fp, fn = s["tp"][label], s["fp"][label], s["fn"][label]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"{label:<42} {tp + fn:>8} {tp + fp:>6} {p:>6.2f} {r:>6.2f}")
    official = s["decoys_flagged"].get("official", 0)
    lines.append(f"officials' contact details flagged: {official} of {s['decoys_total'].get('official', 0)}")
    others = {k: f"{s['decoys_flagged'].get(k, 0)}/{n}" for k, n in sorted(s["decoys_total"].items()) if k != "official"}
    lines.append("other decoys flagged: " + ", ".join(f"{k} {v}" for k, v in others.items()))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--half", choices=["dev", "heldout", "all"], default="dev")
    ap.add_argument("--misses", action="store_true", help="print every miss and false find")
    ap.add_argument("--json", metavar="OUT", help="write the counts here")
    args = ap.parse_args()
    items = [i for i in generate.items() if args.half == "all" or i["half"] == args.half]
    s = score(items)
    print(f"{len(items)} records, {sum(len(i['gold']) for i in items)} labelled spans, "
          f"{sum(len(i['decoys']) for i in items)} decoys")
    print(table(args.half, s))
    if args.misses:
        print("\n".join(s["misses"]))
    if args.json:
        Path(args.json).write_text(json.dumps({k: v for k, v in s.items() if k != "misses"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
