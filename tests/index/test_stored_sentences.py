"""A version stores its sentences: spans and 8-bit vectors, read back as they were written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import index.sentences
import index.store
from index.embedder import unit_rows
from index.quantise import dequantise, quantise
from index.store import load_index
from ingest.pipeline import sentence_rows
from tests.conftest import build_small_index


def test_eight_bit_sentence_vectors_keep_every_cosine_within_a_hundredth() -> None:
    rows = unit_rows(np.random.default_rng(3).standard_normal((300, 384)).astype(np.float32))
    codes, scales = quantise(rows)
    assert codes.dtype == np.int8 and scales.dtype == np.float32
    back = dequantise(codes, scales)
    query = rows[:20]
    assert np.abs(query @ back.T - query @ rows.T).max() < 0.01


def test_the_loaded_sentences_are_the_spans_the_build_wrote(tmp_path: Path) -> None:
    root = build_small_index(tmp_path / "index")
    index = load_index(root)
    assert [index.sentence_span(n) for n in range(len(index.sentences))] == sentence_rows(index.passages)
    assert len(index.sentence_codes) == len(index.sentences) >= len(index.passages)
    codes = index.sentence_codes  # memory-mapped: a large index loads without decoding them
    assert isinstance(codes, np.memmap) or isinstance(codes.base, np.memmap), type(codes)


def test_a_pool_of_sentences_scores_as_every_sentence_does(tmp_path: Path) -> None:
    index = load_index(build_small_index(tmp_path / "index"))
    query = np.asarray(index.matrix[0], dtype=np.float32)
    numbers = np.array([len(index.sentences) - 1, 0, 2])
    pooled, every = index.sentence_scores_of(numbers, query), index.sentence_scores(query)
    assert np.allclose(pooled, every[numbers], atol=1e-6)


def test_a_new_sentence_splitter_leaves_an_existing_index_loadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_small_index(tmp_path / "index")
    before = load_index(root).sentences.tolist()
    whole = lambda text: [(0, len(text) // 2), (len(text) // 2, len(text))]  # noqa: E731
    monkeypatch.setattr(index.sentences, "sentence_spans", whole)
    monkeypatch.setattr(index.store, "sentence_spans", whole, raising=False)
    assert load_index(root).sentences.tolist() == before  # read, not recomputed


def test_a_pools_sentences_are_found_from_each_passages_first_and_count(tmp_path: Path) -> None:
    """``sentences_in`` must give what a scan of every sentence gives, in any pool."""
    from index.derived import Derived

    index = load_index(build_small_index(tmp_path / "index"))
    derived = Derived.of(index)
    rng = np.random.default_rng(5)
    scores = rng.standard_normal(len(index.sentences)).astype(np.float32)
    for size in (1, 3, len(index.passages) // 2, len(index.passages)):
        rows = np.sort(rng.choice(len(index.passages), size=size, replace=False))
        numbers, having, offsets = derived.sentences_in(rows)
        assert numbers.tolist() == np.flatnonzero(np.isin(index.sentence_rows, rows)).tolist()
        assert set(having.tolist()) == set(index.sentence_rows[numbers].tolist())
        best = derived.best_sentences(
            np.where(np.isin(index.sentence_rows, rows), scores, -1.0), len(index.passages)
        )
        assert np.array_equal(np.maximum.reduceat(scores[numbers], offsets), best[having])
