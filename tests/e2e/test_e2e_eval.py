"""The scorer of tests/data/EVAL.md over the dev sample, through the HTTP API, with floors.

Run with ``pytest -s -m e2e`` to see the figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from index.evaluation import Outcome, Retrieved, load_questions, score

pytestmark = pytest.mark.e2e

DEV = Path(__file__).resolve().parent.parent / "data" / "dev.jsonl"
FLOORS = {"hit@5": 0.88, "mrr@10": 0.65, "citation_accuracy": 0.95}
MAX_CHARS_AT_5 = 1000


def test_dev_sample_meets_the_floors(client: httpx.Client, evidence_pages: Callable[[str], set[int]]) -> None:
    def answer(question: str) -> Outcome:
        response = client.post("/ask", json={"question": question, "top_k": 10})
        assert response.status_code == 200, response.text
        passages = response.json()["passages"]
        results = [
            Retrieved(
                text=p["text"],
                section=p["citation"]["section"],
                page=p["citation"]["page"],
                page_end=p["citation"]["page_end"],
                footnote=p["citation"].get("footnote"),
            )
            for p in passages
        ]
        return Outcome(results=results, confidence=passages[0]["score"] if passages else 0.0)

    report = score(load_questions(DEV), answer, evidence_pages=evidence_pages)
    metrics = report.overall
    print("\ndev sample over HTTP (top_k=10):", json.dumps(metrics, indent=1))
    for outcome in report.questions:
        if outcome.question.answerable and (outcome.first_hit is None or not outcome.citation_ok):
            print(f"  {outcome.question.id}: first hit {outcome.first_hit}, cited ok {outcome.citation_ok}")
    for name, floor in FLOORS.items():
        value = metrics[name]
        assert value is not None and value >= floor, f"{name} = {value}, floor {floor}"
    chars = metrics["chars@5"]
    assert chars is not None and chars <= MAX_CHARS_AT_5, f"chars@5 = {chars}"
