"""Late interaction: every word piece of the question against its best match in a passage.

The passage vector and the best sentence's vector each squeeze a text into one
point; a question that shares the passage's topic with several neighbours ranks
them nearly alike.  Matching token by token, as ColBERT does (over the question's
word pieces, the best cosine with any word piece of the passage, the pieces the
candidates all hold weighing least: ``specificity``), tells them apart.  The token
vectors are the tuned MiniLM's own last layer, punctuation left out
(``index.embedder.words``): no second model, and the question's come out of the same
forward pass as its vector.

Ingest fits the ``DIMENSIONS`` principal axes of a fixed reference text's tokens, once per
model, and stores each token on them in 4 bits an axis (64 bytes, a twelfth of float16 on
384): the axes and codes are in the index version, memory-mapped at load, nothing fitted there.
It reranks the best ``CANDIDATES`` passages of the other signals, weighed ``WEIGHT``
against their 2.6 (``index/search.py``).  What it gained and the variants tried:
docs/quality.md ("How it ranks") and docs/decisions.md ("Late interaction",
"Token vectors at scale").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.embedder import unit_rows
from index.runs import run_rows

WEIGHT = 2.0
CANDIDATES = 30
"""Passages reranked: 30 rather than 10 reaches a paraphrased answer that the other signals
rank 11th to 30th (fitting set 1 Hit@1 0.778 -> 0.833, set 3 Hit@5 0.917 -> 0.931, the report's
sets unchanged) for about 0.5 ms more a question at 30x the report; 50 and 64 lost first hits."""
DIMENSIONS = 128
SAMPLE_EVERY = 3
SAMPLE_AT_MOST = 30_000
"""Tokens the axes are fitted on at most (0.5 s); a bigger corpus is sampled more sparsely."""
LEVELS = 7
"""A coordinate is stored as an integer in -7..7 times its token's own scale (4 bits)."""
SPECIFICITY_FLOOR = 0.02
"""The least weight a query token keeps, however well every candidate matches it."""
SPECIFICITY_CANDIDATES = 10
"""Fewer candidates than this say little of which words are common: each query token weighs the same."""


def principal_axes(sample: np.ndarray, dimensions: int) -> np.ndarray | None:
    """The ``dimensions`` main axes of ``sample`` (``d x dimensions``), None if it has no more.

    The top eigenvectors of their covariance: deterministic, and under 0.1 s for every
    third token of this report.  Cosines after projection depend only on the subspace,
    so any orthonormal basis ranks the same.
    """
    sample = np.asarray(sample, dtype=np.float64)
    if sample.shape[1] <= dimensions or len(sample) <= dimensions:
        return None
    centred = sample - sample.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(vectors[:, ::-1][:, :dimensions], dtype=np.float32)


def specificity(best: np.ndarray) -> np.ndarray:
    """Each query token's weight, from its best cosines in the candidates (tokens x passages); sums to 1.

    ``(1 - mean best cosine) ** 2``: a word piece every candidate holds ("pyenv" in pyenv's
    README, "what", "is") tells them apart no more than it tells the question what to look for,
    and drowned the one that does ("tcsh", "POSIX").  Set 4 Hit@5 0.893 -> 0.933, the report's
    sets Hit@1 0.903 -> 0.907 (docs/decisions.md, "Late interaction by the rarer words").  Over
    fewer than ``SPECIFICITY_CANDIDATES`` (a small section) every token weighs the same.
    """
    if best.shape[1] < SPECIFICITY_CANDIDATES:
        return np.full(len(best), 1.0 / len(best), dtype=np.float32)
    weights: np.ndarray = np.clip(1.0 - best.mean(axis=1), SPECIFICITY_FLOOR, None) ** 2
    return np.asarray(weights / weights.sum(), dtype=np.float32)


def offsets_of(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Where each part starts when ``parts`` are concatenated, and where the last ends."""
    return np.concatenate([[0], np.cumsum([len(part) for part in parts])]).astype(np.int64)


def pack(rows: np.ndarray) -> np.ndarray:
    """Unit rows as 4-bit codes, two coordinates a byte (high nibble first); the width must be even.

    Each row is scaled so its largest coordinate is ``LEVELS`` and rounded; the scale is
    not kept, since ``unpack`` makes every row unit length again.
    """
    rows = np.asarray(rows, dtype=np.float32)
    if rows.shape[1] % 2:
        raise ValueError(f"cannot pack {rows.shape[1]} coordinates two a byte")
    peak = np.abs(rows).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    levels = np.rint(rows * (LEVELS / peak)).astype(np.int8)
    nibbles = (levels & 0xF).astype(np.uint8)
    return np.ascontiguousarray((nibbles[:, 0::2] << 4) | nibbles[:, 1::2])


_PAIRS = np.array([[((b >> 4) ^ 8) - 8, ((b & 0xF) ^ 8) - 8] for b in range(256)], dtype=np.float32)
"""Byte -> its two signed 4-bit coordinates."""


def unpack(codes: np.ndarray) -> np.ndarray:
    """``pack``'s codes as unit float32 rows (``np.take``: a tenth of the time fancy indexing takes)."""
    return unit_rows(np.take(_PAIRS, np.asarray(codes), axis=0).reshape(len(codes), -1))


@dataclass(frozen=True)
class Compressed:
    """What a version stores of the passages' token vectors: axes, 4-bit codes and offsets."""

    axes: np.ndarray
    """``d x DIMENSIONS`` (identity when the model's tokens have no more dimensions)."""
    codes: np.ndarray
    offsets: np.ndarray


class TokenSample:
    """Every ``SAMPLE_EVERY``-th token of the passages seen so far, for fitting the axes.

    Fed passage by passage, so ingest never holds every token at once.  Past
    ``SAMPLE_AT_MOST`` sampled tokens the sample keeps every other one (every 6th
    token, then every 12th ...), so it stays between half that and that, whatever
    the corpus size; a corpus under three times that samples every 3rd token.
    """

    def __init__(self) -> None:
        self.every = SAMPLE_EVERY
        self.seen = 0
        self.width = 0
        self._parts: list[np.ndarray] = []
        self._size = 0

    def add(self, tokens: np.ndarray) -> None:
        tokens = np.asarray(tokens)
        if tokens.ndim == 2 and not self.width:
            self.width = tokens.shape[1]
        picked = np.asarray(tokens[(-self.seen) % self.every :: self.every], dtype=np.float32)
        self.seen += len(tokens)
        self._parts.append(picked)
        self._size += len(picked)
        if self._size > SAMPLE_AT_MOST:
            # Sampled positions are the multiples of ``every``: keep the multiples of twice it.
            joined = np.concatenate(self._parts)[::2]
            self._parts, self._size, self.every = [joined], len(joined), 2 * self.every

    def axes(self, dimensions: int = DIMENSIONS) -> np.ndarray:
        """The fitted axes, identity when the tokens have no more dimensions, padded to an even width."""
        sample = np.concatenate(self._parts) if self._parts else np.zeros((0, self.width), np.float32)
        axes = principal_axes(sample, dimensions)
        if axes is None:
            axes = np.eye(self.width, dtype=np.float32)
        if axes.shape[1] % 2:  # an odd width packs with one zero axis more
            axes = np.hstack([axes, np.zeros((self.width, 1), dtype=np.float32)])
        return axes


def code(tokens: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """One passage's token vectors as stored: 4-bit codes on ``axes``."""
    width = axes.shape[0]
    return pack(unit_rows(np.asarray(tokens, dtype=np.float32).reshape(-1, width) @ axes))


def compress(per_passage: Sequence[np.ndarray], *, dimensions: int = DIMENSIONS) -> Compressed:
    """Fit the axes on a ``TokenSample`` of the tokens, then code each passage's tokens on them."""
    sample = TokenSample()
    for tokens in per_passage:
        sample.add(tokens)
    axes = sample.axes(dimensions)
    codes = [code(tokens, axes) for tokens in per_passage]
    joined = np.concatenate(codes) if codes else np.zeros((0, axes.shape[1] // 2), dtype=np.uint8)
    return Compressed(axes, joined, offsets_of(per_passage))


class TokenVectors:
    """Every passage's token vectors as stored: 4-bit codes on the index's axes, decoded per candidate.

    The arrays are used as given (memory-mapped by the loader): nothing is fitted,
    copied or decoded until a question's candidates need their rows.
    """

    def __init__(self, codes: np.ndarray, offsets: np.ndarray, axes: np.ndarray) -> None:
        if (
            offsets.ndim != 1
            or len(offsets) == 0
            or offsets[0] != 0
            or offsets[-1] != len(codes)
            or np.any(np.diff(offsets) < 0)
        ):
            raise ValueError(f"token offsets do not cover {len(codes)} token vectors")
        if (
            codes.ndim != 2
            or codes.dtype != np.uint8
            or axes.ndim != 2
            or 2 * codes.shape[1] != axes.shape[1]
        ):
            raise ValueError(
                f"token codes of shape {codes.shape} ({codes.dtype}) do not fit axes of shape {axes.shape}"
            )
        self.codes, self.offsets, self.axes = codes, offsets, np.asarray(axes, dtype=np.float32)

    @classmethod
    def of(cls, per_passage: list[np.ndarray]) -> TokenVectors:
        """From one array of token vectors per passage (compressed as ingest stores them)."""
        stored = compress(per_passage)
        return cls(stored.codes, stored.offsets, stored.axes)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def project(self, query_tokens: np.ndarray) -> np.ndarray:
        """The question's token vectors on the passages' axes, unit length."""
        return unit_rows(np.asarray(query_tokens, dtype=np.float32) @ self.axes)

    def scores(self, query_tokens: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each passage in ``rows``: the query tokens' best cosines in it, weighed by ``specificity``.

        The candidates' codes are gathered, decoded and multiplied at once, and each
        passage's best per query token taken by ``maximum.reduceat``; a passage with no
        tokens scores 0.
        """
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=np.float32)
        if len(query_tokens) == 0 or len(rows) == 0:
            return out
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        some = ends > starts
        if not some.any():
            return out
        # Every token row of the candidates that have any, candidate after candidate.
        taken, firsts = run_rows(starts[some], (ends - starts)[some])
        cosines = self.project(query_tokens) @ unpack(self.codes[taken]).T
        best = np.maximum.reduceat(cosines, firsts, axis=1)
        out[some] = specificity(best) @ best
        return out
