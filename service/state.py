"""What the running service holds: the current index (as a retriever) or why there is none.

The service starts even when no usable index exists, so ``/healthz`` works and
``/readyz`` can say what to do.  Every request reaches the index through
``ServiceState.current()``, one snapshot per request, so that swapping in a new
index version later (hot reload) touches only this class.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.errors import ReportQAError
from index.search import Retriever
from index.store import REBUILD_HINT, load_index
from ingest.embedder import Embedder

EmbedderFactory = Callable[[str], Embedder]

INGEST_HINT = "run: reportqa ingest"


class IndexUnavailable(ReportQAError):
    """The service has no usable index; the message says why and how to build one."""


def load_retriever(root: Path, *, embedder_factory: EmbedderFactory) -> Retriever:
    """Load the current index under ``root`` and the embedder its manifest names.

    The model comes from the manifest, never from settings, so questions are
    always embedded by the model that embedded the passages.
    """
    index = load_index(root)
    return Retriever(index, embedder_factory(index.manifest.model))


def not_ready_detail(error: ReportQAError) -> str:
    """The one-line 503 message: the load error plus the command that fixes it."""
    message = str(error).removesuffix(f"; {REBUILD_HINT}").removesuffix(f"; {INGEST_HINT}")
    return f"{message}; {INGEST_HINT}, then restart the service"


class ServiceState:
    """The current retriever, or the error that prevented loading one."""

    def __init__(self) -> None:
        self._retriever: Retriever | None = None
        self._error: ReportQAError | None = IndexUnavailable("the index has not been loaded yet")

    @property
    def error(self) -> ReportQAError | None:
        return self._error

    def install(self, retriever: Retriever) -> None:
        """Serve ``retriever`` from now on (the single place a new index version comes in)."""
        self._retriever = retriever
        self._error = None

    def fail(self, error: ReportQAError) -> None:
        """Record why no index is being served."""
        self._retriever = None
        self._error = error

    def load(self, root: Path, *, embedder_factory: EmbedderFactory) -> None:
        """Load the index under ``root``; on a user-fixable failure, keep the error instead of raising."""
        try:
            self.install(load_retriever(root, embedder_factory=embedder_factory))
        except ReportQAError as exc:
            self.fail(exc)

    def current(self) -> Retriever:
        """The retriever to use for one request, or IndexUnavailable with the fix in its message."""
        retriever = self._retriever
        if retriever is None:
            error = self._error or IndexUnavailable("no index is loaded")
            raise IndexUnavailable(not_ready_detail(error)) from error
        return retriever
