"""What the running service holds: the current index (as a retriever) or why there is none.

The service starts even when no usable index exists, so ``/healthz`` works and
``/readyz`` can say what to do.  Every request reaches the index through
``ServiceState.current()``, one snapshot per request: a new version is swapped in
by replacing one reference, so a request in flight finishes on the version it
began with.  ``reload`` loads a new version *completely* before swapping; if
that fails the old version keeps serving and the error is kept for
``/admin/status`` and ``/readyz``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from index.embedder import Embedder
from index.errors import ReportQAError
from index.search import Mode, Retriever
from index.store import CURRENT, REBUILD_HINT, current_path, load_index

EmbedderFactory = Callable[[str], Embedder]

INGEST_HINT = "run: reportqa ingest"

logger = logging.getLogger(__name__)


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
    return f"{message}; {INGEST_HINT} (the service loads the new index by itself)"


def pointer_target(root: Path) -> str | None:
    """Where ``<root>/current`` points right now (cheap: one readlink), or None."""
    try:
        return os.readlink(root / CURRENT)
    except OSError:
        return None


class ServiceState:
    """The current retriever, or the error that prevented loading one."""

    def __init__(self, *, mode: Mode = Mode.HYBRID) -> None:
        self.mode = mode
        self._retriever: Retriever | None = None
        self._error: ReportQAError | None = IndexUnavailable("the index has not been loaded yet")
        self._root: Path | None = None
        self._factory: EmbedderFactory | None = None
        self._embedders: dict[str, Embedder] = {}
        self._swap = threading.Lock()
        self.seen_target: str | None = None
        """The pointer target last tried, so a broken version is tried once, not every poll."""
        self.reload_error: str | None = None
        """Why the last reload failed while an older version kept serving."""
        self.listeners: list[Callable[[Retriever], object]] = []
        """Called with each retriever swapped in (the background tuner watches for base-model ones)."""

    @property
    def error(self) -> ReportQAError | None:
        return self._error

    def install(self, retriever: Retriever) -> None:
        """Serve ``retriever`` from now on (the single place a new index version comes in)."""
        self._retriever = retriever
        self._error = None
        for listener in self.listeners:
            try:
                listener(retriever)
            except Exception:  # a listener's bug must not stop the swap
                logger.exception("listener failed after installing %s", retriever.index.version)

    def fail(self, error: ReportQAError) -> None:
        """Record why no index is being served."""
        self._retriever = None
        self._error = error

    def embedder(self, name: str) -> Embedder:
        """One embedder per model name for the life of the service (a reload does not reload the model)."""
        if name not in self._embedders:
            assert self._factory is not None, "load() first"
            self._embedders[name] = self._factory(name)
        return self._embedders[name]

    def load(self, root: Path, *, embedder_factory: EmbedderFactory) -> None:
        """Load the index under ``root``; on a user-fixable failure, keep the error instead of raising."""
        self._root, self._factory = root, embedder_factory
        self.reload(force=True)

    def reload(self, *, force: bool = False) -> bool:
        """Load the version ``current`` points at, if it is new (or ``force``); True when one was swapped in.

        Raises nothing a user can cause: a failed load is recorded, and an index
        already being served keeps serving.
        """
        assert self._root is not None, "load() first"
        with self._swap:
            target = pointer_target(self._root)
            if not force and target == self.seen_target:
                return False
            self.seen_target = target
            try:
                index = load_index(self._root, version_dir=current_path(self._root))
                retriever = Retriever(index, self.embedder(index.manifest.model), mode=self.mode)
            except ReportQAError as exc:
                if self._retriever is None:
                    self.fail(exc)
                else:
                    self.reload_error = f"kept version {self._retriever.index.version}: {exc}"
                    logger.error("reload failed, %s", self.reload_error)
                return False
            self.install(retriever)
            self.reload_error = None
            logger.info("serving index %s", index.version)
            return True

    def pointer_moved(self) -> bool:
        """Whether ``current`` points somewhere other than what was last tried (for the poller)."""
        return self._root is not None and pointer_target(self._root) != self.seen_target

    def current(self) -> Retriever:
        """The retriever to use for one request, or IndexUnavailable with the fix in its message."""
        retriever = self._retriever
        if retriever is None:
            error = self._error or IndexUnavailable("no index is loaded")
            raise IndexUnavailable(not_ready_detail(error)) from error
        return retriever
