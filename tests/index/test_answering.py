"""Ranking, the answer sentence and the verdict, over a small index built by the real pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import HashingEmbedder

from index import search
from index.answering import answer
from index.search import Mode, Retriever
from index.sentences import sentence_spans
from index.store import load_index
from ingest.pipeline import build_index

REPORT = """ A SMALL REPORT

A.  THE FIRST PART

1. Remittances

Participants agreed that remittances were the most tangible benefit of migration.
Remittances reduced poverty in origin countries. Transfer fees remained high.

Several countries reported on measures to lower the costs of transfers.

2. Return migration

Participants noted that returning migrants brought skills home. Programmes such as
TOKTEN helped expatriates return for short periods.

B.  THE SECOND PART

1. Refugees

Refugees fleeing persecution sought asylum under international law.

Refugees fleeing persecution sought asylum under international law.

2. Conferences

Conference on Remittances and Development
Date: 15-16 March 2006
Venue: Brussels, Belgium
Organizers: Government of Belgium; European Commission
Outcome Document: Conference Conclusions
"""


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    folder = tmp_path_factory.mktemp("small")
    source = folder / "small.txt"
    source.write_text(REPORT, encoding="utf-8")
    build_index([source], folder / "index", embedder=HashingEmbedder(256), progress=False)
    return Retriever(load_index(folder / "index"), HashingEmbedder(256))


def test_the_best_passage_comes_first_with_scores_in_order(retriever: Retriever) -> None:
    hits = retriever.search("Do remittances reduce poverty in origin countries?", top_k=3)
    assert hits[0].passage.citation.section == "A.1"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert 0.0 <= hits[-1].score <= hits[0].score <= 1.0


def test_the_best_passages_section_is_lifted_and_the_best_passage_stays_first(
    small_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever(load_index(small_index), HashingEmbedder(64))  # two passages a section
    question = "Do remittances reduce poverty in origin countries?"
    lifted, bonus = retriever.signals(question).fused, search.SECTION_BONUS
    assert bonus > 0
    monkeypatch.setattr(search, "SECTION_BONUS", 0.0)
    plain = retriever.signals(question).fused
    best = int(np.argmax(plain))
    assert int(np.argmax(lifted)) == best
    same = retriever.derived.section_of == retriever.derived.section_of[best]
    assert same.sum() >= 2  # the best passage has a neighbour in its section
    gain = lifted * (1 + bonus) - plain
    assert np.allclose(gain[same], bonus, atol=1e-5)
    assert np.allclose(gain[~same], 0.0, atol=1e-5)
    assert lifted.min() >= 0.0 and lifted.max() <= 1.0


def test_a_section_filter_keeps_to_its_section_or_part(retriever: Retriever) -> None:
    assert {h.passage.citation.section for h in retriever.search("migration", top_k=10, section="A.2")} == {
        "A.2"
    }
    assert {h.passage.citation.section for h in retriever.search("migration", top_k=10, section="A")} <= {
        "A.1",
        "A.2",
    }


def test_near_identical_passages_are_not_both_returned(retriever: Retriever) -> None:
    texts = [h.passage.text for h in retriever.search("refugees asylum persecution", top_k=10)]
    assert len(texts) == len(set(texts))


def test_an_exact_acronym_wins_even_when_the_passage_says_little_else(retriever: Retriever) -> None:
    assert "TOKTEN" in retriever.search("What is TOKTEN?", top_k=1)[0].passage.text


def test_each_signal_alone_is_a_mode(retriever: Retriever) -> None:
    for mode in Mode:
        alone = Retriever(retriever.index, retriever.embedder, mode=mode)
        assert alone.search("remittances poverty", top_k=1)[0].passage.citation.section == "A.1"


def test_the_answer_is_the_best_sentence_and_its_better_neighbour(retriever: Retriever) -> None:
    result = answer(retriever, "Do remittances reduce poverty?", top_k=3)
    assert result.answer is result.passages[0]
    text = result.answer.hit.passage.text
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert result.answer.highlighted_text in {" ".join(sentences[i : i + 2]) for i in range(len(sentences))}
    assert "Remittances reduced poverty in origin countries." in result.answer.highlighted_text
    for ranked in result.passages:
        s, e = ranked.highlight
        assert 0 <= s < e <= len(ranked.hit.passage.text)


def test_a_record_is_quoted_whole_heading_and_fields(retriever: Retriever) -> None:
    result = answer(retriever, "Who organized the Brussels conference?", top_k=3)
    assert result.answer is not None
    record = result.answer.hit.passage.text
    assert record.startswith("Conference on Remittances and Development\nDate:")
    assert result.answer.highlighted_text == record
    assert "Organizers: Government of Belgium; European Commission" in result.answer.highlighted_text


def test_a_question_about_what_the_report_never_names_is_not_answerable(retriever: Retriever) -> None:
    result = answer(retriever, "Who won the 2014 FIFA World Cup in Brazil?", top_k=3)
    assert result.answerable is False
    assert result.reason is not None and "It never mentions '2014', 'FIFA', 'World', 'Cup'." in result.reason
    assert result.passages, "the closest passages still come back"
