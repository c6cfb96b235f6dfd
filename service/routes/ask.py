"""``/ask``: the passages that answer a question, each with its citation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.exceptions import RequestValidationError

from service.deps import AnswererDep, LinksDep, RetrieverDep
from service.schemas import (
    DEFAULT_TOP_K,
    EXAMPLE_QUESTION,
    AskRequest,
    AskResponse,
    DocumentFilter,
    ErrorOut,
    Question,
    SectionFilter,
    TopK,
    ValidationErrorOut,
)

router = APIRouter(tags=["ask"])

_RESPONSES: dict[int | str, dict[str, object]] = {
    422: {
        "model": ValidationErrorOut,
        "description": "Bad input, or an unknown document or section; `detail` says what to fix.",
    },
    503: {"model": ErrorOut, "description": "No index is loaded; build one with `reportqa ingest`."},
}

_EXAMPLES = {
    "question": {"summary": "A question", "value": {"question": EXAMPLE_QUESTION}},
    "top_k": {"summary": "Fewer passages", "value": {"question": EXAMPLE_QUESTION, "top_k": 3}},
    "section": {
        "summary": "Only one section",
        "value": {"question": "What are the main policy options?", "section": "B.4"},
    },
    "document": {
        "summary": "Only one document (and a section of it)",
        "value": {
            "question": "What does the licence say about patents?",
            "document": "gpl-3.0",
            "section": "11",
        },
    },
}


@router.post("/ask", response_model=AskResponse, responses=_RESPONSES)
async def ask(
    request: Annotated[AskRequest, Body(openapi_examples=_EXAMPLES)],
    retriever: RetrieverDep,
    answerer: AnswererDep,
    links: LinksDep,
) -> AskResponse:
    """Rank the passages for a question, best first, each with a citation and its link.

    ``document`` keeps one document's passages; ``section`` then applies within it, and
    without ``document`` matches that section id in any document.
    """
    return await answerer(
        retriever,
        request.question,
        top_k=request.top_k,
        section=request.section,
        document=request.document,
        links=links,
    )


@router.get("/ask", response_model=AskResponse, responses=_RESPONSES)
async def ask_get(
    retriever: RetrieverDep,
    answerer: AnswererDep,
    links: LinksDep,
    q: Annotated[Question | None, Query(examples=[EXAMPLE_QUESTION])] = None,
    top_k: Annotated[TopK, Query()] = DEFAULT_TOP_K,
    section: Annotated[SectionFilter, Query()] = None,
    document: Annotated[DocumentFilter, Query()] = None,
    question: Annotated[
        Question | None, Query(description="The same as `q`, named as `POST /ask` names it.")
    ] = None,
) -> AskResponse:
    """The same as ``POST /ask``, for a browser or curl: ``/ask?q=...&top_k=3&document=...&section=B``.

    ``question=`` is read as ``q=``, as the JSON body names it; without either the answer is
    the 422 "q is required".
    """
    asked = q if q is not None else question
    if asked is None:
        raise RequestValidationError([{"type": "missing", "loc": ("query", "q"), "msg": "Field required"}])
    return await answerer(retriever, asked, top_k=top_k, section=section, document=document, links=links)
