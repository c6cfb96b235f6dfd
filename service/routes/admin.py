"""``/admin/*``: reload the current version, rebuild in the background, and see how it went."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from index.embedder import model_kind
from service.admin_auth import check_admin
from service.deps import SettingsDep, StateDep
from service.reindex import Reindexer
from service.schemas import AdminStatus, ErrorOut, ReindexStarted, Reloaded
from service.state import pointer_target
from service.tuning_job import read_status


def require_admin(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    check_admin(authorization, settings.admin_token)


def get_reindexer(request: Request) -> Reindexer:
    reindexer: Reindexer = request.app.state.reindexer
    return reindexer


ReindexerDep = Annotated[Reindexer, Depends(get_reindexer)]

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={
        401: {"model": ErrorOut, "description": "Missing or wrong bearer token."},
        403: {"model": ErrorOut, "description": "No REPORTQA_ADMIN_TOKEN configured."},
    },
)


@router.post("/reload", response_model=Reloaded)
def reload(state: StateDep) -> Reloaded:
    """Load the version ``current`` points at now, if it is not the one being served."""
    swapped = state.reload()
    return Reloaded(swapped=swapped, version=_serving(state), error=state.reload_error or _error(state))


@router.post(
    "/reindex",
    response_model=ReindexStarted,
    status_code=202,
    responses={409: {"model": ErrorOut, "description": "A reindex is already running."}},
)
def reindex(reindexer: ReindexerDep) -> ReindexStarted:
    """Rebuild from the configured sources in the background; the new version is swapped in when done."""
    reindexer.start()
    return ReindexStarted(status="started", phase=reindexer.phase)


@router.get("/status", response_model=AdminStatus)
def status(state: StateDep, reindexer: ReindexerDep, settings: SettingsDep) -> AdminStatus:
    """What is served and with which model, the last rebuild, and the background tuning's progress."""
    model = _model(state)
    tuning = read_status(settings.index_dir)
    return AdminStatus(
        version=_serving(state),
        pointer=pointer_target(settings.index_dir),
        reload_error=state.reload_error,
        running=reindexer.running,
        phase=reindexer.phase,
        started_at=reindexer.started_at,
        finished_at=reindexer.finished_at,
        last_build=reindexer.last_build,
        last_error=reindexer.last_error,
        model=model,
        model_kind=model_kind(model) if model is not None else None,
        tuning=tuning.as_dict() if tuning is not None else None,
    )


def _serving(state: StateDep) -> str | None:
    try:
        return state.current().index.version
    except Exception:
        return None


def _model(state: StateDep) -> str | None:
    try:
        return state.current().index.manifest.model
    except Exception:
        return None


def _error(state: StateDep) -> str | None:
    return None if state.error is None else str(state.error)
