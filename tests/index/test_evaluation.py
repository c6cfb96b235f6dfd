"""The scorer follows the evaluation README to the letter."""

from __future__ import annotations

from index.evaluation import Outcome, Question, Retrieved, auroc, is_hit, normalise, score


def test_normalise_joins_line_break_hyphens_and_folds_everything_else() -> None:
    assert normalise("Co-\ndevelopment, and  “Mode 4”!") == "co development and mode 4"


def test_a_hit_is_a_substring_or_most_of_the_trigrams() -> None:
    quote = "remittances provided stable incomes for their families"
    assert is_hit("Their remittances provided stable incomes for their families and more.", [quote])
    assert is_hit("remittances provided stable incomes for their kin", [quote])  # 4 of 5 trigrams
    assert not is_hit("remittances were large", [quote])


def test_auroc_is_the_chance_an_answerable_question_outscores_an_unanswerable_one() -> None:
    assert auroc([0.9, 0.8], [0.1]) == 1.0
    assert auroc([0.5], [0.5]) == 0.5
    assert auroc([0.1], [0.9]) == 0.0


def test_score_counts_ranks_chars_and_citations() -> None:
    questions = [
        Question("q1", "about remittances", ["remittances provided stable incomes"], "B.1", "fact"),
        Question("q2", "about football", [], "none", "unanswerable"),
    ]
    answers = {
        "about remittances": Outcome(
            [
                Retrieved("nothing here", "B.2", 3, 3),
                Retrieved("Remittances provided stable incomes.", "B.1", 4, 4),
            ],
            confidence=0.9,
            answerable=True,
            answer_text="Remittances provided stable incomes.",
        ),
        "about football": Outcome([Retrieved("x" * 10, "C", 9, 9)], confidence=0.2, answerable=False),
    }
    report = score(questions, answers.__getitem__, evidence_pages=lambda quote: {4})
    overall = report.overall
    assert (overall["hit@1"], overall["hit@3"], overall["mrr@10"]) == (0.0, 1.0, 0.5)
    assert overall["citation_accuracy"] == 1.0 and overall["auroc"] == 1.0
    assert overall["abstention_accuracy"] == 1.0 and overall["answer_accuracy"] == 1.0
    assert overall["chars@5"] == (24 + 10) / 2
