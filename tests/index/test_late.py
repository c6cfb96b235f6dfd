"""Late interaction: each question token against its best match in a passage, end to end through an index."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from fakes import HashingEmbedder

from index import confidence
from index.answering import ask
from index.embedder import Encoded, unit_rows
from index.late import TokenVectors
from index.search import Retriever
from index.store import load_index
from ingest.pipeline import build_index

DIMENSION = 128


def word_vector(word: str) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little") % DIMENSION] = 1
    return vector


class TokenHashingEmbedder(HashingEmbedder):
    """The hashing embedder with token vectors: one hashed one-hot row per word, as a model's tokens."""

    def __init__(self) -> None:
        super().__init__(DIMENSION)
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        self.encoded.extend(texts)
        vectors = self.embed(texts)
        return [
            Encoded(v, unit_rows(np.stack([word_vector(w) for w in re.findall(r"[a-z]+", t.lower())])))
            for v, t in zip(vectors, texts, strict=True)
        ]


def test_a_passage_holding_every_question_token_scores_one() -> None:
    tokens = TokenVectors.of(
        [np.stack([word_vector(w) for w in words]) for words in (["a", "b"], ["a", "c"])]
    )
    query = np.stack([word_vector("a"), word_vector("b")])
    np.testing.assert_allclose(tokens.scores(query, np.array([0, 1])), [1.0, 0.5], atol=1e-6)
    np.testing.assert_allclose(tokens.scores(query, np.array([1])), [0.5], atol=1e-6)
    assert tokens.scores(query, np.array([], dtype=np.int64)).shape == (0,)


def test_offsets_that_do_not_cover_the_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="do not cover"):
        TokenVectors(np.zeros((5, DIMENSION)), np.array([0, 2, 4]))


REPORT = """ A SMALL REPORT

A.  THE FIRST PART

1. Remittances

Remittances were the most tangible benefit of migration for families at home.

Transfer fees for remittances remained high and should be lowered by banks.

2. Return

Returning migrants brought skills and savings home to their families.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, TokenHashingEmbedder]:
    folder = tmp_path_factory.mktemp("late")
    source = folder / "small.txt"
    source.write_text(REPORT, encoding="utf-8")
    embedder = TokenHashingEmbedder()
    build_index([source], folder / "index", embedder=embedder, progress=False)
    return source, folder / "index", embedder


def test_ingest_stores_every_passage_token_vectors(built: tuple[Path, Path, TokenHashingEmbedder]) -> None:
    _, root, _ = built
    index = load_index(root)
    assert index.tokens is not None and len(index.tokens) == len(index.passages)
    assert (index.path / "tokens.npy").name in index.manifest.files


def test_late_interaction_reranks_the_candidates_when_the_question_has_token_vectors(
    built: tuple[Path, Path, TokenHashingEmbedder],
) -> None:
    _, root, embedder = built
    retriever = Retriever(load_index(root), embedder)
    signals = retriever.signals("Should banks lower the transfer fees?")
    assert signals.late is not None
    fees = next(r for r, p in enumerate(retriever.index.passages) if "fees" in p.text)
    assert signals.late[fees] == signals.late.max() > 0
    plain = Retriever(load_index(root), HashingEmbedder(DIMENSION)).signals("Should banks lower the fees?")
    assert plain.late is None  # a model without token vectors ranks as before


def test_the_confidence_reads_the_best_passage_word_match(
    built: tuple[Path, Path, TokenHashingEmbedder], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, root, embedder = built
    retriever = Retriever(load_index(root), embedder)
    held = ask(retriever, "Should banks lower the transfer fees for remittances?")
    assert held.evidence is not None and held.evidence.word_match is not None
    document = held.passages[0].hit.passage.citation.document
    assert held.evidence.bunching == retriever.bunching[document]
    # As on a document the model was not tuned on: the document model decides.
    monkeypatch.setattr(confidence, "BUNCHED", (-1.0, -0.5))
    held = ask(retriever, "Should banks lower the transfer fees for remittances?")
    missing = ask(retriever, "Which cryptocurrency exchange charges the lowest commission?")
    assert missing.evidence is not None and held.evidence.word_match is not None
    assert missing.evidence.word_match is not None
    assert missing.evidence.word_match < held.evidence.word_match
    assert missing.confidence < held.confidence and held.answerable is True


def test_a_rebuild_takes_unchanged_passages_token_vectors_from_the_cache(
    built: tuple[Path, Path, TokenHashingEmbedder], tmp_path: Path
) -> None:
    source, _, _ = built
    embedder = TokenHashingEmbedder()
    build_index([source], tmp_path / "index", embedder=embedder, progress=False)
    first = len(embedder.encoded)
    edited = tmp_path / "small.txt"
    edited.write_text(REPORT.replace("savings home", "savings back home"), encoding="utf-8")
    build_index([edited], tmp_path / "index", embedder=embedder, progress=False)
    assert first > 1 and len(embedder.encoded) == first + 1  # only the edited passage
