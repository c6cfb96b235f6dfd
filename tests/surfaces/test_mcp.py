"""The MCP server, driven by the official SDK's own client over stdio and streamable HTTP."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from surfaces.live import REPORTQA, LiveServer, Tops, top_of

T = TypeVar("T")
TOOLS = {"search_report", "get_passage", "list_sections"}


def run(scenario: Callable[[Client], Awaitable[T]], server: str | StdioServerParameters) -> T:
    """Connect the SDK client to ``server``, run ``scenario`` on it, disconnect."""

    async def main() -> T:
        async with Client(server) as client:
            return await scenario(client)

    return asyncio.run(main())


def stdio(index_dir: Path, public_url: str) -> StdioServerParameters:
    """``reportqa mcp`` as a desktop chat client would launch it, its links pointing at the service."""
    env = {"REPORTQA_INDEX_DIR": str(index_dir), "REPORTQA_PUBLIC_URL": public_url, "HF_HUB_OFFLINE": "1"}
    # The test session's plugin (the hashing embedder of the small index) and where to import it from.
    inherited = ("REPORTQA_EMBEDDER_PLUGIN", "PYTHONPATH")
    env |= {name: os.environ[name] for name in inherited if name in os.environ}
    return StdioServerParameters(command=str(REPORTQA), args=["mcp"], env=env)


async def every_tool(client: Client) -> dict[str, Any]:
    """List the tools, then call each the way a chatbot would: search, follow an id, read the contents."""
    tools = (await client.list_tools()).tools
    question = {"question": "Do remittances reduce poverty?", "top_k": 2}
    search = await client.call_tool("search_report", question)
    first_id = search.structured_content["passages"][0]["id"]
    passage = await client.call_tool("get_passage", {"id": first_id})
    sections = await client.call_tool("list_sections", {})
    scoped = await client.call_tool("search_report", {"question": "remittances", "section": "B"})
    unknown = await client.call_tool("search_report", {"question": "remittances", "section": "Z.9"})
    return {
        "tools": {tool.name: tool for tool in tools},
        "search": search,
        "passage": passage,
        "sections": sections,
        "scoped": scoped,
        "unknown": unknown,
    }


def check_every_tool(seen: dict[str, Any], reference: dict[str, Any]) -> None:
    tools = seen["tools"]
    assert set(tools) >= TOOLS
    assert set(tools["search_report"].input_schema["properties"]) == {
        "question",
        "top_k",
        "section",
        "document",
    }
    assert tools["search_report"].input_schema["required"] == ["question"]
    assert "passages" in tools["search_report"].output_schema["properties"]

    search = seen["search"]
    assert not search.is_error
    assert search.structured_content["passages"] == reference["passages"]
    assert search.structured_content["context"] == reference["context"]
    text = search.content[0].text
    assert "[1] Remittances sent home by migrants reduce poverty in origin countries." in text
    assert '(Source: test-report, section A.1 "Remittances as a tool of development", page 3)' in text

    passage = seen["passage"].structured_content
    # The same citation; its link opens the passage without the answer's span.
    assert {**passage["citation"], "url": None} == {**reference["passages"][0]["citation"], "url": None}
    first = reference["passages"][0]
    assert (
        passage["citation"]["url"] == first["citation"]["url"].split("&highlight=")[0] + f"#p-{first['id']}"
    )
    assert (
        seen["passage"]
        .content[0]
        .text.endswith(
            '(Source: test-report, section A.1 "Remittances as a tool of development", page 3)\n'
            f"Link: {passage['citation']['url']}"
        )
    )

    sections = seen["sections"].structured_content["sections"]
    assert [s["id"] for s in sections] == ["A.1", "A.2", "B.1"]
    assert "A.2 Refugees and asylum (page 4)" in seen["sections"].content[0].text

    assert {p["citation"]["section"] for p in seen["scoped"].structured_content["passages"]} == {"B.1"}
    assert seen["unknown"].is_error
    assert "unknown section 'Z.9'; use one of: A, A.1, A.2, B, B.1" in seen["unknown"].content[0].text


def test_every_tool_over_streamable_http(small_server: LiveServer) -> None:
    seen = run(every_tool, f"{small_server.url}/mcp")
    check_every_tool(seen, small_server.ask("Do remittances reduce poverty?", top_k=2))


def test_every_tool_over_stdio(small_server: LiveServer) -> None:
    seen = run(every_tool, stdio(small_server.index_dir, small_server.url))
    check_every_tool(seen, small_server.ask("Do remittances reduce poverty?", top_k=2))


def answers_counted(url: str) -> float:
    """The service's count of answered questions, from ``/metrics``."""
    lines = httpx.get(f"{url}/metrics").text.splitlines()
    return sum(float(line.split()[-1]) for line in lines if line.startswith("reportqa_answers_total"))


def test_search_over_http_takes_the_same_path_as_ask(small_server: LiveServer) -> None:
    """Batcher, cache and metrics: a question asked over MCP is counted as ``/ask`` counts it."""
    before = answers_counted(small_server.url)

    async def search(client: Client) -> Any:
        return await client.call_tool("search_report", {"question": "Who hosts refugees?", "top_k": 1})

    result = run(search, f"{small_server.url}/mcp")
    assert not result.is_error
    assert answers_counted(small_server.url) == before + 1


def test_a_blank_question_is_a_tool_error_saying_what_to_fix(small_server: LiveServer) -> None:
    async def blank(client: Client) -> Any:
        return await client.call_tool("search_report", {"question": "   "})

    result = run(blank, f"{small_server.url}/mcp")
    assert result.is_error
    assert "question must not be blank; ask something about the report" in result.content[0].text


@pytest.mark.e2e  # needs the real tuned build
def test_search_report_agrees_with_ask_on_the_real_report(real_server: LiveServer, real_tops: Tops) -> None:
    questions = list(real_tops)

    async def search_all(client: Client) -> list[dict[str, Any]]:
        results = [await client.call_tool("search_report", {"question": q}) for q in questions]
        return [result.structured_content for result in results]

    for question, payload in zip(questions, run(search_all, f"{real_server.url}/mcp"), strict=True):
        assert top_of(payload) == real_tops[question], question
