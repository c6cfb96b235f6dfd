"""The one path a question takes through the service: ``/ask``, chat and MCP over HTTP alike.

The question is embedded through the cache and micro-batcher of the index's model
(``service/batcher.py``), ranked and answered (``service/answers.py``), and counted in
the metrics.  ``reportqa mcp`` over stdio and ``reportqa ask`` have no batcher: an
``Answerer`` without one embeds the question in the call.
"""

from __future__ import annotations

import time

from index.search import Retriever
from service.answers import respond
from service.batcher import QueryEmbedders
from service.links import Links
from service.metrics import Metrics
from service.schemas import AskResponse


class Answerer:
    """Answers a validated question from a retriever, as every surface of one app does."""

    def __init__(self, embedders: QueryEmbedders | None = None, metrics: Metrics | None = None) -> None:
        self._embedders = embedders
        self._metrics = metrics

    async def __call__(
        self,
        retriever: Retriever,
        question: str,
        *,
        top_k: int,
        section: str | None = None,
        document: str | None = None,
        links: Links | None = None,
    ) -> AskResponse:
        """Embed (through the batcher, when there is one), then rank on the event loop (about 1 ms)."""
        query = None
        if self._embedders is not None:
            query = await self._embedders.for_embedder(retriever.embedder).embed(question)
        started = time.perf_counter()
        response = respond(
            retriever, question, top_k=top_k, section=section, document=document, query=query, links=links
        )
        if self._metrics is not None:
            self._metrics.observe_answer(
                answerable=response.answerable, seconds=time.perf_counter() - started
            )
        return response
