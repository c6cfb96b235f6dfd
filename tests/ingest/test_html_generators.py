"""HTML as documentation generators write it: the outline the page prints, and no navigation.

Each fixture in ``tests/data/html`` is a page a generator wrote (styles and scripts
trimmed); ``tests/data/html/SOURCES.md`` says which generator, version and source.
"""

from __future__ import annotations

from pathlib import Path

from ingest.document import ParsedDocument
from ingest.sources import parse_source, read_source

PAGES = Path(__file__).resolve().parents[1] / "data" / "html"


def parsed(name: str) -> ParsedDocument:
    return parse_source(read_source(PAGES / name))


def outline(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(s.id, s.title) for s in doc.sections]


def body(doc: ParsedDocument, section: str) -> str:
    found = next(s for s in doc.sections if s.id == section)
    return doc.text[found.body_start : found.end].strip()


def test_docutils_html5_headings_inside_their_links_back_to_the_contents_are_sections() -> None:
    """rst2html5 wraps each heading's text in ``<a role="doc-backlink">``; it was read as a
    footnote's backlink and dropped, and the page had one section."""
    doc = parsed("docutils-html5.html")
    assert outline(doc) == [
        ("Front", "Tally User Guide"),
        ("1", "Introduction"),
        ("1.1", "Why another counter"),
        ("2", "Installation"),
        ("2.1", "Requirements"),
        ("2.2", "Options"),
    ]
    assert body(doc, "Front") == "Author: The Tally Developers\n\nVersion: 1.2"
    assert [(n.number, n.section, doc.text[n.start : n.end]) for n in doc.footnotes] == [
        (1, "1", "The first version was a forty-line awk script.")
    ]
    assert "[1]" not in doc.text and "Table of Contents" not in doc.text
