"""The peers' recipes, run over the same documents as reportqa so the figures compare.

Each peer sees what a user of a plain RAG recipe would give it: every document's
canonical text (the text stored beside the index) split at blank lines into
paragraphs, with no sections, titles, footnotes or tuning.  Three recipes, as the
evaluation README describes them, each returning its top 10:

* BM25 over paragraphs (bm25s: its default Lucene scoring, English stopwords, no stemmer);
* dense over paragraphs (FAISS inner product over the untuned base model's unit vectors);
* hybrid: the two full rankings fused by reciprocal rank fusion, ``sum 1 / (k + rank)``
  with k = 60.

Over the raw report these reproduce the figures the evaluation README gives for the
peers on the dev sample (BM25 0.64 Hit@1, dense 0.36, hybrid 0.60); a stemmer, or fusing
only each one's top 10, moves them away.  A peer's confidence, for the no-answer AUROC,
is its top passage's score.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.embedder import Embedder

TOP_K = 10
RRF_K = 60
BM25 = "BM25 over paragraphs (bm25s)"
DENSE = "dense over paragraphs (FAISS inner product)"
HYBRID = "hybrid: BM25 + dense, reciprocal rank fusion"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph a peer ranks, and the document it comes from."""

    document: str
    text: str


@dataclass(frozen=True)
class Ranked:
    """A peer's result: the row of a paragraph in the corpus, and its score (higher is better)."""

    row: int
    score: float


class Peer(Protocol):
    name: str

    def rank(self, question: str) -> list[Ranked]: ...


def paragraphs(texts: Mapping[str, str]) -> list[Paragraph]:
    """Every document's text split at blank lines, trimmed, empty pieces dropped; documents by name."""
    return [
        Paragraph(document, piece.strip())
        for document in sorted(texts)
        for piece in _BLANK_LINE.split(texts[document])
        if piece.strip()
    ]


def top(scores: np.ndarray, k: int = TOP_K) -> list[Ranked]:
    """The ``k`` best rows by score, ties in row order (so a peer's ranking is reproducible)."""
    order = np.argsort(-scores, kind="stable")[:k]
    return [Ranked(int(row), float(scores[row])) for row in order]


def rrf(rankings: Sequence[Sequence[Ranked]], *, k: int = RRF_K, top_k: int = TOP_K) -> list[Ranked]:
    """Reciprocal rank fusion: each row scores ``sum 1 / (k + rank)`` over the rankings that hold it.

    Ranks count from 1.  Ties keep the order in which rows were first met, the first
    ranking's first.
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item.row] = fused.get(item.row, 0.0) + 1.0 / (k + rank)
    order = sorted(fused.items(), key=lambda pair: -pair[1])  # sorted() is stable
    return [Ranked(row, value) for row, value in order[:top_k]]


class Bm25Peer:
    """BM25 over paragraphs, as bm25s's quickstart builds it."""

    name = BM25

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self._bm25 = bm25s.BM25()
        self._bm25.index(self._tokens(list(texts)), show_progress=False)
        self.size = len(texts)

    @staticmethod
    def _tokens(texts: list[str]) -> list[list[str]]:
        import bm25s

        tokens: list[list[str]] = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
        return tokens

    def scores(self, question: str) -> np.ndarray:
        """The BM25 score of every paragraph (zeros when no word of the question is indexed)."""
        known = [t for t in self._tokens([question])[0] if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def rank(self, question: str, *, k: int = TOP_K) -> list[Ranked]:
        return top(self.scores(question), k)


class DensePeer:
    """Dense retrieval over paragraphs: a FAISS flat inner-product index of unit vectors."""

    name = DENSE

    def __init__(self, texts: Sequence[str], embedder: Embedder) -> None:
        import faiss

        self.embedder = embedder
        self._index = faiss.IndexFlatIP(embedder.dimension)
        if texts:
            self._index.add(np.ascontiguousarray(embedder.embed(list(texts)), dtype=np.float32))

    def rank(self, question: str, *, k: int = TOP_K) -> list[Ranked]:
        if self._index.ntotal == 0:
            return []
        query = np.ascontiguousarray(self.embedder.embed([question]), dtype=np.float32)
        scores, rows = self._index.search(query, min(k, self._index.ntotal))
        return [Ranked(int(row), float(value)) for row, value in zip(rows[0], scores[0], strict=True)]


class HybridPeer:
    """BM25 and dense, their full rankings fused by reciprocal rank fusion; the top 10."""

    name = HYBRID

    def __init__(self, bm25: Bm25Peer, dense: DensePeer) -> None:
        self.bm25 = bm25
        self.dense = dense

    def rank(self, question: str) -> list[Ranked]:
        every = max(self.bm25.size, 1)
        return rrf([self.bm25.rank(question, k=every), self.dense.rank(question, k=every)])


def build_peers(corpus: Sequence[Paragraph], embedder: Embedder) -> list[Peer]:
    """The three recipes over one corpus of paragraphs; ``embedder`` is the untuned base model."""
    texts = [p.text for p in corpus]
    bm25 = Bm25Peer(texts)
    dense = DensePeer(texts, embedder)
    return [bm25, dense, HybridPeer(bm25, dense)]
