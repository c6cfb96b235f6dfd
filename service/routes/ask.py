"""``/ask``: the passages that answer a question, each with its citation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from service.answers import answer
from service.deps import RetrieverDep
from service.schemas import (
    DEFAULT_TOP_K,
    EXAMPLE_QUESTION,
    AskRequest,
    AskResponse,
    ErrorOut,
    Question,
    SectionFilter,
    TopK,
    ValidationErrorOut,
)

router = APIRouter(tags=["ask"])

_RESPONSES: dict[int | str, dict[str, object]] = {
    422: {"model": ValidationErrorOut, "description": "Bad input; `detail` says what to fix."},
    503: {"model": ErrorOut, "description": "No index is loaded; build one with `reportqa ingest`."},
}

_EXAMPLES = {
    "question": {"summary": "A question", "value": {"question": EXAMPLE_QUESTION}},
    "top_k": {"summary": "Fewer passages", "value": {"question": EXAMPLE_QUESTION, "top_k": 3}},
    "section": {
        "summary": "Only one section",
        "value": {"question": "What are the main policy options?", "section": "B.4"},
    },
}


@router.post("/ask", response_model=AskResponse, responses=_RESPONSES)
def ask(
    request: Annotated[AskRequest, Body(openapi_examples=_EXAMPLES)], retriever: RetrieverDep
) -> AskResponse:
    """Rank the report's passages for a question, best first, each with a citation."""
    return answer(retriever, request.question, top_k=request.top_k, section=request.section)


@router.get("/ask", response_model=AskResponse, responses=_RESPONSES)
def ask_get(
    retriever: RetrieverDep,
    q: Annotated[Question, Query(examples=[EXAMPLE_QUESTION])],
    top_k: Annotated[TopK, Query()] = DEFAULT_TOP_K,
    section: Annotated[SectionFilter, Query()] = None,
) -> AskResponse:
    """The same as ``POST /ask``, for a browser or curl: ``/ask?q=...&top_k=3&section=B``."""
    return answer(retriever, q, top_k=top_k, section=section)
