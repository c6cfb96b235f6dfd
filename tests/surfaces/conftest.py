"""Fixtures for the chatbot and browser surfaces: the service on a real socket.

``small_server`` serves the six-passage hashing index (fast); ``real_server`` serves
the real report indexed with the real model, built once per session by ``reportqa ingest``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import RealBuild

from surfaces.live import LiveServer, Tops, dev_questions, serve, top_of


@pytest.fixture
def small_server(small_index: Path) -> Iterator[LiveServer]:
    """The service over the six-passage hashing index."""
    yield from serve(small_index)


@pytest.fixture(scope="session")
def real_server(real_build: RealBuild) -> Iterator[LiveServer]:
    """The service over the real index, shared by every surface's agreement test."""
    yield from serve(real_build.root, cache=real_build.cache)


@pytest.fixture(scope="session")
def real_tops(real_server: LiveServer) -> Tops:
    """``/ask``'s top passage id and citation for each development question: the reference."""
    return {question: top_of(real_server.ask(question)) for question in dev_questions()}
