"""Finnish analysis for the text fields.

The foundation analyzer is Whoosh's tokenizer + lower-casing + Finnish stop
words + the Finnish Snowball stemmer (hankkeet/hankkeen -> hank).  The index
records ``ANALYZER_ID``; a mismatch at query time asks for a rebuild."""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language

ANALYZER_ID = "snowball-fi/1"

# Words and numbers; keeps inner hyphens out (Päijät-Häme -> päijät, häme) but
# keeps decimals and section numbers ("23.1") together.
TOKEN = r"\w+(?:[.,]\d+)*"


@lru_cache(maxsize=1)
def finnish_analyzer():
    from whoosh.lang.snowball.finnish import FinnishStemmer

    stemmer = FinnishStemmer()
    stops = frozenset(stopwords_for_language("fi")) if stopwords_for_language("fi") else frozenset()
    return (
        RegexTokenizer(TOKEN)
        | LowercaseFilter()
        | StopFilter(stoplist=stops, minsize=1)
        | StemFilter(stemfn=stemmer.stem, cachesize=200_000)
    )
