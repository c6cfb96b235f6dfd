"""BM25 matches the exact tokens embeddings blur: document symbols, resolution numbers, acronyms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np

from index.lexical import LexicalIndex, _stemmer, symbols, tokenize

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


def test_words_are_the_tokens_bm25s_itself_gives_for_the_whole_report() -> None:
    """Our faster tokenizer must not drift from bm25s's, for the report and for questions."""
    root = Path(__file__).resolve().parents[2]
    report = (root / "corpus" / "high-level-dialogue-2006.txt").read_text(encoding="utf-8")
    lines = (root / "tests" / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [p for p in report.split("\n\n") if p.strip()] + [json.loads(line)["question"] for line in lines]
    expected = bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
    )
    for text, words in zip(texts, expected, strict=True):
        assert tokenize(text) == [*words, *symbols(text)], text[:80]


def test_a_stored_index_scores_as_the_one_it_was_saved_from(tmp_path: Path) -> None:
    index = LexicalIndex(TEXTS)
    index.save(tmp_path)
    again = LexicalIndex.load(tmp_path)
    for query in ("remittances", "A/56/167", "FIFA World Cup winner"):
        assert again.scores(query).tolist() == index.scores(query).tolist()
        assert again.symbol_matches(query).tolist() == index.symbol_matches(query).tolist()
    assert again.vocabulary == index.vocabulary


def test_texts_of_stop_words_alone_give_an_index_that_matches_nothing(tmp_path: Path) -> None:
    index = LexicalIndex(["the of and", "a"])
    index.save(tmp_path)
    assert not LexicalIndex.load(tmp_path).scores("the and").any()


def test_the_stored_index_is_the_same_bytes_whatever_the_string_hashing(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from index.lexical import LexicalIndex; "
        f"LexicalIndex({TEXTS!r}).save(Path(sys.argv[1]))"
    )
    saved = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(folder)], env=env, check=True)
        saved.append({path.name: path.read_bytes() for path in sorted(folder.iterdir())})
    assert saved[0] == saved[1]
