"""``reportqa outline``: what the parser finds in a file, shown before anything is indexed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import cli

GUIDE = """# Field guide

## 1. Sending money home

Transfer fees fall when banks compete.

### 1.1 Mobile money

Mobile phones let migrants send money cheaply.

## 2. Data sources

Household surveys count migrants.
"""
NOTES = "Just some notes without any heading at all.\n\nA second paragraph of notes.\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    guide, notes = tmp_path / "guide.md", tmp_path / "notes.txt"
    guide.write_text(GUIDE, encoding="utf-8")
    notes.write_text(NOTES, encoding="utf-8")
    return guide, notes


def test_a_file_with_headings_lists_its_sections_and_passages(
    runner: CliRunner, files: tuple[Path, Path]
) -> None:
    guide, _ = files
    result = runner.invoke(cli, ["outline", str(guide)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"guide: 'Field guide' (md, {guide}): 3 sections, 3 passages"
    sections = [line.split() for line in lines[1:4]]
    assert [(words[0], words[-2]) for words in sections] == [("1", "(1"), ("1.1", "(1"), ("2", "(1")]
    assert "Mobile money" in lines[2]
    assert "p." not in result.stdout  # Markdown has no pages
    assert lines[4] == "  footnotes: 0"
    assert "warning" not in result.stdout


def test_a_file_without_headings_warns(runner: CliRunner, files: tuple[Path, Path]) -> None:
    _, notes = files
    result = runner.invoke(cli, ["outline", str(notes)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("1 section, 1 passage")
    assert "  warning: no headings found; 1 section" in result.stdout.splitlines()


def test_json_gives_each_document_with_its_sections_and_warnings(
    runner: CliRunner, files: tuple[Path, Path]
) -> None:
    result = runner.invoke(cli, ["outline", "--json", *map(str, files)])
    assert result.exit_code == 0, result.output
    guide, notes = json.loads(result.stdout)["documents"]
    assert (guide["document"], guide["title"], guide["format"]) == ("guide", "Field guide", "md")
    assert [(s["id"], s["title"], s["passages"]) for s in guide["sections"]] == [
        ("1", "Sending money home", 1),
        ("1.1", "Mobile money", 1),
        ("2", "Data sources", 1),
    ]
    assert guide["warnings"] == [] and guide["footnotes"] == 0
    assert notes["warnings"] == ["no headings found; 1 section"]


def test_headings_without_a_label_are_counted(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "book.md"
    path.write_text("# Book\n\n## Preface\n\nWhy this book.\n\n## The start\n\nIt began.\n", encoding="utf-8")
    result = runner.invoke(cli, ["outline", "--json", str(path)])
    assert result.exit_code == 0, result.output
    (book,) = json.loads(result.stdout)["documents"]
    ids = ", ".join(s["id"] for s in book["sections"])
    assert f"2 sections have no label (positional ids): {ids}" in book["warnings"]


def test_a_bad_file_is_one_error_line_naming_it_and_the_others_still_show(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["outline", str(empty), str(files[1])])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {empty}: the file is empty")
    assert result.stderr.count("\n") == 1
    assert result.stdout.startswith("notes: ")


def test_a_missing_file_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["outline", str(tmp_path / "nope.md")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.md'}: no such file or folder\n"
