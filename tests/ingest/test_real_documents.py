"""Documents nobody wrote for reportqa, as published: their outlines, read before any question.

The fitting set's third documents (``corpus/fitting/docs-3/``, provenance in its
``SOURCES.md``): a 17-page PDF specification with bookmarks and a code listing, an old
table-layout HTML page in ISO-8859-1 with a menu, and the GPL 3 as plain text; and set 7's
LaTeX book, the dvipdfmx manual.
"""

from __future__ import annotations

from pathlib import Path

from ingest.document import ParsedDocument
from ingest.sources import parse_source, read_source

DOCS = Path(__file__).resolve().parents[2] / "corpus" / "fitting" / "docs-3"


def parsed(name: str) -> ParsedDocument:
    return parse_source(read_source(DOCS / name))


def test_the_pdf_specification_keeps_its_numbering_its_title_and_its_listing() -> None:
    doc = parsed("shared-mime-info-spec.pdf")
    ids = [s.id for s in doc.sections]
    assert doc.title == "Shared MIME-info Database"
    assert ids[:3] == ["Front", "1.1", "1.2"] and ids[-2:] == ["2.17", "3.1"]
    front = doc.sections[0]
    assert "Thomas Leonard" in doc.text[front.body_start : front.end]  # the title page's author
    assert [f"2.{n}" for n in range(1, 18)] == [i for i in ids if i.startswith("2.")]
    assert "4" not in ids  # "4 CARD32 FIRST_MATCHLET_OFFSET" atop a page of the listing
    assert "2 CARD16 MAJOR_VERSION" in doc.text and not doc.footnotes
    assert "Shared MIME-info Database\n" not in doc.text  # the running title, on every page
    assert [doc.page_at(s.start) for s in doc.sections][-1] == 17


def test_the_old_html_page_loses_its_menu_and_keeps_its_sections() -> None:
    doc = parsed("libxslt-internals.html")
    titles = [s.title for s in doc.sections]
    assert titles[:3] == ["Introduction", "Basics", "Keep it simple stupid"]
    assert "Main Menu" not in doc.text and "Related links" not in doc.text
    assert doc.page_at(doc.sections[0].start) is None


def test_the_licence_numbers_its_terms_from_zero_to_seventeen() -> None:
    doc = parsed("gpl-3.0.txt")
    assert [s.id for s in doc.sections] == ["Front", *map(str, range(18))]
    assert doc.sections[1].title == "Definitions"


def test_a_latex_book_drops_its_running_heads_and_margin_notes_and_keeps_its_chapters() -> None:
    """The dvipdfmx manual (fitting set 7): heads in capitals name each page's section, notes stand beside."""
    doc = parse_source(read_source(DOCS.parent / "docs-7" / "dvipdfmx-manual.pdf"))
    ids = [s.id for s in doc.sections]
    assert doc.title == "The Dvipdfmx User's Manual"
    assert ids[1:6] == ["1.1", "1.1.1", "1.1.2", "1.2", "1.3"]
    assert "Chapter 2" in ids and "Appendix A" in ids
    assert not any("CHAPTER" in s.title for s in doc.sections)  # "1.2. INSTALLATION AND USAGE CHAPTER 1. ..."
    text = " ".join(doc.text.split())
    assert "makes it possible to invoke a command line option" in text  # "makes itAddition in TEX possible"
    assert text.count("Addition in TEX") <= 1  # one is left, beside a line that ends in a hyphen
    assert not any(s.title[:1].isdigit() for s in doc.sections)  # a listing's "0.866 0.5 -0.5 ..."
