"""``reportqa ingest --ray``: parse and embed a build's documents as Ray Data tasks across a cluster.

Only the work moves; the build stays ``ingest/pipeline.py``'s, written by the same writer,
so the version is the one a local build of the same sources gives (passages and ids
byte for byte).  ``RayExecutor`` plugs into ``build_index(executor=...)`` at two points:

- ``reader``: every source file is read, parsed and cut into passages by a Ray Data ``map``
  (one block per file); results come back in input order, a file's ``SourceError`` with
  them, so the pipeline skips or fails on it as it does locally.
- ``embedder``: after tuning, every text the build will embed and the embedding cache lacks
  (passage inputs, their sentences, the passages' token vectors, whose pass gives the passage
  vectors too) goes through one Ray Data ``map_batches`` over a pool of actors, one per CPU of
  the cluster, each loading the model once.  The pipeline then embeds as ever, from an
  embedder that answers from those vectors (``Precomputed``); a text it did not expect is
  embedded locally.

Workers load the model by name from the model cache (``REPORTQA_CACHE_DIR``), so on a cluster
of several machines that cache, the sources and the index directory are on shared storage
at the same path on every node (docs/operations.md, "Ray").
"""

from __future__ import annotations

import functools
import logging
import math
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import ray
import ray.data

from index.backends import plugin_embedder
from index.embedder import Embedder, Encoded, SentenceTransformerEmbedder, encode, gives_tokens
from index.errors import SourceError
from index.model_cache import model_home
from index.models import Passage
from ingest.embed_cache import TOKENS_FILE, EmbeddingCache, TokenCache, cache_path, text_key
from ingest.pipeline import Read, embedding_input, sentence_inputs

logger = logging.getLogger(__name__)

EMBED = "embed"
"""A job for the text's vector (``Embedder.embed``)."""
ENCODE = "encode"
"""A job for the text's vector and token vectors (``encode``, late interaction)."""
ROWS_PER_BATCH = 64
MAX_BLOCKS = 256


@dataclass(frozen=True)
class ModelSpec:
    """How a worker loads the build's embedder: the plugin's, else the model by name from ``cache``."""

    name: str
    cache: Path | None
    plugin: str | None
    batch_size: int

    def load(self) -> Embedder:
        claimed = plugin_embedder(self.name, self.plugin)
        if claimed is not None:
            return claimed
        return SentenceTransformerEmbedder(self.name, batch_size=self.batch_size, cache=self.cache)


class EmbedWorker:
    """A Ray Data actor: loads the model once, then embeds batches of ``(key, kind, text)`` rows."""

    def __init__(self, spec: ModelSpec) -> None:
        self.model = spec.load()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(text) for text in batch["text"]]
        kinds = [str(kind) for kind in batch["kind"]]
        vectors = np.zeros((len(texts), self.model.dimension), dtype=np.float32)
        tokens = np.empty(len(texts), dtype=object)
        tokens[:] = b""
        counts = np.full(len(texts), -1, dtype=np.int64)  # -1: no token vectors
        plain = [i for i, kind in enumerate(kinds) if kind == EMBED]
        if plain:
            vectors[plain] = self.model.embed([texts[i] for i in plain])
        rich = [i for i, kind in enumerate(kinds) if kind == ENCODE]
        for i, found in zip(rich, encode(self.model, [texts[i] for i in rich]), strict=True):
            vectors[i] = found.vector
            if found.tokens is not None:  # half precision, as the cache and the version keep them
                rows = np.ascontiguousarray(found.tokens, dtype=np.float16)
                tokens[i], counts[i] = rows.tobytes(), len(rows)
        return {"key": batch["key"], "vector": vectors, "tokens": tokens, "count": counts}


def parse_row(row: dict[str, Any], *, read: Read) -> dict[str, Any]:
    """A Ray Data ``map``: one source read and parsed, its result or SourceError pickled."""
    try:
        outcome: object = read(Path(row["path"]))
    except SourceError as exc:
        outcome = exc
    return {"key": row["key"], "outcome": pickle.dumps(outcome)}


class Precomputed:
    """An ``Embedder`` answering from vectors computed on the cluster; a text it lacks goes to ``local``."""

    trainable = False

    def __init__(self, local: Embedder, vectors: dict[str, np.ndarray], encoded: dict[str, Encoded]) -> None:
        self.local = local
        self.name = local.name
        self.dimension = local.dimension
        self.backend = local.backend
        self.vectors = vectors
        self.encoded = encoded
        self.embedded_locally = 0

    def _local(self, count: int) -> None:
        if self.embedded_locally == 0:
            logger.warning("embedding %d text(s) locally that were not computed on the cluster", count)
        self.embedded_locally += count

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing = []
        for row, text in enumerate(texts):
            vector = self.vectors.get(text)
            if vector is None and text in self.encoded:  # its token pass gave it
                vector = self.encoded[text].vector
            if vector is None:
                missing.append(row)
            else:
                out[row] = vector
        if missing:
            self._local(len(missing))
            out[missing] = self.local.embed([texts[row] for row in missing])
        return out


class PrecomputedTokens(Precomputed):
    """``Precomputed`` for a model that also gives token vectors (``encode``)."""

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        missing = [text for text in texts if text not in self.encoded]
        if missing:
            self._local(len(missing))
            self.encoded.update(zip(missing, encode(self.local, missing), strict=True))
        return [self.encoded[text] for text in texts]


class RayExecutor:
    """Parses and embeds a build on the Ray cluster this process has joined (``ingest/ray_cluster.py``).

    ``cache`` is the model cache workers load the model from, ``plugin`` the embedder plugin
    (``REPORTQA_EMBEDDER_PLUGIN``) and ``batch_size`` the model's batch size, as a local build has them.
    """

    def __init__(
        self, *, cache: Path | None, plugin: str | None, batch_size: int = 32, progress: bool = True
    ) -> None:
        self.cache = cache
        self.plugin = plugin
        self.batch_size = batch_size
        self.progress = progress
        # Bars on a terminal; Ray Data's periodic log lines elsewhere are noise beside ours.
        ray.data.DataContext.get_current().enable_progress_bars = progress
        logging.getLogger("ray.data").setLevel(logging.WARNING)

    def _say(self, message: str) -> None:
        if self.progress:
            print(f"ray: {message}", file=sys.stderr)
        else:
            logger.info("ray: %s", message)

    def workers(self, jobs: int) -> int:
        """One actor per CPU of the cluster, and no more than there are batches."""
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        cpus = int(resources.get("CPU", 1))
        return max(1, min(cpus, math.ceil(jobs / ROWS_PER_BATCH)))

    def reader(self, paths: Sequence[Path], read: Read) -> Read:
        """Read and parse every path as a Ray Data task now; the reader returned gives each result."""
        began = time.perf_counter()
        outcomes: dict[Path, object] = {}
        if paths:
            items = [{"key": key, "path": str(path)} for key, path in enumerate(paths)]
            dataset = ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS))
            for row in dataset.map(functools.partial(parse_row, read=read)).take_all():
                outcomes[paths[int(row["key"])]] = pickle.loads(row["outcome"])
        self._say(f"parsed {len(paths)} file(s) on the cluster in {time.perf_counter() - began:.1f}s")

        def parsed(path: Path) -> Any:
            if path not in outcomes:  # not asked ahead: read it here
                return read(path)
            outcome = outcomes[path]
            if isinstance(outcome, SourceError):
                raise outcome
            return outcome

        return parsed

    def embedder(self, embedder: Embedder, passages: Sequence[Passage], cache: Path | None) -> Embedder:
        """Embed on the cluster what the build will ask ``embedder`` for and ``cache`` lacks."""
        began = time.perf_counter()
        inputs = [embedding_input(p) for p in passages]
        texts = dict.fromkeys([*inputs, *(s for p in passages for s in sentence_inputs(p))])
        rich = gives_tokens(embedder)
        token_texts = dict.fromkeys(inputs) if rich else {}
        if cache is not None:
            vectors_cache = EmbeddingCache(
                cache_path(cache, embedder.name, embedder.backend), dimension=embedder.dimension
            )
            texts = {t: None for t in texts if vectors_cache.get(text_key(t)) is None}
            if token_texts:
                tokens_cache = TokenCache(
                    model_home(cache, embedder.name) / TOKENS_FILE.format(backend=embedder.backend),
                    dimension=embedder.dimension,
                )
                token_texts = {t: None for t in token_texts if tokens_cache.get(text_key(t)) is None}
                # A caching build keeps the vector of the token pass (CachingEmbedder.remember): one pass.
                texts = {t: None for t in texts if t not in token_texts}
        jobs = sorted(
            [(EMBED, text) for text in texts] + [(ENCODE, text) for text in token_texts],
            key=lambda job: len(job[1]),  # a batch pads to like lengths
        )
        vectors: dict[str, np.ndarray] = {}
        encoded: dict[str, Encoded] = {}
        workers = self.workers(len(jobs))
        if jobs:
            spec = ModelSpec(embedder.name, self.cache, self.plugin, self.batch_size)
            for batch in self._run(jobs, spec, workers):
                for key, vector, tokens, count in zip(
                    batch["key"], batch["vector"], batch["tokens"], batch["count"], strict=True
                ):
                    kind, text = jobs[int(key)]
                    vector = np.asarray(vector, dtype=np.float32)
                    if kind == EMBED:
                        vectors[text] = vector
                    else:
                        rows = (
                            None
                            if count < 0
                            else np.frombuffer(tokens, dtype=np.float16).reshape(int(count), -1).copy()
                        )
                        encoded[text] = Encoded(vector, rows)
        self._say(
            f"embedded {len(texts)} text(s) and the token vectors of {len(token_texts)} passage(s) "
            f"with {workers} worker(s) in {time.perf_counter() - began:.1f}s"
        )
        made = PrecomputedTokens if rich else Precomputed
        return made(embedder, vectors, encoded)

    def _run(self, jobs: list[tuple[str, str]], spec: ModelSpec, workers: int) -> Any:
        """The embedded batches of ``jobs``: one Ray Data pass over a pool of ``workers`` model actors."""
        items = [{"key": key, "kind": kind, "text": text} for key, (kind, text) in enumerate(jobs)]
        blocks = min(MAX_BLOCKS, math.ceil(len(items) / ROWS_PER_BATCH))
        dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            EmbedWorker,
            fn_constructor_kwargs={"spec": spec},
            batch_size=ROWS_PER_BATCH,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        return dataset.iter_batches(batch_size=None, batch_format="numpy")
