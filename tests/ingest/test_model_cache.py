"""One model cache per user: a tuned model is trained once and every index directory uses it."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from index.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, resolve_model_path
from index.errors import ReportQAError
from index.model_cache import (
    LEGACY_DIR,
    adopt_legacy,
    default_cache_dir,
    model_slug,
    partial_of,
    tuned_dir,
    writing,
)
from index.onnx_embedder import FLOAT_FILE, INT8_FILE, export_onnx
from index.store import load_index
from ingest.embed_cache import sweep_stale
from ingest.pipeline import BuildReport, build_index
from ingest.tuning import tuned_name, tuning
from service.app import serving_embedder_factory
from service.settings import Settings

TUNED = f"{DEFAULT_MODEL}@tuned-0123456789ab"
REPORT = """# Return migration

Participants noted that return was more likely when institutions were stable. Circular migration
could help countries of origin.

# Remittances

Remittances were the most tangible benefit. They reduced poverty in many households.
"""
QUESTIONS = [
    ("When do people go back home?", "return was more likely when institutions were stable"),
    ("What good did money sent home do?", "They reduced poverty in many households"),
]


def link_base_model(target: Path) -> Path:
    """A stand-in for a tuned model's weights: the bundled base model, linked (no copy of the weights)."""
    shutil.copytree(resolve_model_path(DEFAULT_MODEL), target, copy_function=os.link)
    return target


@pytest.fixture
def tiny_set(tmp_path: Path) -> tuple[Path, Path]:
    """A two-section report and two questions about it: tuning on them takes two steps."""
    report = tmp_path / "sources" / "report.md"
    report.parent.mkdir()
    report.write_text(REPORT, encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    lines = [
        json.dumps({"id": f"q{i}", "question": q, "evidence": [e], "section": "1", "kind": "paraphrase"})
        for i, (q, e) in enumerate(QUESTIONS)
    ]
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report, questions


def build_tuned(report: Path, questions: Path, root: Path, cache: Path) -> BuildReport:
    return build_index(
        [report],
        root,
        embedder=SentenceTransformerEmbedder(DEFAULT_MODEL),
        progress=False,
        tune=tuning(cache, [questions]),
        cache_dir=cache,
    )


def test_the_cache_is_the_setting_else_the_users_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REPORTQA_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == Settings().cache_dir == tmp_path / "mine"
    monkeypatch.delenv("REPORTQA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == Settings().cache_dir == tmp_path / "xdg" / "reportqa"
    assert tuned_dir(tmp_path, TUNED) == tmp_path / model_slug(TUNED) / "weights"


def test_a_second_index_directory_uses_the_tuned_model_the_first_one_trained(
    tiny_set: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real model, tuned for two steps: trained for the first index, reused for the second."""
    report, questions = tiny_set
    cache = tmp_path / "models"
    name = tuned_name(DEFAULT_MODEL, [questions])
    leftover = partial_of(tuned_dir(cache, name))  # a tuning killed while saving
    leftover.mkdir(parents=True)
    (leftover / "config.json").write_text("{", encoding="utf-8")

    build_tuned(report, questions, tmp_path / "first", cache)
    assert f"tuning {DEFAULT_MODEL} on 4 question pairs" in capsys.readouterr().err
    weights = tuned_dir(cache, name)
    trained_at = weights.stat().st_mtime_ns
    assert not leftover.exists()

    build_tuned(report, questions, tmp_path / "second", cache)
    assert "tuning" not in capsys.readouterr().err
    assert weights.stat().st_mtime_ns == trained_at
    assert load_index(tmp_path / "first").manifest.model == name
    assert load_index(tmp_path / "second").manifest.model == name
    assert not (tmp_path / "first" / LEGACY_DIR).exists() and not (tmp_path / "second" / LEGACY_DIR).exists()


def test_a_leftover_partial_folder_is_never_loaded(tmp_path: Path) -> None:
    partial = partial_of(tuned_dir(tmp_path, TUNED))
    link_base_model(partial)  # whole, even: only the renamed folder counts
    with pytest.raises(ReportQAError, match=r"is not on disk in .*reportqa ingest"):
        resolve_model_path(TUNED, tmp_path)


def test_a_writer_waits_for_the_one_writing_and_finds_its_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "weights"
    seen: list[bool] = []

    def second_writer() -> None:
        with writing(folder, waiting="waiting for the other writer") as staged:
            seen.append(folder.is_dir())
            assert not staged.exists()

    with writing(folder) as staged:
        staged.mkdir()
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)
        assert seen == []  # still waiting
        staged.rename(folder)
    thread.join(timeout=10)
    assert seen == [True]
    assert "waiting for the other writer" in capsys.readouterr().err


def test_an_export_another_process_finished_is_not_done_again(tmp_path: Path) -> None:
    directory = tmp_path / "onnx"
    directory.mkdir()
    for name in (FLOAT_FILE, INT8_FILE):
        (directory / name).write_bytes(b"graph")
    export_onnx("no-such-model", directory)  # would fail to load the model if it exported
    assert (directory / FLOAT_FILE).read_bytes() == b"graph"


def test_an_index_built_before_the_shared_cache_still_serves_with_its_own_tuned_model(
    tmp_path: Path,
) -> None:
    index_dir, cache = tmp_path / "old-index", tmp_path / "models"
    link_base_model(index_dir / LEGACY_DIR / model_slug(TUNED) / "weights")
    settings = Settings(index_dir=index_dir, cache_dir=cache, embed_backend="torch")
    embedder = serving_embedder_factory(settings)(TUNED)
    assert embedder.name == TUNED and embedder.embed(["a question"]).shape == (1, 384)
    assert (tuned_dir(cache, TUNED) / "config.json").is_file()
    assert (index_dir / LEGACY_DIR / model_slug(TUNED) / "weights").is_dir()  # left as it was
    assert adopt_legacy(index_dir, cache) == []  # once


def test_only_old_temporary_files_are_swept_from_the_shared_cache(tmp_path: Path) -> None:
    old, young = tmp_path / ".embeddings.old.npz", tmp_path / ".embeddings.young.npz"
    for path in (old, young):
        path.write_bytes(b"half a save")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert sweep_stale(tmp_path) == [old]
    assert young.exists()
