"""PDFs as real writers make them, read into the outline they print (fixtures: tests/data/pdf/SOURCES.md).

``latex-book.pdf`` is LaTeX's book class through pdfTeX: a title page, a table of
contents and roman-numbered front matter, chapters headed "Chapter 1" over their title,
running heads that print the page number and the chapter's or the section's title, a
section title wrapped onto a second line, footnotes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.blocks import Footnote, Heading, Paragraph
from ingest.document import ParsedDocument
from ingest.glyphs import Glyph, PageGlyphs
from ingest.labels import split_label
from ingest.outline import document_from_blocks
from ingest.pdf import file_pages, layout_blocks
from ingest.sources import parse_source, read_source

DATA = Path(__file__).resolve().parents[1] / "data" / "pdf"


@pytest.fixture(scope="module")
def book() -> ParsedDocument:
    return parse_source(read_source(DATA / "latex-book.pdf"))


def test_a_books_sections_are_its_chapters_and_numbered_sections_as_printed(book: ParsedDocument) -> None:
    assert [(s.id, s.title) for s in book.sections] == [
        ("Front", "Keeping a Community Orchard"),
        ("Chapter 1", "Planting"),
        ("1.1", "Choosing the site"),
        ("1.2", "Trees for a shared orchard of mixed old and new varieties"),
        ("1.3", "The first season"),
        ("Chapter 2", "Care through the year"),
        ("2.1", "Pruning"),
        ("2.2", "Feeding and mowing"),
        ("2.3", "Harvest"),
        ("Appendix A", "Tools"),
        ("A.1", "What to buy first"),
    ]


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


def test_a_title_page_in_smaller_type_than_the_chapters_names_the_document(book: ParsedDocument) -> None:
    """The PDF has no title of its own; its title page sets the title at 17 pt, its chapters at 25."""
    assert book.title == "Keeping a Community Orchard"


def test_a_citation_of_an_arabic_page_opens_that_page_not_the_front_matter_cited_alike() -> None:
    """Pages i-iv are cited by their place, 1-4; page 1 of the first chapter is the file's fifth."""
    assert file_pages((DATA / "latex-book.pdf").read_bytes()) == {n: n + 4 for n in range(1, 8)}


def test_a_books_pages_and_footnotes_are_where_it_prints_them(book: ParsedDocument) -> None:
    pages = {s.id: book.page_at(s.start) for s in book.sections}
    assert pages == {
        "Front": 1,
        "Chapter 1": 1,
        "1.1": 1,
        "1.2": 2,
        "1.3": 3,
        "Chapter 2": 5,
        "2.1": 5,
        "2.2": 6,
        "2.3": 6,
        "Appendix A": 7,
        "A.1": 7,
    }
    notes = [(n.number, n.page, book.text[n.start : n.end]) for n in book.footnotes]
    assert notes == [
        (1, 2, "A hole filled with water that is still there the next day shows poor drainage."),
        (2, 2, "Crab apples flower over a long season and pollinate many varieties."),
        (1, 6, "Silver leaf turns the leaves a dull silver; badly affected branches die back."),
    ]


def _page(number: int, lines: list[tuple[str, float, float, float, bool]]) -> PageGlyphs:
    """A page of lines, each (text, left edge, baseline, size, bold), 5 pt a character."""
    return PageGlyphs(
        number,
        tuple(
            Glyph(c, x + 5 * i, y, size, bold) for text, x, y, size, bold in lines for i, c in enumerate(text)
        ),
    )


TEXT = (
    "Participants noted that strategies based on shared projects could mitigate some of the negative "
    "impacts of international migration, and that countries of origin and destination could work "
    "together on the design of such projects for the benefit of migrants and their families."
)


def _text(first: float, count: int = 6) -> list[tuple[str, float, float, float, bool]]:
    return [(TEXT[56 * n : 56 * n + 56], 72.0, first + 12 * n, 10.0, False) for n in range(count)]


def test_running_feet_that_print_the_page_number_go_though_each_section_names_one_page() -> None:
    """Sphinx's LaTeX prints the page number and the chapter on even pages' feet ("2 Chapter 1.
    Planting"), the page number and the section under way on odd pages' ("2.5. Remittances 5")."""
    feet = {1: "1.1. Scope 1", 2: "2 Chapter 1. Planting", 3: "1.2. Terms 3", 4: "4 Chapter 1. Planting"}
    pages = [_page(n, [*_text(100.0), (feet[n], 72.0, 585.0, 10.0, True)]) for n in range(1, 5)]
    _, blocks = layout_blocks(pages)
    texts = [b.text for b in blocks if isinstance(b, Heading | Paragraph)]
    assert not any(foot in text for text in texts for foot in feet.values())
    assert not [b for b in blocks if isinstance(b, Heading)]


def test_a_footnote_that_starts_with_the_page_number_stays_where_the_feet_print_it() -> None:
    """Footnote 1 on page 1, in smaller type, starts with the page's number as a running foot does."""
    feet = {1: "1.1. Scope 1", 2: "2 Chapter 1. Planting", 3: "1.2. Terms 3", 4: "4 Chapter 1. Planting"}
    pages = [
        _page(
            n,
            [
                *_text(100.0),
                *([("1 See the summary of the round tables.", 72.0, 540.0, 8.0, False)] if n == 1 else []),
                (feet[n], 72.0, 585.0, 10.0, True),
            ],
        )
        for n in range(1, 5)
    ]
    pages[0] = replace(pages[0], glyphs=(*pages[0].glyphs, Glyph("1", 352.0, 96.0, 6.0, False)))
    _, blocks = layout_blocks(pages)
    assert [b.text for b in blocks if isinstance(b, Footnote)] == ["See the summary of the round tables."]


def test_a_chapter_title_set_right_on_two_lines_is_one_heading() -> None:
    """Sphinx sets a chapter's title flush right, in capitals, wrapped onto a second line."""
    right = 540.0
    title = ["LIST OF INTERGOVERNMENTAL CONFERENCES ORGANIZED", "TO PROVIDE INPUT TO THE DIALOGUE"]
    before = _page(1, [("3.1 Overview", 72.0, 100.0, 14.3, True), *_text(124.0)])
    page = _page(
        2,
        [
            (title[0], right - 5 * len(title[0]), 178.6, 14.3, True),
            (title[1], right - 5 * len(title[1]), 196.5, 14.3, True),
            ("4.1 Overview", 72.0, 260.3, 14.3, True),
            *_text(283.4),
        ],
    )
    _, blocks = layout_blocks([before, page])
    assert [b.text for b in blocks if isinstance(b, Heading)] == [
        "3.1 Overview",
        " ".join(title),
        "4.1 Overview",
    ]


def test_a_word_processors_page_x_of_y_footer_close_under_the_footnotes_goes() -> None:
    """LibreOffice sets its footer 0.25 cm under the page's footnotes: "Page 1 of 2" stands 1.6
    line spacings under the last note, where a line with digits must stand 2 to be furniture."""
    notes = {1: "See the summary of the round tables, 2006.", 2: "Resolution 60/227, paragraph 4."}
    pages = []
    for n in (1, 2):
        lines = [
            *_text(100.0),
            (f"{n} {notes[n]}", 72.0, 760.0, 9.0, False),
            (f"Page {n} of 2", 72.0, 779.0, 10.0, False),
        ]
        page = _page(n, lines)
        pages.append(replace(page, glyphs=(*page.glyphs, Glyph(str(n), 352.0, 144.0, 6.0, False))))
    _, blocks = layout_blocks(pages)
    assert [(b.number, b.text) for b in blocks if isinstance(b, Footnote)] == list(notes.items())
    assert not any("Page" in b.text for b in blocks if isinstance(b, Heading | Paragraph))


def test_a_browsers_header_and_footer_go_though_large_text_on_loose_lines_runs_close_to_them() -> None:
    """Chromium prints the date and title atop each page and the URL and "N/M" at its foot in
    10.7 pt; a page's text in 15 pt on 16.5 pt lines runs to a line spacing or less from them."""
    pages = [
        _page(
            n,
            [
                ("12/5/26, 12:14 PM Migration report", 24.0, 22.5, 10.7, False),
                *((TEXT[40 * i : 40 * i + 40], 72.0, 39.8 + 16.5 * i, 15.0, False) for i in range(6)),
                ("file:///home/reader/report.html " + f"{n}/3", 24.0, 39.8 + 16.5 * 5 + 15.8, 10.7, False),
            ],
        )
        for n in range(1, 4)
    ]
    _, blocks = layout_blocks(pages)
    text = " ".join(b.text for b in blocks if isinstance(b, Heading | Paragraph))
    assert "PM" not in text and "file:" not in text
    assert text.startswith(TEXT[:40])


def test_a_chapter_headed_by_its_number_in_words_is_cited_by_it() -> None:
    """Sphinx's LaTeX (fncychap) sets "CHAPTER" over "ONE" over the title, flush right, three headings."""
    right = 540.0

    def flush(text: str, y: float, size: float) -> tuple[str, float, float, float, bool]:
        return (text, right - 5 * len(text), y, size, True)

    before = _page(1, [("Keeping a Community Orchard", 72.0, 100.0, 24.8, False), *_text(140.0)])
    chapter = _page(
        2,
        [
            flush("CHAPTER", 99.9, 10.0),
            flush("ONE", 123.8, 14.3),
            flush("PLANTING", 178.6, 14.3),
            *_text(204.1, 3),
            ("1.1 Choosing the site", 72.0, 249.0, 14.3, True),
            *_text(272.0),
        ],
    )
    title, blocks = layout_blocks([before, chapter])
    doc = document_from_blocks("orchard", title, blocks)
    assert [(s.id, s.title) for s in doc.sections][1:] == [
        ("Chapter One", "PLANTING"),
        ("1.1", "Choosing the site"),
    ]


@pytest.mark.parametrize(
    ("text", "label", "title"),
    [
        ("CHAPTER ONE PLANTING", "Chapter One", "PLANTING"),
        ("Part Two: Care", "Part Two", "Care"),
        ("Chapter Onerous Duties", None, "Chapter Onerous Duties"),
        ("Chapter 3 Scope", "Chapter 3", "Scope"),
    ],
)
def test_a_number_in_words_after_chapter_or_part_is_its_label(
    text: str, label: str | None, title: str
) -> None:
    found, rest = split_label(text)
    assert (found.value if found else None, rest) == (label, title)


def test_a_footnote_that_runs_onto_the_next_page_keeps_its_end_and_the_next_notes() -> None:
    """LaTeX (pandoc's PDF) carries a long note's end ("12.") over to the next page's foot, above
    that page's own note 2, whose number is raised: the end joins note 1, and note 2 stays."""

    def note(text: str, y: float) -> list[tuple[str, float, float, float, bool]]:
        """A note's line, its number raised apart (added as a glyph)."""
        return [(text, 80.0, y, 8.0, False)]

    first = _page(1, [*_text(100.0), *note("See the summary prepared by the President, paragraph", 700.0)])
    first = replace(
        first,
        glyphs=(
            *first.glyphs,
            Glyph("1", 352.0, 144.0, 6.0, False),
            Glyph("1", 74.0, 697.0, 5.0, False),
        ),
    )
    second = _page(
        2, [*_text(100.0), ("12.", 72.0, 690.0, 8.0, False), *note("The figures are estimates.", 700.0)]
    )
    second = replace(
        second,
        glyphs=(*second.glyphs, Glyph("2", 352.0, 144.0, 6.0, False), Glyph("2", 74.0, 697.0, 5.0, False)),
    )
    _, blocks = layout_blocks([first, second])
    assert [(b.number, b.text) for b in blocks if isinstance(b, Footnote)] == [
        (1, "See the summary prepared by the President, paragraph 12."),
        (2, "The figures are estimates."),
    ]
    assert not any("12." in b.text or "figures" in b.text for b in blocks if isinstance(b, Paragraph))
