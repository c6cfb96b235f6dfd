"""End-to-end fixtures: the real report, the real model, the real CLI and a real server on a socket.

The index is built once per session by running ``reportqa ingest`` as a subprocess
(what users run), then ``reportqa serve`` is started on a free port and the tests
talk to it with httpx.  A second server runs over an empty index directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import USER_CACHE, RealBuild, free_port

from index.evaluation import Question, load_questions, raw_page_finder
from service.settings import DEFAULT_CORPUS

REPORTQA = str(Path(sys.executable).with_name("reportqa"))
DATA = Path(__file__).resolve().parent.parent / "data"
INGEST_TIMEOUT = 300
READY_TIMEOUT = 60


def cli_env(index_dir: Path) -> dict[str, str]:
    """The environment of a user's shell: no stray REPORTQA_* settings, offline, this index dir.

    The user's model cache, where the session's real build put its tuned model.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        REPORTQA_INDEX_DIR=str(index_dir),
        REPORTQA_CACHE_DIR=str(USER_CACHE),
    )
    return env


def run_cli(
    *args: str, index_dir: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``reportqa ARGS`` as a user would, capturing stdout and stderr; ``env`` adds settings."""
    return subprocess.run(
        [REPORTQA, *args],
        env={**cli_env(index_dir), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    """A running ``reportqa serve`` subprocess."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(index_dir: Path, log: Path, *, ready_path: str = "/readyz") -> Server:
    """Start ``reportqa serve`` on a free port and wait until ``ready_path`` answers 200."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [REPORTQA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=cli_env(index_dir),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(server.base_url + ready_path, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"server not ready at {ready_path} after {READY_TIMEOUT}s:\n{server.output()}")


@dataclass(frozen=True)
class BuiltIndex:
    root: Path
    report: Mapping[str, Any]

    def canonical_text(self, document: str) -> str:
        return (self.root / "current" / "texts" / f"{document}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_index(real_build: RealBuild) -> BuiltIndex:
    """The real report indexed with the real model by ``reportqa ingest --json`` (shared, read-only)."""
    return BuiltIndex(real_build.root, real_build.report)


@pytest.fixture(scope="session")
def server(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(built_index.root, tmp_path_factory.mktemp("e2e-logs") / "server.log")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def empty_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A server started over an index directory that holds nothing."""
    empty = tmp_path_factory.mktemp("e2e-empty-index")
    running = start_server(empty, tmp_path_factory.mktemp("e2e-logs") / "empty.log", ready_path="/healthz")
    with httpx.Client(base_url=running.base_url, timeout=30) as http:
        yield http
    running.stop()


@pytest.fixture(scope="session")
def questions() -> dict[str, Question]:
    """Every question of the dev sample and the held-out sets (none the model was tuned on), by id."""
    files = ("dev.jsonl", "extra5.jsonl", "extra7.jsonl", "extra9.jsonl")
    return {q.id: q for name in files for q in load_questions(DATA / name)}


@pytest.fixture(scope="session")
def evidence_pages() -> Any:
    """Pages of a quote in the raw report, found independently of our parser."""
    return raw_page_finder(DEFAULT_CORPUS.read_text(encoding="utf-8"))
