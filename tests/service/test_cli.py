"""The ``reportqa`` command line, run in-process with typer's CliRunner."""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ingest.changes import ChangeSummary
from ingest.chunking import DEFAULT_CHUNK_SIZE
from ingest.embedder import HashingEmbedder
from service.app import create_app
from service.cli import cli
from service.settings import Settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_ask_json_is_the_api_response(runner: CliRunner, small_index: Path) -> None:
    result = runner.invoke(
        cli, ["ask", "Do remittances reduce poverty?", "-k", "3", "--index-dir", str(small_index), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    app = create_app(Settings(index_dir=small_index), embedder_factory=lambda name: HashingEmbedder(64))
    with TestClient(app) as client:
        api = client.post("/ask", json={"question": "Do remittances reduce poverty?", "top_k": 3}).json()
    assert payload == api
    assert payload["passages"][0]["citation"]["section"] == "A.1"


def test_ask_reads_the_index_dir_from_the_environment(
    runner: CliRunner, small_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTQA_INDEX_DIR", str(small_index))
    result = runner.invoke(cli, ["ask", "remittances", "--json", "--section", "B"])
    assert result.exit_code == 0, result.output
    sections = {p["citation"]["section"] for p in json.loads(result.stdout)["passages"]}
    assert sections == {"B.1"}


def test_ask_readable(runner: CliRunner, small_index: Path) -> None:
    question = "Do remittances reduce poverty?"
    result = runner.invoke(cli, ["ask", question, "-k", "2", "--index-dir", str(small_index)])
    assert result.exit_code == 0, result.output
    verdict, *passages = result.stdout.split("\n\n")
    assert verdict.startswith(("Answer: “", "The report does not appear to answer this."))
    assert re.search(r"\nconfidence [01]\.\d\d$", verdict)
    lines = passages[0].splitlines()
    assert re.match(r"1\. \[[01]\.\d{3}\] ", lines[0])
    assert lines[0].endswith("A.1 Remittances as a tool of development (test-report, p. 3)")
    assert lines[1].startswith("   id ")
    assert lines[2] == "   Remittances sent home by migrants reduce poverty in origin countries."
    assert passages[1].startswith("2. [")


def test_ask_without_an_index_is_one_error_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ask", "remittances"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: no index at ")
    assert result.stderr.rstrip().endswith("run: reportqa ingest")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "Error: question must not be blank; ask something about the report\n"),
        (["ask", "remittances", "-k", "0"], "Error: top_k must be at least 1 (got 0)\n"),
        (["ask", "remittances", "-s", "Z"], "Error: unknown section 'Z'; use one of: A, A.1, A.2, B, B.1"),
    ],
)
def test_ask_mistakes_are_one_error_line(
    runner: CliRunner, small_index: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, [*args, "--index-dir", str(small_index)])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_bad_setting_from_the_environment_is_one_error_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTQA_PORT", "not-a-port")
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert result.stderr == 'Error: port must be a whole number (got "not-a-port")\n'


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ask", "remittances", "-k", "lots"])
    assert result.exit_code == 2


@dataclass
class FakeReport:
    version: str
    path: Path
    documents: list[str]
    passage_count: int
    section_count: int
    seconds: float
    summary: ChangeSummary = field(default_factory=lambda: ChangeSummary(2, 1, 9, 0, 7))
    previous: str | None = "v0"


@dataclass
class FakePipeline:
    """Stands in for ingest.pipeline until it exists, recording how build_index was called."""

    calls: list[dict[str, object]] = field(default_factory=list)

    def build_index(self, sources: list[Path], root: Path, **options: object) -> FakeReport:
        self.calls.append({"sources": sources, "root": root, **options})
        return FakeReport("v1", root / "versions" / "v1", ["doc"], 12, 3, 1.25)


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    pipeline = FakePipeline()
    module = types.ModuleType("ingest.pipeline")
    module.build_index = pipeline.build_index  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ingest.pipeline", module)
    monkeypatch.setattr("ingest.embedder.SentenceTransformerEmbedder", lambda name, **kw: HashingEmbedder(64))
    return pipeline


def test_ingest_summary_line(runner: CliRunner, fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text("A report.\n", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(source), "--index-dir", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "idx" / "versions" / "v1"
    summary = f"Built index v1: 12 passages, 3 sections from 1 document(s) in 1.2s -> {version_dir}\n"
    changes = "added 2, changed 1, unchanged 9, removed 0, embedded 7\n"
    assert result.stdout == summary + changes
    assert "Indexing 1 source(s)" in result.stderr
    (call,) = fake_pipeline.calls
    assert call["sources"] == [source]
    assert call["root"] == tmp_path / "idx"
    assert call["chunk_size"] == DEFAULT_CHUNK_SIZE and call["keep"] == 3 and call["progress"] is True


def test_ingest_json(runner: CliRunner, fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ingest", "--index-dir", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "added": 2,
        "changed": 1,
        "unchanged": 9,
        "removed": 0,
        "embedded": 7,
        "previous": "v0",
        "version": "v1",
        "path": str(tmp_path / "versions" / "v1"),
        "documents": ["doc"],
        "passage_count": 12,
        "section_count": 3,
        "seconds": 1.25,
    }
    assert fake_pipeline.calls[0]["sources"] == Settings().sources


def test_help_does_not_import_heavy_modules() -> None:
    import subprocess

    code = (
        "import sys, service.cli\n"
        "heavy = [m for m in ('torch', 'faiss', 'sentence_transformers') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_bad_source_is_one_error_line_before_the_model_loads(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_text("not a format we read", encoding="utf-8")
    for source, message in [
        ("/nope.pdf", "Error: /nope.pdf: no such file or folder"),
        (str(tmp_path / "notes.docx"), f"Error: {tmp_path / 'notes.docx'}: unsupported format '.docx'; "),
    ]:
        result = runner.invoke(cli, ["ingest", source, "--index-dir", str(tmp_path / "idx")])
        assert result.exit_code == 1
        assert result.stderr.startswith(message)
        assert len(result.stderr.splitlines()) == 1  # no model loading, no traceback


def test_ingest_then_ask_the_embedded_report(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real pipeline on the real report, with the hashing embedder standing in for the model."""
    fake_model = lambda name, **kw: HashingEmbedder(256)  # noqa: E731
    monkeypatch.setattr("ingest.embedder.SentenceTransformerEmbedder", fake_model)
    monkeypatch.setenv("REPORTQA_INDEX_DIR", str(tmp_path))
    built = runner.invoke(cli, ["ingest", "--json"])
    assert built.exit_code == 0, built.output
    report = json.loads(built.stdout)
    assert report["documents"] == ["high-level-dialogue-2006"]
    assert report["passage_count"] > 20
    asked = runner.invoke(cli, ["ask", "remittances development", "-k", "3", "--json"])
    assert asked.exit_code == 0, asked.output
    payload = json.loads(asked.stdout)
    assert payload["index"]["version"] == report["version"]
    assert payload["index"]["model"] == "hashing-256"
    assert len(payload["passages"]) == 3
    readable = runner.invoke(cli, ["ask", "remittances development", "-k", "1"])
    assert readable.exit_code == 0
    assert "\n\n1. [" in readable.stdout


def test_serve_workers_out_of_range_is_one_error_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--workers", "0"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: workers must be at least 1")
    assert result.stderr.count("\n") == 1
