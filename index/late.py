"""Late interaction: every word piece of the question against its best match in a passage.

The passage vector and the best sentence's vector each squeeze a text into one
point; a question that shares the passage's topic with several neighbours ranks
them nearly alike.  Matching token by token, as ColBERT does (the mean over the
question's word pieces of the best cosine with any word piece of the passage),
tells them apart.  The token vectors are the tuned MiniLM's own last layer, on
their principal axes: no second model, and the question's come out of the same
forward pass as its vector.  The question's [CLS] and [SEP] are left out.

It reranks the best ``CANDIDATES`` passages of the other signals, weighed ``WEIGHT``
against their 2.6 (``index/search.py``); about 0.1 ms a question.  What it gained and
the variants tried: docs/quality.md ("How it ranks") and docs/decisions.md
("Late interaction").
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from index.embedder import unit_rows

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
