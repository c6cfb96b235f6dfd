"""The ONNX graphs that embed questions in the service give the model's own vectors.

Passages are embedded by PyTorch at ingest and questions by ONNX Runtime when
served, so the two must agree: float32 exactly, int8 closely enough that
rankings do not move.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import RealBuild

from index.backends import load_embedder
from index.embedder import SentenceTransformerEmbedder
from index.onnx_embedder import export_onnx, graph_path, is_exported, onnx_dir

DEV = Path(__file__).resolve().parents[1] / "data" / "dev.jsonl"
pytestmark = pytest.mark.e2e  # every test here needs the real tuned build


@pytest.fixture(scope="module")
def questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines()]


def model_of(build: RealBuild) -> str:
    return str(json.loads((build.root / "current" / "manifest.json").read_text())["model"])


@pytest.fixture(scope="module")
def torch_vectors(questions: list[str], real_build: RealBuild) -> np.ndarray:
    return SentenceTransformerEmbedder(model_of(real_build), cache=real_build.cache).embed(questions)


def embed(build: RealBuild, backend: str, questions: list[str]) -> np.ndarray:
    embedder = load_embedder(model_of(build), backend=backend, threads=1, cache=build.cache)
    return embedder.embed(questions)


def test_ingest_exports_both_graphs_for_the_service(real_build: RealBuild) -> None:
    directory = onnx_dir(real_build.cache, model_of(real_build))
    assert is_exported(directory)
    int8, float32 = (graph_path(directory, quantized=q).stat().st_size for q in (True, False))
    assert int8 < float32 / 2


def test_float32_graph_gives_the_pytorch_vectors(
    real_build: RealBuild, questions: list[str], torch_vectors: np.ndarray
) -> None:
    cosines = (embed(real_build, "onnx", questions) * torch_vectors).sum(axis=1)
    assert cosines.min() > 0.99999


def test_int8_graph_stays_close_to_the_model(
    real_build: RealBuild, questions: list[str], torch_vectors: np.ndarray
) -> None:
    """Per-channel scales keep every question within 0.98 cosine; one scale per tensor fell to 0.95."""
    vectors = embed(real_build, "onnx-int8", questions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert (vectors * torch_vectors).sum(axis=1).min() > 0.98


def test_both_graphs_give_the_token_vectors_of_the_model(real_build: RealBuild, questions: list[str]) -> None:
    """Late interaction matches the question's tokens (ONNX) against the passages' (PyTorch, at ingest)."""
    torch_tokens = [
        e.tokens
        for e in SentenceTransformerEmbedder(model_of(real_build), cache=real_build.cache).encode(questions)
    ]
    for backend, floor in (("onnx", 0.9999), ("onnx-int8", 0.9)):
        embedder = load_embedder(model_of(real_build), backend=backend, threads=1, cache=real_build.cache)
        for expected, encoded in zip(torch_tokens, embedder.encode(questions), strict=True):  # type: ignore[attr-defined]
            assert expected is not None and encoded.tokens is not None
            assert encoded.tokens.shape == expected.shape
            assert (encoded.tokens * expected).sum(axis=1).mean() > floor, backend


def test_an_older_export_is_replaced_and_its_graph_removed(real_build: RealBuild, tmp_path: Path) -> None:
    """Older releases exported model.onnx and model_int8_per_channel.onnx, the vector alone: redone."""
    (tmp_path / "model.onnx").write_bytes(b"float32 graph of an older release")
    (tmp_path / "model_int8_per_channel.onnx").write_bytes(b"int8 graph without the token vectors")
    assert not is_exported(tmp_path)
    export_onnx(model_of(real_build), tmp_path, cache=real_build.cache)
    assert is_exported(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        graph_path(tmp_path, quantized=q).name for q in (False, True)
    )
