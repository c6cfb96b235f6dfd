"""PDFs as real writers make them, read into the outline they print (fixtures: tests/data/pdf/SOURCES.md).

``latex-book.pdf`` is LaTeX's book class through pdfTeX: a title page, a table of
contents and roman-numbered front matter, chapters headed "Chapter 1" over their title,
running heads that print the page number and the chapter's or the section's title, a
section title wrapped onto a second line, footnotes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import ParsedDocument
from ingest.sources import parse_source, read_source

DATA = Path(__file__).resolve().parents[1] / "data" / "pdf"


@pytest.fixture(scope="module")
def book() -> ParsedDocument:
    return parse_source(read_source(DATA / "latex-book.pdf"))


def test_a_books_running_heads_never_reach_a_heading_or_a_passage(book: ParsedDocument) -> None:
    """Left-hand heads repeat ("2 CHAPTER 1. PLANTING"); a right-hand one ("1.3. THE FIRST SEASON 3")
    and the front matter's ("iv CONTENTS") are printed once each."""
    for head in ("CHAPTER 1. PLANTING", "THE FIRST SEASON", "CONTENTS", "CARE THROUGH THE YEAR"):
        assert head not in book.text
    assert "medium rootstock is a fair compromise.\n\n1.3 The first season" in book.text


def test_a_table_of_contents_leaves_no_entry_behind(book: ParsedDocument) -> None:
    """A chapter's entry has no dot leaders ("1 Planting 1"), and one entry is wrapped onto two lines."""
    for entry in ("Planting 1", "Care through the year 5", "Tools 7", "Choosing the site"):
        assert book.text.count(entry) == (1 if entry == "Choosing the site" else 0)
    assert book.text.count("Trees for a shared orchard of mixed") == 1
