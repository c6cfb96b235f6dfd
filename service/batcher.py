"""Embedding questions for the service: an LRU cache in front of a micro-batcher.

A question's cost is almost all one forward pass of the model, and a forward pass
over 16 questions costs far less than 16 passes over one.  ``MicroBatcher`` runs
one worker thread per model: callers (async routes, or threads) drop a question
in a queue and wait on a future; the worker takes what is queued (up to
``max_batch``, waiting at most ``wait_ms`` for more when it would otherwise embed
a lone question), embeds it in one call and resolves every future.  While a batch
is being embedded the next one gathers by itself, so under load batches grow with
no added wait; when idle, a question goes straight through.

Each question comes back as an ``Encoded``: its vector and, from the same forward
pass, its token vectors for late interaction.

``QueryEmbedder`` adds the cache (question text -> encoding, least recently used
evicted) and the metrics, and falls back to embedding in the caller's thread when
batching is off (the naive baseline of ``make bench``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from index.embedder import Embedder, Encoded, encode
from service.metrics import Metrics

logger = logging.getLogger(__name__)

_STOP = object()


class LRUCache:
    """A thread-safe least-recently-used map from question text to its encoding."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Encoded] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Encoded | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Encoded) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class BatcherClosed(RuntimeError):
    """The batcher was stopped (its model was replaced); embed the question directly instead."""


@dataclass
class _Job:
    text: str
    future: concurrent.futures.Future[Encoded]


class MicroBatcher:
    """One worker thread that embeds queued questions together."""

    def __init__(
        self, embedder: Embedder, *, max_batch: int, wait_ms: float, metrics: Metrics | None
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1. Currently, max_batch is {max_batch}")
        self.embedder = embedder
        self.max_batch = max_batch
        self.wait = wait_ms / 1000
        self.metrics = metrics
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._closing = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"embed-{embedder.name}", daemon=True)
        self._thread.start()

    def submit(self, text: str) -> concurrent.futures.Future[Encoded]:
        """Queue ``text``; raises ``BatcherClosed`` once closed, since no thread would take it."""
        future: concurrent.futures.Future[Encoded] = concurrent.futures.Future()
        with self._closing:
            if self._closed:
                raise BatcherClosed(self.embedder.name)
            self._queue.put(_Job(text, future))
        return future

    def close(self, *, wait: bool = True) -> None:
        """Stop after the questions already queued; ``wait=False`` does not wait for them."""
        with self._closing:
            self._closed = True
            self._queue.put(_STOP)
        if wait:
            self._thread.join(timeout=5)

    def _gather(self, first: _Job) -> tuple[list[_Job], bool]:
        batch, stop = [first], False
        deadline = time.perf_counter() + self.wait
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                try:
                    item = self._queue.get(timeout=remaining)
                except queue.Empty:
                    break
            if item is _STOP:
                stop = True
                break
            assert isinstance(item, _Job)
            batch.append(item)
        return batch, stop

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            assert isinstance(first, _Job)
            batch, stop = self._gather(first)
            started = time.perf_counter()
            try:
                encoded = encode(self.embedder, [job.text for job in batch])
            except Exception as exc:  # every waiting request gets the error, the worker lives on
                logger.exception("embedding a batch of %d failed", len(batch))
                for job in batch:
                    job.future.set_exception(exc)
            else:
                for job, one in zip(batch, encoded, strict=True):
                    job.future.set_result(one)
            if self.metrics is not None:
                self.metrics.observe_batch(len(batch), time.perf_counter() - started)
            if stop:
                return


def _compact(encoded: Encoded) -> Encoded:
    """The encoding as the cache keeps it: token vectors in half precision (about 9 KB a question)."""
    if encoded.tokens is None or encoded.tokens.dtype == np.float16:
        return encoded
    return Encoded(encoded.vector, encoded.tokens.astype(np.float16))


class QueryEmbedder:
    """Question -> encoding for one model: cache, then the micro-batcher (or a direct call)."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        batching: bool = True,
        max_batch: int = 32,
        wait_ms: float = 0.0,
        cache_size: int = 4096,
        metrics: Metrics | None = None,
    ) -> None:
        self.embedder = embedder
        self.cache = LRUCache(cache_size)
        self.metrics = metrics
        self.batcher = (
            MicroBatcher(embedder, max_batch=max_batch, wait_ms=wait_ms, metrics=metrics)
            if batching
            else None
        )

    def _cached(self, text: str) -> Encoded | None:
        if self.cache.size <= 0:
            return None
        vector = self.cache.get(text)
        if self.metrics is not None:
            self.metrics.observe_cache(hit=vector is not None)
        return vector

    def _direct(self, text: str) -> Encoded:
        started = time.perf_counter()
        (vector,) = encode(self.embedder, [text])
        if self.metrics is not None:
            self.metrics.observe_batch(1, time.perf_counter() - started)
        return vector

    async def embed(self, text: str) -> Encoded:
        """The question's encoding, awaited on the event loop (the batcher's thread does the work)."""
        vector = self._cached(text)
        if vector is None:
            future = self._submit(text)
            if future is None:
                vector = await asyncio.to_thread(self._direct, text)
            else:
                vector = await asyncio.wrap_future(future)
            self.cache.put(text, _compact(vector))
        return vector

    def _submit(self, text: str) -> concurrent.futures.Future[Encoded] | None:
        """The batcher's future for ``text``, or None to embed directly (no batcher, or closed)."""
        if self.batcher is None:
            return None
        try:
            return self.batcher.submit(text)
        except BatcherClosed:
            return None

    def embed_blocking(self, text: str) -> Encoded:
        """The same from a worker thread (chat, MCP, sync routes)."""
        vector = self._cached(text)
        if vector is None:
            future = self._submit(text)
            vector = self._direct(text) if future is None else future.result()
            self.cache.put(text, _compact(vector))
        return vector

    def close(self, *, wait: bool = True) -> None:
        if self.batcher is not None:
            self.batcher.close(wait=wait)


class QueryEmbedders:
    """One ``QueryEmbedder`` per model, made on first use and kept across index reloads."""

    def __init__(
        self, *, batching: bool, max_batch: int, wait_ms: float, cache_size: int, metrics: Metrics
    ) -> None:
        self._options = {
            "batching": batching,
            "max_batch": max_batch,
            "wait_ms": wait_ms,
            "cache_size": cache_size,
        }
        self.metrics = metrics
        self._by_model: dict[str, QueryEmbedder] = {}
        self._lock = threading.Lock()

    def for_embedder(self, embedder: Embedder) -> QueryEmbedder:
        found = self._by_model.get(embedder.name)
        if found is not None and found.embedder is embedder:
            return found
        with self._lock:
            found = self._by_model.get(embedder.name)
            if found is None or found.embedder is not embedder:
                if found is not None:
                    # Called on the event loop: no waiting; requests that still hold the old
                    # one embed directly (BatcherClosed), the ones queued already are answered.
                    found.close(wait=False)
                found = QueryEmbedder(embedder, metrics=self.metrics, **self._options)  # type: ignore[arg-type]
                self._by_model[embedder.name] = found
            return found

    def close(self) -> None:
        for embedder in self._by_model.values():
            embedder.close()
        self._by_model.clear()
