"""Questions from every part of the report find their evidence in the top 5, correctly cited.

A fixed list across parts A, B, C, the annex and the footnotes, chosen from the
dev sample and the extra set.  The citation of the first passage holding the
evidence must name the gold section (a footnote: be marked as a footnote) and a
page range that holds the evidence's page in the raw report.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from index.evaluation import Question, is_hit

pytestmark = pytest.mark.e2e

# id: where the answer lives (kept next to the id so a failure reads without the data file).
QUESTION_IDS = {
    "q002": "A.1",
    "q007": "A.2",
    "q011": "A.3",
    "x010": "A.4",
    "x014": "A.5",
    "q026": "B",
    "q031": "B.1",
    "x029": "B.2",
    "q040": "B.4",
    "x044": "B.6",
    "q059": "B.7",
    "q064": "B.8",
    "q069": "B.9",
    "q074": "B.11",
    "x070": "B.12",
    "q088": "B.13",
    "x081": "B.14",
    "q103": "B.16",
    "q107": "B.17",
    "q112": "C",
    "x094": "C",
    "q117": "Annex",
    "x098": "Annex",
    "q021": "footnote",
    "x017": "footnote",
}


@pytest.mark.parametrize("question_id", list(QUESTION_IDS))
def test_evidence_in_top_5_with_the_right_section_and_page(
    client: httpx.Client,
    questions: dict[str, Question],
    evidence_pages: Callable[[str], set[int]],
    question_id: str,
) -> None:
    question = questions[question_id]
    assert question.section == QUESTION_IDS[question_id]
    response = client.post("/ask", json={"question": question.question, "top_k": 5})
    assert response.status_code == 200, response.text
    passages = response.json()["passages"]
    found = [(p["citation"]["section"], p["citation"]["page"]) for p in passages]
    hits = [p for p in passages if is_hit(p["text"], question.evidence)]
    assert hits, f"{question_id}: no passage in the top 5 holds the evidence; got {found}"

    citation = hits[0]["citation"]
    if question.section == "footnote":
        assert citation["footnote"] is not None, f"{question_id}: hit is not marked a footnote: {citation}"
    else:
        assert citation["section"] == question.section, f"{question_id}: cited {citation}"
    gold = set().union(*(evidence_pages(quote) for quote in question.evidence))
    assert gold, f"{question_id}: evidence not found in the raw report"
    assert any(citation["page"] <= page <= citation["page_end"] for page in gold), (
        f"{question_id}: cited pages {citation['page']}-{citation['page_end']}, evidence on {sorted(gold)}"
    )
