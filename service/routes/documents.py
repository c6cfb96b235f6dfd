"""``/documents``: the indexed documents, each one's reader view, and its original file as indexed.

The document id in a path is only ever looked up in the loaded index (its texts and its
table of stored originals), never joined onto a filesystem path: an unknown or path-like
id is a 404, and nothing outside the version's own ``sources/`` can be served.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

from index.errors import NoSuchDocument, UnknownPassage
from ingest.sources import MEDIA_TYPES
from service.answers import document_list
from service.deps import LinksDep, RetrieverDep
from service.links import PDF
from service.schemas import DocumentsResponse, ErrorOut
from service.web.reader import ReaderDocument, pages_from_passages, render_reader

router = APIRouter(tags=["documents"])


def _json(schema: str) -> dict[str, object]:
    """Errors are JSON whatever the route's own type (an HTML page, a PDF)."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"content": _json("ErrorOut"), "description": "No such document (or passage) in the index."},
    503: {"content": _json("ErrorOut"), "description": "No index is loaded; run `reportqa ingest`."},
}
_READER_RESPONSES: dict[int | str, dict[str, object]] = {
    **_NOT_FOUND,
    422: {"content": _json("ValidationErrorOut"), "description": "A malformed `highlight`."},
}
_SOURCE_RESPONSES: dict[int | str, dict[str, object]] = {
    **_NOT_FOUND,
    200: {
        "description": "The original file, byte for byte as indexed.",
        "content": {kind: {} for kind in sorted(set(MEDIA_TYPES.values()))},
    },
}
SANDBOX = "sandbox"
"""An HTML or text original is the author's page, not ours: served sandboxed (no scripts, no origin)."""


@router.get("/documents", response_model=DocumentsResponse, responses={503: {"model": ErrorOut}})
def documents(retriever: RetrieverDep, links: LinksDep) -> DocumentsResponse:
    """Every indexed document: id, title, format, section count, reader view and original file."""
    return document_list(retriever, links)


@router.get("/documents/{document}", response_class=HTMLResponse, responses=_READER_RESPONSES)
def reader(
    document: str,
    retriever: RetrieverDep,
    links: LinksDep,
    passage: Annotated[
        str | None, Query(max_length=64, description="Scroll to this passage and mark it as cited.")
    ] = None,
    highlight: Annotated[
        str | None,
        Query(
            pattern=r"^\d{1,9}-\d{1,9}$",
            description="`start-end` within the passage's text: the span to mark (the answer).",
        ),
    ] = None,
) -> HTMLResponse:
    """The document's outline and text by section and page, each passage anchored as ``#p-<id>``."""
    index = retriever.index
    if document not in index.texts:
        raise NoSuchDocument(f"no document {document!r} in index {index.version}")
    if passage is not None and index.passage(passage).citation.document != document:
        raise UnknownPassage(f"passage {passage!r} is not in document {document!r}")
    span = None
    if highlight is not None:
        start, end = (int(part) for part in highlight.split("-"))
        span = (start, end)
    passages = [p for p in index.passages if p.citation.document == document]
    record = index.documents.get(document)
    info = retriever.derived.scopes.documents.get(document)
    view = ReaderDocument(
        id=document,
        title=info.title if info is not None else document,
        format=info.format if info is not None else "",
        sections=[s for s in index.sections if s.document == document],
        passages=passages,
        page_breaks=record.page_breaks if record is not None else pages_from_passages(passages),
    )
    return HTMLResponse(render_reader(view, links, cited=passage, highlight=span))


@router.get(
    "/documents/{document}/source",
    response_class=FileResponse,
    responses=_SOURCE_RESPONSES,
)
def source(document: str, retriever: RetrieverDep) -> FileResponse:
    """The original file as it was indexed (kept in the index version), shown inline by the browser."""
    record, path = retriever.index.original(document)
    headers = {} if record.media_type == PDF else {"Content-Security-Policy": SANDBOX}
    return FileResponse(
        path,
        media_type=record.media_type,
        filename=path.name,
        content_disposition_type="inline",
        headers=headers,
    )
