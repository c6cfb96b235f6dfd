"""The test embedder, plugged in as a user plugs in their own (``REPORTQA_EMBEDDER_PLUGIN``).

``hashing-N`` names a deterministic bag-of-words embedder: texts that share words get
similar vectors, enough to test ranking, building and serving without loading a model.
Production code never names it: the test session sets ``REPORTQA_EMBEDDER_PLUGIN`` to
``fakes:embedder_plugin`` (``tests/conftest.py``), as a user would name their own factory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

PLUGIN = "fakes:embedder_plugin"


_TOKEN = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """A deterministic stand-in for tests: a hashed bag of lower-cased words.

    Texts that share words get similar vectors, which is enough to test ranking
    without loading a model.  Uses blake2b, never Python's salted ``hash()``.
    """

    backend = "hashing"
    trainable = False

    def __init__(self, dimension: int = 64) -> None:
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(out / norms, dtype=np.float32)


def embedder_plugin(name: str) -> HashingEmbedder | None:
    """``hashing-N`` for tests; None for any other name (the built-in backends load it)."""
    prefix, _, size = name.partition("-")
    return HashingEmbedder(int(size)) if prefix == "hashing" and size.isdigit() else None
