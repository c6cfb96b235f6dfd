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
import logging.config
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from threadpoolctl import threadpool_limits

from index.backends import load_embedder
from index.countries import countries_in
from index.embedder import Embedder
from index.model_cache import adopt_legacy
from index.search import Mode, Retriever
from service.answerer import Answerer
from service.batcher import QueryEmbedders
from service.edge import EdgeMiddleware
from service.errors import install_error_handlers
from service.mcp_server import build_mcp_server, http_routes
from service.metrics import Metrics
from service.reindex import Reindexer
from service.routes import admin, ask, chat, documents, health, metrics, passages, sections, tools
from service.settings import Settings
from service.state import EmbedderFactory, ServiceState, not_ready_detail
from service.tuner import BackgroundTuner
from service.web.pages import install_web_page

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter lock while another waits (Python's default: 0.005)."""
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


def serving_embedder_factory(settings: Settings) -> EmbedderFactory:
    """Model name -> embedder on the configured backend and threads, from the model cache.

    An index built before the shared cache kept its tuned model under itself: that is
    brought into the cache first, so such an index still serves.
    """

    def factory(name: str) -> Embedder:
        adopt_legacy(settings.index_dir, settings.cache_dir)
        return load_embedder(
            name,
            backend=settings.embed_backend,
            threads=settings.embed_threads,
            cache=settings.cache_dir,
            plugin=settings.embedder_plugin,
        )

    return factory


def create_app_from_env() -> FastAPI:
    """The factory ``reportqa serve --workers N`` gives uvicorn: settings come from the env."""
    from service.logs import log_config

    settings = Settings()  # type: ignore[call-arg]
    logging.config.dictConfig(log_config(fmt=settings.log_format, level=settings.log_level))
    return create_app(settings)


def create_app(
    settings: Settings | None = None, *, embedder_factory: EmbedderFactory | None = None
) -> FastAPI:
    """Build the service; the index under ``settings.index_dir`` is loaded at startup.

    ``embedder_factory`` maps the model name recorded in the index manifest to an
    embedder; tests pass a fake.  A missing or unusable index does not stop the
    app: ``/readyz`` and ``/ask`` answer 503 saying how to build one.
    """
    # The ignore: without the pydantic mypy plugin, mypy thinks Field(default, ...) fields are required.
    settings = settings or Settings()  # type: ignore[call-arg]
    embedder_factory = embedder_factory or serving_embedder_factory(settings)
    state = ServiceState(mode=Mode(settings.retrieval_mode))
    registry = Metrics()
    query_embedders = QueryEmbedders(
        batching=settings.embed_batching,
        max_batch=settings.embed_batch_max,
        wait_ms=settings.embed_batch_wait_ms,
        cache_size=settings.query_cache_size,
        metrics=registry,
    )
    reindexer = Reindexer(settings, on_built=state.reload)
    tuner = BackgroundTuner(settings)

    def follow_with_tuned(retriever: Retriever) -> None:
        """A version built with the base model is followed by a tuned one (service/tuner.py)."""
        tuner.consider(retriever.index.version, retriever.index.manifest.model)

    state.listeners.append(follow_with_tuned)

    async def watch_pointer(interval: float) -> None:
        """Notice a new version on our own: poll the ``current`` pointer, load off the event loop."""
        while True:
            await asyncio.sleep(interval)
            if state.pointer_moved():
                await run_in_threadpool(state.reload)

    answerer = Answerer(query_embedders, registry)
    mcp = build_mcp_server(
        state.current, version=_version(), public_url=settings.public_url, answerer=answerer
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Ranking's products are small: one BLAS thread (measured in docs/operations.md, "Speed").
        threadpool_limits(limits=1, user_api="blas")
        # The event loop gets the interpreter lock back sooner from the batcher (docs/operations.md).
        sys.setswitchinterval(SWITCH_INTERVAL)
        # Loading reads files and may load a model: keep it off the event loop.
        await run_in_threadpool(state.load, settings.index_dir, embedder_factory=embedder_factory)
        if state.error is not None:
            logger.warning("serving without an index: %s", not_ready_detail(state.error))
        else:
            retriever = state.current()
            index = retriever.index
            logger.info("serving index %s (%d passages)", index.version, len(index.passages))
            # Start the batcher and run one question through, so the first user pays no warm-up.
            await query_embedders.for_embedder(retriever.embedder).embed("warm up")
            await run_in_threadpool(countries_in, "")  # the country list, read once (about 50 ms)
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
            query_embedders.close()
            await run_in_threadpool(tuner.stop)

    app = FastAPI(title="reportqa", description=DESCRIPTION, version=_version(), lifespan=lifespan)
    app.state.settings = settings
    app.state.reportqa = state
    app.state.reindexer = reindexer
    app.state.tuner = tuner
    app.state.metrics = registry
    app.state.query_embedders = query_embedders
    app.state.answerer = answerer
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )
    app.add_middleware(EdgeMiddleware, settings=settings, metrics=registry)
    for module in (ask, sections, documents, passages, health, admin, chat, tools, metrics):
        app.include_router(module.router)
    app.router.routes.extend(http_routes(mcp, host=settings.host))
    install_web_page(app)
    return app
