"""Faults a build must survive: kill -9, corruption, a full disk, permissions, bad sources, a second build.

In every case the previous version keeps serving and the next build succeeds.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import HashingEmbedder
from typer.testing import CliRunner

from index.errors import BuildInProgress, CorruptIndex, IndexWriteError, SourceError
from index.lock import build_lock
from index.store import current_path, list_versions, load_index, read_passages, rollback
from ingest.pipeline import build_index
from ingest.verify import verify_index
from service.cli import cli

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
REPORTQA = Path(sys.executable).parent / "reportqa"


@pytest.fixture
def root(tmp_path: Path, report_copy: Path) -> Path:
    root = tmp_path / "index"
    build(report_copy, root)
    return root


def build(report_copy: Path, root: Path) -> str:
    return build_index([report_copy], root, embedder=HashingEmbedder(64), progress=False).version


def edit(report_copy: Path) -> None:
    report_copy.write_text(report_copy.read_text(encoding="utf-8").replace("232 billion", "250 billion"))


def hidden_leftovers(root: Path) -> list[Path]:
    return [p for p in (root / "versions").iterdir() if p.name.startswith(".")] + list(
        root.glob(".current.*")
    )


# --- kill -9 ----------------------------------------------------------------------------------------


def ingest_command(report_copy: Path, root: Path) -> list[str]:
    return [str(REPORTQA), "ingest", str(report_copy), "--index-dir", str(root), "--model", "hashing-64"]


def kill_at(command: list[str], phase: str, delay: float) -> bool:
    """Start a build, SIGKILL it ``delay`` seconds after it announces ``phase`` on stderr.

    Returns whether the build was still running when it was killed (else the moment tested nothing).
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.strip() == f"phase: {phase}":
            break
    time.sleep(delay)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    return running and process.returncode == -signal.SIGKILL


def test_a_build_killed_at_any_moment_leaves_the_previous_version_serving(
    report_copy: Path, root: Path
) -> None:
    edit(report_copy)
    moments = [("reading", 0.0), ("embedding", 0.0), ("writing", 0.0), ("writing", 0.02), ("writing", 0.05)]
    for phase, delay in moments:
        before = current_path(root)
        assert kill_at(ingest_command(report_copy, root), phase, delay), f"{phase}+{delay}s: finished first"
        # whatever the moment, `current` names a complete version that loads: the one before, or
        # (killed after the switch) the new one
        loaded = load_index(root)
        assert loaded.version in {p.name for p in list_versions(root)}
        if phase in {"reading", "embedding"}:
            assert current_path(root) == before, f"killed while {phase}, yet the pointer moved"
    report = build_index([report_copy], root, embedder=HashingEmbedder(64), progress=False)
    assert current_path(root) == report.path
    assert hidden_leftovers(root) == []
    assert report.summary.embedded <= 6  # the cache survived the kills


def test_staging_left_by_a_killed_build_is_swept_by_the_next(report_copy: Path, root: Path) -> None:
    (root / "versions" / ".20990101T000000Z-dead.abc").mkdir()
    (root / ".current.99999").symlink_to("versions/nowhere")
    build(report_copy, root)
    assert hidden_leftovers(root) == []


def test_a_second_build_at_the_same_time_is_refused(report_copy: Path, root: Path) -> None:
    with build_lock(root), pytest.raises(BuildInProgress, match=r"another build of .* is running"):
        build(report_copy, root)


# --- corruption -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["vectors.faiss", "sentence_vectors.npy", "sentences.npy", "passages.jsonl", "sections.json"]
)
def test_a_truncated_index_file_is_refused_at_load(root: Path, name: str) -> None:
    path = current_path(root) / name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CorruptIndex) as error:
        load_index(root)
    assert str(error.value) == (
        f"{path} does not match its manifest (corrupted or truncated); rebuild with: reportqa ingest"
    )


def test_a_corrupted_manifest_is_refused_at_load(root: Path) -> None:
    path = current_path(root) / "manifest.json"
    path.write_text('{"format": "reportqa-index", "format_ver')
    with pytest.raises(
        CorruptIndex, match=r"manifest.json is not valid JSON .*rebuild with: reportqa ingest"
    ):
        load_index(root)


# --- full disk, permissions -------------------------------------------------------------------------


def test_a_full_disk_is_a_clear_error_and_loses_nothing(
    report_copy: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = current_path(root)
    edit(report_copy)
    import faiss

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(faiss, "write_index", no_space)
    with pytest.raises(IndexWriteError) as error:
        build(report_copy, root)
    assert "No space left on device; the previous version is still current" in str(error.value)
    assert current_path(root) == first and load_index(root).version == first.name
    assert hidden_leftovers(root) == []
    monkeypatch.undo()
    assert build(report_copy, root) != first.name


def test_a_permission_error_is_one_error_line_and_loses_nothing(
    report_copy: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = current_path(root)
    edit(report_copy)

    def denied(*args: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr("index.store.os.rename", denied)
    result = CliRunner().invoke(
        cli, ["ingest", str(report_copy), "--index-dir", str(root), "--model", "hashing-64"]
    )
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: cannot write index version ")
    assert last.endswith(": Permission denied; the previous version is still current")
    assert current_path(root) == first and hidden_leftovers(root) == []


# --- bad sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"  \n", "{path}: the file is empty"),
        ("binary.txt", b"\xff\xfe\x00bad", "{path}: not UTF-8 text (byte 0); save it as UTF-8"),
        ("slides.pptx", b"PK", "{path}: unsupported format '.pptx'; reportqa reads "),
    ],
)
def test_a_bad_source_names_itself_and_the_previous_index_keeps_serving(
    report_copy: Path, root: Path, name: str, content: bytes, message: str
) -> None:
    first = current_path(root)
    bad = report_copy.parent / name
    bad.write_bytes(content)
    with pytest.raises(SourceError) as error:
        build_index([report_copy, bad], root, embedder=HashingEmbedder(64), progress=False)
    assert str(error.value).startswith(message.format(path=bad))
    assert current_path(root) == first and len(list_versions(root)) == 1


# --- verify, stale, rollback ------------------------------------------------------------------------


def test_verify_finds_nothing_in_a_sound_index(report_copy: Path, root: Path) -> None:
    assert verify_index(root, sources=[report_copy]) == []
    result = CliRunner().invoke(cli, ["verify", "--index-dir", str(root)])
    assert result.exit_code == 0
    assert result.stderr.endswith(": ok\n")


def test_verify_lists_what_differs_and_exits_non_zero(report_copy: Path, root: Path) -> None:
    edit(report_copy)
    (current_path(root) / "texts" / "high-level-dialogue-2006.txt").write_text("tampered", encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", "--index-dir", str(root)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("texts/high-level-dialogue-2006.txt does not match its manifest hash")
    assert lines[1].startswith(f"source {report_copy.resolve()} changed since the build (sha256 ")


def test_verify_checks_every_span_against_the_text(root: Path) -> None:
    import json

    directory = current_path(root)
    manifest = json.loads((directory / "manifest.json").read_text())
    text = (directory / "texts" / "high-level-dialogue-2006.txt").read_text()
    start = read_passages(directory)[0].citation.start
    (directory / "texts" / "high-level-dialogue-2006.txt").write_text(text[:start] + "#" + text[start + 1 :])
    from index.store import file_sha256

    manifest["files"]["texts/high-level-dialogue-2006.txt"] = file_sha256(
        directory / "texts" / "high-level-dialogue-2006.txt"
    )
    (directory / "manifest.json").write_text(json.dumps(manifest))
    problems = verify_index(root)
    assert len(problems) == 1 and problems[0].startswith("passage ")


def test_rollback_goes_back_one_version(report_copy: Path, root: Path) -> None:
    first = current_path(root).name
    edit(report_copy)
    second = build(report_copy, root)
    result = CliRunner().invoke(cli, ["rollback", "--index-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Current index is now {first}\n"
    assert load_index(root).version == first
    assert second in {p.name for p in list_versions(root)}
    with pytest.raises(Exception, match="nothing to roll back to"):
        rollback(root)
