"""The report as an MCP server, for chat clients that call tools (Claude Desktop and others).

Three tools, each a thin wrapper over the same functions ``/ask``, ``/passages/{id}``
and ``/sections`` use, so a chatbot sees exactly the passages and citations a person
gets from the API:

- ``search_report(question, top_k=5, section=None, document=None)``: the ranked passages
  with citations;
- ``get_passage(id)``: one passage by the id a search returned;
- ``list_sections()``: each document's table of contents, whose ids scope a search.

Every tool answers twice: ``structured_content`` is the API's JSON (validated against
the advertised output schema), and the text content is the numbered, cited passages a
language model can quote directly, with each passage's link to the reader view.  The
server holds no index of its own: it asks ``current`` for the retriever on each call, so
the HTTP service (``/mcp``) and the stdio command (``reportqa mcp``) can each supply theirs.
Links start at ``public_url``, else at the origin of the HTTP request that called the
tool; over stdio without ``public_url`` there are none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ValidationError
from starlette.routing import BaseRoute

from index.citing import pages_text
from index.confidence import verdict
from index.errors import ReportQAError
from index.search import Retriever
from service.answerer import Answerer
from service.answers import passage_detail, source_line, table_of_contents
from service.errors import describe_errors
from service.links import Links, base_url
from service.schemas import (
    DEFAULT_TOP_K,
    AskRequest,
    AskResponse,
    DocumentOut,
    PassageResponse,
    SectionOut,
    SectionsResponse,
)

SERVER_NAME = "reportqa"
MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Answers questions about a UN report, and any documents indexed beside it, with passages "
    "quoted from them, each with a citation (document, section, title, page). Call search_report "
    "with the user's question and cite the numbered sources it returns; call list_sections to "
    "scope a search to one document or one section of it."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def search_text(response: AskResponse) -> str:
    """What a language model reads from ``search_report``: the answer if any, then the cited passages."""
    if not response.passages:
        return f"The report has no passages for: {response.question}"
    if not response.answerable:
        said = response.verdict or verdict()
        lead = f"{said} {response.reason or ''}\nClosest passages:\n\n"
    elif response.answer is not None:
        lead = f"Answer: {response.answer.text} [1]\n\n"
    else:
        lead = ""
    links = "\n".join(f"[{p.rank}] {p.citation.url}" for p in response.passages if p.citation.url)
    tail = f"\n\nLinks to each passage in its document:\n{links}" if links else ""
    return f"{lead}Passages from the report for: {response.question}\n\n{response.context}{tail}"


def passage_text(response: PassageResponse) -> str:
    link = f"\nLink: {response.citation.url}" if response.citation.url else ""
    return f"{response.text}\n{source_line(response.citation)}{link}"


def links_for(ctx: Context, retriever: Retriever, public_url: str | None) -> Links | None:
    """Links from ``public_url``, else from the origin of the HTTP request; None over stdio without one."""
    try:
        request = ctx.request_context.request
    except ValueError:  # called outside a request (directly, in a test)
        request = None
    origin = getattr(request, "base_url", None)
    base = base_url(public_url, str(origin) if origin is not None else None)
    return Links(base=base, index=retriever.index) if base is not None else None


def section_line(section: SectionOut) -> str:
    """``A.2 Refugees and asylum (page 4)``; no page for a format without pages."""
    pages = pages_text(section.page, section.page_end)
    return f"{section.id} {section.title} ({pages})" if pages else f"{section.id} {section.title}"


def document_line(document: DocumentOut) -> str:
    """``Document licence "GNU General Public License" (txt):``; the title only when it is not the id."""
    title = f' "{document.title}"' if document.title != document.id else ""
    form = f" ({document.format})" if document.format else ""
    return f"Document {document.id}{title}{form}:"


def sections_text(response: SectionsResponse) -> str:
    """Each document's id and title, then its sections, one a line."""
    lead = (
        "Sections by document (to scope search_report, pass a document id as document, and a "
        "section id, or a part such as 'B', as section):"
    )
    blocks = [
        "\n".join([document_line(d)] + [f"  {section_line(s)}" for s in d.sections])
        for d in response.documents
    ]
    return "\n\n".join([lead, *blocks])


def tool_result(text: str, payload: AskResponse | PassageResponse | SectionsResponse) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=payload.model_dump(mode="json")
    )


def build_mcp_server(
    current: Callable[[], Retriever],
    *,
    version: str = "",
    public_url: str | None = None,
    answerer: Answerer | None = None,
) -> MCPServer:
    """An MCP server whose tools answer from ``current()``, the retriever of the moment.

    Domain errors (no index, unknown section or passage, a blank question) become tool
    errors with the same one-line message the API gives, so the model can correct itself.
    ``answerer`` is the app's question path (batcher, cache, metrics) when served over HTTP;
    without one (stdio), each question is embedded in the call.
    """
    server: MCPServer = MCPServer(SERVER_NAME, instructions=INSTRUCTIONS, version=version)
    ask = answerer or Answerer()

    @server.tool(annotations=READ_ONLY)
    async def search_report(
        ctx: Context,
        question: str,
        top_k: int = DEFAULT_TOP_K,
        section: str | None = None,
        document: str | None = None,
    ) -> Annotated[CallToolResult, AskResponse]:
        """Search the indexed documents for passages that answer a question, best first, with citations.

        Args:
            question: The question, in natural language.
            top_k: How many passages to return (1-20).
            section: Only this section, e.g. "B.4", or a whole part, e.g. "B" (see list_sections);
                of `document` when given, else of every document.
            document: Only this document, by its id (see list_sections).
        """
        with tool_errors():
            request = AskRequest(question=question, top_k=top_k, section=section, document=document)
            retriever = current()
            response = await ask(
                retriever,
                request.question,
                top_k=request.top_k,
                section=request.section,
                document=request.document,
                links=links_for(ctx, retriever, public_url),
            )
        return tool_result(search_text(response), response)

    @server.tool(annotations=READ_ONLY)
    def get_passage(ctx: Context, id: str) -> Annotated[CallToolResult, PassageResponse]:
        """One passage of the report by the id search_report gave, with its citation.

        Args:
            id: A passage id from search_report.
        """
        with tool_errors():
            retriever = current()
            response = passage_detail(retriever, id, links_for(ctx, retriever, public_url))
        return tool_result(passage_text(response), response)

    @server.tool(annotations=READ_ONLY)
    def list_sections() -> Annotated[CallToolResult, SectionsResponse]:
        """Each document's id and title with its table of contents: section ids, titles and pages."""
        with tool_errors():
            response = table_of_contents(current())
        return tool_result(sections_text(response), response)

    return server


@contextmanager
def tool_errors() -> Iterator[None]:
    """Turn user-fixable errors into a ToolError carrying the API's one-line message."""
    try:
        yield
    except ValidationError as exc:
        raise ToolError(describe_errors(exc.errors())) from exc
    except ReportQAError as exc:
        raise ToolError(str(exc)) from exc


def http_routes(server: MCPServer, *, host: str) -> list[BaseRoute]:
    """The streamable HTTP endpoint at ``/mcp``, as routes to add to the FastAPI app.

    Added as a route rather than a mount so ``/mcp`` answers without a redirect to
    ``/mcp/``.  Stateless: the tools keep nothing between calls.  ``host`` is where the
    service listens: on a loopback address the SDK's DNS-rebinding protection is on.
    The caller must run ``server.session_manager.run()`` in its lifespan.
    """
    app = server.streamable_http_app(streamable_http_path=MCP_PATH, stateless_http=True, host=host)
    return list(app.routes)
