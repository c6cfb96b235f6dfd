"""Above a size, the dense index is an HNSW graph and a question scores a pool, not every passage."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from index import search
from index.search import POOL, Retriever
from index.store import load_index
from ingest.pipeline import build_index
from tests.fakes import HashingEmbedder

WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti") for b in "aeiou"] + [
    f"w{n}" for n in range(400)
]


def long_document(path: Path, sections: int = 40, paragraphs: int = 40) -> Path:
    """A text with numbered sections of paragraphs of random words: far more passages than the pool."""
    rng = random.Random(7)
    lines = ["A LONG DOCUMENT", ""]
    for number in range(1, sections + 1):
        lines += [f"{number}. Section {number}", ""]
        for _ in range(paragraphs):
            lines += [" ".join(rng.choice(WORDS) for _ in range(36)).capitalize() + ".", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("approximate")
    source = long_document(folder / "long.txt")
    embedder = HashingEmbedder(64)
    build_index([source], folder / "flat", embedder=embedder, progress=False, chunk_size=200)
    build_index([source], folder / "hnsw", embedder=embedder, progress=False, chunk_size=200, ann_above=100)
    return folder / "flat", folder / "hnsw"


def test_a_large_index_gets_a_graph_and_its_measured_recall(built: tuple[Path, Path]) -> None:
    flat, hnsw = (load_index(root) for root in built)
    assert len(flat.passages) > 4 * POOL
    assert not flat.approximate and flat.manifest.dense_index == "flat"
    assert hnsw.approximate and hnsw.manifest.dense_index == "hnsw"
    assert hnsw.manifest.ann_recall_at_10 is not None and hnsw.manifest.ann_recall_at_10 >= 0.9


def test_the_pool_finds_what_scoring_every_passage_finds(built: tuple[Path, Path]) -> None:
    flat, hnsw = (Retriever(load_index(root), HashingEmbedder(64)) for root in built)
    passages = flat.index.passages
    same = 0
    questions = [" ".join(passages[row].text.split()[2:10]) for row in range(0, len(passages), 40)]
    for question in questions:
        exact, pooled = flat.search(question, top_k=1), hnsw.search(question, top_k=1)
        same += exact[0].passage.id == pooled[0].passage.id
        scored = int(np.isfinite(hnsw.signals(question).fused).sum())
        assert POOL <= scored <= 2 * POOL < len(passages)  # the pool was scored, not every passage
    assert same >= 0.9 * len(questions)


def test_a_small_scope_is_scored_whole_on_a_graph(built: tuple[Path, Path]) -> None:
    retriever = Retriever(load_index(built[1]), HashingEmbedder(64))
    hits = retriever.search("nothing in particular", top_k=5, section="7")
    assert len(hits) == 5 and {hit.passage.citation.section for hit in hits} == {"7"}


def test_faiss_finds_an_unscoped_questions_pool_as_the_exact_product_does(built: tuple[Path, Path]) -> None:
    flat = Retriever(load_index(built[0]), HashingEmbedder(64))
    index = flat.index
    for row in range(0, len(index.passages), 97):
        query = HashingEmbedder(64).embed([" ".join(index.passages[row].text.split()[3:12])])[0]
        scores = index.all_scores(query)
        edge = np.sort(scores)[::-1][POOL - 1]
        found = index.nearest(query, POOL)
        # The same rows, but for ties at the edge (hashed word counts tie often).
        assert len(found) == POOL == len(set(found.tolist()))
        assert scores[found].min() >= edge - 1e-5
        assert np.all(scores[np.setdiff1d(np.arange(len(scores)), found)] <= edge + 1e-5)


def test_a_small_scope_of_a_large_index_scores_its_own_passages_alone_and_ranks_as_scoring_all(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    flat = Retriever(load_index(built[0]), HashingEmbedder(64))
    question = " ".join(flat.index.passages[130].text.split()[2:10])
    scoped = flat.signals(question, section="4")
    in_scope = np.array([p.citation.section == "4" for p in flat.index.passages])
    assert np.all(scoped.dense[~in_scope] == -1.0) and np.all(scoped.dense[in_scope] > -1.0)
    monkeypatch.setattr(search, "POOL", 10 * len(flat.index.passages))  # every passage scored
    whole = flat.signals(question, section="4")
    assert np.array_equal(scoped.fused, whole.fused)
    assert np.array_equal(scoped.dense[in_scope], whole.dense[in_scope])
