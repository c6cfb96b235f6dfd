"""``reportqa ingest`` and ``POST /admin/reindex`` run the same build and write the same index.

The service answers questions with the int8 ONNX model; its rebuild must still embed
passages as the CLI does, with PyTorch, or the vectors of an index would depend on which
door it was built through (and two backends' vectors would mix in one embedding cache).
Each side has its own model cache, so nothing is shared but the code.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import REPORTQA
from surfaces.live import serve

from service.settings import Settings

TOKEN = "one-path-token"
DOCUMENT = """# Harbour rules

## 1. Berths

Vessels longer than forty metres berth at the outer quay. Smaller craft use the inner basin,
where the water is calmer and the tide gauge is read every hour.

## 2. Fees

Mooring fees are charged per night and per metre of length. Fishing boats registered in the
harbour pay half. Fees are waived during storms declared by the harbour master.
"""
FILES = (
    "passages.jsonl",
    "vectors.faiss",
    "sentences.npy",
    "sentence_vectors.npy",
    "tokens.npy",
    "token_offsets.npy",
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "harbour.md"
    path.parent.mkdir()
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def ingest_with_the_cli(source: Path, folder: Path) -> Path:
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPORTQA_")}
    env.update(REPORTQA_CACHE_DIR=str(folder / "cache"), HF_HUB_OFFLINE="1")
    command = [REPORTQA, "ingest", str(source), "--no-tune", "--index-dir", str(folder / "index")]
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=600)
    return (folder / "index" / "current").resolve()


@pytest.fixture
def service_root(source: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "service" / "index"
    settings = Settings(
        index_dir=root,
        cache_dir=tmp_path / "service" / "cache",
        sources=[source],
        tune_questions=[],
        admin_token=TOKEN,
        embed_backend="onnx-int8",
    )
    for live in serve(root, settings=settings):
        yield live.url, root


@pytest.mark.e2e
def test_admin_reindex_writes_the_same_passages_and_vectors_as_the_cli(
    source: Path, tmp_path: Path, service_root: tuple[str, Path]
) -> None:
    url, root = service_root
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(f"{url}/admin/reindex", headers=auth).status_code == 202
    deadline = time.monotonic() + 600
    while (status := httpx.get(f"{url}/admin/status", headers=auth).json())["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status["last_error"] is None
    by_service = (root / "current").resolve()
    by_cli = ingest_with_the_cli(source, tmp_path / "cli")
    for name in FILES:
        assert (by_service / name).read_bytes() == (by_cli / name).read_bytes(), name
