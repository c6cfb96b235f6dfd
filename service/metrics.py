"""Prometheus metrics for one app: one registry per ``create_app``, never a global.

``GET /metrics`` serves them in the Prometheus text format.  With ``--workers N``
each worker process keeps its own figures (a scrape reaches one worker); the
request id and the worker's pid in the logs tell them apart.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class Metrics:
    """Every figure the service exports, on its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Histogram(
            "reportqa_http_request_duration_seconds",
            "HTTP request latency by route template, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.retrieval = Histogram(
            "reportqa_retrieval_duration_seconds",
            "Ranking and answer building for one question, after its embedding.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.embedding = Histogram(
            "reportqa_embedding_duration_seconds",
            "One call of the model (a batch of questions).",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_size = Histogram(
            "reportqa_embedding_batch_size", "Questions per model call.", buckets=BATCH_BUCKETS, registry=r
        )
        self.cache = Counter(
            "reportqa_query_cache_lookups", "Question-embedding cache lookups.", ["result"], registry=r
        )
        self.cache_hit_ratio = Gauge(
            "reportqa_query_cache_hit_ratio", "Hits over lookups since start.", registry=r
        )
        self.answers = Counter(
            "reportqa_answers",
            "Questions answered, by whether the report answers them.",
            ["answerable"],
            registry=r,
        )
        self.no_answer_ratio = Gauge(
            "reportqa_no_answer_ratio", "Questions judged unanswerable over all answered.", registry=r
        )
        self.rejected = Counter(
            "reportqa_rejected_requests", "Requests refused by a limit.", ["reason"], registry=r
        )
        self.index_info = Gauge(
            "reportqa_index_info",
            "The index version being served (value 1).",
            ["version", "model"],
            registry=r,
        )
        self.passages = Gauge("reportqa_index_passages", "Passages in the index being served.", registry=r)
        self._hits = self._lookups = 0
        self._answered = self._unanswerable = 0

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.embedding.observe(seconds)

    def observe_cache(self, *, hit: bool) -> None:
        self.cache.labels("hit" if hit else "miss").inc()
        self._lookups += 1
        self._hits += hit
        self.cache_hit_ratio.set(self._hits / self._lookups)

    def observe_answer(self, *, answerable: bool, seconds: float) -> None:
        self.retrieval.observe(seconds)
        self.answers.labels("true" if answerable else "false").inc()
        self._answered += 1
        self._unanswerable += not answerable
        self.no_answer_ratio.set(self._unanswerable / self._answered)

    def set_index(self, version: str, model: str, passages: int) -> None:
        self.index_info.clear()
        self.index_info.labels(version, model).set(1)
        self.passages.set(passages)

    def render(self) -> bytes:
        return generate_latest(self.registry)
