"""The one build: what ``reportqa ingest``, ``POST /admin/reindex`` and the tuning job all run.

Same passages, same passage embedder (PyTorch, whatever backend serves questions), the
same gate, and the same switch-and-prune, so an index does not depend on which door it
was built through.  The CLI prints the progress; the service's reindex runs quiet and shows
the phase in ``/admin/status``.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.embedder import Embedder
from index.errors import IndexNotFound, ReportQAError
from index.evaluation import Question, load_questions
from ingest.pipeline import BuildReport
from service.settings import Settings


class GateRefused(ReportQAError):
    """The new version scored worse than the current one on the gate's questions; it was not kept."""


def make_embedder(settings: Settings) -> Embedder:
    """The model passages are embedded with: the plugin's, else PyTorch's, so every build gives the same."""
    from index.backends import plugin_embedder
    from index.embedder import SentenceTransformerEmbedder

    claimed = plugin_embedder(settings.model, settings.embedder_plugin)
    if claimed is not None:
        return claimed
    return SentenceTransformerEmbedder(settings.model, batch_size=settings.batch_size)


def prepare_model(settings: Settings, model: str) -> None:
    """Export ``model`` for the service's ONNX backend, unless it is there already (or not needed)."""
    from index.backends import plugin_embedder

    if settings.embed_backend == "torch" or not model or plugin_embedder(model, settings.embedder_plugin):
        return
    from index.onnx_embedder import export_onnx, is_exported, onnx_dir

    directory = onnx_dir(settings.cache_dir, model)
    if not is_exported(directory):
        print(f"Exporting {model} to ONNX for the service in {directory} ...", file=sys.stderr)
        export_onnx(model, directory, cache=settings.cache_dir)


def gate_questions(settings: Settings, override: Path | None = None) -> list[Question] | None:
    """The gate's questions: ``override`` (``--gate``), else ``REPORTQA_GATE_QUESTIONS``, else none."""
    path = override if override is not None else settings.gate_questions
    return load_questions(path) if path is not None else None


def build(
    settings: Settings,
    embedder: Embedder,
    *,
    gate: list[Question] | None = None,
    train_now: bool | None = None,
    progress: bool = True,
    on_phase: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the sources into a new version; with a gate, it becomes current only if it scores as well.

    ``train_now`` (default: not ``settings.background_tuning``) trains a tuned model that is not
    cached yet before embedding; off, the build goes on with the base model.  Raises GateRefused,
    with the previous version still current, when the gate refuses the new one.
    """
    from index.model_cache import adopt_legacy
    from index.store import current_path, prune_versions, switch_current
    from ingest.pipeline import build_index
    from ingest.tuning import tuning

    adopt_legacy(settings.index_dir, settings.cache_dir)  # an index built before the shared cache
    options: dict[str, Any] = {}
    if gate is not None:
        options["activate"] = False
    if on_phase is not None:
        options["on_phase"] = on_phase
    report = build_index(
        settings.sources,
        settings.index_dir,
        embedder=embedder,
        chunk_size=settings.chunk_size,
        keep=settings.keep_versions,
        progress=progress,
        tune=tuning(
            settings.cache_dir,
            settings.tune_questions,
            batch_size=settings.batch_size,
            progress=progress,
            train_now=not settings.background_tuning if train_now is None else train_now,
        ),
        cache_dir=settings.cache_dir,
        ann_above=settings.ann_above,
        **options,
    )
    if gate is None:
        return report
    from index.backends import load_embedder
    from index.gate import gate as score_gate

    try:
        current: Path | None = current_path(settings.index_dir)
    except IndexNotFound:
        current = None
    if current is not None:

        def embedder_for(name: str) -> Embedder:
            if name == embedder.name:
                return embedder
            return load_embedder(name, cache=settings.cache_dir, plugin=settings.embedder_plugin)

        result = score_gate(current, report.path, gate, embedder_for, margin=settings.gate_margin)
        if progress:
            print(result.describe(), file=sys.stderr)
        if not result.passed:
            shutil.rmtree(report.path, ignore_errors=True)
            raise GateRefused(f"{result.describe()}; {current.name} stays current")
    switch_current(settings.index_dir, report.path)
    prune_versions(settings.index_dir, keep=settings.keep_versions)
    return report
