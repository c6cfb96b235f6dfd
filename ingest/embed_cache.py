"""Embeddings cached by (model, text hash), so a rebuild embeds only the text that changed.

The cache lives in the model cache shared by every index directory
(``index/model_cache.py``), one folder per model: a vector depends only on the model
and the text, so any index may use another's::

    <cache>/<model-slug>/embeddings.npz    keys (sha256 of each text) and float32 rows
    <cache>/<model-slug>/words-<backend>.npz  keys, offsets and float16 token vectors of each passage

It is written whole to a temporary file and renamed into place, so a build killed
while writing leaves the previous cache intact (and its temporary file is cleared by a
later save, once it is an hour old).  A cache that cannot be read is treated as empty
(it only costs time), never as an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from index.embedder import Embedder, Encoded, encode, gives_tokens
from index.late import Compressed, TokenSample, code, offsets_of
from index.model_cache import model_home

logger = logging.getLogger(__name__)

CACHE_FILE = "embeddings-{backend}.npz"
TOKENS_FILE = "words-{backend}.npz"
"""Token vectors without punctuation (``index.embedder.words``); older ``tokens-*`` files are not read."""
STALE_SECONDS = 3600
"""A temporary file this old was left by a killed save (a save takes seconds)."""


def text_key(text: str) -> str:
    """The cache key of a text: its sha256, so the same text is embedded once per model."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(cache: Path | None, model: str, backend: str = "torch") -> Path:
    """The embedding cache file of ``model`` run by ``backend`` in the model cache (None: the user's)."""
    return model_home(cache, model) / CACHE_FILE.format(backend=backend)


def sweep_stale(folder: Path, *, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete the temporary files killed saves left in ``folder``; return what went.

    The folder is shared by every index directory, so a young temporary file may be
    another build's save in progress: only old ones go.
    """
    swept = []
    deadline = time.time() - older_than
    for path in folder.glob(".*.npz"):
        try:
            if path.stat().st_mtime < deadline:
                path.unlink()
                swept.append(path)
        except FileNotFoundError:
            pass
    return swept


def save_atomically(path: Path, **arrays: np.ndarray) -> None:
    """Write ``arrays`` to the ``.npz`` at ``path`` atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy types **kwds as allow_pickle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class EmbeddingCache:
    """Text-hash -> vector for one model, loaded from and saved to one file."""

    kind = "embedding"
    dtype: type[np.floating] = np.float32
    limit = 200_000
    """Entries kept at most (about 300 MB of 384-d vectors), most recently used first."""

    def __init__(self, path: Path, *, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        self._rows: dict[str, np.ndarray] = {}
        self.added = 0
        """Entries put since the file was read: none, and there is nothing to write."""
        self._load()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                rows = self._read(data)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            logger.warning("ignoring unreadable %s cache %s: %s", self.kind, self.path, exc)
            return
        if rows is None:
            logger.warning("ignoring %s cache %s: its arrays do not fit together", self.kind, self.path)
            return
        self._rows = rows

    def _read(self, data: Mapping[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        """The rows of a loaded file, or None when its shapes do not fit this cache."""
        keys, vectors = data["keys"], data["vectors"]
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension or len(keys) != len(vectors):
            return None
        return {str(key): row for key, row in zip(keys, vectors, strict=True)}

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: str) -> np.ndarray | None:
        return self._rows.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self.added += key not in self._rows
        self._rows[key] = np.asarray(vector, dtype=self.dtype)

    def retain(self, keys: Iterable[str]) -> None:
        """Put ``keys`` (what this build used) first, then what the file holds now, up to ``limit``.

        The cache is shared by every index directory of a user, so another directory's
        entries, and those a build running beside this one saved meanwhile, are kept
        rather than dropped; the least recently used go first when it is full.
        """
        on_disk = type(self)(self.path, dimension=self.dimension)._rows
        kept: dict[str, np.ndarray] = {}
        for key in dict.fromkeys(keys):
            if key in self._rows:
                kept[key] = self._rows[key]
        for rows in (on_disk, self._rows):
            for key, row in rows.items():
                if len(kept) >= self.limit:
                    break
                kept.setdefault(key, row)
        self._rows = kept

    def save(self) -> None:
        """Write the cache atomically, in its order: most recently used first."""
        keys = np.array(list(self._rows), dtype="U64")
        vectors = (
            np.stack([self._rows[str(key)] for key in keys]).astype(np.float32)
            if len(keys)
            else np.zeros((0, self.dimension), dtype=np.float32)
        )
        save_atomically(self.path, keys=keys, vectors=vectors)


class CachingEmbedder:
    """An ``Embedder`` that asks the wrapped one only for texts the cache lacks.

    ``embedded`` counts the texts actually sent to the model, which is what the
    ingest summary reports and what the incremental-ingest tests assert on.
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dimension = inner.dimension
        self.backend = inner.backend
        self.trainable = inner.trainable
        self.embedded = 0
        self.used: set[str] = set()

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        keys = [text_key(text) for text in texts]
        self.used.update(keys)
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if self.cache.get(key) is None and key not in missing:
                missing[key] = text
        if missing:
            fresh = self.inner.embed(list(missing.values()), progress=progress)
            for key, vector in zip(missing, fresh, strict=True):
                self.cache.put(key, vector)
            self.embedded += len(missing)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, key in enumerate(keys):
            vector = self.cache.get(key)
            assert vector is not None
            out[row] = vector
        return out

    def remember(self, text: str, vector: np.ndarray) -> None:
        """Keep a vector the model gave for ``text`` in the token pass, so it is not embedded again."""
        key = text_key(text)
        self.used.add(key)
        if self.cache.get(key) is None:
            self.cache.put(key, vector)
            self.embedded += 1

    def save(self) -> None:
        """Keep what this build used and write the cache, unless it embedded nothing new.

        A rebuild that found every text cached leaves the file as it is: rewriting a full
        cache (300 MB) costs seconds and changes only the order of its entries.
        """
        if not self.cache.added:
            return
        self.cache.retain(self.used)
        self.cache.save()


def caching(inner: Embedder, cache: Path | None) -> CachingEmbedder:
    """Wrap ``inner`` with the embedding cache for its model in the model ``cache``."""
    path = cache_path(cache, inner.name, inner.backend)
    return CachingEmbedder(inner, EmbeddingCache(path, dimension=inner.dimension))


class TokenCache(EmbeddingCache):
    """Text-hash -> token vectors (late interaction) for one model, in half precision."""

    kind = "token"
    dtype = np.float16
    limit = 5_000
    """Passages kept at most (about 400 MB of token vectors)."""

    def _read(self, data: Mapping[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        keys, offsets, tokens = data["keys"], data["offsets"], data["tokens"]
        if tokens.ndim != 2 or tokens.shape[1] != self.dimension or len(offsets) != len(keys) + 1:
            return None
        return {str(key): tokens[offsets[i] : offsets[i + 1]] for i, key in enumerate(keys)}

    def save(self) -> None:
        """Write the cache atomically, in its order: most recently used first."""
        keys = np.array(list(self._rows), dtype="U64")
        parts = [self._rows[str(key)] for key in keys]
        offsets = offsets_of(parts)
        tokens = np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float16)
        save_atomically(self.path, keys=keys, offsets=offsets, tokens=tokens.astype(np.float16))
        # The file of every piece, punctuation included, that this one replaced: up to 400 MB nothing reads.
        self.path.with_name("tokens-" + self.path.name.removeprefix("words-")).unlink(missing_ok=True)


AXES_FILE = "token-axes-{backend}-{digest}.npz"
"""The axes fitted on a reference text (``reference_axes``), by the digest of that text."""


def reference_axes(
    inner: Embedder, reference: Sequence[str], models: Path | None, cache: TokenCache | None = None
) -> tuple[np.ndarray, dict[str, Encoded]]:
    """The axes token vectors are coded on, fitted on ``reference``'s tokens once per model.

    A fixed reference, not the corpus, so a passage's codes depend only on the model
    and its text: adding documents to a library never moves the codes of the ones
    already in it (docs/decisions.md, "Axes fitted on a reference text").  Kept in the
    model cache ``models`` (None: fitted again each build), by the digest of the text.
    Also returns what the model computed for it (by text key), for a build to reuse.
    """
    digest = hashlib.sha256("\0".join(reference).encode("utf-8")).hexdigest()[:16]
    path = (
        None
        if models is None
        else model_home(models, inner.name) / AXES_FILE.format(backend=inner.backend, digest=digest)
    )
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                axes = np.asarray(data["axes"], dtype=np.float32)
            if axes.ndim == 2 and axes.shape[0] == inner.dimension:
                return axes, {}
        except (OSError, ValueError, KeyError, EOFError) as exc:
            logger.warning("fitting the token axes again: %s is unreadable (%s)", path, exc)
    texts = {text_key(text): text for text in reference}
    found = {key: cache.get(key) if cache is not None else None for key in texts}
    missing = [key for key in texts if found[key] is None]
    computed = dict(zip(missing, encode(inner, [texts[key] for key in missing]), strict=True))
    sample = TokenSample()
    for key in texts:
        tokens = found[key] if found[key] is not None else computed[key].tokens
        if tokens is not None:
            sample.add(np.asarray(tokens, dtype=np.float16))
    axes = sample.axes()
    if path is not None:
        try:
            save_atomically(path, axes=axes)
        except OSError as exc:
            logger.warning("token axes not kept in the model cache (%s)", exc.strerror or exc)
    return axes, computed


REFERENCE_AT_MOST = 512
"""Texts of the corpus the axes are fitted on when a build has no reference text."""


def token_codes(
    inner: Embedder,
    texts: Sequence[str],
    models: Path | None,
    *,
    reference: Sequence[str] | None = None,
    advance: Callable[[int], None] | None = None,
    step: int = 256,
    on_vector: Callable[[str, np.ndarray], None] | None = None,
) -> Compressed | None:
    """Each text's token vectors from ``inner``, coded as a version stores them; None when it gives none.

    The axes come first, from ``reference`` (default: the texts themselves), so one
    pass in bounded memory codes every text: ``step`` texts at a time, from the model
    cache ``models`` (None: no cache) or the model.  The cache keeps at most its
    ``limit`` of this call's passages.  The same forward pass gives each text's vector:
    ``on_vector`` receives those the model computed, so the passage vectors need no
    second pass (``CachingEmbedder.remember``).
    """
    if not gives_tokens(inner):
        return None
    cache = (
        None
        if models is None
        else TokenCache(
            model_home(models, inner.name) / TOKENS_FILE.format(backend=inner.backend),
            dimension=inner.dimension,
        )
    )
    if reference is None:  # a sample of the corpus, as far apart as it goes
        reference = texts[:: max(1, len(texts) // REFERENCE_AT_MOST)][:REFERENCE_AT_MOST]
    axes, computed = reference_axes(inner, reference, models, cache)
    keys = [text_key(text) for text in texts]
    codes: list[np.ndarray] = []
    cached = 0
    for first in range(0, len(texts), step):
        part = range(first, min(first + step, len(texts)))
        found = {row: cache.get(keys[row]) if cache is not None else None for row in part}
        missing = sorted((row for row in part if found[row] is None), key=lambda row: len(texts[row]))
        fresh = [row for row in missing if keys[row] not in computed]  # the reference's are computed
        encoded_rows = dict(zip(fresh, encode(inner, [texts[row] for row in fresh]), strict=True))
        for row in missing:
            encoded = computed[keys[row]] if keys[row] in computed else encoded_rows[row]
            if encoded.tokens is None:  # the model gives no token vectors after all
                return None
            found[row] = encoded.tokens
            if on_vector is not None:
                on_vector(texts[row], encoded.vector)
            if cache is not None and cached < cache.limit:
                cache.put(keys[row], encoded.tokens)
                cached += 1
        for row in part:
            codes.append(code(np.asarray(found[row], dtype=np.float16), axes))  # as the cache keeps them
        if advance is not None:
            advance(len(part))
    if cache is not None and cache.added:  # nothing new: the file holds all of it already
        cache.retain(keys)
        try:
            cache.save()
        except OSError as exc:
            logger.warning("token cache not saved (%s)", exc.strerror or exc)
    joined = np.concatenate(codes) if codes else np.zeros((0, axes.shape[1] // 2), dtype=np.uint8)
    return Compressed(axes, joined, offsets_of(codes))
