"""Rebuilding the index in the background while the service keeps answering.

One ``Reindexer`` per app: ``start`` runs the same build as ``reportqa ingest``
(``service/build.py``: the PyTorch passage embedder, the gate, switch and prune) in a
thread and, when it is written, asks the service state to swap it in.  A second
``start`` while one runs raises BuildInProgress (409 at the edge).  ``status``
is what ``GET /admin/status`` shows: the phase, and the last build's summary or error.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from index.embedder import Embedder
from index.errors import BuildInProgress, ReportQAError
from service.settings import Settings


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Reindexer:
    """Runs at most one background build and remembers how the last one went."""

    def __init__(
        self,
        settings: Settings,
        *,
        on_built: Callable[[], object],
        embedder: Callable[[Settings], Embedder] | None = None,
    ) -> None:
        self._settings = settings
        self._make_embedder = embedder
        self._embedder: Embedder | None = None
        """The passage embedder, loaded at the first reindex and kept (a service may never reindex)."""
        self._on_built = on_built
        self._running = threading.Lock()
        self._thread: threading.Thread | None = None
        self.phase = "idle"
        self.started_at: str | None = None
        self.finished_at: str | None = None
        self.last_build: dict[str, Any] | None = None
        self.last_error: str | None = None
        self.last_seconds: float | None = None

    @property
    def running(self) -> bool:
        return self._running.locked()

    def start(self) -> None:
        """Begin a build in the background, or raise BuildInProgress if one is running."""
        if not self._running.acquire(blocking=False):
            raise BuildInProgress("a reindex is already running; see GET /admin/status")
        self.phase, self.started_at, self.finished_at = "starting", _now(), None
        self._thread = threading.Thread(target=self._run, name="reportqa-reindex", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running build (if any) ends; for tests and shutdown."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _set_phase(self, phase: str) -> None:
        self.phase = phase

    def _run(self) -> None:
        from service.build import build, gate_questions, make_embedder

        began = time.perf_counter()
        try:
            settings = self._settings
            if self._embedder is None:
                self._embedder = (self._make_embedder or make_embedder)(settings)
            report = build(
                settings,
                self._embedder,
                gate=gate_questions(settings),
                progress=False,
                on_phase=self._set_phase,
            )
            self.phase = "swapping"
            self._on_built()
            self.last_build = {
                "version": report.version,
                "previous": report.previous,
                "passage_count": report.passage_count,
                "documents": report.documents,
                "seconds": report.seconds,
                **dataclasses.asdict(report.summary),
            }
            self.last_error = None
            self.phase = "idle"
        except ReportQAError as exc:
            self.last_error, self.phase = str(exc), "failed"
        except Exception as exc:  # a bug: keep serving, and say so in the status
            self.last_error, self.phase = f"unexpected error: {exc!r}", "failed"
        finally:
            self.finished_at = _now()
            self.last_seconds = round(time.perf_counter() - began, 3)
            self._running.release()
