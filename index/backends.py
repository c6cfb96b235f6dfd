"""Which backend runs a model: the one place an embedder is made from a manifest's model name.

Apart from ``index/embedder.py`` so that the PyTorch embedder and the ONNX one
(``index/onnx_embedder.py``, which uses the former's helpers) do not import each other.
A model reportqa cannot run itself comes from a plugin: ``REPORTQA_EMBEDDER_PLUGIN`` names a
callable that takes a model name and returns an embedder, or None to leave the name to us.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path

from index.embedder import Embedder, SentenceTransformerEmbedder
from index.errors import ReportQAError
from index.onnx_embedder import BACKENDS, OnnxEmbedder, export_onnx, is_exported, onnx_dir

Plugin = Callable[[str], Embedder | None]


@functools.cache
def plugin_factory(spec: str) -> Plugin:
    """The factory ``module:callable`` names (``REPORTQA_EMBEDDER_PLUGIN``), imported once."""
    module, _, attribute = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ReportQAError(
            f"cannot load the embedder plugin {spec!r} ({exc}); set REPORTQA_EMBEDDER_PLUGIN to "
            "'module:callable', a callable that takes a model name and returns an embedder or None"
        ) from exc
    if not callable(factory):
        raise ReportQAError(f"the embedder plugin {spec!r} is not callable")
    plugin: Plugin = factory
    return plugin


def plugin_embedder(name: str, plugin: str | None) -> Embedder | None:
    """The plugin's embedder for ``name``, or None when there is no plugin or it leaves the name to us."""
    return plugin_factory(plugin)(name) if plugin else None


def load_embedder(
    name: str,
    *,
    backend: str = "torch",
    threads: int = 0,
    cache: Path | None = None,
    plugin: str | None = None,
) -> Embedder:
    """The embedder a manifest names: the ``plugin``'s when it claims the name, else the model on ``backend``.

    ``backend`` is ``torch`` (sentence-transformers), ``onnx`` or ``onnx-int8`` (ONNX Runtime over a
    graph exported once into the model ``cache``; see ``index/onnx_embedder.py``).  ``threads`` sets
    the threads of one forward pass; 0 leaves the runtime's default.  A tuned model is found
    in the ``cache`` as well (None: the user's, ``index/model_cache.py``).
    """
    claimed = plugin_embedder(name, plugin)
    if claimed is not None:
        return claimed
    if backend == "torch":
        if threads > 0:
            import torch

            torch.set_num_threads(threads)
        return SentenceTransformerEmbedder(name, cache=cache)
    if backend not in BACKENDS:
        raise ReportQAError(f"unknown embedding backend {backend!r}; use one of: {', '.join(BACKENDS)}")
    directory = onnx_dir(cache, name)
    if not is_exported(directory):
        export_onnx(name, directory, cache=cache)
    return OnnxEmbedder(
        name, directory=directory, cache=cache, quantized=backend == "onnx-int8", threads=threads
    )
