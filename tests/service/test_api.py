"""The HTTP API against a small index built with the hashing embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient

from index.embedder import Embedder
from index.store import load_index
from service.app import create_app
from service.settings import Settings

MODEL_NAMES: list[str] = []


def fake_embedder(name: str) -> Embedder:
    """Record the model name the app asks for and hand back the hashing embedder it names."""
    MODEL_NAMES.append(name)
    return HashingEmbedder(int(name.removeprefix("hashing-")))


@pytest.fixture
def client(small_index: Path) -> Iterator[TestClient]:
    app = create_app(Settings(index_dir=small_index), embedder_factory=fake_embedder)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(index_dir=tmp_path / "nothing-here"), embedder_factory=fake_embedder)
    with TestClient(app) as test_client:
        yield test_client


def ask(client: TestClient, **body: object) -> dict[str, object]:
    response = client.post("/ask", json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, object] = response.json()
    return payload


# --- answers ---------------------------------------------------------------------------------------


def test_best_passage_shares_words_with_the_question(client: TestClient) -> None:
    payload = client.post("/ask", json={"question": "Do remittances reduce poverty?"}).json()
    first = payload["passages"][0]
    assert first["text"].startswith("Remittances sent home by migrants reduce poverty")
    assert first["rank"] == 1
    scores = [p["score"] for p in payload["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_the_model_comes_from_the_manifest(small_index: Path) -> None:
    MODEL_NAMES.clear()
    settings = Settings(index_dir=small_index, model="some-other-model")
    with TestClient(create_app(settings, embedder_factory=fake_embedder)) as test_client:
        assert test_client.get("/readyz").json()["model"] == "hashing-64"
    assert MODEL_NAMES == ["hashing-64"]


def test_response_shape_is_the_contract(client: TestClient, small_index: Path) -> None:
    payload = ask(client, question="  asylum for refugees  ", top_k=2)
    assert {"question", "passages", "index", "context"} <= set(payload)
    assert payload["question"] == "asylum for refugees"
    assert {"answer", "answerable", "confidence", "reason"} <= set(payload)
    passages = payload["passages"]
    assert isinstance(passages, list) and len(passages) == 2
    for rank, passage in enumerate(passages, start=1):
        assert {"id", "rank", "score", "text", "citation", "highlight"} <= set(passage)
        highlight = passage["highlight"]
        assert 0 <= highlight["start"] < highlight["end"] <= len(passage["text"])
        assert passage["rank"] == rank
        assert isinstance(passage["score"], float)
        citation = passage["citation"]
        contract = {"document", "section", "title", "page", "page_end", "start", "end", "footnote"}
        assert contract <= set(citation)
        assert citation["document"] == "test-report"
    first = passages[0]
    assert first["citation"]["section"] == "A.2"
    assert first["citation"]["title"] == "Refugees and asylum"
    assert first["citation"]["page"] == first["citation"]["page_end"] == 4
    assert first["citation"]["footnote"] is None
    text = load_index(small_index).texts["test-report"]
    assert text[first["citation"]["start"] : first["citation"]["end"]] == first["text"]
    assert payload["index"] == {
        "version": "20250101T000000Z-test",
        "built_at": "2025-01-01T00:00:00+00:00",
        "model": "hashing-64",
        "model_kind": "base",
    }


def test_default_top_k_is_five(client: TestClient) -> None:
    assert len(ask(client, question="migration")["passages"]) == 5


def test_get_ask_equals_post_ask(client: TestClient) -> None:
    posted = ask(client, question="migrant statistics", top_k=3, section="B")
    got = client.get("/ask", params={"q": "migrant statistics", "top_k": 3, "section": "B"})
    assert got.status_code == 200
    assert got.json() == posted


def test_get_ask_reads_question_as_q_and_asks_for_q_without_either(client: TestClient) -> None:
    by_q = client.get("/ask", params={"q": "migrant statistics", "top_k": 3})
    by_name = client.get("/ask", params={"question": "migrant statistics", "top_k": 3})
    assert by_name.status_code == 200 and by_name.json() == by_q.json()
    missing = client.get("/ask", params={"top_k": 3})
    assert missing.status_code == 422
    assert missing.json()["detail"] == "q is required"
    blank = client.get("/ask", params={"question": "  "})
    assert blank.status_code == 422 and "question" in blank.json()["detail"]


def test_section_filter_keeps_only_that_section(client: TestClient) -> None:
    payload = ask(client, question="remittances", top_k=10, section="B.1")
    assert [p["citation"]["section"] for p in payload["passages"]] == ["B.1", "B.1"]


def test_section_filter_by_part_and_any_case(client: TestClient) -> None:
    payload = ask(client, question="remittances", top_k=10, section="a")
    assert {p["citation"]["section"] for p in payload["passages"]} == {"A.1", "A.2"}


def test_blank_section_means_no_filter(client: TestClient) -> None:
    response = client.get("/ask", params={"q": "remittances", "section": ""})
    assert response.status_code == 200
    assert len(response.json()["passages"]) == 5


def test_unknown_section_names_the_valid_ids(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "remittances", "section": "Z.9"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("unknown section 'Z.9'; use one of: A, A.1, A.2, B, B.1")


# --- other resources --------------------------------------------------------------------------------


def test_sections_is_the_table_of_contents(client: TestClient) -> None:
    response = client.get("/sections")
    assert response.status_code == 200
    payload = response.json()
    assert payload["sections"] == [
        {
            "document": "test-report",
            "id": "A.1",
            "title": "Remittances as a tool of development",
            "page": 3,
            "page_end": 3,
        },
        {"document": "test-report", "id": "A.2", "title": "Refugees and asylum", "page": 4, "page_end": 4},
        {
            "document": "test-report",
            "id": "B.1",
            "title": "Data on international migration",
            "page": 7,
            "page_end": 7,
        },
    ]
    assert payload["index"]["version"] == "20250101T000000Z-test"


def test_passage_by_id(client: TestClient) -> None:
    hit = ask(client, question="asylum procedures", top_k=1)["passages"][0]
    response = client.get(f"/passages/{hit['id']}")
    assert response.status_code == 200
    payload = response.json()
    assert payload["id"] == hit["id"]
    assert payload["text"] == hit["text"]
    # The same citation; its link opens the passage without the answer's span.
    assert {**payload["citation"], "url": None} == {**hit["citation"], "url": None}
    assert payload["citation"]["url"] == hit["citation"]["url"].split("&highlight=")[0] + f"#p-{hit['id']}"
    assert payload["index"]["version"] == "20250101T000000Z-test"


def test_unknown_passage_is_404(client: TestClient) -> None:
    response = client.get("/passages/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "no passage with id 'nope' in index 20250101T000000Z-test"}


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_ready(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "version": "20250101T000000Z-test",
        "passage_count": 6,
        "model": "hashing-64",
        "model_kind": "base",
        "built_at": "2025-01-01T00:00:00+00:00",
        "tuning": None,
        "stale": [],
        "reload_error": None,
    }


def test_openapi_shows_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/ask"]["post"]["requestBody"]["content"]["application/json"]
    assert "examples" in body
    assert schema["components"]["schemas"]["AskResponse"]["examples"]


# --- no index -----------------------------------------------------------------------------------------


def test_app_starts_without_an_index(empty_client: TestClient) -> None:
    assert empty_client.get("/healthz").status_code == 200
    ready = empty_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert "run: reportqa ingest" in ready.json()["detail"]
    assert "no index at" in ready.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/ask", {"question": "remittances"}),
        ("GET", "/ask?q=remittances", None),
        ("GET", "/sections", None),
        ("GET", "/passages/abc", None),
    ],
)
def test_every_index_route_is_503_without_an_index(
    empty_client: TestClient, method: str, path: str, body: object
) -> None:
    response = empty_client.request(method, path, json=body)
    assert response.status_code == 503
    assert "run: reportqa ingest" in response.json()["detail"]


def test_corrupt_index_is_503_with_the_fix(small_index: Path) -> None:
    version_dir = (small_index / "current").resolve()
    (version_dir / "passages.jsonl").write_text("truncated", encoding="utf-8")
    app = create_app(Settings(index_dir=small_index), embedder_factory=fake_embedder)
    with TestClient(app) as test_client:
        response = test_client.post("/ask", json={"question": "remittances"})
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "does not match its manifest" in detail
    assert detail.endswith("run: reportqa ingest (the service loads the new index by itself)")
    assert "rebuild with" not in detail


def test_context_numbers_the_passages_with_their_sources_for_a_prompt(client: TestClient) -> None:
    payload = ask(client, question="Do remittances reduce poverty?", top_k=2)
    first, second = payload["passages"]  # type: ignore[misc]
    assert payload["context"] == (
        f"[1] {first['text']}\n"
        '(Source: test-report, section A.1 "Remittances as a tool of development", page 3)\n\n'
        f"[2] {second['text']}\n"
        f'(Source: test-report, section {second["citation"]["section"]} "{second["citation"]["title"]}", '
        f"page {second['citation']['page']})"
    )
