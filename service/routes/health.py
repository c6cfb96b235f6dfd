"""Liveness and readiness, for people and orchestrators.

``/healthz`` says the process is up; ``/readyz`` says whether questions can be
answered, and if not, why and how to fix it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import StateDep
from service.schemas import Health, NotReady, Ready
from service.state import IndexUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses={503: {"model": NotReady}})
def readyz(state: StateDep) -> Ready | JSONResponse:
    try:
        retriever = state.current()
    except IndexUnavailable as exc:
        body = NotReady(status="not ready", detail=str(exc))
        return JSONResponse(body.model_dump(), status_code=503)
    manifest = retriever.index.manifest
    return Ready(
        status="ready",
        version=manifest.version,
        passage_count=manifest.passage_count,
        model=manifest.model,
        built_at=manifest.built_at,
    )
