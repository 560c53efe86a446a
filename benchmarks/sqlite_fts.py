"""The SQLite FTS5 baseline for benchmarks/bench.py.

    python benchmarks/sqlite_fts.py build DB DOCS_DIR     # full build, prints JSON stats
    python benchmarks/sqlite_fts.py update DB DOCS_DIR    # incremental: changed/deleted files
    python benchmarks/sqlite_fts.py search DB WORDS...    # one query, prints JSON (cold start)

The same corpus (arkisto JSON files) in one SQLite file:

- ``fts``: an FTS5 table over title, body (proposal, decision, handling,
  preparation, authority, attachment titles: what arkisto's body holds),
  people, projects and ident, tokenizer ``unicode61 remove_diacritics 0``
  (no stemming: a word matches only its own form);
- ``docs``: one row per record with the facet columns and the record's JSON
  (so hits are returned whole, as arkisto does);
- ``projects``: (doc, project, funder), the multi-valued facet;
- ``files``: path -> sha256, for incremental updates.

A query is the words ANDed (or one quoted phrase), ranked by
``bm25(fts, 3, 1, 1.5, 2, 4)`` (arkisto's field boosts), top 20 with a
snippet; the four facet counts (committee, presenter, year, funded project)
are GROUP BYs over the matches kept in a temp table.  As in arkisto, a
facet's own filter is left out when counting that facet.

No third-party imports: this is what a fresh process pays for.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

FACETS = ("committee", "presenter", "year", "funded_project")

SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, path TEXT NOT NULL,
    committee TEXT, presenter TEXT, year TEXT, municipality TEXT, kind TEXT, outcome TEXT,
    date TEXT, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_path ON docs(path);
CREATE INDEX IF NOT EXISTS docs_year_committee ON docs(year, committee);
CREATE TABLE IF NOT EXISTS projects(docid INTEGER NOT NULL, project TEXT NOT NULL, funder TEXT);
CREATE INDEX IF NOT EXISTS projects_doc ON projects(docid);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, people, projects, ident, tokenize = "unicode61 remove_diacritics 0");
"""


def connect(db: str | os.PathLike[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db))
    conn.executescript(SCHEMA)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS m(rowid INTEGER PRIMARY KEY)")
    return conn


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _records(data: bytes) -> list[dict]:
    obj = json.loads(data)
    if isinstance(obj, dict):
        obj = obj.get("records", [obj])
    return [r for r in obj if isinstance(r, dict) and r.get("kind") == "decision"]


def _body(r: dict) -> str:
    parts = [r.get(k) for k in ("proposal", "decision", "handling", "preparation", "authority")]
    parts += [a.get("title") for a in r.get("attachments", [])]
    return "\n\n".join(p for p in parts if p)


def _add_file(conn: sqlite3.Connection, path: Path, key: str) -> int:
    data = path.read_bytes()
    n = 0
    for r in _records(data):
        people = [r["presenter"]] if r.get("presenter") else []
        people += r.get("preparers", [])
        projects = r.get("funded_projects", [])
        date = r.get("meeting_date")
        ident = " ".join(x for x in (r.get("case_id"), r.get("section") and f"§{r['section']}", date) if x)
        cur = conn.execute(
            "INSERT INTO docs(id, path, committee, presenter, year, municipality, kind, outcome, date, record)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (r.get("id"), key, r.get("committee"), (r.get("presenter") or {}).get("name"),
             date[:4] if date else None, r.get("municipality"), r["kind"], r.get("outcome"), date,
             json.dumps(r, ensure_ascii=False)),
        )
        rowid = cur.lastrowid
        conn.executemany("INSERT INTO projects(docid, project, funder) VALUES (?,?,?)",
                         [(rowid, p["name"], p.get("funder")) for p in projects])
        conn.execute(
            "INSERT INTO fts(rowid, title, body, people, projects, ident) VALUES (?,?,?,?,?,?)",
            (rowid, r.get("title") or "", _body(r),
             " ".join(" ".join(x for x in (p.get("name"), p.get("title")) if x) for p in people),
             " ".join([p["name"] for p in projects] + [p["funder"] for p in projects if p.get("funder")]),
             ident),
        )
        n += 1
    return n


def _delete_path(conn: sqlite3.Connection, key: str) -> int:
    rows = [r[0] for r in conn.execute("SELECT rowid FROM docs WHERE path = ?", (key,))]
    conn.executemany("DELETE FROM fts WHERE rowid = ?", [(r,) for r in rows])
    conn.executemany("DELETE FROM projects WHERE docid = ?", [(r,) for r in rows])
    conn.execute("DELETE FROM docs WHERE path = ?", (key,))
    return len(rows)


def _files(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file())


def build(db: str | os.PathLike[str], docs_dir: str | os.PathLike[str]) -> dict:
    """A new database from every file under ``docs_dir``."""
    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(db) + suffix)
        except FileNotFoundError:
            pass
    conn = connect(db)
    n = 0
    files = _files(Path(docs_dir))
    with conn:
        for path in files:
            key = str(path.resolve())
            n += _add_file(conn, path, key)
            conn.execute("INSERT INTO files(path, sha256) VALUES (?,?)", (key, _sha(path)))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    conn.close()
    return {"files": len(files), "records": n, "doc_count": count, "seconds": time.perf_counter() - t0}


def update(db: str | os.PathLike[str], docs_dir: str | os.PathLike[str]) -> dict:
    """Re-index changed files, drop deleted ones, skip unchanged (by sha256)."""
    t0 = time.perf_counter()
    conn = connect(db)
    known = dict(conn.execute("SELECT path, sha256 FROM files"))
    root = str(Path(docs_dir).resolve())
    seen = set()
    changed = deleted = unchanged = 0
    with conn:
        for path in _files(Path(docs_dir)):
            key = str(path.resolve())
            seen.add(key)
            digest = _sha(path)
            if known.get(key) == digest:
                unchanged += 1
                continue
            if key in known:
                _delete_path(conn, key)
            _add_file(conn, path, key)
            conn.execute("INSERT OR REPLACE INTO files(path, sha256) VALUES (?,?)", (key, digest))
            changed += 1
        for key in known:
            if key not in seen and key.startswith(root + os.sep) and not os.path.exists(key):
                _delete_path(conn, key)
                conn.execute("DELETE FROM files WHERE path = ?", (key,))
                deleted += 1
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    conn.close()
    return {"files_changed": changed, "files_deleted": deleted, "files_unchanged": unchanged, "doc_count": count,
            "seconds": time.perf_counter() - t0}


def match_expr(words: list[str], phrase: bool) -> str:
    quoted = [w.replace('"', '""') for w in words]
    if phrase:
        return '"' + " ".join(quoted) + '"'
    return " ".join(f'"{w}"' for w in quoted)


def search(conn: sqlite3.Connection, words: list[str], phrase: bool = False,
           filters: dict[str, list[str]] | None = None, limit: int = 20) -> dict:
    """Top ``limit`` by bm25 with snippets and records, total, and the four facet counts."""
    filters = {k: v for k, v in (filters or {}).items() if v}
    expr = match_expr(words, phrase)

    def where(skip: str | None = None) -> tuple[str, list]:
        sql, args = [], []
        for f, vals in filters.items():
            if f == skip:
                continue
            marks = ",".join("?" * len(vals))
            if f == "funded_project":
                sql.append(f"d.rowid IN (SELECT docid FROM projects WHERE project IN ({marks}))")
            else:
                sql.append(f"d.{f} IN ({marks})")
            args += vals
        return (" AND " + " AND ".join(sql) if sql else ""), args

    conn.execute("DELETE FROM temp.m")
    conn.execute("INSERT INTO temp.m SELECT rowid FROM fts WHERE fts MATCH ?", (expr,))
    w, args = where()
    total = conn.execute(f"SELECT count(*) FROM temp.m JOIN docs d ON d.rowid = m.rowid WHERE 1{w}", args).fetchone()[0]
    hits = []
    if total and limit:
        rows = conn.execute(
            "SELECT d.id, d.record, bm25(fts, 3.0, 1.0, 1.5, 2.0, 4.0) AS score,"
            " snippet(fts, 1, '[', ']', '…', 24) FROM fts JOIN docs d ON d.rowid = fts.rowid"
            f" WHERE fts MATCH ?{w} ORDER BY score LIMIT ?", [expr, *args, limit]).fetchall()
        for id_, record, score, snip in rows:
            hits.append({"id": id_, "record": json.loads(record), "score": -score, "snippet": snip})
    facets = {}
    for f in FACETS:
        w, args = where(f)
        if f == "funded_project":
            sql = ("SELECT p.project, count(*) AS c FROM temp.m JOIN docs d ON d.rowid = m.rowid"
                   f" JOIN projects p ON p.docid = d.rowid WHERE 1{w} GROUP BY p.project")
        else:
            sql = (f"SELECT d.{f}, count(*) AS c FROM temp.m JOIN docs d ON d.rowid = m.rowid"
                   f" WHERE d.{f} IS NOT NULL{w} GROUP BY d.{f}")
        facets[f] = conn.execute(sql + " ORDER BY c DESC LIMIT 50", args).fetchall()
    return {"total": total, "hits": hits, "facets": facets}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 3 or argv[0] not in ("build", "update", "search"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    cmd, db, rest = argv[0], argv[1], argv[2:]
    if cmd == "build":
        out = build(db, rest[0])
    elif cmd == "update":
        out = update(db, rest[0])
    else:
        conn = connect(db)
        res = search(conn, rest)
        out = {"total": res["total"], "hits": [{"id": h["id"], "title": h["record"].get("title"),
                                               "snippet": h["snippet"]} for h in res["hits"]],
               "facets": res["facets"]}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
