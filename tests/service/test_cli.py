"""The ``reportqa`` command line, run in-process with typer's CliRunner."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.app import create_app
from service.cli import cli
from service.settings import Settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_ask_json_is_the_api_response(
    runner: CliRunner, small_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links included: the CLI has no request origin, so both take theirs from REPORTQA_PUBLIC_URL."""
    monkeypatch.setenv("REPORTQA_PUBLIC_URL", "https://qa.example.org")
    result = runner.invoke(
        cli, ["ask", "Do remittances reduce poverty?", "-k", "3", "--index-dir", str(small_index), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    app = create_app(Settings(index_dir=small_index), embedder_factory=lambda name: HashingEmbedder(64))
    with TestClient(app) as client:
        api = client.post("/ask", json={"question": "Do remittances reduce poverty?", "top_k": 3}).json()
    assert payload == api
    assert payload["passages"][0]["citation"]["url"].startswith("https://qa.example.org/documents/")
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


REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
SUMMARY_LINE = re.compile(
    r"Built index (?P<version>\S+): (?P<passages>\d+) passages, (?P<sections>\d+) sections "
    r"from 1 document\(s\) in \d+\.\ds -> (?P<path>\S+)"
)


def test_ingest_prints_what_it_built_and_what_changed(runner: CliRunner, tmp_path: Path) -> None:
    args = ["ingest", str(REPORT), "--index-dir", str(tmp_path / "idx"), "--model", "hashing-64"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    built, changes = first.stdout.splitlines()
    match = SUMMARY_LINE.fullmatch(built)
    assert match, built
    assert Path(match["path"]) == tmp_path / "idx" / "versions" / match["version"]
    passages = int(match["passages"])
    assert int(match["sections"]) == 25
    assert changes.startswith(f"added {passages}, changed 0, unchanged 0, removed 0, embedded ")
    assert int(changes.split()[-1]) > passages  # every passage and every sentence of it
    assert "Indexing 1 source(s)" in first.stderr and "phase: writing" in first.stderr
    again = runner.invoke(cli, args)
    assert again.stdout.splitlines()[1] == f"added 0, changed 0, unchanged {passages}, removed 0, embedded 0"


def test_ingest_json_is_the_build_report_with_the_changes_on_top(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ingest", "--index-dir", str(tmp_path), "--model", "hashing-64", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {
        "added", "changed", "unchanged", "removed", "embedded", "previous",
        "version", "path", "documents", "passage_count", "section_count", "seconds", "warnings",
    }  # fmt: skip
    assert report["documents"] == ["high-level-dialogue-2006"]  # the embedded report by default
    assert report["added"] == report["passage_count"] and report["previous"] is None
    assert report["path"] == str(tmp_path / "versions" / report["version"])


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


def test_a_missing_tuning_question_file_is_one_error_line_before_the_model_loads(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTQA_TUNE_QUESTIONS", "/nope/questions.jsonl")
    result = runner.invoke(cli, ["ingest", "--index-dir", str(tmp_path / "idx")])
    assert result.exit_code == 1
    assert result.stderr == "Error: /nope/questions.jsonl: no such tuning question file or folder\n"


def test_no_tune_skips_the_tuning_questions_altogether(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTQA_TUNE_QUESTIONS", "/nope/questions.jsonl")
    args = ["ingest", "--index-dir", str(tmp_path / "idx"), "--model", "hashing-64", "--no-tune"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    assert "phase: tuning" not in result.stderr


def test_ingest_then_ask_the_embedded_report(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real pipeline on the real report, with the hashing embedder standing in for the model."""
    fake_model = lambda name, **kw: HashingEmbedder(256)  # noqa: E731
    monkeypatch.setattr("index.embedder.SentenceTransformerEmbedder", fake_model)
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
