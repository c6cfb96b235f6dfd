"""The scorer of tests/data/EVAL.md over the dev sample, through the HTTP API and the CLI, with floors.

The floors hold with margin under what the service scores today (docs/quality.md,
"Retrieval quality"), so a regression fails here.  Run with ``pytest -s`` to see
the figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from index.evaluation import Outcome, Report, Retrieved, load_questions, score
from ingest.tuning import question_files
from service.settings import DEFAULT_TUNING

from .conftest import BuiltIndex, run_cli

pytestmark = pytest.mark.e2e

DEV = Path(__file__).resolve().parent.parent / "data" / "dev.jsonl"
UNSEEN = DEV.with_name("extra5.jsonl")
"""90 questions (16 unanswerable) by two writers who read only the report; never trained on."""
UNSEEN_FLOORS = {
    "hit@1": 0.85,
    "hit@5": 0.95,
    "mrr@10": 0.90,
    "auroc": 0.93,
    "abstention_accuracy": 0.91,
    "answer_accuracy": 0.82,
    "citation_accuracy": 1.0,
}
FRESH = DEV.with_name("extra7.jsonl")
"""90 more (16 unanswerable) by two more writers; nothing was tuned or fitted on them."""
FRESH_FLOORS = {
    "hit@1": 0.84,
    "hit@5": 0.93,
    "mrr@10": 0.88,
    "auroc": 0.90,
    "abstention_accuracy": 0.90,
    "answer_accuracy": 0.80,
    "citation_accuracy": 1.0,
}
NEWEST = DEV.with_name("extra9.jsonl")
"""90 more (16 unanswerable), written to judge adding a last batch of tuning questions."""
NEWEST_FLOORS = {
    "hit@1": 0.87,
    "hit@5": 0.95,
    "mrr@10": 0.90,
    "auroc": 0.87,
    "abstention_accuracy": 0.88,
    "answer_accuracy": 0.84,
    "citation_accuracy": 1.0,
}
FLOORS = {
    "hit@1": 0.84,
    "hit@5": 0.96,
    "mrr@10": 0.90,
    "auroc": 0.90,
    "abstention_accuracy": 0.90,
    "answer_accuracy": 0.80,
    "citation_accuracy": 1.0,
}
MAX_CHARS_AT_5 = 800


@pytest.fixture(scope="module")
def http_report(client: httpx.Client, evidence_pages: Callable[[str], set[int]]) -> Report:
    """The dev sample scored from what ``POST /ask`` returns (top 10 passages)."""

    def answer(question: str) -> Outcome:
        response = client.post("/ask", json={"question": question, "top_k": 10})
        assert response.status_code == 200, response.text
        body = response.json()
        results = [
            Retrieved(
                text=p["text"],
                section=p["citation"]["section"],
                page=p["citation"]["page"],
                page_end=p["citation"]["page_end"],
                footnote=p["citation"]["footnote"],
            )
            for p in body["passages"]
        ]
        return Outcome(
            results=results,
            confidence=body["confidence"],
            answerable=body["answerable"],
            answer_text=body["answer"]["text"] if body["answer"] else None,
        )

    report = score(load_questions(DEV), answer, evidence_pages=evidence_pages)
    print("\ndev sample over HTTP (top_k=10):", json.dumps(report.overall, indent=1))
    return report


def test_dev_sample_meets_the_floors(http_report: Report) -> None:
    metrics = http_report.overall
    for name, floor in FLOORS.items():
        value = metrics[name]
        assert value is not None and value >= floor, f"{name} = {value}, floor {floor}"
    chars = metrics["chars@5"]
    assert chars is not None and chars <= MAX_CHARS_AT_5, f"chars@5 = {chars}"


def test_reportqa_eval_prints_the_same_figures(built_index: BuiltIndex, http_report: Report) -> None:
    result = run_cli("eval", str(DEV), "--json", index_dir=built_index.root)
    assert result.returncode == 0, result.stderr
    overall = json.loads(result.stdout)["overall"]
    for name in [*FLOORS, "hit@3", "chars@5"]:
        assert overall[name] == pytest.approx(http_report.overall[name]), name


def test_reportqa_eval_prints_a_table_per_kind(built_index: BuiltIndex) -> None:
    result = run_cli("eval", str(DEV), index_dir=built_index.root)
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if line.startswith("| metric"))
    assert header == "| metric | all | fact | list | paraphrase | unanswerable | why |"
    for label in ("Hit@1", "Hit@3", "Hit@5", "MRR@10", "chars@5", "no-answer AUROC", "citation"):
        assert f"| {label} |" in result.stdout


@pytest.mark.parametrize(
    ("questions", "floors"),
    [(UNSEEN, UNSEEN_FLOORS), (FRESH, FRESH_FLOORS), (NEWEST, NEWEST_FLOORS)],
)
def test_a_set_the_model_was_not_tuned_on_meets_its_floors(
    built_index: BuiltIndex, questions: Path, floors: dict[str, float]
) -> None:
    tuned_on = {q.question for path in question_files([DEFAULT_TUNING]) for q in load_questions(path)}
    assert not tuned_on & {q.question for q in load_questions(questions)}
    result = run_cli("eval", str(questions), "--json", index_dir=built_index.root)
    assert result.returncode == 0, result.stderr
    overall = json.loads(result.stdout)["overall"]
    print(f"\n{questions.name} via reportqa eval:", json.dumps(overall, indent=1))
    for name, floor in floors.items():
        assert overall[name] is not None and overall[name] >= floor, (
            f"{name} = {overall[name]}, floor {floor}"
        )
    assert overall["chars@5"] <= MAX_CHARS_AT_5
