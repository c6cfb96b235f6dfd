"""``/ask``: the passages that answer a question, each with its citation."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Body, Query

from index.search import Retriever
from service.answers import answer
from service.batcher import QueryEmbedder
from service.deps import LinksDep, MetricsDep, QueryEmbedderDep, RetrieverDep
from service.links import Links
from service.metrics import Metrics
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


async def answered(
    retriever: Retriever,
    embedder: QueryEmbedder,
    metrics: Metrics,
    question: str,
    *,
    top_k: int,
    section: str | None,
    document: str | None = None,
    links: Links | None = None,
) -> AskResponse:
    """Embed through the cache and micro-batcher, then rank on the event loop (about a millisecond)."""
    query = await embedder.embed(question)
    started = time.perf_counter()
    response = answer(
        retriever, question, top_k=top_k, section=section, document=document, query=query, links=links
    )
    metrics.observe_answer(answerable=response.answerable, seconds=time.perf_counter() - started)
    return response


@router.post("/ask", response_model=AskResponse, responses=_RESPONSES)
async def ask(
    request: Annotated[AskRequest, Body(openapi_examples=_EXAMPLES)],
    retriever: RetrieverDep,
    embedder: QueryEmbedderDep,
    metrics: MetricsDep,
    links: LinksDep,
) -> AskResponse:
    """Rank the passages for a question, best first, each with a citation and its link.

    ``document`` keeps one document's passages; ``section`` then applies within it, and
    without ``document`` matches that section id in any document.
    """
    return await answered(
        retriever,
        embedder,
        metrics,
        request.question,
        top_k=request.top_k,
        section=request.section,
        document=request.document,
        links=links,
    )


@router.get("/ask", response_model=AskResponse, responses=_RESPONSES)
async def ask_get(
    retriever: RetrieverDep,
    embedder: QueryEmbedderDep,
    metrics: MetricsDep,
    links: LinksDep,
    q: Annotated[Question, Query(examples=[EXAMPLE_QUESTION])],
    top_k: Annotated[TopK, Query()] = DEFAULT_TOP_K,
    section: Annotated[SectionFilter, Query()] = None,
    document: Annotated[DocumentFilter, Query()] = None,
) -> AskResponse:
    """The same as ``POST /ask``, for a browser or curl: ``/ask?q=...&top_k=3&document=...&section=B``."""
    return await answered(
        retriever, embedder, metrics, q, top_k=top_k, section=section, document=document, links=links
    )
