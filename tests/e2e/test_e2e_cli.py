"""The ``reportqa`` command as a user runs it: same answers as the API, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from .conftest import BuiltIndex, run_cli

pytestmark = pytest.mark.e2e

QUESTION = "Why do highly skilled migrants leave developing countries?"


def test_ask_json_prints_the_same_top_passage_as_the_api(
    client: httpx.Client, built_index: BuiltIndex
) -> None:
    result = run_cli("ask", QUESTION, "--json", index_dir=built_index.root)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = json.loads(result.stdout)
    api = client.post("/ask", json={"question": QUESTION}).json()
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
