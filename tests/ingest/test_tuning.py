"""Fine-tuning the model on questions about the corpus: what it trains on, how it is named, that it learns."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fakes import HashingEmbedder

from index.embedder import SentenceTransformerEmbedder, is_tuned, resolve_model_path
from index.errors import ReportQAError
from index.evaluation import Question
from index.model_cache import tuned_dir
from index.models import Citation, Passage
from ingest.tuning import Recipe, Tuning, fine_tune, question_files, training_pairs, tuned_name


def passage(text: str, title: str = "Return migration", section: str = "B.6") -> Passage:
    citation = Citation(
        document="report", section=section, title=title, page=9, page_end=9, start=0, end=len(text)
    )
    return Passage(id=f"p{len(text)}", text=text, citation=citation)


PASSAGES = [
    passage("Remittances were the most tangible benefit. They reduced poverty in many households."),
    passage(
        "Participants noted that return was more likely when institutions were stable. "
        "Circular migration could help countries of origin.",
    ),
]


def question(text: str, *evidence: str) -> Question:
    return Question(id="q", question=text, evidence=list(evidence), section="B.6", kind="paraphrase")


def write_questions(path: Path, *questions: Question) -> Path:
    lines = [
        json.dumps(
            {"id": q.id, "question": q.question, "evidence": q.evidence, "section": q.section, "kind": q.kind}
        )
        for q in questions
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_question_trains_on_its_passage_with_title_and_on_its_evidence_sentence() -> None:
    asked = question("When do people go back home?", "return was more likely when institutions were stable")
    pairs = training_pairs([asked], PASSAGES)
    assert pairs == [
        (asked.question, f"Return migration. {PASSAGES[1].text}"),
        (asked.question, "Participants noted that return was more likely when institutions were stable."),
    ]


def test_unanswerable_questions_and_evidence_no_passage_holds_give_no_pair() -> None:
    unanswerable = question("Who chaired the 2013 Dialogue?")
    edited_away = question("What did the fees cost?", "transfer fees charged by banks remained high")
    assert training_pairs([unanswerable, edited_away], PASSAGES) == []


def test_the_tuned_name_follows_the_base_model_the_questions_and_the_recipe(tmp_path: Path) -> None:
    questions = write_questions(tmp_path / "q.jsonl", question("Why return?", "return was more likely"))
    name = tuned_name("all-MiniLM-L6-v2", [questions])
    assert is_tuned(name) and name.startswith("all-MiniLM-L6-v2@tuned-")
    assert tuned_name("all-MiniLM-L6-v2", [questions]) == name
    assert tuned_name("other-model", [questions]) != name
    assert tuned_name("all-MiniLM-L6-v2", [questions], Recipe(epochs=3)) != name
    write_questions(questions, question("Why return home?", "return was more likely"))
    assert tuned_name("all-MiniLM-L6-v2", [questions]) != name


def test_question_folders_give_their_jsonl_files_and_a_missing_path_is_an_error(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.jsonl", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert question_files([tmp_path]) == [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    with pytest.raises(ReportQAError, match="no such tuning question file"):
        question_files([tmp_path / "missing.jsonl"])


class NamedOnly:
    """A trainable embedder that is never asked to embed: tuning must decide before it would train."""

    name = "all-MiniLM-L6-v2"
    dimension = 384
    backend = "torch"
    trainable = True


def test_embedders_that_cannot_train_and_sources_the_questions_do_not_cover_are_not_tuned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", question("What about fees?", "fees nobody wrote about"))
    tune = Tuning(tmp_path / "index", (questions,))
    hashing = HashingEmbedder(64)
    assert tune(hashing, PASSAGES) is hashing
    model = NamedOnly()
    assert tune(model, PASSAGES) is model  # type: ignore[arg-type]
    assert "no tuning question's evidence is in these sources" in capsys.readouterr().err
    assert not (tmp_path / "index").exists()


def test_a_tuned_model_missing_from_disk_says_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(ReportQAError, match="reportqa ingest"):
        resolve_model_path("all-MiniLM-L6-v2@tuned-0123456789ab", tmp_path)


def test_fine_tuning_brings_a_question_closer_to_its_answer_than_to_other_passages(tmp_path: Path) -> None:
    """The real model, a few steps: the paraphrase it is trained on now ranks its passage higher."""
    asked = "Which conditions make people go back to where they came from?"
    answer = f"Return migration. {PASSAGES[1].text}"
    other = f"Remittances. {PASSAGES[0].text}"
    base = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    before = base.embed([asked, answer, other])
    name = "all-MiniLM-L6-v2@tuned-0123456789ab"
    fine_tune(
        "all-MiniLM-L6-v2",
        [(asked, answer), (other, other)],
        tuned_dir(tmp_path, name),
        Recipe(epochs=8, learning_rate=5e-5, warmup_steps=1),
    )
    tuned = SentenceTransformerEmbedder(name, cache=tmp_path)
    after = tuned.embed([asked, answer, other])
    margin_before = before[0] @ before[1] - before[0] @ before[2]
    margin_after = after[0] @ after[1] - after[0] @ after[2]
    assert margin_after > margin_before + 0.05
    assert np.allclose(np.linalg.norm(after, axis=1), 1.0, atol=1e-5)
