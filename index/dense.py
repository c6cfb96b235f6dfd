"""The passage vectors' FAISS index: exact (flat) up to a size, approximate (HNSW) above it.

Ranking reads every passage's cosine from the flat matrix while a corpus is small:
a few milliseconds.  Above ``ANN_ABOVE`` passages (``REPORTQA_ANN_ABOVE``) ingest
writes an HNSW graph instead, and ranking scores only a pool of candidates: the
graph's nearest passages, BM25's best and the passages naming a symbol the question
names (``index/search.py``).  Ingest measures the graph's recall@10 against exact
search on a sample of the corpus's own sentences and records it in the manifest.
"""

from __future__ import annotations

import faiss
import numpy as np

ANN_ABOVE = 20_000
LINKS = 32
"""HNSW neighbours a node keeps (M); 32 is FAISS's advice for 384-d text vectors at high recall."""
BUILD_DEPTH = 80
SEARCH_DEPTH = 256
"""Nodes a search keeps in view (efSearch); at least the pool a question asks for."""
RECALL_QUERIES = 200


def dense_index(vectors: np.ndarray, *, ann_above: int = ANN_ABOVE) -> faiss.Index:
    """A flat inner-product index of ``vectors``, or an HNSW graph when there are more than ``ann_above``."""
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = rows.shape[1]
    if len(rows) <= ann_above:
        flat = faiss.IndexFlatIP(dimension)
        flat.add(rows)
        return flat
    graph = faiss.IndexHNSWFlat(dimension, LINKS, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = BUILD_DEPTH
    graph.add(rows)
    return graph


def is_approximate(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexHNSW)


def nearest(index: faiss.Index, query: np.ndarray, count: int) -> np.ndarray:
    """The rows of about the ``count`` passages nearest ``query`` (exactly, for a flat index)."""
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = max(SEARCH_DEPTH, count)
    _, rows = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), count)
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
