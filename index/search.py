"""Ranking passages for a question: dense, sentence-level and lexical evidence, fused.

Three signals, each min-max scaled over the candidate passages so that their
weights mean the same thing for every question:

* **dense**: the question against each passage embedded with its section title;
* **sentence**: the question against each sentence of a passage, best sentence wins;
* **lexical**: BM25 over passage and title, for exact tokens (symbols, acronyms);

then **late interaction** reranks the best 30 (``index/late.py``).  A document symbol
or resolution number named in the question (``A/56/167``, ``58/209``) gives the
passages that hold it a bonus as large as a whole signal.  Last, the other passages
of the best passage's section get a small lift (``SECTION_BONUS``); the best passage
stays first.  Near-identical passages are dropped so an answer shows distinct evidence.
Past ``2 * POOL`` passages a question scores its scope's passages alone, and a pool of them
(nearest by dense similarity, BM25's best) past ``2 * POOL`` in scope: what grows with a corpus.

What each part bought, and the many variants measured and not kept: docs/quality.md
("How it ranks", "Ablation") and docs/decisions.md ("Ranking").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from index import late
from index.derived import Derived
from index.embedder import Embedder, encode
from index.models import Passage
from index.store import LoadedIndex


class Mode(StrEnum):
    """Which signals rank passages: the full fusion, or one signal alone (for baselines and ablations)."""

    HYBRID = "hybrid"
    DENSE = "dense"
    SENTENCE = "sentence"
    LEXICAL = "lexical"


@dataclass(frozen=True)
class Weights:
    dense: float = 1.0
    sentence: float = 1.0
    lexical: float = 0.6

    @property
    def total(self) -> float:
        return self.dense + self.sentence + self.lexical


MODE_WEIGHTS = {
    Mode.HYBRID: Weights(),
    Mode.DENSE: Weights(1.0, 0.0, 0.0),
    Mode.SENTENCE: Weights(0.0, 1.0, 0.0),
    Mode.LEXICAL: Weights(0.0, 0.0, 1.0),
}
SYMBOL_BONUS = 1.0
SECTION_BONUS = 0.05
DUPLICATE_SIMILARITY = 0.97
POOL = 64
"""Passages a large scope takes by dense similarity, and by BM25, for a question to score in full.

64 instead of 256 gathers a quarter of the sentence vectors at 30x the report, and gave
the same first hits (docs/decisions.md, "Serving at 30x, and what keeps the Hit@1 gap")."""


@dataclass(frozen=True)
class Hit:
    """A ranked passage; ``score`` is higher for a better match (0 to 1 for the fusion)."""

    passage: Passage
    score: float
    row: int = -1


@dataclass(frozen=True)
class Signals:
    """Every signal for one question over the whole index, kept for answers and confidence.

    In a large index, the dense and sentence scores of the passages it did not score (out of
    scope, or out of the pool) are -1; their fused score is -inf.
    """

    query: np.ndarray
    dense: np.ndarray
    sentence: np.ndarray
    """Per sentence (in ``LoadedIndex.sentences`` order), not per passage."""
    best_sentence: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    late: np.ndarray | None = None
    """Late interaction of the reranked candidates (zeros elsewhere); None without token vectors."""


def top_rows(values: np.ndarray, count: int) -> np.ndarray:
    """The rows of the ``count`` largest ``values``, best first, ties in row order, as a stable sort gives.

    A partition finds the ``count``-th value first, so a large index sorts only what is kept.
    It partitions only the rows above the lowest value: out-of-scope rows (-inf) and BM25's
    zeros are most of a large index, and a partition over so many ties is ten times slower.
    """
    if count >= len(values):
        return np.argsort(-values, kind="stable")
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    lowest = values.min()
    above = np.flatnonzero(values > lowest)
    if len(above) < count:  # then the lowest rows, in row order
        best = above[np.argsort(-values[above], kind="stable")]
        return np.concatenate([best, np.flatnonzero(values == lowest)[: count - len(above)]])
    scores = values[above]
    threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
    kept: np.ndarray = above[scores >= threshold]
    ranked: np.ndarray = kept[np.argsort(-values[kept], kind="stable")][:count]
    return ranked


def _scaled(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Min-max scale over the candidates in ``mask``; zeros where all candidates tie."""
    out = np.zeros_like(values, dtype=np.float32)
    if not mask.any():
        return out
    low, high = float(values[mask].min()), float(values[mask].max())
    if high - low > 1e-9:
        out[mask] = (values[mask] - low) / (high - low)
    return out


class Retriever:
    """Ranks an index's passages for questions; one per loaded index version and mode.

    ``derived`` is the version's per-question data (``index/derived.py``); two
    retrievers of one version (a peer's mode beside the fusion) may share it.
    """

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        *,
        mode: Mode = Mode.HYBRID,
        derived: Derived | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.mode = mode
        self.weights = MODE_WEIGHTS[mode]
        self.derived = derived if derived is not None else Derived.of(index)

    def signals(self, question: str, *, section: str | None = None, document: str | None = None) -> Signals:
        """Score every passage (and sentence) for ``question``; out-of-scope passages score -inf."""
        (encoded,) = encode(self.embedder, [question])
        return self.signals_for(
            question, encoded.vector, tokens=encoded.tokens, section=section, document=document
        )

    def signals_for(
        self,
        question: str,
        query: np.ndarray,
        *,
        tokens: np.ndarray | None = None,
        section: str | None = None,
        document: str | None = None,
    ) -> Signals:
        """As ``signals``, for a question already embedded (the service batches embeddings).

        ``tokens`` are the question's token vectors; with them, and an index that has its
        passages', the best candidates are reranked by late interaction.  ``document``
        keeps one document's passages, and ``section`` then applies within it.
        """
        index, data = self.index, self.derived
        mask = data.scopes.mask(document=document, section=section)
        lexical = data.lexical.scores(data.acronyms.expand(question))
        bonus = SYMBOL_BONUS * data.lexical.symbol_matches(question)
        if len(index.passages) <= 2 * POOL:  # a small index: every passage and sentence, two products
            dense, sentence = index.all_scores(query), index.sentence_scores(query)
            best = data.best_sentences(sentence, len(index.passages))
        else:  # a large index: only the scope's passages, or a pool of them when the scope is large
            exact = None
            if int(mask.sum()) > 2 * POOL:
                # FAISS finds an unscoped question's nearest over its 8-bit codes, a quarter of the
                # bytes of the float product (memory traffic is what costs under load); a scope
                # takes the exact product within it.
                exact = None if index.approximate or bool(mask.all()) else index.all_scores(query)
                if exact is None:
                    near = index.nearest(query, POOL)
                else:
                    near = top_rows(np.where(mask, exact, -np.inf), POOL)
                mask = mask & self._pool(near, lexical, bonus, mask)
            dense, sentence, best = self._pool_scores(query, np.flatnonzero(mask), exact)
        w = self.weights
        if self.mode is not Mode.HYBRID or not bonus.any():
            bonus = np.zeros_like(bonus)
        summed = (
            w.dense * _scaled(dense, mask)
            + w.sentence * _scaled(best, mask)
            + w.lexical * _scaled(lexical, mask)
            + bonus
        )
        total = w.total + float(bonus.max())
        matched = None
        if self.mode is Mode.HYBRID and tokens is not None and index.tokens is not None and mask.any():
            candidates = np.zeros(len(mask), dtype=bool)
            order = top_rows(np.where(mask, summed, -np.inf), min(late.CANDIDATES, int(mask.sum())))
            candidates[order] = True
            matched = np.zeros(len(mask), dtype=np.float32)
            rows = np.flatnonzero(candidates)
            matched[rows] = index.tokens.scores(tokens, rows)
            summed = summed + late.WEIGHT * _scaled(matched, candidates)
            total += late.WEIGHT
        fused = np.where(mask, summed / total, -np.inf).astype(np.float32)
        if self.mode is Mode.HYBRID and mask.any():
            fused = self._lift_best_section(fused)
        return Signals(query, dense, sentence, best, lexical, fused, matched)

    def _pool(self, near: np.ndarray, lexical: np.ndarray, bonus: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The passages a large scope scores: the ``near``est by dense, BM25's best, any symbol match.

        Sentences are then scored for these passages only, which is what grows with a
        corpus.  A scope the pool barely reaches (a small document among many, on an
        approximate index) is scored whole, so a filter never loses its passages.
        """
        pool = np.zeros(len(mask), dtype=bool)
        pool[near] = True
        matched = top_rows(lexical, POOL)
        pool[matched[lexical[matched] > 0]] = True
        pool[bonus > 0] = True
        return pool if int((pool & mask).sum()) >= POOL // 4 else mask

    def _pool_scores(
        self, query: np.ndarray, rows: np.ndarray, exact: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dense, sentence and best-sentence scores of the passages in ``rows`` only (-1 elsewhere).

        ``exact`` is every passage's dense score when a flat index already gave it.  The
        pool's sentences are found from each passage's first sentence and count, and their 8-bit
        codes gathered (``LoadedIndex.sentence_scores_of``): neither a loop over the pool (1.2 ms
        at 30x the report) nor a scan of every sentence.
        """
        index = self.index
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        dense = np.full(len(index.passages), -1.0, dtype=np.float32)
        dense[rows] = exact[rows] if exact is not None else index.matrix[rows] @ vector
        numbers, having, offsets = self.derived.sentences_in(rows)
        scores = index.sentence_scores_of(numbers, vector)
        sentence = np.full(len(index.sentences), -1.0, dtype=np.float32)
        sentence[numbers] = scores
        best = np.full(len(index.passages), -1.0, dtype=np.float32)
        if len(having):
            best[having] = np.maximum.reduceat(scores, offsets)
        return dense, sentence, best

    def _lift_best_section(self, fused: np.ndarray) -> np.ndarray:
        """Add ``SECTION_BONUS`` to the best passage's section, rescaled so scores stay 0 to 1."""
        section_of = self.derived.section_of
        same = section_of == section_of[int(np.argmax(fused))]
        lifted: np.ndarray = (fused + SECTION_BONUS * same) / (1.0 + SECTION_BONUS)
        return lifted.astype(np.float32)

    def rank(self, signals: Signals, *, top_k: int) -> list[Hit]:
        """The ``top_k`` best passages, skipping any near-duplicate of a better one."""
        hits: list[Hit] = []
        looked = 0
        while len(hits) < top_k and looked < len(signals.fused):
            # Most questions need the first top_k rows; near-duplicates ask for more.
            order = top_rows(signals.fused, max(4 * top_k, 2 * looked))
            fresh, looked = order[looked:], len(order)
            if self._take(signals, fresh, hits, top_k):
                break
        return hits

    def _take(self, signals: Signals, rows: np.ndarray, hits: list[Hit], top_k: int) -> bool:
        """Add ``rows`` (best first) to ``hits`` up to ``top_k``, skipping near-duplicates; True when done."""
        index = self.index
        for row in rows:
            if not np.isfinite(signals.fused[row]) or len(hits) >= top_k:
                return True
            vector = index.matrix[row]
            if any(float(vector @ index.matrix[h.row]) >= DUPLICATE_SIMILARITY for h in hits):
                continue
            raw = signals.fused[row] if self.mode is Mode.HYBRID else self._raw_score(signals, int(row))
            hits.append(Hit(index.passages[row], float(raw), int(row)))
        return len(hits) >= top_k

    def _raw_score(self, signals: Signals, row: int) -> float:
        if self.mode is Mode.DENSE:
            return float(signals.dense[row])
        if self.mode is Mode.SENTENCE:
            return float(signals.best_sentence[row])
        return float(signals.lexical[row])

    def search(
        self, question: str, *, top_k: int = 5, section: str | None = None, document: str | None = None
    ) -> list[Hit]:
        """Ranked passages for ``question``, best first, within ``document`` and ``section`` when given."""
        return self.rank(self.signals(question, section=section, document=document), top_k=top_k)
