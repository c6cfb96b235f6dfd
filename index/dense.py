"""The passage vectors' FAISS index: exact (flat) up to a size, approximate (HNSW) above it.

A question over many passages scores a pool of candidates in full: the nearest
passages by dense similarity, BM25's best and any naming a symbol the question names
(``index/search.py``).  The flat index finds the nearest exactly, in well under a
millisecond at 3,000 passages.  Above ``ANN_ABOVE`` passages (``REPORTQA_ANN_ABOVE``)
ingest writes an HNSW graph instead, which finds them approximately; ingest measures
its recall@10 against exact search on a sample of the corpus's own sentences and
records it in the manifest.  Both keep the vectors in 8 bits a dimension.
"""

from __future__ import annotations

import faiss
import numpy as np

from index.models import ANN_ABOVE

LINKS = 32
"""HNSW neighbours a node keeps (M); 32 is FAISS's advice for 384-d text vectors at high recall."""
BUILD_DEPTH = 80
SEARCH_DEPTH = 256
"""Nodes a search keeps in view (efSearch); at least the pool a question asks for."""
RECALL_QUERIES = 200
QUANTISER = faiss.ScalarQuantizer.QT_8bit_uniform
"""One range for every dimension: the nearest 64 of 3,051 passages in 90 us instead of 137 (a range per
dimension), the same recall, and the same rankings on every question set (docs/decisions.md)."""


def dense_index(vectors: np.ndarray, *, ann_above: int = ANN_ABOVE) -> faiss.Index:
    """The passage vectors in 8 bits a dimension: flat, or an HNSW graph above ``ann_above`` of them.

    FAISS's scalar quantiser fits the vectors' range here, at ingest, and stores it with
    the codes: a quarter of float32's bytes.
    """
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = rows.shape[1]
    index: faiss.Index
    if len(rows) <= ann_above:
        index = faiss.IndexScalarQuantizer(dimension, QUANTISER, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(dimension, QUANTISER, LINKS, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
        index.hnsw.efConstruction = BUILD_DEPTH
    if len(rows):
        index.train(rows)
    index.add(rows)
    return index


def is_approximate(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexHNSW)


def nearest(index: faiss.Index, query: np.ndarray, count: int) -> np.ndarray:
    """The rows of about the ``count`` passages nearest ``query`` (exactly, for a flat index)."""
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = max(SEARCH_DEPTH, count)
    # One question needs no thread team: waking OpenMP's, beside the embedder's threads, cost
    # 30 times the search itself (4.4 ms against 0.13).  The setting is the calling thread's own.
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        _, rows = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), count)
    finally:
        faiss.omp_set_num_threads(threads)  # an ingest on this thread builds with all cores again
    found: np.ndarray = rows[0]
    return found[found >= 0]


def recall_at_10(index: faiss.Index, matrix: np.ndarray, queries: np.ndarray) -> float:
    """The share of each query's exact 10 nearest rows that ``index`` finds, averaged over ``queries``."""
    if len(queries) == 0 or len(matrix) == 0:
        return 1.0
    count = min(10, len(matrix))
    found = 0
    for query in np.asarray(queries, dtype=np.float32):
        exact = np.argpartition(-(matrix @ query), count - 1)[:count]
        found += len(np.intersect1d(exact, nearest(index, query, count)))
    return found / (count * len(queries))


def recall_sample(vectors: np.ndarray, size: int = RECALL_QUERIES) -> np.ndarray:
    """An evenly spread, deterministic sample of ``vectors`` to measure recall with."""
    if len(vectors) <= size:
        return np.asarray(vectors)
    return np.asarray(vectors)[np.linspace(0, len(vectors) - 1, size).astype(np.int64)]
