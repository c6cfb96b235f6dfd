"""The ``reportqa`` command as a user runs it: same answers as the API, one-line errors."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import httpx
import pytest

from service.settings import DEFAULT_CORPUS

from .conftest import BuiltIndex, run_cli

pytestmark = pytest.mark.e2e

QUESTION = "Why do highly skilled migrants leave developing countries?"


def test_ask_json_prints_the_same_top_passage_as_the_api(
    client: httpx.Client, built_index: BuiltIndex
) -> None:
    # The CLI has no request origin: its links come from the public URL, here the server's own.
    public = {"REPORTQA_PUBLIC_URL": str(client.base_url).rstrip("/")}
    result = run_cli("ask", QUESTION, "--json", index_dir=built_index.root, env=public)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = json.loads(result.stdout)
    api = client.post("/ask", json={"question": QUESTION}).json()
    assert printed["passages"][0]["citation"]["url"].startswith(public["REPORTQA_PUBLIC_URL"])
    assert printed["index"] == api["index"]
    assert [p["id"] for p in printed["passages"]] == [p["id"] for p in api["passages"]]
    top, api_top = printed["passages"][0], api["passages"][0]
    assert top["score"] == pytest.approx(api_top["score"], abs=1e-3)
    assert {**top, "score": None} == {**api_top, "score": None}


def assert_one_error_line(result: object, expected: str) -> None:
    assert hasattr(result, "returncode") and hasattr(result, "stderr")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert errors[0] == result.stderr.splitlines()[-1]
    assert expected in errors[0]


def test_ingest_of_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    result = run_cli("ingest", "missing.docx", index_dir=tmp_path / "index")
    assert_one_error_line(result, "Error: missing.docx: no such file or folder")
    assert not (tmp_path / "index" / "current").exists()


def test_ask_without_an_index_is_one_error_line(tmp_path: Path) -> None:
    result = run_cli("ask", QUESTION, index_dir=tmp_path)
    assert_one_error_line(result, f"Error: no index at {tmp_path}; run: reportqa ingest")
    assert result.stdout == ""


def test_a_rebuild_after_an_edit_keeps_the_tuned_model_and_embeds_only_the_edit(
    built_index: BuiltIndex, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    shutil.copytree(built_index.root, root, symlinks=True)
    report = tmp_path / DEFAULT_CORPUS.name  # the same document id, so its passages compare
    text = DEFAULT_CORPUS.read_text(encoding="utf-8")
    assert "232 billion in 2005" in text
    # A figure no earlier run wrote: the user's embedding cache outlives test sessions.
    edited = f"{time.time_ns() % 10**9} billion in 2005"
    report.write_text(text.replace("232 billion in 2005", edited), encoding="utf-8")
    result = run_cli("ingest", str(report), "--json", index_dir=root, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tuning all-MiniLM-L6-v2 on" not in result.stderr  # the tuned model is reused, not retrained
    built = json.loads(result.stdout)
    assert (built["changed"], built["added"], built["removed"]) == (1, 0, 0)
    assert 0 < built["embedded"] <= 10
    manifest = json.loads((root / "current" / "manifest.json").read_text(encoding="utf-8"))
    original = json.loads((built_index.root / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == original["model"]
    assert manifest["model"].startswith("all-MiniLM-L6-v2@tuned-")
