"""Two documents in one index, served by the real app: a paged report and a page-less guide.

Both have a section "1", so everything keyed by section must be keyed by document too:
the ``document`` filter of ``/ask``, chat and MCP, the grouped ``/sections``, and
citations that name their document's title and give ``page: null`` where there are no pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient
from mcp import Client

from index.embedder import Embedder
from index.search import Retriever
from index.store import load_index
from service.app import create_app
from service.mcp_server import build_mcp_server
from service.settings import Settings
from tests.conftest import DIMENSION, TestDocument, write_test_index

DOCUMENTS = [
    TestDocument(
        "report",
        "Report on migration",
        "txt",
        [
            (
                "1",
                "Remittances",
                1,
                ["Remittances sent home by migrants reduce poverty in origin countries."],
            ),
            ("2", "Refugees", 2, ["Refugees fleeing persecution seek asylum under international law."]),
        ],
    ),
    TestDocument(
        "guide",
        "Field guide",
        "md",
        [
            ("1", "Sending money home", None, ["Transfer fees for remittances fall when banks compete."]),
            ("1.1", "Mobile money", None, ["Mobile phones let migrants send remittances cheaply."]),
            ("2", "Data sources", None, ["Household surveys count the migrants of a village."]),
        ],
    ),
]


def build_two_documents(root: Path) -> Path:
    """Write an index of both documents; the report has pages 1 and 2, the guide none."""
    return write_test_index(root, DOCUMENTS, version="20250101T000000Z-two")


def hashing(name: str) -> Embedder:
    return HashingEmbedder(int(name.removeprefix("hashing-")))


@pytest.fixture
def two_documents(tmp_path: Path) -> Path:
    return build_two_documents(tmp_path / "index")


@pytest.fixture
def client(two_documents: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index_dir=two_documents), embedder_factory=hashing)) as test_client:
        yield test_client


def ask(client: TestClient, **body: object) -> dict[str, Any]:
    response = client.post("/ask", json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def places(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["citation"]["document"], p["citation"]["section"]) for p in payload["passages"]}


# --- /ask --------------------------------------------------------------------------------------------


def test_a_section_without_a_document_is_that_section_of_every_document(client: TestClient) -> None:
    payload = ask(client, question="remittances", top_k=10, section="1")
    assert places(payload) == {("report", "1"), ("guide", "1"), ("guide", "1.1")}


def test_document_keeps_its_passages_and_section_applies_within_it(client: TestClient) -> None:
    assert places(ask(client, question="remittances", top_k=10, document="guide")) == {
        ("guide", "1"),
        ("guide", "1.1"),
        ("guide", "2"),
    }
    assert places(ask(client, question="remittances", top_k=10, document="report", section="1")) == {
        ("report", "1")
    }


def test_get_ask_takes_document_as_post_does(client: TestClient) -> None:
    posted = ask(client, question="remittances", top_k=3, document="guide", section="1")
    got = client.get("/ask", params={"q": "remittances", "top_k": 3, "document": "guide", "section": "1"})
    assert got.status_code == 200
    assert got.json() == posted


def test_document_and_section_ids_are_matched_in_any_case(client: TestClient) -> None:
    assert places(ask(client, question="remittances", top_k=10, document="GUIDE", section="1.1")) == {
        ("guide", "1.1")
    }


def test_an_unknown_document_is_422_naming_the_documents(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "remittances", "document": "manual"})
    assert response.status_code == 422
    assert response.json()["detail"] == "unknown document 'manual'; use one of: report, guide"
    got = client.get("/ask", params={"q": "remittances", "document": "manual"})
    assert got.status_code == 422
    assert got.json()["detail"] == "unknown document 'manual'; use one of: report, guide"


def test_an_unknown_section_of_a_document_says_which_document(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "remittances", "document": "report", "section": "1.1"})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "unknown section '1.1' in document 'report'; use one of: 1, 2 (a part such as '1' covers all "
        "its subsections)"
    )


def test_citations_name_the_document_title_and_no_page_where_there_are_none(client: TestClient) -> None:
    payload = ask(client, question="Mobile phones let migrants send remittances cheaply", top_k=5)
    cited = {
        (p["citation"]["document"], p["citation"]["section"]): p["citation"] for p in payload["passages"]
    }
    guide, report = cited[("guide", "1.1")], cited[("report", "1")]
    assert (guide["document_title"], guide["page"], guide["page_end"]) == ("Field guide", None, None)
    assert (report["document_title"], report["page"], report["page_end"]) == ("Report on migration", 1, 1)
    assert payload["answer"]["citation"]["document_title"] == "Field guide"
    assert '(Source: guide, section 1.1 "Mobile money")' in payload["context"]
    assert "page None" not in payload["context"] and "null" not in payload["context"]


def test_a_passage_by_id_names_its_document_title(client: TestClient) -> None:
    top = ask(client, question="household surveys", top_k=1, document="guide")["passages"][0]
    detail = client.get(f"/passages/{top['id']}").json()
    assert {**detail["citation"], "url": None} == {**top["citation"], "url": None}
    assert detail["citation"]["document_title"] == "Field guide"


# --- /sections ---------------------------------------------------------------------------------------


def test_sections_are_grouped_by_document_in_index_order(client: TestClient) -> None:
    payload = client.get("/sections").json()
    assert [(s["document"], s["id"]) for s in payload["sections"]] == [
        ("report", "1"),
        ("report", "2"),
        ("guide", "1"),
        ("guide", "1.1"),
        ("guide", "2"),
    ]
    documents = payload["documents"]
    assert [(d["id"], d["title"], d["format"]) for d in documents] == [
        ("report", "Report on migration", "txt"),
        ("guide", "Field guide", "md"),
    ]
    assert [s["id"] for s in documents[1]["sections"]] == ["1", "1.1", "2"]
    assert documents[1]["sections"][0] == {
        "document": "guide",
        "id": "1",
        "title": "Sending money home",
        "page": None,
        "page_end": None,
    }
    assert documents[0]["sections"][1]["page"] == 2


# --- chat and MCP ------------------------------------------------------------------------------------


def test_chat_takes_document_beside_section(client: TestClient) -> None:
    body = {
        "messages": [{"role": "user", "content": "remittances"}],
        "document": "guide",
        "section": "1",
        "top_k": 5,
    }
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    message = response.json()["choices"][0]["message"]
    for cited in message["citations"]:
        assert (cited["citation"]["document"], cited["citation"]["section"][0]) == ("guide", "1")
    assert "page" not in message["content"]
    assert (
        '"Mobile money" (guide)' in message["content"] or '"Sending money home" (guide)' in message["content"]
    )
    unknown = client.post("/v1/chat/completions", json={**body, "document": "manual"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "unknown document 'manual'; use one of: report, guide"


def test_tools_describe_the_document_argument(client: TestClient) -> None:
    (tool,) = client.get("/v1/tools").json()
    assert set(tool["function"]["parameters"]["properties"]) == {"question", "top_k", "section", "document"}


def test_openapi_shows_document_in_the_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    examples = schema["paths"]["/ask"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert any("document" in example["value"] for example in examples.values())
    assert "document" in {p["name"] for p in schema["paths"]["/ask"]["get"]["parameters"]}


def mcp_calls(retriever: Retriever) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        async with Client(build_mcp_server(lambda: retriever)) as mcp:
            return {
                "scoped": await mcp.call_tool(
                    "search_report", {"question": "remittances", "document": "guide", "section": "1"}
                ),
                "unknown": await mcp.call_tool("search_report", {"question": "remittances", "document": "x"}),
                "sections": await mcp.call_tool("list_sections", {}),
            }

    return asyncio.run(main())


def test_mcp_searches_one_document_and_lists_sections_by_document(two_documents: Path) -> None:
    retriever = Retriever(load_index(two_documents), HashingEmbedder(DIMENSION))
    seen = mcp_calls(retriever)
    scoped = seen["scoped"].structured_content["passages"]
    assert {(p["citation"]["document"], p["citation"]["section"]) for p in scoped} == {
        ("guide", "1"),
        ("guide", "1.1"),
    }
    assert seen["unknown"].is_error
    assert "unknown document 'x'; use one of: report, guide" in seen["unknown"].content[0].text
    text = seen["sections"].content[0].text
    assert (
        'Document report "Report on migration" (txt):\n  1 Remittances (page 1)\n  2 Refugees (page 2)'
        in text
    )
    assert (
        'Document guide "Field guide" (md):\n  1 Sending money home\n  1.1 Mobile money\n  2 Data sources'
        in text
    )
    grouped = seen["sections"].structured_content["documents"]
    assert [d["id"] for d in grouped] == ["report", "guide"]


# --- through the real pipeline -----------------------------------------------------------------------

GUIDE_MD = """# Field guide

## 1. Sending money home

Transfer fees for remittances fall when banks compete.

## 2. Data sources

Household surveys count the migrants of a village.
"""
NOTES_TXT = (
    "NOTES ON MIGRATION\n\n1. Remittances\n\n"
    "Remittances sent home by migrants reduce poverty in origin countries.\n"
    "\f\n2. Refugees\n\nRefugees fleeing persecution seek asylum under international law.\n"
)


def test_a_markdown_file_and_a_text_file_built_and_served_side_by_side(tmp_path: Path) -> None:
    """Both have a section "1"; the Markdown one cites no page, the text one its page."""
    from ingest.pipeline import build_index

    guide, notes = tmp_path / "guide.md", tmp_path / "notes.txt"
    guide.write_text(GUIDE_MD, encoding="utf-8")
    notes.write_text(NOTES_TXT, encoding="utf-8")
    root = tmp_path / "index"
    build_index([guide, notes], root, embedder=HashingEmbedder(DIMENSION), progress=False)
    with TestClient(create_app(Settings(index_dir=root), embedder_factory=hashing)) as client:
        documents = client.get("/sections").json()["documents"]
        assert [(d["id"], d["title"], d["format"], [s["id"] for s in d["sections"]]) for d in documents] == [
            ("guide", "Field guide", "md", ["1", "2"]),
            ("notes", "NOTES ON MIGRATION", "txt", ["1", "2"]),
        ]
        in_guide = ask(client, question="remittances", top_k=5, document="guide", section="1")["passages"]
        assert [p["citation"]["document"] for p in in_guide] == ["guide"]
        assert (in_guide[0]["citation"]["page"], in_guide[0]["citation"]["document_title"]) == (
            None,
            "Field guide",
        )
        in_notes = ask(client, question="refugees asylum", top_k=1, document="notes")["passages"][0]
        assert (in_notes["citation"]["section"], in_notes["citation"]["page"]) == ("2", 2)
        assert places(ask(client, question="remittances", top_k=10, section="1")) == {
            ("guide", "1"),
            ("notes", "1"),
        }


def test_a_reason_names_the_closest_passages_document_and_no_missing_page(client: TestClient) -> None:
    payload = ask(client, question="Who won the 2006 FIFA World Cup?", top_k=1, document="guide")
    assert payload["answerable"] is False
    section, title = (
        payload["passages"][0]["citation"]["section"],
        payload["passages"][0]["citation"]["title"],
    )
    assert payload["reason"].endswith(f"The closest passage is section {section} ({title}) of Field guide.")


def test_an_unanswered_question_over_several_documents_says_these_documents(client: TestClient) -> None:
    """Over a library, "the report" would name a document that is not there; scoped to one, it is right."""
    unscoped = ask(client, question="Who won the 2006 FIFA World Cup?", top_k=1)
    scoped = ask(client, question="Who won the 2006 FIFA World Cup?", top_k=1, document="guide")
    assert (unscoped["answerable"], scoped["answerable"]) == (False, False)
    assert unscoped["verdict"] == "These documents do not appear to answer this."
    assert "the report" not in unscoped["reason"]
    assert "They never mention '2006', 'FIFA'" in unscoped["reason"]
    assert scoped["verdict"] == "The report does not appear to answer this."
