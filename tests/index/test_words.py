"""Late interaction matches words: punctuation leaves the token vectors, as in ColBERT."""

from __future__ import annotations

import numpy as np

from index.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, punctuation_ids, words


def test_punctuation_pieces_are_found_in_the_vocabulary_and_words_and_symbols_are_not() -> None:
    vocabulary = {",": 0, "##.": 1, "migration": 2, "##s": 3, "$": 4, "\u2019": 5, "(": 6, "%": 7, "a1": 8}
    assert punctuation_ids(vocabulary).tolist() == [0, 1, 5, 6, 7]


def test_words_drops_the_punctuation_rows_in_order() -> None:
    tokens = np.arange(10, dtype=np.float32).reshape(5, 2)
    kept = words(tokens, np.array([2, 0, 3, 1, 8]), np.array([0, 1]))
    assert kept.tolist() == [[0, 1], [4, 5], [8, 9]]


def test_a_text_of_punctuation_only_keeps_its_pieces() -> None:
    """Something to match is better than nothing: "?!" still has a vector per piece."""
    tokens = np.ones((2, 3), dtype=np.float32)
    assert words(tokens, np.array([0, 1]), np.array([0, 1])).shape == (2, 3)


def test_the_model_gives_one_token_vector_per_word_piece_and_none_for_punctuation() -> None:
    embedder = SentenceTransformerEmbedder(DEFAULT_MODEL)
    text = "Remittances (in 2005) were $232 billion, the report says."
    pieces = embedder._model.tokenizer.tokenize(text)
    (encoded,) = embedder.encode([text])
    assert encoded.tokens is not None
    punctuation = {"(", ")", ",", "."}
    assert len(encoded.tokens) == len([p for p in pieces if p not in punctuation])
    assert len(encoded.tokens) < len(pieces)
    assert np.allclose(np.linalg.norm(encoded.tokens, axis=1), 1.0, atol=1e-5)
