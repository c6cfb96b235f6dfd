"""The HTTP contract over a real socket: shapes, errors, sections, passages, health and offsets."""

from __future__ import annotations

import httpx
import pytest

from index.evaluation import Question

from .conftest import BuiltIndex

pytestmark = pytest.mark.e2e

QUESTION = "How do remittances contribute to development?"
SECTION_IDS = [
    *(f"A.{n}" for n in range(1, 6)),
    "B",
    *(f"B.{n}" for n in range(1, 18)),
    "C",
    "Annex",
]
CITATION_FIELDS = {"document", "section", "title", "page", "page_end", "start", "end"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": ""}, "question must not be blank; ask something about the report"),
        ({"question": "  \n\t "}, "question must not be blank; ask something about the report"),
        ({"question": "x" * 1001}, "question is 1001 characters long; shorten it to at most 1000"),
        ({"question": QUESTION, "top_k": 0}, "top_k must be at least 1 (got 0)"),
        ({"question": QUESTION, "top_k": 21}, "top_k must be at most 20 (got 21)"),
        ({"question": QUESTION, "top_k": "abc"}, 'top_k must be a whole number (got "abc")'),
        ({"top_k": 3}, "question is required"),
        ({}, "question is required"),
    ],
)
def test_bad_post_is_422_with_a_helpful_detail(client: httpx.Client, body: object, expected: str) -> None:
    response = client.post("/ask", json=body)
    assert response.status_code == 422, response.text
    assert expected in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": ""}, "question must not be blank"),
        ({"q": "x" * 1001}, "shorten it to at most 1000"),
        ({"q": QUESTION, "top_k": "0"}, "top_k must be at least 1"),
        ({"q": QUESTION, "top_k": "21"}, "top_k must be at most 20"),
        ({"q": QUESTION, "top_k": "abc"}, 'top_k must be a whole number (got "abc")'),
        ({}, "q is required"),
    ],
)
def test_bad_get_is_422_with_a_helpful_detail(
    client: httpx.Client, query: dict[str, str], expected: str
) -> None:
    response = client.get("/ask", params=query)
    assert response.status_code == 422, response.text
    assert expected in response.json()["detail"]


def test_malformed_json_is_422(client: httpx.Client) -> None:
    response = client.post(
        "/ask", content=b'{"question": "remittances",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("request body is not valid JSON (")
    assert 'send an object like {"question":' in detail


def test_unknown_passage_is_404(client: httpx.Client) -> None:
    version = client.get("/readyz").json()["version"]
    response = client.get("/passages/0000000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": f"no passage with id '0000000000000000' in index {version}"}


def test_ask_response_shape_is_the_contract(client: httpx.Client, built_index: BuiltIndex) -> None:
    response = client.post("/ask", json={"question": QUESTION, "top_k": 7})
    assert response.status_code == 200
    payload = response.json()
    assert set(payload) >= {"question", "passages", "index"}
    assert payload["question"] == QUESTION
    assert set(payload["index"]) >= {"version", "built_at"}
    assert payload["index"]["version"] == built_index.report["version"]
    passages = payload["passages"]
    assert [p["rank"] for p in passages] == list(range(1, 8))
    for passage in passages:
        assert set(passage) >= {"id", "rank", "score", "text", "citation"}
        assert isinstance(passage["score"], float)
        assert passage["text"].strip()
        assert set(passage["citation"]) >= CITATION_FIELDS
        citation = passage["citation"]
        assert citation["document"] == "high-level-dialogue-2006"
        assert 1 <= citation["page"] <= citation["page_end"]
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_default_top_k_is_five(client: httpx.Client) -> None:
    assert len(client.post("/ask", json={"question": QUESTION}).json()["passages"]) == 5


def test_get_ask_equals_post_ask(client: httpx.Client) -> None:
    posted = client.post("/ask", json={"question": QUESTION, "top_k": 3}).json()
    got = client.get("/ask", params={"q": QUESTION, "top_k": 3}).json()
    assert got == posted


def test_sections_lists_the_report_outline(client: httpx.Client) -> None:
    response = client.get("/sections")
    assert response.status_code == 200
    sections = response.json()["sections"]
    assert [s["id"] for s in sections] == SECTION_IDS
    by_id = {s["id"]: s for s in sections}
    assert by_id["B.4"]["title"] == "Remittances as a tool of development"
    assert by_id["Annex"]["page"] >= by_id["C"]["page_end"]


def test_passage_by_id_round_trips(client: httpx.Client) -> None:
    passages = client.post("/ask", json={"question": QUESTION, "top_k": 3}).json()["passages"]
    for passage in passages:
        response = client.get(f"/passages/{passage['id']}")
        assert response.status_code == 200
        detail = response.json()
        assert detail["id"] == passage["id"]
        assert detail["text"] == passage["text"]
        assert {**detail["citation"], "url": None} == {**passage["citation"], "url": None}


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_names_the_index(client: httpx.Client, built_index: BuiltIndex) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    ready = response.json()
    assert ready["status"] == "ready"
    assert ready["version"] == built_index.report["version"]
    assert ready["passage_count"] == built_index.report["passage_count"] > 50
    assert ready["model"].startswith("all-MiniLM-L6-v2@tuned-")  # the bundled model, tuned at ingest


def test_every_citation_slices_the_canonical_text(
    client: httpx.Client, built_index: BuiltIndex, questions: dict[str, Question]
) -> None:
    seen: dict[str, dict[str, object]] = {}
    for question in questions.values():
        for passage in client.post("/ask", json={"question": question.question, "top_k": 20}).json()[
            "passages"
        ]:
            seen[passage["id"]] = passage
    assert len(seen) > 50
    texts: dict[str, str] = {}
    for passage in seen.values():
        citation = passage["citation"]
        assert isinstance(citation, dict)
        document = citation["document"]
        text = texts.setdefault(document, built_index.canonical_text(document))
        assert text[citation["start"] : citation["end"]] == passage["text"], passage["id"]


def test_empty_index_dir_starts_but_is_not_ready(empty_client: httpx.Client) -> None:
    assert empty_client.get("/healthz").status_code == 200
    ready = empty_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert "run: reportqa ingest" in ready.json()["detail"]
    asked = empty_client.post("/ask", json={"question": QUESTION})
    assert asked.status_code == 503
    assert "run: reportqa ingest" in asked.json()["detail"]
