"""Shared fixtures: an isolated environment, a small index built with the hashing embedder,
and the real report indexed once per session with the real model (read-only for every test).

Every test gets its own empty model cache (``REPORTQA_CACHE_DIR``), except the real
build: it uses the user's, so the tuned model is trained once and later sessions reuse it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import PLUGIN, HashingEmbedder

from index.model_cache import CACHE_ENV, default_cache_dir
from index.models import Citation, Manifest, Passage, Section, SourceInfo
from index.store import write_index
from ingest.pipeline import sentence_inputs, sentence_rows

TESTS = Path(__file__).resolve().parent
USER_CACHE = default_cache_dir()
"""The user's model cache, read before any test changes the environment."""
DOCUMENT = "test-report"
DIMENSION = 64

# (section id, title, page, [passage texts]); three sections, six passages.
SECTIONS: list[tuple[str, str, int | None, list[str]]] = [
    (
        "A.1",
        "Remittances as a tool of development",
        3,
        [
            "Remittances sent home by migrants reduce poverty in origin countries.",
            "Transfer fees charged by banks remain high for small amounts.",
        ],
    ),
    (
        "A.2",
        "Refugees and asylum",
        4,
        [
            "Refugees fleeing persecution seek asylum under international protection law.",
            "Asylum procedures differ between receiving States and take many months.",
        ],
    ),
    (
        "B.1",
        "Data on international migration",
        7,
        [
            "Censuses and household surveys provide statistics on the migrant stock.",
            "Better data collection helps Governments design migration policy.",
        ],
    ),
]


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep every test away from the real data/ dir and from the developer's REPORTQA_* settings."""
    import os

    for name in list(os.environ):
        if name.startswith("REPORTQA_"):
            monkeypatch.delenv(name)
    empty = tmp_path_factory.mktemp("no-index")
    monkeypatch.setenv("REPORTQA_INDEX_DIR", str(empty))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("model-cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # No tuning child process behind a test's service; the tests of background tuning turn it on.
    monkeypatch.setenv("REPORTQA_BACKGROUND_TUNING", "false")
    # The test embedder (hashing-N) is a plugin, as a user's own would be; child processes find it
    # on PYTHONPATH.
    monkeypatch.setenv("REPORTQA_EMBEDDER_PLUGIN", PLUGIN)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    )
    return empty


def free_port() -> int:
    """A loopback port nothing listens on, for a test's own server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


Outline = list[tuple[str, str, int | None, list[str]]]
"""A test document's sections: (section id, title, page or None, [passage texts])."""


@dataclass(frozen=True)
class TestDocument:
    """One document of a hand-made index: its id, title, format and outline."""

    __test__ = False  # not a test class, despite its name
    id: str
    title: str
    format: str
    outline: Outline


def write_test_index(root: Path, documents: list[TestDocument], *, version: str) -> Path:
    """Write a consistent index (canonical texts, offsets, sections) of ``documents`` under ``root``."""
    passages: list[Passage] = []
    sections: list[Section] = []
    texts: dict[str, str] = {}
    for doc in documents:
        text = ""
        for section_id, title, page, bodies in doc.outline:
            section_start = len(text)
            for body in bodies:
                start = len(text)
                text += body
                citation = Citation(
                    document=doc.id,
                    section=section_id,
                    title=title,
                    page=page,
                    page_end=page,
                    start=start,
                    end=len(text),
                )
                passage_id = hashlib.sha256(f"{doc.id}:{start}:{body}".encode()).hexdigest()[:16]
                passages.append(Passage(id=passage_id, text=body, citation=citation))
                text += "\n\n"
            sections.append(
                Section(
                    document=doc.id,
                    id=section_id,
                    title=title,
                    page=page,
                    page_end=page,
                    start=section_start,
                    end=len(text),
                )
            )
        texts[doc.id] = text
    embedder = HashingEmbedder(DIMENSION)
    manifest = Manifest(
        version=version,
        model=embedder.name,
        dimension=DIMENSION,
        passage_count=len(passages),
        section_count=len(sections),
        sources=[
            SourceInfo(
                document=d.id, path=f"{d.id}.{d.format}", sha256="0" * 64, format=d.format, title=d.title
            )
            for d in documents
            if d.title
        ],
        built_at="2025-01-01T00:00:00+00:00",
        tool_version="test",
    )
    write_index(
        root,
        manifest=manifest,
        passages=passages,
        sections=sections,
        texts=texts,
        vectors=embedder.embed([p.text for p in passages]),
        sentences=sentence_rows(passages),
        sentence_vectors=embedder.embed([s for p in passages for s in sentence_inputs(p)]),
    )
    return root


def build_small_index(root: Path) -> Path:
    """The one-document test index (no sources recorded, as an index built before sources were)."""
    return write_test_index(
        root, [TestDocument(DOCUMENT, "", "txt", SECTIONS)], version="20250101T000000Z-test"
    )


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    """The root of a 6-passage, 3-section index built with HashingEmbedder(64)."""
    return build_small_index(tmp_path / "index")


REPORTQA = str(Path(sys.executable).with_name("reportqa"))
REPORT = Path(__file__).resolve().parents[1] / "corpus" / "high-level-dialogue-2006.txt"


@pytest.fixture
def report_copy(tmp_path: Path) -> Path:
    """A copy of the embedded report that a test may edit, as a user edits theirs."""
    copy = tmp_path / "sources" / "high-level-dialogue-2006.txt"
    copy.parent.mkdir()
    shutil.copy(REPORT, copy)
    return copy


REAL_INGEST_TIMEOUT = 900  # a first build also fine-tunes the model (minutes on a busy machine)


@dataclass(frozen=True)
class RealBuild:
    """The real report indexed by ``reportqa ingest --json``: where, what it printed, its model cache."""

    root: Path
    report: dict[str, Any]
    cache: Path = USER_CACHE


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> RealBuild:
    """Built once per session, as a user builds it: the CLI, the bundled model, no network.

    The tuned model and its ONNX export come from the user's model cache when an earlier
    session left them there; only the first session on a machine tunes.
    """
    root = tmp_path_factory.mktemp("real-index")
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env[CACHE_ENV] = str(USER_CACHE)
    env["REPORTQA_BACKGROUND_TUNING"] = "false"  # the suite's real build is the tuned one
    result = subprocess.run(
        [REPORTQA, "ingest", "--json", "--index-dir", str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=REAL_INGEST_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return RealBuild(root, json.loads(result.stdout))
