"""Every bad input gets a 4xx whose detail says what to fix; never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture
def client(small_index: Path) -> Iterator[TestClient]:
    app = create_app(Settings(index_dir=small_index), embedder_factory=lambda name: HashingEmbedder(64))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": ""}, "question must not be blank"),
        ({"question": "   \n\t "}, "question must not be blank"),
        ({"question": "x" * 1001}, "question is 1001 characters long; shorten it to at most 1000"),
        ({"question": "remittances", "top_k": 0}, "top_k must be at least 1 (got 0)"),
        ({"question": "remittances", "top_k": 21}, "top_k must be at most 20 (got 21)"),
        ({"question": "remittances", "top_k": "five"}, 'top_k must be a whole number (got "five")'),
        ({"question": "remittances", "top_k": 2.5}, "top_k must be a whole number (got 2.5)"),
        ({"question": "remittances", "top_k": True}, "top_k must be a whole number (got true)"),
        ({"question": "remittances", "top_k": None}, "top_k must be a whole number (got null)"),
        ({}, "question is required"),
        ({"top_k": 3}, "question is required"),
        ({"question": 42}, "question must be a string (got 42)"),
        ({"question": None}, "question must be a string (got null)"),
        ({"question": ["a"]}, "question must be a string"),
        ({"question": "remittances", "section": 4}, "section must be a string (got 4)"),
        (
            {"question": "remittances", "topk": 3},
            "unknown field 'topk'; allowed fields are question, top_k, section and document",
        ),
        ([], "request body must be a JSON object sent with Content-Type: application/json"),
        ("remittances", "request body must be a JSON object sent with Content-Type: application/json"),
        ({"question": "remittances", "section": "s" * 101}, "section must be at most 100 characters long"),
    ],
)
def test_bad_post_bodies_are_422_with_a_readable_detail(
    client: TestClient, body: object, expected: str
) -> None:
    response = client.post("/ask", json=body)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert expected in payload["detail"]
    assert "\n" not in payload["detail"]
    assert isinstance(payload["errors"], list) and payload["errors"]


def test_question_of_exactly_1000_characters_is_fine(client: TestClient) -> None:
    assert client.post("/ask", json={"question": "a" * 1000}).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"question": "remittances",}', b'{"question": "remittances"'],
)
def test_malformed_json_is_422(client: TestClient, raw: bytes) -> None:
    response = client.post("/ask", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("request body is not valid JSON (")
    assert 'send an object like {"question":' in response.json()["detail"]


def test_form_body_is_422_asking_for_json(client: TestClient) -> None:
    response = client.post("/ask", data={"question": "remittances"})
    assert response.status_code == 422
    assert "Content-Type: application/json" in response.json()["detail"]


def test_missing_body_is_422(client: TestClient) -> None:
    response = client.post("/ask")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("request body is missing; send JSON")


def test_several_errors_on_one_line(client: TestClient) -> None:
    response = client.post("/ask", json={"question": " ", "top_k": 99})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "question must not be blank" in detail
    assert "top_k must be at most 20 (got 99)" in detail


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "q is required"),
        ("?q=", "question must not be blank"),
        ("?q=%20%20", "question must not be blank"),
        ("?q=remittances&top_k=abc", 'top_k must be a whole number (got "abc")'),
        ("?q=remittances&top_k=0", "top_k must be at least 1"),
        ("?q=remittances&top_k=21", "top_k must be at most 20"),
        ("?q=remittances&section=Q", "unknown section 'Q'; use one of: A, A.1, A.2, B, B.1"),
        (f"?q={'x' * 1001}", "shorten it to at most 1000"),
    ],
)
def test_bad_get_queries_are_422_with_a_readable_detail(
    client: TestClient, query: str, expected: str
) -> None:
    response = client.get(f"/ask{query}")
    assert response.status_code == 422, response.text
    assert expected in response.json()["detail"]
