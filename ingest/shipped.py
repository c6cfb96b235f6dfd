"""The report this project ships: the default corpus, and the text every build's token axes are fitted on."""

from __future__ import annotations

from pathlib import Path

SHIPPED_REPORT = Path(__file__).resolve().parent.parent / "corpus" / "high-level-dialogue-2006.txt"
