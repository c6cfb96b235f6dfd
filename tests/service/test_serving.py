"""The serving layer: micro-batcher and cache, request ids, metrics, limits, security headers, JSON logs."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient

from index.embedder import Encoded, unit_rows
from service.app import SWITCH_INTERVAL, create_app
from service.batcher import LRUCache, QueryEmbedder, QueryEmbedders
from service.edge import RateLimiter
from service.logs import JsonFormatter, request_id_var
from service.metrics import Metrics
from service.settings import Settings


class CountingEmbedder(HashingEmbedder):
    """Records the size of every call, and is slow enough for questions to queue up."""

    def __init__(self) -> None:
        super().__init__(64)
        self.calls: list[int] = []
        self.gate = threading.Event()

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        self.gate.wait(timeout=5)
        return super().embed(texts)


def client_for(index: Path, **options: Any) -> TestClient:
    app = create_app(Settings(index_dir=index, **options), embedder_factory=lambda name: HashingEmbedder(64))
    return TestClient(app)


@pytest.fixture
def client(small_index: Path) -> Iterator[TestClient]:
    with client_for(small_index) as test_client:
        yield test_client


def test_batcher_embeds_waiting_questions_together_with_the_same_vectors() -> None:
    embedder = CountingEmbedder()
    query = QueryEmbedder(embedder, max_batch=32, cache_size=0, metrics=Metrics())
    questions = [f"question number {n} about remittances" for n in range(9)]

    async def ask_all() -> list[Encoded]:
        first = asyncio.ensure_future(query.embed(questions[0]))
        await asyncio.sleep(0.05)  # the first call is now inside the (gated) model
        rest = [asyncio.ensure_future(query.embed(q)) for q in questions[1:]]
        await asyncio.sleep(0.05)
        embedder.gate.set()
        return list(await asyncio.gather(first, *rest))

    vectors = asyncio.run(ask_all())
    query.close()
    assert embedder.calls == [1, 8]
    np.testing.assert_allclose(
        np.stack([v.vector for v in vectors]), HashingEmbedder(64).embed(questions), atol=1e-6
    )


def test_cache_answers_a_repeated_question_without_the_model() -> None:
    embedder = CountingEmbedder()
    embedder.gate.set()
    metrics = Metrics()
    query = QueryEmbedder(embedder, batching=False, cache_size=8, metrics=metrics)
    first = query.embed_blocking("how big were remittances?")
    again = query.embed_blocking("how big were remittances?")
    assert embedder.calls == [1]
    assert again is first
    assert b"reportqa_query_cache_hit_ratio 0.5" in metrics.render()


class TokenEmbedder(HashingEmbedder):
    """The hashing embedder with token vectors, as the real model gives them."""

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        rows = np.random.default_rng(0).standard_normal((3, self.dimension)).astype(np.float32)
        return [Encoded(vector, unit_rows(rows)) for vector in self.embed(texts)]


def test_the_cache_keeps_a_question_token_vectors_in_half_precision() -> None:
    query = QueryEmbedder(TokenEmbedder(64), batching=False, cache_size=8, metrics=Metrics())
    first = query.embed_blocking("how big were remittances?")
    again = query.embed_blocking("how big were remittances?")
    assert first.tokens is not None and again.tokens is not None
    assert (first.tokens.dtype, again.tokens.dtype) == (np.float32, np.float16)
    np.testing.assert_allclose(again.tokens, first.tokens, atol=1e-3)
    np.testing.assert_array_equal(again.vector, first.vector)


def test_a_question_that_reaches_a_closed_batcher_is_still_embedded() -> None:
    """A reload to another model closes the old batcher while requests may still hold it."""
    embedder = HashingEmbedder(64)
    query = QueryEmbedder(embedder, cache_size=0, metrics=Metrics())
    query.close()
    encoded = asyncio.run(asyncio.wait_for(query.embed("remittances"), timeout=5))
    np.testing.assert_allclose(encoded.vector, embedder.embed(["remittances"])[0])
    np.testing.assert_allclose(query.embed_blocking("return").vector, embedder.embed(["return"])[0])


def test_a_new_model_gets_a_new_batcher_and_the_old_one_stops() -> None:
    embedders = QueryEmbedders(batching=True, max_batch=8, wait_ms=0, cache_size=0, metrics=Metrics())
    old = embedders.for_embedder(HashingEmbedder(64))
    new = embedders.for_embedder(HashingEmbedder(64))
    assert new is not old and embedders.for_embedder(new.embedder) is new
    assert old.batcher is not None
    old.batcher._thread.join(timeout=5)
    assert not old.batcher._thread.is_alive()
    embedders.close()


def test_lru_cache_evicts_the_least_recently_used() -> None:
    cache = LRUCache(2)
    cache.put("a", Encoded(np.zeros(1)))
    cache.put("b", Encoded(np.zeros(1)))
    assert cache.get("a") is not None
    cache.put("c", Encoded(np.zeros(1)))
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 2


def test_request_id_is_generated_or_echoed(client: TestClient) -> None:
    generated = client.post("/ask", json={"question": "remittances"})
    assert generated.status_code == 200
    assert len(generated.headers["x-request-id"]) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


def test_metrics_expose_latency_batches_cache_answers_and_index(client: TestClient) -> None:
    client.post("/ask", json={"question": "remittances"})
    client.get("/ask", params={"q": "remittances"})
    text = client.get("/metrics").text
    for name in (
        'reportqa_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/ask",status="200"}',
        "reportqa_retrieval_duration_seconds_count 2.0",
        "reportqa_embedding_duration_seconds_count",
        "reportqa_embedding_batch_size_bucket",
        'reportqa_query_cache_lookups_total{result="hit"} 1.0',
        "reportqa_query_cache_hit_ratio",
        "reportqa_no_answer_ratio",
        "reportqa_index_passages 6.0",
        'reportqa_index_info{model="hashing-64"',
    ):
        assert name in text, name


def test_chat_questions_share_the_cache_and_metrics_of_ask(client: TestClient) -> None:
    chat = {"model": "reportqa", "messages": [{"role": "user", "content": "remittances"}]}
    assert client.post("/v1/chat/completions", json=chat).status_code == 200
    client.post("/ask", json={"question": "remittances"})
    text = client.get("/metrics").text
    assert 'reportqa_query_cache_lookups_total{result="hit"} 1.0' in text
    assert "reportqa_retrieval_duration_seconds_count 2.0" in text


def test_body_over_the_limit_is_413(small_index: Path) -> None:
    with client_for(small_index, max_body_bytes=1024) as client:
        response = client.post(
            "/ask",
            content=b'{"question": "' + b"x" * 2000 + b'"}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json() == {"detail": "request body too large; the limit is 1024 bytes"}

        def chunks() -> Iterator[bytes]:
            yield b'{"question": "'
            yield b"y" * 2000
            yield b'"}'

        streamed = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


def test_rate_limit_answers_429_with_retry_after(small_index: Path) -> None:
    with client_for(small_index, rate_limit=1, rate_burst=2) as client:
        codes = [client.post("/ask", json={"question": "remittances"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = client.post("/ask", json={"question": "remittances"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200  # health is never limited


def test_rate_limiter_refills_over_time() -> None:
    limiter = RateLimiter(rate=2, burst=1)
    assert limiter.retry_after("a", 0.0) == 0
    assert limiter.retry_after("a", 0.1) == pytest.approx(0.4)
    assert limiter.retry_after("a", 0.6) == 0
    assert limiter.retry_after("b", 0.6) == 0


def test_full_queue_answers_429_not_a_hang(small_index: Path) -> None:
    with client_for(small_index, max_in_flight=1, max_queue=0, queue_timeout=0.2) as client:
        work = client.app.user_middleware  # type: ignore[attr-defined]
        assert work  # the edge middleware is installed
        edge = client.app.middleware_stack  # type: ignore[attr-defined]
        while edge is not None and type(edge).__name__ != "EdgeMiddleware":
            edge = getattr(edge, "app", None)
        assert edge is not None
        client.get("/sections")  # creates the queue
        edge.work.admitted = edge.work.limit  # as if every slot and place in line were taken
        refused = client.post("/ask", json={"question": "remittances"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert refused.json() == {"detail": "the service is busy; retry later"}
        edge.work.admitted = 0
        assert client.post("/ask", json={"question": "remittances"}).status_code == 200


def test_page_sends_a_content_security_policy_and_cors_is_off(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    docs = client.get("/docs")  # Swagger UI loads its scripts from a CDN: a CSP would blank it
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers
    assert docs.headers["x-content-type-options"] == "nosniff"
    preflight = client.options(
        "/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_when_configured(small_index: Path) -> None:
    with client_for(small_index, cors_origins="https://ok.example") as client:
        response = client.get("/healthz", headers={"Origin": "https://ok.example"})
        assert response.headers["access-control-allow-origin"] == "https://ok.example"


def test_access_log_is_json_with_the_request_id_and_no_question(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="reportqa.access"):
        response = client.get(
            "/ask", params={"q": "secret remittance question"}, headers={"X-Request-ID": "req-42"}
        )
    records = [r for r in caplog.records if r.name == "reportqa.access"]
    token = request_id_var.set("req-42")
    try:
        line = json.loads(JsonFormatter().format(records[-1]))
    finally:
        request_id_var.reset(token)
    assert response.status_code == 200
    assert line["request_id"] == "req-42" and line["path"] == "/ask" and line["status"] == 200
    assert "secret" not in json.dumps(line) and "secret" not in caplog.text


def test_no_secret_in_logs_or_error_messages(small_index: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), client_for(small_index, admin_token="s3cret-admin-token") as client:
        wrong = client.get("/admin/status", headers={"Authorization": "Bearer guessed-token-123"})
        right = client.get("/admin/status", headers={"Authorization": "Bearer s3cret-admin-token"})
    assert wrong.status_code == 401 and right.status_code == 200
    for text in (caplog.text, wrong.text, right.text):
        assert "s3cret-admin-token" not in text and "guessed-token-123" not in text


def test_the_service_holds_blas_to_one_thread_and_shortens_the_lock_switch_interval(
    small_index: Path,
) -> None:
    """Ranking's small products beside the embedding thread: no spinning BLAS threads, no 5 ms lock waits."""
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        # Asked on the event loop's thread, where ranking runs (an OpenMP BLAS counts per thread).
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    default = sys.getswitchinterval()
    try:
        with client_for(small_index) as client:
            assert sys.getswitchinterval() == SWITCH_INTERVAL < 0.005
            threads = client.portal.call(blas_threads)
            assert threads and all(n == 1 for n in threads), threads
    finally:
        sys.setswitchinterval(default)
