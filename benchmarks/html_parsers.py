"""Which HTML library arkisto parses with: speed on the corpus's HTML and
robustness against broken markup, for selectolax (lexbor), lxml (libxml2)
and the standard library's HTMLParser (the hand-written tokenizer arkisto
had before).  The measurements that chose the dependency (issue 13).

    .venv/bin/pip install selectolax lxml      # both, to compare
    .venv/bin/python benchmarks/html_parsers.py [--corpus ../shared/corpus] [--repeat 5]

Speed: every HTML page of the corpus (Espoo Dynasty pages, Helsinki Ahjo
bulletins), the HTML fragments in Ahjo's decisions.json (Content, Motion),
the CaseM source HTML inside the Lapua PDFs' metadata, and the dev set's
HTML layouts (tests/fixtures/layouts/dev/*html*).  Each library parses the
decoded text and walks the whole tree, collecting every text node: what a
reader does.  The best of --repeat runs is reported.

Robustness: hand-made broken inputs (unclosed tags, stray "<", 2 MB of
unclosed tags, NUL bytes, windows-1252 bytes, 100 000 nested divs …).  For
each: the time, whether it raised, and whether the text that follows the
damage still comes out ("kept"), which is what a user would notice.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


# --- the readers ---------------------------------------------------------------


_HIDDEN = {"script", "style"}


def walk_selectolax(markup: str) -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    out = []
    for node in tree.root.traverse(include_text=True) if tree.root else ():
        if node.tag == "-text" and (node.parent is None or node.parent.tag not in _HIDDEN):
            out.append(node.text_content or "")
    return out


def walk_lxml(markup: str) -> list[str]:
    import lxml.html

    if not markup.strip():
        return []
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.document_fromstring(markup, parser=parser)
    out = []
    for el in root.iter():
        if isinstance(el.tag, str):
            if el.text and el.tag not in _HIDDEN:
                out.append(el.text)
        if el.tail:
            out.append(el.tail)
    return out


def walk_stdlib(markup: str) -> list[str]:
    from html.parser import HTMLParser

    out: list[str] = []

    class P(HTMLParser):
        def handle_data(self, data: str) -> None:
            if self.lasttag not in _HIDDEN:
                out.append(data)

    p = P(convert_charrefs=True)
    p.feed(markup)
    p.close()
    return out


def walk_arkisto(markup: str) -> list[str]:
    """arkisto's reader (selectolax behind its two guards), block by block."""
    from arkisto.ingest.html_dom import parse

    return [b.text for b in parse(markup).blocks()]


READERS = {"selectolax": walk_selectolax, "lxml": walk_lxml, "stdlib": walk_stdlib, "arkisto": walk_arkisto}


def available() -> dict:
    out = {}
    for name, fn in READERS.items():
        try:
            fn("<p>x</p>")
            out[name] = fn
        except ImportError:
            print(f"({name} is not installed: left out)")
    return out


# --- the corpus ------------------------------------------------------------------


def corpus_pages(corpus: Path) -> dict[str, list[str]]:
    from arkisto.text import decode_bytes

    groups: dict[str, list[str]] = {}
    for p in sorted((corpus / "espoo-dynasty").glob("*.htm*")):
        groups.setdefault("espoo-dynasty pages", []).append(decode_bytes(p.read_bytes())[0])
    for p in sorted((corpus / "helsinki-ahjo" / "meetings").glob("*.htm*")):
        groups.setdefault("ahjo bulletins", []).append(decode_bytes(p.read_bytes())[0])
    dec = corpus / "helsinki-ahjo" / "decisions.json"
    if dec.exists():
        for r in json.loads(dec.read_text("utf-8"))["decisions"]:
            for k in ("Content", "Motion"):
                if r.get(k):
                    groups.setdefault("ahjo Content/Motion", []).append(r[k])
    import pypdf

    for p in sorted((corpus / "lapua-cloudnc").glob("*.pdf")):
        md = pypdf.PdfReader(str(p)).metadata or {}
        keys = sorted((int(str(k).rsplit("_", 1)[1]), k) for k in md if str(k).startswith("/casem-source-html_"))
        if keys:
            raw = base64.b64decode(re.sub(r"\s+", "", "".join(str(md[k]) for _, k in keys)))
            groups.setdefault("casem source HTML", []).append(raw.decode("utf-8", "replace"))
    for p in sorted((ROOT / "tests" / "fixtures" / "layouts" / "dev").glob("*html*/*.htm*")):
        groups.setdefault("dev layouts", []).append(decode_bytes(p.read_bytes())[0])
    return groups


def best_of(fn, pages: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for page in pages:
            fn(page)
        best = min(best, time.perf_counter() - t)
    return best


# --- broken markup -----------------------------------------------------------------

MARK = "KEPT-AFTER"


def broken_cases() -> dict[str, str]:
    cp1252 = b"<html><head><meta charset=windows-1252></head><body><p>P\xe4\xe4t\xf6s \x96 hyv\xe4ksyttiin</p>"
    return {
        "unclosed p/div/li/td": "<div><p>a<p>b<ul><li>c<li>d</ul><table><tr><td>e<td>f<tr><td>g</table><p>" + MARK,
        "stray <": "<p>a < b, 3<4, <<x, <-- no, < /p></p><p>" + MARK + "</p>",
        "2 MB '<a <a <a …' (never closed)": "<p>start</p>" + "<a " * 700_000 + MARK,
        "2 MB unclosed <div>": "<p>start</p>" + "<div>x" * 350_000 + MARK,
        "2 MB unclosed <b><i>": "<p>start" + "<b><i>y" * 250_000 + MARK,
        "NUL bytes in text": "<p>before\x00after</p><p>" + MARK + "</p>",
        "NUL byte in a tag": "<p cla\x00ss='x'>a</p><p>" + MARK + "</p>",
        "windows-1252, decoded": cp1252.decode("cp1252") + "<p>" + MARK + "</p>",
        "windows-1252, decoded as UTF-8 with U+FFFD": cp1252.decode("utf-8", "replace") + "<p>" + MARK + "</p>",
        "10 000 nested divs": "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "<p>" + MARK + "</p>",
        "100 000 nested divs, unclosed": "<div>" * 100_000 + "deep " + MARK,
        "unclosed comment": "<p>a</p><!-- never closed <p>" + MARK,
        "unclosed <script>": "<p>a</p><script>var x = '<p>'; <p>" + MARK,
        "text after </html>": "<html><body><p>a</p></body></html><p>" + MARK + "</p>",
        "junk <!DOCTYPE in the middle": "<p>a</p><!DOCTYPE html><html><p>" + MARK + "</p>",
        "'</' and '<!' junk": "<p>a</ </ x></p><! ><p>" + MARK + "</p>",
    }


def _one(rname: str, case: str, conn) -> None:
    """In a child process: one reader on one broken input."""
    fn = READERS[rname]
    markup = broken_cases()[case]
    t = time.perf_counter()
    try:
        texts = fn(markup)
        verdict = "kept" if MARK in "".join(texts) else "LOST"
    except Exception as exc:  # what we measure: does it raise
        verdict = f"RAISED {type(exc).__name__}"
    conn.send(f"{verdict} {time.perf_counter() - t:.3f}s")


def robustness(readers: dict, timeout: float) -> list[tuple[str, dict[str, str]]]:
    """Each case in a child of its own, so that a hang or a crash of one
    reader is measured, not suffered."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    rows = []
    for case in broken_cases():
        row = {}
        for rname in readers:
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_one, args=(rname, case, child))
            proc.start()
            if parent.poll(timeout):
                row[rname] = parent.recv()
            else:
                row[rname] = f"crashed (exit {proc.exitcode})" if proc.exitcode not in (None, 0) else f"> {timeout:.0f}s, stopped"
            proc.kill()
            proc.join()
        rows.append((case, row))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str((ROOT / ".." / "shared" / "corpus").resolve()))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per broken input and reader")
    args = ap.parse_args()
    readers = available()
    groups = corpus_pages(Path(args.corpus))
    print("parse + walk every text node, best of", args.repeat, "(ms)")
    print(f"{'group':32} {'pages':>5} {'MB':>6} " + " ".join(f"{n:>11}" for n in readers))
    total = {n: 0.0 for n in readers}
    for g, pages in groups.items():
        mb = sum(len(p.encode()) for p in pages) / 1e6
        times = {n: best_of(fn, pages, args.repeat) for n, fn in readers.items()}
        for n in readers:
            total[n] += times[n]
        print(f"{g:32} {len(pages):5} {mb:6.2f} " + " ".join(f"{times[n] * 1000:11.1f}" for n in readers))
    print(f"{'total':32} {'':5} {'':6} " + " ".join(f"{total[n] * 1000:11.1f}" for n in readers))
    print()
    print("broken markup: does the text after the damage come out (and the time)")
    for name, row in robustness(readers, args.timeout):
        print(f"  {name:46} " + "  ".join(f"{n}: {v:22}" for n, v in row.items()))


if __name__ == "__main__":
    main()
