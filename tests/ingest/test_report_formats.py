"""The report as Markdown, HTML and PDF gives the index its text file gives.

The three files are made from the canonical text (``tests/report_formats.py``; the
PDF with reportlab, one report page per PDF page, headings in larger type, footnotes
at the foot of their page), then read by reportqa's own readers: the same 25 section
ids and titles, the same passages up to whitespace, each in the same section, and
for the PDF the same page for every passage.  Markdown and HTML have no pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Passage
from ingest.document import ParsedDocument
from ingest.passages import passages_of
from ingest.sources import parse_source, read_source
from tests.report_formats import write_formats

REPORT = Path(__file__).resolve().parents[2] / "corpus" / "high-level-dialogue-2006.txt"


@pytest.fixture(scope="module")
def text_build() -> tuple[ParsedDocument, list[Passage]]:
    doc = parse_source(read_source(REPORT))
    return doc, passages_of(doc)


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ParsedDocument, list[Passage]]]:
    folder = tmp_path_factory.mktemp("formats")
    paths = write_formats(REPORT.read_text(encoding="utf-8"), folder, REPORT.stem)
    built = {}
    for fmt, path in paths.items():
        doc = parse_source(read_source(path))
        built[fmt] = (doc, passages_of(doc))
    return built


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_format_finds_the_reports_own_outline(fmt: str, text_build, formats) -> None:
    expected = [(s.id, s.title) for s in text_build[0].sections]
    found = [(s.id, s.title) for s in formats[fmt][0].sections]
    assert len(expected) == 25
    assert found == expected


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_format_gives_the_same_passages_in_the_same_sections(fmt: str, text_build, formats) -> None:
    expected = [(_words(p.text), p.citation.section, p.citation.footnote) for p in text_build[1]]
    found = [(_words(p.text), p.citation.section, p.citation.footnote) for p in formats[fmt][1]]
    assert found == expected


def test_the_pdf_cites_the_same_page_for_every_passage(text_build, formats) -> None:
    expected = [(p.citation.page, p.citation.page_end) for p in text_build[1]]
    found = [(p.citation.page, p.citation.page_end) for p in formats["pdf"][1]]
    assert found == expected
    assert max(page for page, _ in found if page is not None) >= 18


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_formats_without_pages_cite_no_page(fmt: str, formats) -> None:
    assert {(p.citation.page, p.citation.page_end) for p in formats[fmt][1]} == {(None, None)}


def test_navigation_and_scripts_never_reach_a_passage(formats) -> None:
    text = formats["html"][0].text
    assert "All reports" not in text and "Skip to content" not in text and "reports office" not in text
