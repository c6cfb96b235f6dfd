"""The peers' recipes on a tiny corpus, and ``reportqa eval --peers`` on the small index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from typer.testing import CliRunner

from index.peers import (
    BM25,
    DENSE,
    HYBRID,
    Bm25Peer,
    DensePeer,
    HybridPeer,
    Paragraph,
    Ranked,
    paragraphs,
    rrf,
)
from service.cli import cli

TEXTS = {
    "licence": "0. Definitions.\n\nThe Program means any copyrightable work.\n\n \n"
    "Each licensee is addressed as you.",
    "chapters": "Chapter 1\n\nLists are mutable sequences.\nThey keep order.\n\n\nTuples are immutable.",
}


def test_paragraphs_are_the_texts_split_at_blank_lines_document_by_document() -> None:
    assert paragraphs(TEXTS) == [
        Paragraph("chapters", "Chapter 1"),
        Paragraph("chapters", "Lists are mutable sequences.\nThey keep order."),
        Paragraph("chapters", "Tuples are immutable."),
        Paragraph("licence", "0. Definitions."),
        Paragraph("licence", "The Program means any copyrightable work."),
        Paragraph("licence", "Each licensee is addressed as you."),
    ]


def test_bm25_ranks_first_the_paragraph_that_holds_the_exact_word() -> None:
    corpus = [p.text for p in paragraphs(TEXTS)]
    ranked = Bm25Peer(corpus).rank("which sequences are mutable?")
    assert corpus[ranked[0].row] == "Lists are mutable sequences.\nThey keep order."
    assert ranked[0].score > ranked[1].score
    assert len(ranked) == len(corpus)  # the top 10 of a corpus of six is all six


def test_bm25_gives_zero_scores_to_a_question_of_unknown_words() -> None:
    ranked = Bm25Peer([p.text for p in paragraphs(TEXTS)]).rank("zebra quantum")
    assert {r.score for r in ranked} == {0.0}


def test_dense_ranks_by_inner_product_of_unit_vectors() -> None:
    corpus = [p.text for p in paragraphs(TEXTS)]
    ranked = DensePeer(corpus, HashingEmbedder(64)).rank("Each licensee is addressed as you.")
    assert corpus[ranked[0].row] == "Each licensee is addressed as you."
    assert ranked[0].score == pytest.approx(1.0)


def test_rrf_sums_one_over_sixty_plus_rank_across_the_rankings() -> None:
    bm25 = [Ranked(4, 9.0), Ranked(2, 5.0), Ranked(7, 1.0)]
    dense = [Ranked(2, 0.9), Ranked(5, 0.8)]
    fused = rrf([bm25, dense])
    assert [r.row for r in fused] == [2, 4, 5, 7]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1].score == pytest.approx(1 / 61)
    assert fused[2].score == pytest.approx(1 / 62)
    assert fused[3].score == pytest.approx(1 / 63)
    assert len(rrf([[Ranked(row, 1.0) for row in range(30)]])) == 10


def test_the_hybrid_fuses_the_full_rankings_of_bm25_and_dense() -> None:
    corpus = [p.text for p in paragraphs(TEXTS)]
    bm25, dense = Bm25Peer(corpus), DensePeer(corpus, HashingEmbedder(64))
    question = "are tuples immutable"
    every = len(corpus)
    fused = rrf([bm25.rank(question, k=every), dense.rank(question, k=every)])
    assert HybridPeer(bm25, dense).rank(question) == fused
    assert corpus[fused[0].row] == "Tuples are immutable."


def test_reportqa_eval_peers_prints_a_row_per_peer(tmp_path: Path, small_index: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    records = [
        {
            "id": "q1",
            "question": "What do censuses and household surveys provide?",
            "evidence": ["Censuses and household surveys provide statistics on the migrant stock."],
            "section": "B.1",
            "kind": "fact",
            "document": "test-report",
        },
        {
            "id": "q2",
            "question": "Why do refugees seek asylum?",
            "evidence": ["Refugees fleeing persecution seek asylum"],
            "section": "A.2",
            "kind": "why",
            "document": "test-report",
        },
        {
            "id": "q3",
            "question": "Who won the cup final?",
            "evidence": [],
            "section": "none",
            "kind": "unanswerable",
        },
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    runner = CliRunner()
    args = ["eval", str(questions), "--peers", "--index-dir", str(small_index)]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    for name in (BM25, DENSE, HYBRID):
        assert f"| peer: {name} | 3 |" in table.stdout
    assert "| reportqa | 3 |" in table.stdout

    body = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert set(body["peers"]) == {BM25, DENSE, HYBRID}
    bm25 = body["peers"][BM25]["overall"]
    assert bm25["hit@1"] == 1.0  # both questions share their rarest words with the evidence
    assert bm25["citation_accuracy"] is None  # paragraphs cite no section
    assert body["overall"]["citation_accuracy"] == 1.0
