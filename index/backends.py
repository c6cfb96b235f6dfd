"""Which backend runs a model: the one place an embedder is made from a manifest's model name.

Apart from ``index/embedder.py`` so that the PyTorch embedder and the ONNX one
(``index/onnx_embedder.py``, which uses the former's helpers) do not import each other.
"""

from __future__ import annotations

from pathlib import Path

from index.embedder import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from index.errors import ReportQAError
from index.onnx_embedder import BACKENDS, OnnxEmbedder, export_onnx, is_exported, onnx_dir


def load_embedder(
    name: str, *, backend: str = "torch", threads: int = 0, cache: Path | None = None
) -> Embedder:
    """The embedder a manifest names: ``hashing-N`` for tests, else the model on ``backend``.

    ``backend`` is ``torch`` (sentence-transformers), ``onnx`` or ``onnx-int8`` (ONNX Runtime over a
    graph exported once into the model ``cache``; see ``index/onnx_embedder.py``).  ``threads`` sets
    the threads of one forward pass; 0 leaves the runtime's default.  A tuned model is found
    in the ``cache`` as well (None: the user's, ``index/model_cache.py``).
    """
    if name.startswith("hashing-") and name.removeprefix("hashing-").isdigit():
        return HashingEmbedder(int(name.removeprefix("hashing-")))
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
