"""``/metrics``: the service's figures in the Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from service.deps import MetricsDep, StateDep
from service.state import IndexUnavailable

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(state: StateDep, registry: MetricsDep) -> Response:
    """Request latency per route, embedding and retrieval latency, batch sizes, cache and no-answer rates."""
    try:
        index = state.current().index
    except IndexUnavailable:
        registry.passages.set(0)
        registry.index_info.clear()
    else:
        registry.set_index(index.version, index.manifest.model, len(index.passages))
    return Response(registry.render(), media_type=CONTENT_TYPE_LATEST)
