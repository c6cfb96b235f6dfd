"""Fixtures for the chatbot and browser surfaces: the service on a real socket.

``small_server`` serves the six-passage hashing index (fast); ``real_server`` serves
the real report indexed with the real model, built once per session by ``reportqa ingest``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from surfaces.live import REPORTQA, LiveServer, Tops, dev_questions, serve, top_of


@pytest.fixture
def small_server(small_index: Path) -> Iterator[LiveServer]:
    """The service over the six-passage hashing index."""
    yield from serve(small_index)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real report indexed with the real model, once per session (about 15 s)."""
    root = tmp_path_factory.mktemp("real-index")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env = {key: value for key, value in env.items() if not key.startswith("REPORTQA_")}
    subprocess.run([str(REPORTQA), "ingest", "--index-dir", str(root)], check=True, env=env, timeout=300)
    return root


@pytest.fixture(scope="session")
def real_server(real_index: Path) -> Iterator[LiveServer]:
    """The service over the real index, shared by every surface's agreement test."""
    yield from serve(real_index)


@pytest.fixture(scope="session")
def real_tops(real_server: LiveServer) -> Tops:
    """``/ask``'s top passage id and citation for each development question: the reference."""
    return {question: top_of(real_server.ask(question)) for question in dev_questions()}
