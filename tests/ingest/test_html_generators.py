"""HTML as documentation generators write it: the outline the page prints, and no navigation.

Each fixture in ``tests/data/html`` is a page a generator wrote (styles and scripts
trimmed); ``tests/data/html/SOURCES.md`` says which generator, version and source.
"""

from __future__ import annotations

from pathlib import Path

from ingest.document import ParsedDocument
from ingest.html import html_blocks
from ingest.passages import passages_of
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


def test_docutils_html4_title_over_h1_sections_is_the_title_and_its_docinfo_the_front() -> None:
    """rst2html4 prints ``<h1 class="title">`` and each top section as ``<h1>`` too."""
    doc = parsed("docutils-html4.html")
    assert outline(doc)[:3] == [
        ("Front", "Tally User Guide"),
        ("1", "Introduction"),
        ("1.1", "Why another counter"),
    ]
    assert body(doc, "Front") == "Author: | The Tally Developers\n\nVersion: | 1.2"


def test_texinfo_one_page_manual_has_its_chapters_and_none_of_its_node_navigation() -> None:
    doc = parsed("texinfo-no-split.html")
    assert doc.title == "Tally Manual 1.2"
    assert outline(doc) == [
        ("Front", "Tally Manual 1.2"),
        ("1", "Overview of Tally"),
        ("2", "Invoking Tally"),
        ("2.1", "Options"),
        ("2.2", "Exit status"),
        ("2.2.1", "Partial failures"),
        ("1.3", "File types"),
        ("Appendix A", "Copying This Manual"),
        ("1.5", "Index"),
    ]
    assert body(doc, "Front") == "This manual is for Tally, a program that counts words, lines and bytes."
    for navigation in ("Next:", "Previous:", "Up:", "[Contents]", "Table of Contents"):
        assert navigation not in doc.text
    # the node's menu of subsections ("Options", "Exit status") is no paragraph of its own
    assert body(doc, "2").endswith("# a comment in an example, not a heading")
    assert body(doc, "2.2") == "Tally exits with status 0 on success and 2 when a file cannot be read."


def test_texinfo_footnotes_are_notes_of_the_section_that_marks_them() -> None:
    """``<a id="DOCF1" href="#FOOT1"><sup>1</sup></a>`` marks the note that a "Footnotes"
    box holds as ``<h5><a id="FOOT1" href="#DOCF1">(1)</a></h5><p>...</p>``."""
    for name in ("texinfo-no-split.html", "texinfo-split-chapter.html"):
        doc = parsed(name)
        assert [(n.number, n.section, doc.text[n.start : n.end]) for n in doc.footnotes] == [
            (1, "1", "The first version was a forty-line awk script.")
        ], name
        assert "table. It reads" in body(doc, "1") and "Footnotes" not in doc.text


def test_a_texinfo_chapter_page_is_its_chapter_without_the_navigation_above_it() -> None:
    doc = parsed("texinfo-split-chapter.html")
    assert outline(doc) == [("1", "Overview of Tally")]
    assert [p.text for p in passages_of(doc)] == [
        "Tally counts words, lines and bytes in text files and prints a summary table. "
        "It reads whole directory trees.",
        "The first version was a forty-line awk script.",
    ]


def test_asciidoctor_footnotes_lose_their_brackets_and_numbers_and_the_footer_is_no_text() -> None:
    doc = parsed("asciidoctor-sectnums.html")
    assert outline(doc)[:3] == [
        ("Front", "Tally User Guide"),
        ("1", "Introduction"),
        ("1.1", "Why another counter"),
    ]
    assert body(doc, "1") == "Tally prints a summary table. It reads whole directory trees."
    assert [(n.number, n.section, doc.text[n.start : n.end]) for n in doc.footnotes] == [
        (1, "1", "The first version was a forty-line awk script.")
    ]
    assert body(doc, "Appendix A") == "Tally is free software under the MIT licence."
    assert "Last updated" not in doc.text


def test_a_notebooks_prompts_are_no_text() -> None:
    doc = parsed("nbconvert-lab.html")
    assert [s.id for s in doc.sections] == ["Front", "1", "2", "2.1", "1.3"]
    assert "In [1]" not in doc.text
    assert body(doc, "1").startswith("We read a small text file.\n\n# a comment in code, not a heading")


def test_a_site_themes_title_heading_over_the_pages_own_h1s_is_no_section() -> None:
    """A theme prints the page's title as ``<h1>`` over content whose sections are ``<h1>``
    too: the title, with nothing under it, does not count as the first section."""
    doc = parsed("hugo-title-banner.html")
    assert doc.title == "Tally User Guide"
    assert outline(doc)[:4] == [
        ("1", "Introduction"),
        ("1.1", "Why another counter"),
        ("2", "Installation"),
        ("2.1", "Requirements"),
    ]
    assert all(s.positional for s in doc.sections)


def test_mdbook_footnotes_in_their_own_ordered_list_are_footnotes() -> None:
    """mdBook 0.5 writes ``<ol class="footnote-definition">`` itself, not inside a box; its
    note was left as text of the last section and its marker as "tables1"."""
    doc = parsed("mdbook-rust-book-hash-maps.html")
    assert [(n.number, n.section, doc.text[n.start : n.end]) for n in doc.footnotes] == [
        (1, "1.2", "https://en.wikipedia.org/wiki/SipHash")
    ]
    assert outline(doc)[2] == ("1.2", "Hashing Functions")
    assert "attacks involving hash tables. This is not" in body(doc, "1.2")
    assert "SipHash" not in body(doc, "2") and "\u21a9" not in doc.text
    assert "Previous chapter" not in doc.text and "Keyboard shortcuts" not in doc.text


def test_the_node_navigation_texinfo_repeats_at_the_foot_of_a_long_node_is_no_text() -> None:
    """The foot's copy of the bar marks only its index link with a rel: it was the section's
    last paragraph; the head's copy was the page's Front."""
    doc = parsed("texinfo-libffi-closure-api.html")
    assert outline(doc) == [("2.5", "The Closure API")]
    assert doc.text.endswith("the need for separate writable and executable addresses.")
    assert "Next:" not in doc.text and "Up:" not in doc.text


def test_docbook_xsl_navigation_bars_are_no_text_and_see_also_references_are() -> None:
    """DocBook XSL's div.navheader and div.navfooter ("Prev | Up | SQL Commands | Home | Next")
    were the page's Front and the end of its last section."""
    doc = parsed("docbook-xsl-postgresql-altercollation.html")
    assert "Front" not in [s.id for s in doc.sections]
    assert outline(doc)[-1] == ("8", "See Also")
    assert body(doc, "8") == "CREATE COLLATION, DROP COLLATION"
    assert "Prev" not in doc.text and "Home" not in doc.text


def test_groff_html_chapter_is_titled_by_its_heading_and_its_link_bars_are_no_text() -> None:
    """grohtml titles each split page with its file name and prints "[ prev | next | top ]"
    loose in the body above and below the chapter."""
    doc = parsed("grohtml-pic-chapter.html")
    assert doc.title == "12. Style Variables"
    assert outline(doc) == [("12", "Style Variables")]
    assert "| next |" not in doc.text and "[ prev" not in doc.text
    assert doc.text.endswith("State variables retain their values across pictures until reset.")


def test_docbook_dsssl_title_page_is_the_front_and_its_authors_no_sections() -> None:
    """The Modular DocBook (DSSSL) stylesheet prints ``<H1 CLASS="TITLE">`` over the
    chapters' ``<H1>``s and each author as ``<H3 CLASS="AUTHOR">``; the last author was a
    section holding the copyright notices, and the table of contents was text."""
    doc = parsed("docbook-dsssl-users-and-groups.html")
    assert outline(doc) == [
        ("Front", "Users and Groups in the Debian System"),
        ("Chapter 1", "Introduction"),
        ("Chapter 2", "Users and Groups"),
    ]
    assert body(doc, "Front").startswith("Joey Hess\n\nColin Watson\n\nDavid Mandelberg\n\nCopyright")
    assert "Table of Contents" not in doc.text


def test_a_groff_man_pages_list_of_its_sections_is_no_text() -> None:
    """``groff -man -Thtml`` opens with a link to each section, one a line between ``<br>``s."""
    doc = parsed("groff-man-tee.html")
    assert [s.title for s in doc.sections][:3] == ["NAME", "SYNOPSIS", "DESCRIPTION"]
    assert "Front" not in [s.id for s in doc.sections]
    assert doc.text.count("REPORTING BUGS") == 1


def test_mandocs_running_header_and_footer_lines_are_no_text() -> None:
    doc = parsed("mandoc-man-tee.html")
    # Its <title> is "TEE(1)"; a man page is titled by its NAME line in every format.
    assert doc.title == "tee - read from standard input and write to standard output and files"
    assert [s.id for s in doc.sections][:4] == ["1", "2", "3", "3.1"]
    assert "User Commands" not in doc.text and "September 2022" not in doc.text
    assert body(doc, "7").startswith("Full documentation <https://www.gnu.org/software/coreutils/tee>")


def test_mkdocs_material_tab_labels_are_words_apart() -> None:
    """Content tabs print their labels as adjacent ``<label>``s: they read "LinuxWindows"."""
    doc = parsed("mkdocs-material-tabs.html")
    assert outline(doc) == [("3", "Features"), ("3.1", "Output formats")]
    assert "Linux Windows\n\nRun tally /home." in body(doc, "3")
    assert [(n.number, n.section) for n in doc.footnotes] == [(1, "3")]
    assert "Skip to content" not in doc.text and "Made with" not in doc.text


def test_pandocs_title_block_is_the_front_matter_not_a_banner() -> None:
    """pandoc -s writes title, subtitle, author, date and abstract in ``<header
    id="title-block-header">``; dropped as a site's banner, the abstract was lost."""
    doc = parsed("pandoc-title-block.html")
    assert outline(doc) == [("Front", "Tally Report"), ("1", "Introduction"), ("2", "Method")]
    assert body(doc, "Front") == (
        "A study of counting\n\nAnn Example\n\n2024-05-01\n\nAbstract\n\n"
        "This report shows that counting words is useful for migration studies."
    )


def test_a_page_that_sends_the_reader_on_at_once_has_no_text_of_its_own() -> None:
    """makeinfo --split=chapter leaves a page per node inside a chapter that only says
    "The node you are looking for is at Options." and refreshes to the chapter's page."""
    raw = (PAGES / "texinfo-node-redirect.html").read_text(encoding="utf-8")
    assert "The node you are looking for" in raw
    assert html_blocks(raw)[1] == []
