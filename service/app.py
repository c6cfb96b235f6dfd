"""The FastAPI application factory.

No module-level app or settings: ``create_app`` builds one from the settings it
is given (or the environment), and the index and model load in the lifespan,
never at import.  Run with ``uvicorn --factory service.app:create_app`` or
``reportqa serve``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from ingest.embedder import load_embedder
from service.errors import install_error_handlers
from service.mcp_server import build_mcp_server, http_routes
from service.reindex import Reindexer
from service.routes import admin, ask, chat, health, passages, sections, tools
from service.settings import Settings
from service.state import EmbedderFactory, ServiceState, not_ready_detail
from service.web.pages import install_web_page

logger = logging.getLogger(__name__)

DESCRIPTION = (
    "Answers natural-language questions about a UN report with the passages that answer them, "
    "each with a citation (document, section, title, pages and character offsets).\n\n"
    "Start with `POST /ask`; `GET /sections` lists the section ids you can filter on."
)


def _version() -> str:
    try:
        return metadata.version("reportqa")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def create_app(
    settings: Settings | None = None, *, embedder_factory: EmbedderFactory = load_embedder
) -> FastAPI:
    """Build the service; the index under ``settings.index_dir`` is loaded at startup.

    ``embedder_factory`` maps the model name recorded in the index manifest to an
    embedder; tests pass a fake.  A missing or unusable index does not stop the
    app: ``/readyz`` and ``/ask`` answer 503 saying how to build one.
    """
    # The ignore: without the pydantic mypy plugin, mypy thinks Field(default, ...) fields are required.
    settings = settings or Settings()  # type: ignore[call-arg]
    state = ServiceState()
    reindexer = Reindexer(settings, embedder=state.embedder, on_built=state.reload)

    async def watch_pointer(interval: float) -> None:
        """Notice a new version on our own: poll the ``current`` pointer, load off the event loop."""
        while True:
            await asyncio.sleep(interval)
            if state.pointer_moved():
                await run_in_threadpool(state.reload)

    mcp = build_mcp_server(state.current, version=_version())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Loading reads files and may load a model: keep it off the event loop.
        await run_in_threadpool(state.load, settings.index_dir, embedder_factory=embedder_factory)
        if state.error is not None:
            logger.warning("serving without an index: %s", not_ready_detail(state.error))
        else:
            index = state.current().index
            logger.info("serving index %s (%d passages)", index.version, len(index.passages))
        poller = None
        if settings.reload_interval > 0:
            poller = asyncio.create_task(watch_pointer(settings.reload_interval))
        try:
            # The MCP endpoint's session manager lives exactly as long as the app.
            async with mcp.session_manager.run():
                yield
        finally:
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller

    app = FastAPI(title="reportqa", description=DESCRIPTION, version=_version(), lifespan=lifespan)
    app.state.settings = settings
    app.state.reportqa = state
    app.state.reindexer = reindexer
    install_error_handlers(app)
    for module in (ask, sections, passages, health, admin, chat, tools):
        app.include_router(module.router)
    app.router.routes.extend(http_routes(mcp, host=settings.host))
    install_web_page(app)
    return app
