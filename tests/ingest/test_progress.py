"""Progress of long work: plain lines without carriage returns when output goes to a log."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from ingest.progress import Progress

REPORTQA = str(Path(sys.executable).with_name("reportqa"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_a_phase_prints_a_few_plain_lines_and_how_long_it_took() -> None:
    log = io.StringIO()
    with Progress("embedding passages", 1000, stream=log, every=0) as counter:
        for _ in range(1000):
            counter.advance()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines[0] == "embedding passages: 5% (50/1000 texts)"
    assert len(lines) <= 20
    assert lines[-1].startswith("embedding passages: done, 1000 texts in ")


def test_a_short_phase_prints_only_its_closing_line_and_a_quiet_one_nothing() -> None:
    log = io.StringIO()
    with Progress("tuning", 10, unit="steps", stream=log) as counter:
        counter.advance(10)
    assert log.getvalue() == "tuning: done, 10 steps in 0 s\n"
    quiet = io.StringIO()
    with Progress("tuning", 10, stream=quiet, enabled=False) as counter:
        counter.advance(10)
    assert quiet.getvalue() == ""


def test_on_a_terminal_the_phase_is_a_bar() -> None:
    terminal = Terminal()
    with Progress("embedding sentences", 100, stream=terminal) as counter:
        counter.advance(100)
    assert "embedding sentences: 100%" in terminal.getvalue() and "\r" in terminal.getvalue()


def test_an_ingest_redirected_to_a_log_file_writes_no_carriage_return(tmp_path: Path) -> None:
    """The real model (untuned, so it stays quick), its output redirected as ``make run > log`` does."""
    source = tmp_path / "report.md"
    paragraphs = [f"Paragraph {i} says that migrants send money home to family {i}." for i in range(40)]
    source.write_text("# Remittances\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    env = {**os.environ, "REPORTQA_EMBED_BACKEND": "torch", "TOKENIZERS_PARALLELISM": "false"}
    log = tmp_path / "ingest.log"
    with log.open("wb") as sink:
        result = subprocess.run(
            [REPORTQA, "ingest", str(source), "--no-tune", "--index-dir", str(tmp_path / "index")],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
    text = log.read_text(encoding="utf-8")
    assert result.returncode == 0, text
    assert "\r" not in text
    assert len(text.splitlines()) <= 30, text
    assert re.search(r"^embedding passages: done, 3 texts in \d+ s$", text, re.MULTILINE), text
    assert re.search(r"^embedding sentences: done, 40 texts in \d+ s$", text, re.MULTILINE), text
