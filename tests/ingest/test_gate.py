"""``reportqa ingest --gate``: a new version that answers worse is not switched to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from index.store import current_path, list_versions
from service.cli import cli

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"
QUESTION = {
    "id": "g1",
    "question": "How much did migrants send home in remittances in 2005?",
    "evidence": ["migrants’ remittances, estimated at $US 232 billion in 2005"],
    "section": "B.4",
    "kind": "fact",
}


def ingest(source: Path, root: Path, *extra: str) -> tuple[int, str]:
    args = ["ingest", str(source), "--index-dir", str(root), "--model", "hashing-64", *extra]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stderr


def test_the_gate_refuses_a_version_that_answers_worse(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    shutil.copy(REPORT, source)
    questions = tmp_path / "gate.jsonl"
    questions.write_text(json.dumps(QUESTION, ensure_ascii=False) + "\n", encoding="utf-8")
    root = tmp_path / "index"
    assert ingest(source, root)[0] == 0
    first = current_path(root)

    same_code, same_err = ingest(source, root, "--gate", str(questions))
    assert same_code == 0, same_err
    assert "gate passed: hit@5 1.000 -> 1.000 (+0.000), mrr@10" in same_err
    second = current_path(root)
    assert second != first

    raw = source.read_text(encoding="utf-8")
    source.write_text(raw.replace("remittances, estimated at $US 232 billion", "transfers of money"))
    code, err = ingest(source, root, "--gate", str(questions))
    assert code == 1
    last = err.splitlines()[-1]
    assert last.startswith(
        "Error: gate refused: a drop beyond the margin 0.02: hit@5 1.000 -> 0.000 (-1.000)"
    )
    assert last.endswith(f"; {second.name} stays current")
    assert current_path(root) == second
    assert len(list_versions(root)) == 2
