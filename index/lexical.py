"""Lexical matching: BM25 over passages, so exact tokens match exactly.

Document symbols (``A/56/167``), resolution numbers (``58/209``) and acronyms
(GATS, TOKTEN) are where embeddings are weakest and BM25 is strongest.  Each
passage is indexed with its section title, which is strong evidence of topic.
A question's acronyms that the report spells out ("ODA" for "official development
assistance", ``index/acronyms.py``) are matched by their phrase too.  Words are stemmed
(PyStemmer) and English stopwords dropped; a symbol made of parts
joined by ``/`` or ``.`` is also kept whole, so ``58/209`` matches ``58/209`` and not
every passage that mentions 58 and 209 apart.

BM25 uses ATIRE's idf, log(N / df): in a report on one topic, "migration" and
"development" stand in nearly every passage and should weigh nearly nothing,
which Lucene's smoothed idf does not quite give them.  Over our three question
sets it made no question rank worse and a few better (dev MRR@10 0.897 -> 0.900).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenized

from index.models import Passage

WORD = re.compile(r"[a-z0-9]+")
EXTRA_FILE = "lexical.json"
SYMBOL = re.compile(r"[a-z0-9]+(?:[/.][a-z0-9]+)+")


# bm25s's own tokenizer (scikit-learn's pattern, its English stopwords, a stemmer), applied here
# directly: bm25s.tokenize builds progress bars and a vocabulary on every call, ten times the cost
# of the tokenizing itself for a one-line question.  tests/index/test_lexical.py holds the two equal.
_SPLIT = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English stem BM25 indexes ``word`` (lower-case) under: "binaries" -> "binari"."""
    return str(_stemmer().stemWord(word))


def titled(passage: Passage) -> str:
    """What BM25 and the acronyms read of a passage: its section title, then its text."""
    return f"{passage.citation.title}\n{passage.text}"


def symbols(text: str) -> list[str]:
    """Document symbols and resolution numbers in ``text``, lower-cased: ``a/56/167``, ``58/209``."""
    return [s for s in SYMBOL.findall(text.lower()) if "/" in s or s.count(".") > 1]


def tokenize(text: str) -> list[str]:
    """Stemmed content words of ``text``, then its symbols whole, as BM25 sees them."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    # Cached: a question is scored against passages and against sentences, one tokenization each.
    words = [word for word in _SPLIT.findall(text.lower()) if word not in _STOPWORDS]
    return (*_stemmer().stemWords(words), *symbols(text))


def holders(per_text: Sequence[frozenset[str]]) -> dict[str, np.ndarray]:
    """Each symbol's rows: the texts that hold it, in order."""
    rows: dict[str, list[int]] = {}
    for row, found in enumerate(per_text):
        for symbol in found:
            rows.setdefault(symbol, []).append(row)
    return {symbol: np.array(found, dtype=np.int64) for symbol, found in rows.items()}


class LexicalIndex:
    """BM25 scores for every passage, and the corpus vocabulary (for spotting unknown words).

    Built from texts (``LexicalIndex(texts)``) at ingest and stored with the version
    (``save``/``load``): tokenizing a large corpus takes seconds, reading it back does not.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        tokens = [tokenize(text) for text in texts]
        self._bm25: bm25s.BM25 | None = None  # None: no text holds a word BM25 indexes (all stop words)
        if any(tokens):
            # Word ids in order of first use, so the stored index is the same bytes build to build
            # (bm25s numbers words in set order, which Python's salted str hash changes per process).
            vocabulary: dict[str, int] = {}
            ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in text] for text in tokens]
            self._bm25 = bm25s.BM25(method="atire")
            self._bm25.index(Tokenized(ids=ids, vocab=vocabulary), show_progress=False)
        self._symbols = [frozenset(symbols(text)) for text in texts]
        self._holders = holders(self._symbols)
        self.size = len(texts)
        self.vocabulary = frozenset(word for text in texts for word in WORD.findall(text.lower()))

    def save(self, folder: Path) -> None:
        """BM25's arrays (its own files) and the symbols and vocabulary (``lexical.json``) into ``folder``."""
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)
        extra = {
            "bm25": self._bm25 is not None,
            "size": self.size,
            "symbols": {str(row): sorted(found) for row, found in enumerate(self._symbols) if found},
            "vocabulary": sorted(self.vocabulary),
        }
        (folder / EXTRA_FILE).write_text(json.dumps(extra, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        extra = json.loads((folder / EXTRA_FILE).read_text(encoding="utf-8"))
        lexical = cls.__new__(cls)
        lexical._bm25 = bm25s.BM25.load(str(folder), show_progress=False) if extra.get("bm25", True) else None
        lexical.size = int(extra["size"])
        found = {int(row): frozenset(items) for row, items in extra["symbols"].items()}
        lexical._symbols = [found.get(row, frozenset()) for row in range(lexical.size)]
        lexical._holders = holders(lexical._symbols)
        lexical.vocabulary = frozenset(extra["vocabulary"])
        return lexical

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` (zeros when no query word is indexed)."""
        tokens = [] if self._bm25 is None else [t for t in tokenize(query) if t in self._bm25.vocab_dict]
        if not tokens or self._bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def symbol_matches(self, query: str) -> np.ndarray:
        """Per passage, the share of the query's symbols it holds (zeros when the query names none).

        A document symbol is an identifier: the passage that holds it is the one asked
        about, however the rest of the question is worded.
        """
        wanted = set(symbols(query))
        held = np.zeros(self.size, dtype=np.float32)
        for symbol in wanted:  # from each symbol's passages: no loop over the corpus (0.4 ms at 300x)
            rows = self._holders.get(symbol)
            if rows is not None:
                held[rows] += 1.0
        return held / len(wanted) if wanted else held

    def knows(self, word: str) -> bool:
        """Whether every alphanumeric part of ``word`` occurs somewhere in the corpus."""
        parts = WORD.findall(word.lower())
        return bool(parts) and all(part in self.vocabulary for part in parts)
