"""Late interaction: every word piece of the question against its best match in a passage.

The passage vector and the best sentence's vector each squeeze a text into one
point; a question that shares the passage's topic with several neighbours ranks
them nearly alike.  Matching token by token, as ColBERT does (the mean over the
question's word pieces of the best cosine with any word piece of the passage),
tells them apart by which passage holds the question's very words and their
paraphrases, in context.  Here the token vectors are the tuned MiniLM's own last
layer, as the model already computes them for its mean-pooled vector: no second
model, and the question's come out of the same forward pass.

It reranks the best ``CANDIDATES`` passages of the other signals, weighed
``WEIGHT`` against their 2.6 (``index/search.py``).  Over our five question sets
(286 answerable questions; extra and extra2 on indexes tuned without them),
Hit@1 0.825 -> 0.864, MRR@10 0.889 -> 0.909, Hit@5 0.965 -> 0.969: three sets
better (extra4, written last, 0.756 -> 0.829), dev and extra the same.  The model's
384 dimensions and 20 candidates gave the same Hit@1 (MRR 0.912, Hit@5 0.979) at
four times the cost (0.45 against 0.1 ms a question); 64 dimensions, or
20 or 30 candidates, or all passages, moved a question or two per set either way;
weight 1 gave half the gain, 1.5-3 the same.  The weight was chosen over the five
sets together; the untuned model, which it was not chosen with, gains as much
(README, "Ablation").  The question's [CLS] and [SEP] are left out; dropping its
stopwords too changed nothing.  About 0.1 ms a question.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from ingest.embedder import unit_rows

WEIGHT = 2.0
CANDIDATES = 10
DIMENSIONS = 128
SAMPLE_EVERY = 3


def principal_axes(tokens: np.ndarray, dimensions: int) -> np.ndarray | None:
    """The ``dimensions`` main axes of the token vectors (``d x dimensions``), None if they have no more.

    The top eigenvectors of the covariance of every third token: deterministic, and
    under 0.1 s for this report (a fifth of an SVD of the tokens themselves).  Cosines
    after projection depend only on the subspace, so any orthonormal basis ranks the same.
    """
    sample = np.asarray(tokens[::SAMPLE_EVERY], dtype=np.float64)
    if tokens.shape[1] <= dimensions or len(sample) <= dimensions:
        return None
    centred = sample - sample.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(vectors[:, ::-1][:, :dimensions], dtype=np.float32)


def offsets_of(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Where each part starts when ``parts`` are concatenated, and where the last ends."""
    return np.concatenate([[0], np.cumsum([len(part) for part in parts])]).astype(np.int64)


class TokenVectors:
    """The token vectors of every passage on their main axes, one block of columns per passage.

    Projected onto their ``DIMENSIONS`` principal axes (fitted when the index loads) and
    normalised again: a third of the arithmetic of the model's 384 dimensions, and the
    same rankings (below).  The question's tokens go through the same projection.
    """

    def __init__(self, tokens: np.ndarray, offsets: np.ndarray, *, dimensions: int = DIMENSIONS) -> None:
        if offsets.ndim != 1 or offsets[0] != 0 or offsets[-1] != len(tokens) or np.any(np.diff(offsets) < 0):
            raise ValueError(f"token offsets do not cover {len(tokens)} token vectors")
        full = np.asarray(tokens, dtype=np.float32)
        self.axes = principal_axes(full, dimensions)
        projected = full if self.axes is None else unit_rows(full @ self.axes)
        bounds = offsets.tolist()
        self.blocks = [np.ascontiguousarray(projected[a:b].T) for a, b in pairwise(bounds)]
        """Per passage, its token vectors as columns: the product with a question's is one BLAS call."""

    def project(self, query_tokens: np.ndarray) -> np.ndarray:
        """The question's token vectors on the passages' axes, unit length."""
        query = np.asarray(query_tokens, dtype=np.float32)
        return query if self.axes is None else unit_rows(query @ self.axes)

    @classmethod
    def of(cls, per_passage: list[np.ndarray]) -> TokenVectors:
        """From one array of token vectors per passage."""
        return cls(np.concatenate(per_passage), offsets_of(per_passage))

    def __len__(self) -> int:
        return len(self.blocks)

    def scores(self, query_tokens: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each passage in ``rows``: the mean over query tokens of its best cosine in the passage.

        A product per candidate with its column block (0.1 ms for 10 candidates): gathering
        the candidates' rows into one matrix first copies more than it saves.
        """
        out = np.zeros(len(rows), dtype=np.float32)
        if len(query_tokens) == 0:
            return out
        query = self.project(query_tokens)
        for slot, row in enumerate(np.asarray(rows).tolist()):
            block = self.blocks[row]
            if block.shape[1]:
                out[slot] = np.add.reduce(np.maximum.reduce(query @ block, axis=1))
        return out / len(query)
