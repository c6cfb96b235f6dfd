"""The background tuning job: train the tuned model while the service answers with the base one.

``reportqa tune`` runs it; the service starts it as a child process at a lower CPU
priority (``service/tuner.py``).  It reads the sources' passages, trains the tuned model
into the shared model cache (staged and renamed whole, ``index/model_cache.py``),
prepares it for the service's backend, and builds a new index version with it.  The
service's watch on ``current`` swaps that version in, with no failed request.

One job per index directory (``<index>/.tuning.lock``, dropped by the kernel when the
process dies).  The job's state goes to ``<index>/tuning.json`` at most once a second, so
``/admin/status`` and ``reportqa status`` show the step, percentage and time left; a state
file that says "running" while nobody holds the lock is read as ``interrupted``.  See
docs/tuning.md.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.errors import BuildInProgress, IndexNotFound, ReportQAError
from index.store import current_path, read_manifest
from service.settings import Settings

STATUS_FILE = "tuning.json"
LOG_FILE = "tuning.log"
LOCK_FILE = ".tuning.lock"
RUNNING = ("starting", "reading", "waiting", "tuning", "exporting", "building")
"""States of a job that is still at work; ``done``, ``skipped``, ``failed`` end one."""
BUILD_WAIT = 600.0
"""Seconds the job waits for another build of the same index directory to finish."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class TuningStatus:
    """What the job is doing or did: the state, the model it trains, and the current phase's progress."""

    state: str
    base: str
    model: str | None = None
    pid: int | None = None
    started_at: str | None = None
    updated_at: str | None = None
    finished_at: str | None = None
    progress: dict[str, Any] | None = None
    """The phase at work: ``phase``, ``done``, ``total``, ``percent``, ``eta_seconds`` ..."""
    version: str | None = None
    """The index version built with the tuned model."""
    detail: str | None = None
    """Why the job skipped or failed, in one line."""
    log: str | None = None

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_status(root: Path) -> TuningStatus | None:
    """The job's last state under ``root``, with ``interrupted`` for a job that died; None if none ran."""
    try:
        data = json.loads((root / STATUS_FILE).read_text(encoding="utf-8"))
        status = TuningStatus(**data)
    except (OSError, ValueError, TypeError):
        return None
    if status.running and not is_locked(root):
        status.state = "interrupted"
        status.detail = "the tuning process ended before it finished; it starts again with the service"
    return status


def is_locked(root: Path) -> bool:
    """Whether a tuning job holds ``root``'s lock now."""
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextmanager
def job_lock(root: Path) -> Iterator[bool]:
    """Hold ``root``'s tuning lock if it is free; yields whether this process holds it."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class StatusWriter:
    """Keeps ``<root>/tuning.json`` up to date, written whole (temporary file, then rename)."""

    def __init__(self, root: Path, base: str, log: Path | None) -> None:
        self._path = root / STATUS_FILE
        self._lock = threading.Lock()
        self.status = TuningStatus(
            state="starting", base=base, pid=os.getpid(), started_at=_now(), log=str(log) if log else None
        )
        self._write()

    def update(self, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self.status, name, value)
            self._write()

    def phase(self, state: dict[str, Any]) -> None:
        """A ``Progress`` sink: the phase at work and how far it is."""
        self.update(progress=state)

    def finish(self, state: str, **changes: Any) -> TuningStatus:
        self.update(state=state, finished_at=_now(), **changes)
        return self.status

    def _write(self) -> None:
        self.status.updated_at = _now()
        staged = self._path.with_name(f".{self._path.name}.{os.getpid()}")
        staged.write_text(json.dumps(self.status.as_dict(), indent=2), encoding="utf-8")
        os.replace(staged, self._path)


def serving_model(root: Path) -> str | None:
    """The model of the version ``current`` points at, or None when there is none."""
    try:
        return read_manifest(current_path(root)).model
    except (IndexNotFound, OSError, ValueError, ReportQAError):
        return None


@dataclass
class Job:
    """One run of the job over ``settings`` (its sources, questions, model and index directory)."""

    settings: Settings
    progress: bool = False
    log: Path | None = None
    """Where the job's output goes, when it is a file (the service's child writes ``<index>/tuning.log``)."""

    def run(self) -> TuningStatus | None:
        """Tune, prepare and build; None when another job holds this index directory."""
        from ingest.pipeline import source_passages
        from ingest.progress import reporting_to
        from ingest.tuning import tuning

        settings = self.settings
        root = settings.index_dir
        with job_lock(root) as held:
            if not held:
                return None
            writer = StatusWriter(root, settings.model, self.log)
            try:
                tuner = tuning(
                    settings.cache_dir,
                    settings.tune_questions,
                    batch_size=settings.batch_size,
                    progress=self.progress,
                )
                target = tuner.target(settings.model) if tuner is not None else None
                if tuner is None or target is None:
                    return writer.finish(
                        "skipped", detail=f"no tuning questions, or {settings.model} is tuned"
                    )
                if serving_model(root) == target:
                    return writer.finish("skipped", model=target, detail=f"{target} serves already")
                writer.update(state="reading", model=target)
                passages = source_passages(settings.sources, settings.chunk_size)
                writer.update(state="tuning")
                from service.build import make_embedder

                base = make_embedder(settings)
                with reporting_to(writer.phase):
                    tuned = tuner(base, passages)
                if tuned.name != target:
                    return writer.finish(
                        "skipped", detail="no tuning question's evidence is in these sources"
                    )
                writer.update(state="exporting", progress=None)
                from service.build import prepare_model

                prepare_model(settings, target)
                writer.update(state="building")
                with reporting_to(writer.phase):
                    version = self._build(base)
                return writer.finish("done", version=version, progress=None)
            except ReportQAError as exc:
                return writer.finish("failed", detail=str(exc))
            except BaseException as exc:
                writer.finish("failed", detail=f"unexpected error: {exc!r}")
                raise

    def _build(self, base: Any) -> str:
        """Build with the tuned model (now cached), waiting while another build of the directory runs."""
        from service.build import build, gate_questions

        deadline = time.monotonic() + BUILD_WAIT
        gate = gate_questions(self.settings)
        while True:
            try:
                return build(self.settings, base, gate=gate, train_now=True, progress=self.progress).version
            except BuildInProgress:
                if time.monotonic() > deadline:
                    raise
                time.sleep(2.0)


def watch_parent() -> None:
    """End this process when the process that started it is gone (the service was killed).

    The tuned model is staged apart and renamed whole, so ending mid-way leaves nothing
    that loads; the next job clears the stage and trains again.
    """
    parent = os.getppid()

    def check() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=check, name="reportqa-parent-watch", daemon=True).start()
