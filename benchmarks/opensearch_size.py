"""Sizes for docs/scale.md: bytes per record of arkisto's own index, of the
OpenSearch bulk file and its _source, and of a Lucene index of the same
documents laid out as docs/scale.md's mapping asks.

    arkisto export --index IX --format opensearch-bulk -o BULK   # writes BULK.mapping.json too
    python benchmarks/opensearch_size.py BULK [--arkisto-index IX] [--lucene]

--lucene compiles benchmarks/LuceneSize.java against Debian's
liblucene8-java (``apt-get install liblucene8-java``; Lucene 8.7, the
generation OpenSearch 1.x is built on) and indexes the documents twice:
stored fields with LZ4 (OpenSearch's ``index.codec: default``) and with
DEFLATE (``best_compression``), each force-merged to one segment.  No
server: what OpenSearch adds around Lucene (translog, the _recovery_source
of a fresh shard, replicas) is not in the figure; docs/scale.md says how
much to allow for it."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
JARS = ("/usr/share/java/lucene-core-8.7.0.jar", "/usr/share/java/lucene-analyzers-common-8.7.0.jar")


def _epoch_ms(value: str, fmt: str) -> int:
    if fmt == "strict_date":
        d = date.fromisoformat(value)
        return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp() * 1000)
    dt = datetime.fromisoformat(value)
    return int((dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp() * 1000)


def _flat_lines(doc: dict, props: dict, excluded: set[str]):
    """The document as LuceneSize.java reads it: kind, field, value."""
    yield "id", "_id", doc["id"]
    source = {k: v for k, v in doc.items() if k not in excluded}
    yield "source", "_source", json.dumps(source, ensure_ascii=False, separators=(",", ":"))
    for name, value in doc.items():
        spec = props[name]
        kind = spec["type"]
        values = value if isinstance(value, list) else [value]
        for v in values:
            if kind == "keyword":
                v = v.lower() if spec.get("normalizer") else v
                yield ("keyword" if spec.get("doc_values", True) else "keyword_nodv"), name, v
            elif kind == "text":
                yield ("freqs" if spec.get("index_options") == "freqs" else "text"), name, v
            elif kind == "date":
                yield "long", name, str(_epoch_ms(v, spec["format"]))
            elif kind == "scaled_float":
                yield "long", name, str(round(v * spec["scaling_factor"]))
            elif kind in ("integer", "long"):
                yield "long", name, str(v)
            # object with enabled: false: only in _source


def measure_bulk(bulk: Path, flat: Path | None) -> dict:
    body = json.loads(Path(str(bulk) + ".mapping.json").read_text(encoding="utf-8"))
    props = body["mappings"]["properties"]
    excluded = set(body["mappings"]["_source"]["excludes"])
    n = 0
    sums = {"bulk_line": 0, "source": 0, "record": 0, "tokens": 0, "text_positions": 0, "parts_tokens": 0}
    terms: set[str] = set()
    out = open(flat, "w", encoding="utf-8") if flat else None
    with open(bulk, encoding="utf-8") as fh:
        for action in fh:
            line = fh.readline()
            doc = json.loads(line)
            n += 1
            sums["bulk_line"] += len(action.encode()) + len(line.encode())
            source = {k: v for k, v in doc.items() if k not in excluded}
            sums["source"] += len(json.dumps(source, ensure_ascii=False, separators=(",", ":")).encode())
            sums["record"] += len(json.dumps(doc["record"], ensure_ascii=False, separators=(",", ":")).encode())
            sums["tokens"] += sum(len(doc.get(f, "").encode()) for f in excluded)
            sums["text_positions"] += len((doc.get("text") or doc.get("text_sv") or "").split())
            sums["parts_tokens"] += len(doc.get("parts", "").split())
            for word in doc.get("text", "").split():
                terms.update(word.split("|"))
            if out:
                for kind, name, value in _flat_lines(doc, props, excluded):
                    out.write(f"{kind}\t{name}\t{value}\n")
                out.write("\n")
    if out:
        out.close()
    return {"docs": n, **{f"{k}_per_doc": round(v / n) for k, v in sums.items()},
            "distinct_text_terms": len(terms)}


POSITIONS_SAMPLE = "päätös tuli|tulla lupa joka|joki|jokin"


def lucene(flat: Path, mode: str) -> dict:
    cp = ":".join(JARS)
    with tempfile.TemporaryDirectory() as tmp:
        classes = Path(tmp) / "classes"
        subprocess.run(["javac", "-cp", cp, "-d", str(classes), str(HERE / "LuceneSize.java")], check=True)
        java = ["java", "-Xmx1g", "-cp", f"{cp}:{classes}", "LuceneSize"]
        ix = Path(tmp) / "ix"
        r = subprocess.run([*java, str(flat), str(ix), mode], check=True, capture_output=True, text=True)
        out = json.loads(r.stdout)
        # The readings of a word at one position, as the mapping's analyser reads them.
        r = subprocess.run([*java, "--positions", POSITIONS_SAMPLE], check=True, capture_output=True, text=True)
        out["positions"] = r.stdout.strip()
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bulk", type=Path, help="an opensearch-bulk export (BULK.mapping.json beside it)")
    ap.add_argument("--arkisto-index", type=Path, help="the arkisto index it was exported from")
    ap.add_argument("--lucene", action="store_true", help="also index it with Lucene 8.7 (liblucene8-java)")
    args = ap.parse_args(argv)
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        flat = Path(tmp) / "flat.tsv" if args.lucene else None
        report["bulk"] = measure_bulk(args.bulk, flat)
        n = report["bulk"]["docs"]
        if args.arkisto_index:
            current = (args.arkisto_index / "CURRENT").read_text().strip()
            gen = args.arkisto_index / current
            size = sum(p.stat().st_size for p in gen.rglob("*") if p.is_file())
            report["arkisto_index"] = {"bytes": size, "per_doc": round(size / n)}
        if args.lucene:
            if not all(Path(j).exists() for j in JARS) or shutil.which("javac") is None:
                print("--lucene needs javac and liblucene8-java", file=sys.stderr)
                return 2
            for mode in ("default", "best_compression"):
                res = lucene(flat, mode)
                res["per_doc"] = round(res["bytes"] / res["docs"])
                res["per_doc_by_extension"] = {k: round(v / res["docs"]) for k, v in res.pop("by_extension").items()}
                report[f"lucene_{mode}"] = res
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
