"""``reportqa status``: what serves and how far a background tuning is, read from the index directory.

Read from disk, not from a running service, so it works without the admin token and
while the service is down.  The figures are the ones ``/admin/status`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.embedder import model_kind
from index.errors import IndexNotFound, ReportQAError
from index.models import Manifest
from index.store import current_path, read_manifest
from service.settings import Settings
from service.tuning_job import TuningStatus, read_status


@dataclass(frozen=True)
class StatusReport:
    """The current version's manifest (or why there is none) and the tuning job's state."""

    index_dir: str
    manifest: Manifest | None
    error: str | None
    tuning: TuningStatus | None


def take_status(settings: Settings) -> StatusReport:
    root = settings.index_dir
    try:
        manifest: Manifest | None = read_manifest(current_path(root))
        error = None
    except (IndexNotFound, ReportQAError, OSError, ValueError) as exc:
        manifest, error = None, str(exc)
    return StatusReport(str(root), manifest, error, read_status(root))


def progress_text(progress: dict[str, Any] | None) -> str:
    """``tuning 40/109 steps (37%), about 2 min 10 s left``, or ``""``."""
    if not progress:
        return ""
    text = f"{progress['phase']} {progress['done']}/{progress['total']} {progress['unit']}"
    if progress.get("percent") is not None:
        text += f" ({progress['percent']:.0f}%)"
    eta = progress.get("eta_seconds")
    if eta is not None and progress["done"] < progress["total"]:
        text += f", about {duration(eta)} left"
    return text


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def status_lines(report: StatusReport) -> list[str]:
    """The status for people: index, model, then the tuning job."""
    lines = [f"index directory: {report.index_dir}"]
    if report.manifest is None:
        lines.append(f"serving: nothing ({report.error})")
    else:
        m = report.manifest
        lines.append(f"version: {m.version} ({m.passage_count} passages, built {m.built_at})")
        lines.append(f"model: {m.model} ({model_kind(m.model)})")
    tuning = report.tuning
    if tuning is None:
        lines.append("tuning: none has run for this index directory")
        return lines
    line = f"tuning: {tuning.state}"
    if tuning.model:
        line += f" {tuning.model}"
    progress = progress_text(tuning.progress) if tuning.running else ""
    if progress:
        line += f"; {progress}"
    if tuning.detail:
        line += f"; {tuning.detail}"
    if tuning.version:
        line += f"; built {tuning.version}"
    lines.append(line)
    if tuning.log:
        lines.append(f"tuning log: {tuning.log}")
    return lines


def status_json(report: StatusReport) -> dict[str, Any]:
    m = report.manifest
    return {
        "index_dir": report.index_dir,
        "version": m.version if m else None,
        "model": m.model if m else None,
        "model_kind": model_kind(m.model) if m else None,
        "error": report.error,
        "tuning": report.tuning.as_dict() if report.tuning else None,
    }
