"""BM25 matches the exact tokens embeddings blur: document symbols, resolution numbers, acronyms."""

from __future__ import annotations

import numpy as np

from index.lexical import LexicalIndex, tokenize

TEXTS = [
    "The 2001 report (A/56/167) presented the most comprehensive set of views.",
    "Resolution 58/209 of 23 December 2003 decided on a High-level Dialogue.",
    "Participants discussed GATS Mode 4 and the temporary movement of service providers.",
    "Programmes such as TOKTEN run by UNDP support the return of skilled expatriates.",
]


def best(index: LexicalIndex, query: str) -> int:
    return int(np.argmax(index.scores(query)))


def test_symbols_numbers_and_acronyms_find_their_passage() -> None:
    index = LexicalIndex(TEXTS)
    assert best(index, "What did A/56/167 say?") == 0
    assert best(index, "resolution 58/209") == 1
    assert best(index, "GATS") == 2
    assert best(index, "What is TOKTEN?") == 3


def test_words_are_stemmed_and_stopwords_dropped() -> None:
    assert tokenize("The participants discussed the programmes") == tokenize(
        "participant discussing programme"
    )


def test_a_question_of_unknown_words_scores_nothing() -> None:
    assert not LexicalIndex(TEXTS).scores("FIFA World Cup winner").any()


def test_knows_every_part_of_a_word() -> None:
    index = LexicalIndex(TEXTS)
    assert index.knows("A/56/167") and index.knows("tokten")
    assert not index.knows("A/99/999") and not index.knows("FIFA")


def test_a_symbol_in_the_question_marks_the_passages_that_hold_it() -> None:
    index = LexicalIndex(TEXTS)
    assert index.symbol_matches("What did resolution 58/209 decide?").tolist() == [0.0, 1.0, 0.0, 0.0]
    assert index.symbol_matches("A/56/167 and 58/209").tolist() == [0.5, 0.5, 0.0, 0.0]
    assert not index.symbol_matches("What did the resolution decide?").any()
