"""Did-you-mean benchmark: what a suggestion costs and how often it is right.

    .venv/bin/python benchmarks/suggest.py INDEX_DIR [--n 200] [--seed 1]

Takes N words of the index's own lexicon (Finnish text field, document
frequency >= 2, 5+ letters), misspells each by one edit after its first
letter (drop, double, swap or change a letter), keeps the misspellings no
document has, and searches each (``SearchService.search``, limit 20, facets
counted as always) twice: as arkisto does (with the suggestion) and with the
suggestion switched off.  Prints the lexicon size, p50/p95 of both, how
often the suggestion is the word that was misspelt, and what reading each
first letter's words costs the first time (once per index generation).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "double", "swap", "change"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiouyäökltsnrm") + word[i + 1:]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("index")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    from arkisto.search.service import SearchService

    rng = random.Random(args.seed)
    with SearchService(args.index) as svc:
        px = svc.postings()
        lexicon = [b.decode("utf-8") for b in px.lexicon("text")]
        words = [w for w in lexicon if len(w) >= 5 and w.isalpha() and px.doc_frequency("text", w) >= 2]
        rng.shuffle(words)
        svc.search("hanke")  # warm: engine, facet arrays
        cases = []
        for w in words:
            typo = misspell(w, rng)
            if typo != w and not px.doc_frequency("text", typo) and not svc.search(typo, limit=0).total:
                cases.append((w, typo))
            if len(cases) >= args.n:
                break
        with_s, without_s, right, made = [], [], 0, 0
        real = svc._suggest
        for w, typo in cases:
            t0 = time.perf_counter()
            res = svc.search(typo, limit=20)
            with_s.append((time.perf_counter() - t0) * 1000)
            got = [n.params["suggestion"] for n in res.hints if getattr(n, "code", "") == "did_you_mean"]
            made += bool(got)
            right += got == [w]
            svc._suggest = lambda r, f: None  # type: ignore[method-assign]
            t0 = time.perf_counter()
            svc.search(typo, limit=20)
            without_s.append((time.perf_counter() - t0) * 1000)
            svc._suggest = real  # type: ignore[method-assign]
        n = len(cases)
        from arkisto.search.service import _Lexicon

        per_letter = {}
        lx = _Lexicon(px, "text")
        for letter in sorted({w[0] for w in lexicon if w}):
            t0 = time.perf_counter()
            lx._bucket(letter)
            per_letter[letter] = time.perf_counter() - t0
        worst = max(per_letter, key=lambda c: per_letter[c])
        print(f"index {args.index}: {svc.doc_count()} records, {len(lexicon)} terms in the text field")
        print(f"{n} misspelt words with no hits")
        print(f"search with suggestion:    p50 {statistics.median(with_s):.1f} ms, p95 {pct(with_s, 0.95):.1f} ms")
        print(f"search without suggestion: p50 {statistics.median(without_s):.1f} ms, p95 {pct(without_s, 0.95):.1f} ms")
        print(f"a suggestion made: {made}/{n}; the misspelt word itself: {right}/{n}")
        print(f"first suggestion for a letter reads its words once: all letters {sum(per_letter.values()):.2f} s, "
              f"the slowest letter ({worst!r}) {per_letter[worst] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
