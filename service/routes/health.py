"""Liveness and readiness, for people and orchestrators.

``/healthz`` says the process is up; ``/readyz`` says whether questions can be
answered, and if not, why and how to fix it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from index.embedder import model_kind
from ingest.verify import stale_sources
from service.deps import SettingsDep, StateDep
from service.schemas import Health, NotReady, Ready
from service.state import IndexUnavailable
from service.tuning_job import read_status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses={503: {"model": NotReady}})
async def readyz(state: StateDep, settings: SettingsDep) -> Ready | JSONResponse:
    """``ready``, or ``stale`` (still answering) when a source changed after the build, else 503."""
    try:
        retriever = state.current()
    except IndexUnavailable as exc:
        body = NotReady(status="not ready", detail=str(exc))
        return JSONResponse(body.model_dump(), status_code=503)
    manifest = retriever.index.manifest
    stale = await run_in_threadpool(stale_sources, manifest)
    tuning = read_status(settings.index_dir)
    return Ready(
        status="stale" if stale else "ready",
        stale=stale,
        reload_error=state.reload_error,
        version=manifest.version,
        passage_count=manifest.passage_count,
        model=manifest.model,
        model_kind=model_kind(manifest.model),
        built_at=manifest.built_at,
        tuning=tuning.state if tuning is not None else None,
    )
