"""Typed dependencies: how a route gets the service state and one snapshot of the current index.

Every dependency is ``async def`` although none awaits: FastAPI runs a plain ``def``
dependency in its thread pool, and four thread hops per request cost more than the
ranking itself.  None of them blocks (``ServiceState.current`` only reads a field).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from index.search import Retriever
from index.store import LoadedIndex
from service.answerer import Answerer
from service.links import Links, base_url
from service.metrics import Metrics
from service.settings import Settings
from service.state import ServiceState


async def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.reportqa
    return state


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StateDep = Annotated[ServiceState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


VERSION_HEADER = "X-Reportqa-Index-Version"


async def get_retriever(state: StateDep, response: Response) -> Retriever:
    """The current retriever (503 via IndexUnavailable when there is none).

    FastAPI caches this per request, so a route that takes both ``RetrieverDep``
    and ``IndexDep`` sees one index version even if a new one is swapped in; the
    response names that version in a header.
    """
    retriever = state.current()
    response.headers[VERSION_HEADER] = retriever.index.version
    return retriever


RetrieverDep = Annotated[Retriever, Depends(get_retriever)]


async def get_index(retriever: RetrieverDep) -> LoadedIndex:
    return retriever.index


IndexDep = Annotated[LoadedIndex, Depends(get_index)]


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]


async def get_answerer(request: Request) -> Answerer:
    """The app's one path for a question: batcher, answer, metrics (``service/answerer.py``)."""
    answerer: Answerer = request.app.state.answerer
    return answerer


AnswererDep = Annotated[Answerer, Depends(get_answerer)]


async def get_links(request: Request, settings: SettingsDep, index: IndexDep) -> Links:
    """Links to the reader view for this request's index: from the public URL, else the request's origin."""
    base = base_url(settings.public_url, str(request.base_url))
    assert base is not None  # the request always has a base
    return Links(base=base, index=index)


LinksDep = Annotated[Links, Depends(get_links)]
