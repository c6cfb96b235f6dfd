"""Every citation links to its passage in the reader view, and a PDF's to its page of the original file.

The index is built by the real pipeline from real files (a PDF printed from page 3, a
Markdown guide, an HTML page), so the originals it keeps are the files' own bytes.
"""

from __future__ import annotations

import asyncio
import re
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
from tests.citable import ASYLUM, MOBILE, build_citable_index, write_sources

BASE = "http://testserver"


def hashing(name: str) -> Embedder:
    return HashingEmbedder(int(name.removeprefix("hashing-")))


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    return write_sources(tmp_path / "sources")


@pytest.fixture
def index_dir(tmp_path: Path, sources: dict[str, Path]) -> Path:
    return build_citable_index(tmp_path / "index", tmp_path / "sources")


def client_for(index_dir: Path, **settings: Any) -> Iterator[TestClient]:
    app = create_app(Settings(index_dir=index_dir, **settings), embedder_factory=hashing)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(index_dir: Path) -> Iterator[TestClient]:
    yield from client_for(index_dir)


def ask(client: TestClient, question: str, **body: object) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, **body})
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def top(payload: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = payload["passages"][0]
    return first


# --- links in /ask -----------------------------------------------------------------------------------


def test_every_citation_links_to_its_passage_with_its_highlight(client: TestClient) -> None:
    payload = ask(client, "How do mobile phones help migrants send remittances?", document="guide")
    for passage in payload["passages"]:
        start, end = passage["highlight"]["start"], passage["highlight"]["end"]
        assert passage["citation"]["url"] == (
            f"{BASE}/documents/guide?passage={passage['id']}&highlight={start}-{end}#p-{passage['id']}"
        )
        assert passage["citation"]["source_url"] is None  # Markdown has no pages
    assert top(payload)["text"] == MOBILE
    assert payload["answer"]["citation"] == top(payload)["citation"]


def test_a_pdf_citation_links_to_its_page_of_the_file_as_printed(client: TestClient) -> None:
    cited = top(ask(client, ASYLUM, document="report"))["citation"]
    assert cited["page"] == 4  # printed "4" on the PDF's second page
    assert cited["source_url"] == f"{BASE}/documents/report/source#page=2"


def test_get_ask_links_alike_and_the_public_url_is_the_base_when_set(index_dir: Path) -> None:
    for client in client_for(index_dir, public_url="https://qa.example.org/"):
        posted = ask(client, ASYLUM, document="report")
        got = client.get("/ask", params={"q": ASYLUM, "document": "report"}).json()
        assert got["passages"] == posted["passages"]
        assert top(got)["citation"]["url"].startswith("https://qa.example.org/documents/report?passage=")
        assert top(got)["citation"]["source_url"] == "https://qa.example.org/documents/report/source#page=2"


def test_a_passage_by_id_links_to_it_without_an_answer_span(client: TestClient) -> None:
    hit = top(ask(client, ASYLUM))
    detail = client.get(f"/passages/{hit['id']}").json()
    assert detail["citation"]["url"] == f"{BASE}/documents/report?passage={hit['id']}#p-{hit['id']}"


# --- chat and MCP ------------------------------------------------------------------------------------


def test_chat_citations_carry_the_links(client: TestClient) -> None:
    body = {"messages": [{"role": "user", "content": ASYLUM}], "document": "report"}
    message = client.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]
    reference = top(ask(client, ASYLUM, document="report"))
    first = message["citations"][0]
    assert first["citation"] == reference["citation"]
    assert first["url"] == reference["citation"]["url"]
    assert first["citation"]["source_url"] == f"{BASE}/documents/report/source#page=2"


def test_mcp_results_carry_the_links_from_the_public_url(index_dir: Path) -> None:
    retriever = Retriever(load_index(index_dir), HashingEmbedder(64))
    server = build_mcp_server(lambda: retriever, public_url="https://qa.example.org")

    async def scenario() -> tuple[Any, Any]:
        async with Client(server) as client:
            search = await client.call_tool("search_report", {"question": ASYLUM, "document": "report"})
            first = search.structured_content["passages"][0]["id"]
            return search, await client.call_tool("get_passage", {"id": first})

    search, passage = asyncio.run(scenario())
    cited = search.structured_content["passages"][0]["citation"]
    assert cited["url"].startswith("https://qa.example.org/documents/report?passage=")
    assert cited["source_url"] == "https://qa.example.org/documents/report/source#page=2"
    assert f"[1] {cited['url']}" in search.content[0].text
    assert passage.content[0].text.endswith(f"Link: {passage.structured_content['citation']['url']}")


# --- /documents and the originals --------------------------------------------------------------------


def test_documents_lists_ids_titles_formats_and_section_counts(client: TestClient) -> None:
    listed = client.get("/documents").json()["documents"]
    assert [(d["id"], d["title"], d["format"], d["section_count"]) for d in listed] == [
        ("guide", "Field guide", "md", 11),
        ("notes", "Field notes", "html", 1),
        ("report", "Report on migration", "pdf", 2),
    ]
    assert listed[2]["url"] == f"{BASE}/documents/report"
    assert listed[2]["source_url"] == f"{BASE}/documents/report/source"


def test_the_source_is_the_indexed_file_byte_for_byte_even_after_the_user_changes_it(
    client: TestClient, sources: dict[str, Path]
) -> None:
    indexed = {document: path.read_bytes() for document, path in sources.items()}
    sources["report"].unlink()
    sources["guide"].write_text("# Rewritten\n\nNothing of the old guide.\n", encoding="utf-8")
    expected_types = {
        "report": "application/pdf",
        "guide": "text/markdown; charset=utf-8",
        "notes": "text/html; charset=utf-8",
    }
    extensions = {"report": "pdf", "guide": "md", "notes": "html"}
    for document, data in indexed.items():
        response = client.get(f"/documents/{document}/source")
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-type"] == expected_types[document]
        assert (
            response.headers["content-disposition"] == f'inline; filename="{document}.{extensions[document]}"'
        )


def test_an_html_original_is_served_sandboxed(client: TestClient) -> None:
    policies = client.get("/documents/notes/source").headers.get_list("content-security-policy")
    assert "sandbox" in policies


def test_the_originals_are_hashed_in_the_manifest(index_dir: Path) -> None:
    manifest = load_index(index_dir).manifest
    kept = {"sources/report.pdf", "sources/guide.md.gz", "sources/notes.html.gz", "documents.json"}
    assert kept <= set(manifest.files)  # texts gzipped, the PDF as it is


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2Fetc%2Fpasswd/source",
        "/documents/..%2Fmanifest.json/source",
        "/documents/%2Fetc%2Fpasswd/source",
        "/documents/%2Fetc%2Fpasswd",
        "/documents/report%00/source",
        "/documents/report%00.pdf/source",
        "/documents/%00/source",
        "/documents/sources%2Freport.pdf/source",
        "/documents/manual/source",
        "/documents/manual",
    ],
)
def test_unknown_and_path_like_ids_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_an_index_built_before_originals_were_kept_says_to_rebuild(small_index: Path) -> None:
    for client in client_for(small_index):
        response = client.get("/documents/test-report/source")
        assert response.status_code == 404
        assert response.json()["detail"] == (
            "index 20250101T000000Z-test keeps no original file of 'test-report' (built before "
            "originals were kept); rebuild the index to serve it: reportqa ingest"
        )
        assert client.get("/documents").json()["documents"][0]["source_url"] is None
        assert client.get("/documents/test-report").status_code == 200


# --- the reader view ---------------------------------------------------------------------------------


def test_the_reader_view_marks_the_cited_passage_and_the_answer_span(client: TestClient) -> None:
    hit = top(ask(client, ASYLUM, document="report"))
    page = client.get(hit["citation"]["url"])
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    element = re.search(rf'<p class="passage cited" id="p-{hit["id"]}"[^>]*>(.*?)</p>', html, re.S)
    assert element is not None
    start, end = hit["highlight"]["start"], hit["highlight"]["end"]
    assert f"<mark>{hit['text'][start:end]}</mark>" in element.group(1)
    assert html.count('class="passage cited"') == 1


def test_the_reader_view_shows_the_outline_and_the_pages(client: TestClient) -> None:
    html = client.get("/documents/report").text
    assert '<a href="#s-1">1 Remittances</a> <span class="pages">(page 3)</span>' in html
    assert '<h2 id="s-2">2 Refugees and asylum</h2>' in html
    assert (
        f'<span class="page-break" id="page-4">Page 4 · <a href="{BASE}/documents/report/source#page=2">'
        in html
    )
    assert "<mark>" not in html and "passage cited" not in html
    assert 'id="page-' not in client.get("/documents/guide").text  # no invented pages


def test_a_passage_of_another_document_or_a_bad_highlight_is_refused(client: TestClient) -> None:
    hit = top(ask(client, ASYLUM, document="report"))
    assert client.get(f"/documents/guide?passage={hit['id']}").status_code == 404
    assert client.get(f"/documents/report?passage={hit['id']}&highlight=end").status_code == 422


def test_the_reader_view_loads_only_our_own_script_and_style(client: TestClient) -> None:
    html = client.get("/documents/report").text
    assert re.findall(r'(?:src|href)="(/static/[^"]+)"', html) == ["/static/style.css", "/static/reader.js"]
    assert "<script>" not in html and "http" not in re.sub(r'href="http://testserver/[^"]*"', "", html)
