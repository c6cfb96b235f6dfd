"""Runs of rows: the rows of several ``[start, start + length)`` runs of a flat array, gathered at once.

A passage's token vectors, and its sentences, are such runs; a question gathers the runs of
its candidates.  One ``np.repeat`` does it, where a Python loop over the candidates cost more
than the scoring (docs/decisions.md, "Serving at 30x, and what keeps the Hit@1 gap").
"""

from __future__ import annotations

import numpy as np


def run_rows(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of every run, one run after another, and where each run begins among them.

    The second array is what ``np.maximum.reduceat`` takes to reduce each run on its own
    (every length must then be above 0).
    """
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    rows = np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    return rows, firsts
