"""The PDF reader: the outline, pages and footnotes come from the PDF's layout, as printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import SourceError
from ingest.blocks import Block, Footnote, Heading, Paragraph
from ingest.pdf import Glyph, PageGlyphs, layout_blocks, pdf_blocks, read_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pdf_writer import write_image_pdf, write_pdf

LONG = (
    "Participants noted that strategies based on shared projects could mitigate some of the negative "
    "impacts of international migration, and that countries of origin and destination could work together "
    "on the design of such projects for the benefit of migrants and their families."
)


def blocks_of(pages: list[list[Block]], **options: object) -> tuple[str, list[Block]]:
    return pdf_blocks(write_pdf(None, pages, **options), path="report.pdf")  # type: ignore[arg-type]


def headings(blocks: list[Block]) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in blocks if isinstance(b, Heading)]


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    return [b for b in blocks if isinstance(b, Paragraph)]


def test_headings_come_from_type_size_and_weight_with_levels_by_size_rank() -> None:
    _, blocks = blocks_of(
        [
            [
                Heading(1, "A. THE WAY TO THE DIALOGUE"),
                Heading(2, "1. Intergovernmental process"),
                Paragraph(LONG),
                Heading(3, "1.1 Early resolutions"),
                Paragraph("The first resolution on the topic requested a report."),
                Heading(2, "2. The Global Commission on International Migration and the States behind it"),
                Paragraph("In 2003 the Governments of Sweden and Switzerland launched the Commission."),
            ]
        ]
    )
    assert headings(blocks) == [
        (1, "A. THE WAY TO THE DIALOGUE"),
        (2, "1. Intergovernmental process"),
        (3, "1.1 Early resolutions"),
        (2, "2. The Global Commission on International Migration and the States behind it"),
    ]
    assert [p.text for p in paragraphs(blocks)][1] == "The first resolution on the topic requested a report."


def test_a_lone_line_that_starts_with_a_label_is_a_heading_even_in_body_type() -> None:
    from ingest.pdf import Line, _Group, _numbered_heading

    def lone(text: str) -> _Group:
        return _Group([Line(text, 100.0, 72.0, 300.0, 10.0, False)], 1)

    assert _numbered_heading(lone("0. Definitions."))
    assert _numbered_heading(lone("Article 12 Remedies"))
    assert not _numbered_heading(lone("1. The parties agree that the licence applies to every copy."))
    assert not _numbered_heading(lone("The parties agree"))
    assert _numbered_heading(lone("2.1 3D printing"))
    assert not _numbered_heading(lone("0.866 0.5 -0.5 0.866 30 2 cm"))  # a line of a listing
    assert not _numbered_heading(lone("1 0 0 1 30 2 cm 0.866 0.5"))


def test_the_title_in_the_largest_type_on_the_first_page_is_the_title_not_a_heading() -> None:
    title, blocks = blocks_of([[Heading(1, "A. Scope"), Paragraph(LONG)]], title="MIGRATION AND DEVELOPMENT")
    assert title == "MIGRATION AND DEVELOPMENT"
    assert headings(blocks) == [(1, "A. Scope")]


def test_bookmarks_confirm_the_headings_that_layout_finds() -> None:
    pages: list[list[Block]] = [
        [
            Paragraph(LONG),
            Heading(1, "Part one"),
            Paragraph(LONG),
            Heading(2, "Background"),
            Paragraph("Short text under the background heading."),
        ]
    ]
    _, plain = blocks_of(pages)
    _, marked = blocks_of(pages, bookmarks=True)
    assert headings(marked) == [(1, "Part one"), (2, "Background")]
    assert headings(plain) == headings(marked)


def test_a_bookmark_makes_a_heading_of_a_line_in_body_type_at_its_level() -> None:
    from ingest.pdf import Bookmark, Glyph, PageGlyphs, layout_blocks

    def line(text: str, y: float) -> list[Glyph]:
        return [Glyph(c, 72.0 + 5 * i, y, 10.0, False) for i, c in enumerate(text)]

    page = PageGlyphs(
        1,
        (
            *line("Background", 100.0),
            *(glyph for n in range(4) for glyph in line(LONG[60 * n : 60 * n + 60], 124.0 + 12 * n)),
        ),
    )
    _, without = layout_blocks([page])
    _, with_mark = layout_blocks([page], bookmarks=[Bookmark(2, "Background", 0)])
    assert headings(without) == []
    assert headings(with_mark) == [(2, "Background")]


def test_running_headers_footers_and_page_numbers_never_reach_a_paragraph() -> None:
    pages: list[list[Block]] = [
        [Heading(1, f"{n}. Part {n}"), Paragraph(f"Body text of part {n} that says something.")]
        for n in range(1, 4)
    ]
    _, blocks = blocks_of(pages, header="Migration report 2006, draft 3")
    assert [p.text for p in paragraphs(blocks)] == [
        f"Body text of part {n} that says something." for n in range(1, 4)
    ]
    assert headings(blocks) == [(1, f"{n}. Part {n}") for n in range(1, 4)]


def styled_page(number: int, lines: list[tuple[str, float, float, float, bool]]) -> PageGlyphs:
    """A page of lines, each (text, left edge, baseline, size, bold)."""
    return PageGlyphs(
        number,
        tuple(
            Glyph(c, x + 5 * i, y, size, bold) for text, x, y, size, bold in lines for i, c in enumerate(text)
        ),
    )


def glyph_page(number: int, lines: list[tuple[str, float, float]]) -> PageGlyphs:
    """A page of body-type lines, each (text, baseline, size), 12 pt apart unless given so."""
    return styled_page(number, [(text, 72.0, y, size, False) for text, y, size in lines])


PARTS = ("Scope", "Terms", "Remedies")


def body(first: float, count: int = 4) -> list[tuple[str, float, float]]:
    return [(LONG[60 * n : 60 * n + 60], first + 12 * n, 10.0) for n in range(count)]


def test_a_table_of_contents_never_reaches_a_heading_or_a_passage() -> None:
    contents = glyph_page(
        1,
        [
            ("Contents", 100.0, 16.0),
            ("1 Introduction . . . . . . . . . . . . . . 1", 130.0, 10.0),
            ("2 Structure handling . . . . . . . . . . . 2", 142.0, 10.0),
            ("2.1 Syntax.................................. 2", 154.0, 10.0),
        ],
    )
    text = glyph_page(2, [("1 Introduction", 100.0, 16.0), *body(124.0)])
    _, blocks = layout_blocks([contents, text])
    assert headings(blocks) == [(1, "Contents"), (1, "1 Introduction")]
    assert not any(". . ." in p.text or "...." in p.text for p in paragraphs(blocks))


def test_a_running_header_over_one_chapters_pages_goes_when_it_prints_the_page_number() -> None:
    pages = [
        glyph_page(n, [(f"Chapter 4: Function reference {n}", 58.0, 10.0), *body(108.0)])
        for n in range(9, 13)
    ]
    others = [glyph_page(n, body(108.0)) for n in range(1, 9)]
    _, blocks = layout_blocks(others + pages)
    assert not any("Function reference" in p.text for p in paragraphs(blocks))
    assert headings(blocks) == []


def test_running_heads_in_capitals_that_name_each_pages_section_go_without_a_page_number() -> None:
    """LaTeX's book class: the head names the section under way and the chapter; the number is at the foot."""
    sections = ["1.1. INTRODUCTION", "1.1. INTRODUCTION", "1.2. INSTALLATION", "1.3. QUICK GUIDE"]
    pages = [
        glyph_page(n, [(f"{head} CHAPTER 1. GETTING STARTED", 58.0, 10.0), *body(108.0), (f"{n}", 700.0, 10)])
        for n, head in enumerate([*sections, sections[-1]], start=2)
    ]
    opening = glyph_page(1, [("1.1 Introduction", 100.0, 14.0), *body(124.0), ("1", 700.0, 10.0)])
    _, blocks = layout_blocks([opening, *pages])
    assert headings(blocks) == [(1, "1.1 Introduction")]
    assert not any("CHAPTER" in p.text or "INSTALLATION" in p.text for p in paragraphs(blocks))


def test_a_heading_in_capitals_atop_a_page_stays_where_few_pages_open_so() -> None:
    pages = [glyph_page(n, body(108.0)) for n in range(1, 6)]
    pages.append(glyph_page(6, [("TERMS OF USE", 58.0, 10.0), *body(108.0)]))
    _, blocks = layout_blocks(pages)
    texts = [p.text for p in paragraphs(blocks)] + [title for _, title in headings(blocks)]
    assert any(text.startswith("TERMS OF USE") for text in texts)


def test_the_title_atop_page_one_in_large_type_is_no_running_header_where_it_runs_small() -> None:
    first = glyph_page(1, [("Shared Database", 88.0, 24.0), ("1. Introduction", 130.0, 16.0), *body(160.0)])
    others = [glyph_page(n, [("Shared Database", 56.0, 10.0), *body(108.0)]) for n in range(2, 5)]
    title, blocks = layout_blocks([first, *others])
    assert title == "Shared Database"
    assert headings(blocks) == [(1, "1. Introduction")]
    assert not any("Shared Database" in p.text for p in paragraphs(blocks))


def test_a_listing_in_small_type_at_the_foot_is_body_text_not_footnotes() -> None:
    lines = ("Header:", "2 CARD16 MAJOR 1", "4 CARD32 OFFSET")
    listing = [(text, 200.0 + 11 * i, 9.0) for i, text in enumerate(lines)]
    _, blocks = layout_blocks([glyph_page(1, [*body(100.0, 8), *listing])])
    assert not any(isinstance(b, Footnote) for b in blocks)
    assert "2 CARD16 MAJOR 1" in " ".join(p.text for p in paragraphs(blocks))


def test_a_running_header_without_digits_goes_even_close_to_the_body() -> None:
    pages = [glyph_page(n, [("Shared Database", 56.0, 10.0), *body(80.0)]) for n in range(1, 5)]
    _, blocks = layout_blocks(pages)
    assert not any("Shared Database" in p.text for p in paragraphs(blocks))


def test_a_title_pages_authors_in_large_type_are_front_matter_not_sections() -> None:
    first = glyph_page(
        1,
        [
            ("Shared Database", 88.0, 24.0),
            ("X Desktop Group", 122.0, 17.0),
            ("Thomas Leonard", 171.0, 17.0),
            ("1. Introduction", 250.0, 17.0),
            *body(280.0),
        ],
    )
    others = [
        glyph_page(n, [(f"{n}. {name}", 100.0, 17.0), *body(130.0)])
        for n, name in ((2, "Scope"), (3, "Terms"))
    ]
    title, blocks = layout_blocks([first, *others])
    assert title == "Shared Database"
    assert [text for _, text in headings(blocks)] == ["1. Introduction", "2. Scope", "3. Terms"]
    assert [p.text for p in paragraphs(blocks)][:2] == ["X Desktop Group", "Thomas Leonard"]


def test_an_unlabelled_heading_with_its_own_text_on_page_one_stays_a_heading() -> None:
    first = glyph_page(1, [("Report", 88.0, 24.0), ("Summary", 122.0, 17.0), *body(150.0)])
    others = [glyph_page(n, [(f"{n}. {name}", 100.0, 17.0), *body(130.0)]) for n, name in enumerate(PARTS, 2)]
    _, blocks = layout_blocks([first, *others])
    assert [text for _, text in headings(blocks)][:2] == ["Summary", "2. Scope"]


def test_a_numbered_line_that_breaks_the_numbering_is_no_heading_but_a_run_of_clauses_is() -> None:
    page = glyph_page(
        1,
        [
            ("2.9 The cache files", 100.0, 14.0),
            *body(124.0),
            ("4 CARD32 FIRST_OFFSET", 196.0, 10.0),
            *body(220.0),
            ("A.1 Licence", 292.0, 14.0),
            *body(316.0),
            ("2. VERBATIM COPYING", 388.0, 10.0),
            *body(412.0),
            ("3. COPYING IN QUANTITY", 484.0, 10.0),
            *body(508.0),
        ],
    )
    _, blocks = layout_blocks([page])
    assert [text for _, text in headings(blocks)] == [
        "2.9 The cache files",
        "A.1 Licence",
        "2. VERBATIM COPYING",
        "3. COPYING IN QUANTITY",
    ]


def test_a_hyphen_at_a_line_end_stays_when_the_word_is_hyphenated_elsewhere() -> None:
    _, blocks = blocks_of(
        [[Paragraph("Countries that supported co-\ndevelopment spoke."), Paragraph("Co-development helps.")]]
    )
    assert paragraphs(blocks)[0].text == "Countries that supported co-development spoke."


def test_a_hyphen_at_a_line_end_stays_when_the_joined_word_occurs_nowhere() -> None:
    _, blocks = blocks_of([[Paragraph("An inter-\ninstitutional group was called for.")]])
    assert paragraphs(blocks)[0].text == "An inter-institutional group was called for."


def test_a_hyphen_at_a_line_end_goes_when_only_the_whole_word_occurs_elsewhere() -> None:
    _, blocks = blocks_of(
        [
            [
                Paragraph("It serves the develop-\nment of origin countries."),
                Paragraph("The development of nations."),
            ]
        ]
    )
    assert paragraphs(blocks)[0].text == "It serves the development of origin countries."


def test_a_hyphenated_word_cut_by_a_page_break_is_mended_too() -> None:
    _, blocks = blocks_of(
        [
            [Paragraph("The development of nations."), Paragraph(f"{LONG} It serves the develop-")],
            [Paragraph("ment of origin countries.", continued=True)],
        ]
    )
    cut = paragraphs(blocks)[1:]
    assert cut[0].text.endswith("It serves the")
    assert cut[1] == Paragraph("development of origin countries.", page=2, continued=True)


def test_a_paragraph_cut_by_a_page_break_continues_on_the_next_page() -> None:
    _, blocks = blocks_of(
        [
            [Paragraph(LONG), Paragraph("The report was presented to the Secretary-General of the")],
            [Paragraph("United Nations in October 2005.", continued=True), Paragraph("A new paragraph.")],
        ]
    )
    assert paragraphs(blocks)[1:] == [
        Paragraph("The report was presented to the Secretary-General of the", page=1),
        Paragraph("United Nations in October 2005.", page=2, continued=True),
        Paragraph("A new paragraph.", page=2),
    ]


def test_a_paragraph_that_ends_a_sentence_at_the_page_foot_is_not_continued() -> None:
    _, blocks = blocks_of([[Paragraph("The first part ends here.")], [Paragraph("the next one is new.")]])
    assert [p.continued for p in paragraphs(blocks)] == [False, False]


def test_footnotes_become_footnote_blocks_and_their_markers_are_dropped_and_recorded() -> None:
    _, blocks = blocks_of(
        [
            [
                Heading(1, "3. The Global Migration Group"),
                Paragraph(
                    "It was decided to expand the Geneva Migration Group[^1] to create a new mechanism."
                ),
                Paragraph(LONG),
                Footnote(
                    1, "The Geneva Migration Group had been started in April 2003 as a periodic meeting."
                ),
            ],
            [
                Paragraph("Participants agreed[^2] that it was useful to continue the dialogue."),
                Footnote(2, "See the summary of the round tables, 2006."),
            ],
        ],
        header="Migration report",
    )
    assert paragraphs(blocks)[0] == Paragraph(
        "It was decided to expand the Geneva Migration Group to create a new mechanism.", page=1, notes=(1,)
    )
    assert paragraphs(blocks)[2].notes == (2,)
    assert [b for b in blocks if isinstance(b, Footnote)] == [
        Footnote(1, "The Geneva Migration Group had been started in April 2003 as a periodic meeting.", 1),
        Footnote(2, "See the summary of the round tables, 2006.", 2),
    ]


def test_pages_are_cited_by_their_printed_page_labels() -> None:
    _, blocks = blocks_of(
        [[Heading(1, "A. One"), Paragraph("First page text.")], [Paragraph("Second page text.")]],
        first_page=7,
    )
    assert [b.page for b in blocks] == [7, 7, 8]


def test_read_pdf_gives_the_documents_own_outline_and_pages() -> None:
    data = write_pdf(
        None,
        [
            [Heading(1, "A. THE WAY"), Heading(2, "1. Process"), Paragraph(LONG)],
            [Heading(2, "2. The Commission"), Paragraph("In 2003 the Commission was launched.")],
        ],
        title="THE DIALOGUE",
    )
    parsed = read_pdf(data, "report", path="report.pdf")
    assert [(s.id, s.title) for s in parsed.sections] == [("A.1", "Process"), ("A.2", "The Commission")]
    assert parsed.title == "THE DIALOGUE"
    assert parsed.page_at(parsed.sections[1].body_start) == 2


def test_a_scanned_pdf_without_text_says_to_run_ocr() -> None:
    with pytest.raises(SourceError) as caught:
        pdf_blocks(write_image_pdf(None), path="scan.pdf")
    assert str(caught.value) == "scan.pdf: no text layer; it looks scanned: run OCR (e.g. ocrmypdf) first"


def test_an_encrypted_pdf_says_to_save_an_unencrypted_copy() -> None:
    data = write_pdf(None, [[Paragraph("Secret text.")]], password="s3cret")
    with pytest.raises(SourceError) as caught:
        pdf_blocks(data, path="locked.pdf")
    assert str(caught.value) == "locked.pdf: encrypted; save an unencrypted copy"


@pytest.mark.parametrize("data", [b"not a pdf at all", b"%PDF-1.7\n garbage \x00\x01", b""])
def test_bytes_that_are_no_pdf_are_refused_naming_the_file(data: bytes) -> None:
    with pytest.raises(SourceError) as caught:
        pdf_blocks(data, path="broken.pdf")
    assert str(caught.value).startswith("broken.pdf: not a readable PDF (")


def test_a_pdf_printed_by_chromium_keeps_its_words_and_drops_its_superscript_markers(tmp_path: Path) -> None:
    """Another PDF writer than our test's: Chromium prints HTML with generated spaces and <sup> at 83%."""
    page = tmp_path / "report.html"
    page.write_text(
        "<html><body><h1>A report</h1><h2>A. THE WAY TO THE DIALOGUE</h2>"
        "<h3>5. A Global Migration Forum</h3>"
        "<p>Mrs. Arbour transmitted the terms of reference in February 2006.<sup>1</sup></p>"
        "<p>The Forum would be led by States and would meet every year in another country.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    doc = read_pdf(pdf.read_bytes(), "report")
    assert [(s.id, s.title) for s in doc.sections][-1] == ("A.5", "A Global Migration Forum")
    assert "February 2006." in doc.text and "2006.1" not in doc.text


def test_a_man_pages_bold_options_over_their_indented_text_are_no_headings_but_its_subsections_are() -> None:
    """groff's man layout: section 10.9 pt bold, subsection bold at 87, options bold at the text's 108."""
    first = styled_page(
        1, [("NAME", 72.0, 84.0, 10.9, True), ("tar - an archiving utility", 108.0, 96.0, 10.0, False)]
    )
    page = styled_page(
        2,
        [
            ("DESCRIPTION", 72.0, 84.0, 10.9, True),
            *((LONG[60 * n : 60 * n + 60], 108.0, 96.0 + 12 * n, 10.0, False) for n in range(3)),
            ("Operation mode", 87.0, 136.8, 10.0, True),
            ("The options listed below tell tar what to do. Exactly one", 108.0, 148.8, 10.0, False),
            ("of them must be given.", 108.0, 160.8, 10.0, False),
            ("-c, --create", 108.0, 177.6, 10.0, True),
            ("Create a new archive. Arguments supply the names of the", 144.0, 189.6, 10.0, False),
            ("files to be archived.", 144.0, 201.6, 10.0, False),
            ("-x, --extract", 108.0, 218.4, 10.0, True),
            ("Extract files from an archive.", 144.0, 230.4, 10.0, False),
            ("Output stream selection", 87.0, 247.2, 10.0, True),
            ("--ignore-command-error", 108.0, 259.2, 10.0, True),
            ("Ignore subprocess exit codes.", 108.0, 271.2, 10.0, False),
            ("RETURN VALUE", 72.0, 288.0, 10.9, True),
            ("Tar exit code indicates whether it was able to perform", 108.0, 300.0, 10.0, False),
            ("the requested operation, and if not, what error occurred.", 108.0, 312.0, 10.0, False),
            ("0 Successful termination.", 108.0, 328.8, 10.0, False),
            ("1 Some files differ. If tar was invoked with --compare,", 108.0, 345.6, 10.0, False),
            ("some files in the archive differ from their disk copies.", 144.0, 357.6, 10.0, False),
        ],
    )
    _, blocks = layout_blocks([first, page])
    # An option's term set at the text's indent, over its text there too, is no heading; nor is
    # a lone numbered line where the headings in their own type carry no numbers.
    assert [text for _, text in headings(blocks)] == [
        "NAME",
        "DESCRIPTION",
        "Operation mode",
        "Output stream selection",
        "RETURN VALUE",
    ]
    assert [p.text for p in paragraphs(blocks)][3:5] == [
        "-c, --create Create a new archive. Arguments supply the names of the files to be archived.",
        "-x, --extract Extract files from an archive.",
    ]


def test_a_bold_line_that_ends_a_paragraph_or_a_bold_list_item_is_no_heading() -> None:
    page = styled_page(
        1,
        [
            (LONG[:60], 72.0, 100.0, 10.0, False),
            ("arguments can appear at the very end of such a cluster, e.g.", 72.0, 112.0, 10.0, False),
            ("-vkpf a.tar.", 72.0, 124.0, 10.0, True),
            *((LONG[60 * n : 60 * n + 60], 72.0, 142.0 + 12 * n, 10.0, False) for n in range(3)),
            ("• Include /etc/ssh/ssh_config.d/*.conf", 90.0, 196.0, 10.0, True),
            ("• SendEnv LANG LC_*", 90.0, 208.0, 10.0, False),
        ],
    )
    _, blocks = layout_blocks([page])
    assert headings(blocks) == []
    assert paragraphs(blocks)[0].text.endswith("end of such a cluster, e.g. -vkpf a.tar.")


def test_the_title_a_word_processor_bookmarks_as_the_one_outermost_heading_is_the_title() -> None:
    """LibreOffice bookmarks an HTML page's <h1> title, with the document's parts under it."""
    from ingest.pdf import Bookmark

    page = styled_page(
        1,
        [
            ("MIGRATION REPORT", 72.0, 80.0, 20.0, True),
            ("A. Scope", 72.0, 120.0, 16.0, True),
            *((LONG[60 * n : 60 * n + 60], 72.0, 144.0 + 12 * n, 10.0, False) for n in range(4)),
        ],
    )
    marks = [Bookmark(1, "MIGRATION REPORT", 0), Bookmark(2, "A. Scope", 0)]
    title, blocks = layout_blocks([page], bookmarks=marks, title="Migration report")
    assert title == "Migration report"
    assert headings(blocks) == [(2, "A. Scope")]
    assert not any("MIGRATION REPORT" in p.text for p in paragraphs(blocks))


def test_a_bookmark_marks_its_own_line_not_a_sentence_or_a_symbol_that_ends_like_it() -> None:
    from ingest.pdf import Bookmark

    page = glyph_page(
        1,
        [
            *body(100.0),
            ("When suspended, parsing is resumed by ResumeParser.", 160.0, 10.0),
            ("+", 184.0, 10.0),
            ("ResumeParser", 208.0, 10.0),
            *body(232.0),
        ],
    )
    _, blocks = layout_blocks(
        [page], bookmarks=[Bookmark(2, "ResumeParser", 0), Bookmark(2, "Extra tools", 0)]
    )
    assert headings(blocks) == [(2, "ResumeParser")]


def test_a_bold_heading_over_a_paragraph_with_an_indented_first_line_stays_a_heading() -> None:
    """Only a description keeps its indent; a paragraph's first-line indent returns to the margin."""
    page = styled_page(
        1,
        [
            *((LONG[60 * n : 60 * n + 60], 72.0, 100.0 + 12 * n, 10.0, False) for n in range(3)),
            ("Scope of the survey", 72.0, 154.0, 10.0, True),
            (LONG[:55], 84.0, 166.0, 10.0, False),
            (LONG[55:115], 72.0, 178.0, 10.0, False),
            (LONG[115:175], 72.0, 190.0, 10.0, False),
            ("2.1 Methods", 72.0, 214.0, 10.0, True),
            (LONG[:55], 84.0, 226.0, 10.0, False),
        ],
    )
    _, blocks = layout_blocks([page])
    assert [text for _, text in headings(blocks)] == ["Scope of the survey", "2.1 Methods"]


def test_a_list_items_next_line_set_in_under_its_text_stays_in_the_item() -> None:
    """A hanging indent: the item's first line runs on, so the line set in under it is no new paragraph.

    As groff sets find's debug options, and LaTeX a description list or a bibliography.
    """
    page = styled_page(
        1,
        [
            *((LONG[60 * n : 60 * n + 60], 144.0, 100.0 + 12 * n, 10.0, False) for n in range(3)),
            ("opt Prints diagnostic information on the expression tree; see the", 144.0, 142.0, 10.0, False),
            ("-O option.", 180.0, 154.0, 10.0, False),
            ("rates Prints how often each predicate succeeded or failed.", 144.0, 170.8, 10.0, False),
            ("[1] Charles de la Vallee Poussin. A strong form of the", 144.0, 196.0, 10.0, False),
            ("prime number theorem, 19th century.", 162.0, 208.0, 10.0, False),
        ],
    )
    _, blocks = layout_blocks([page])
    assert [p.text for p in paragraphs(blocks)][1:] == [
        "opt Prints diagnostic information on the expression tree; see the -O option.",
        "rates Prints how often each predicate succeeded or failed.",
        "[1] Charles de la Vallee Poussin. A strong form of the prime number theorem, 19th century.",
    ]


def two_columns(
    left: list[tuple[str, float, bool]], right: list[tuple[str, float, bool]], second: float = 300.0
) -> list:
    """Lines of a two-column page: (text, size, bold) set from the top of each column, 12 pt apart;
    the second column starts at ``second`` (the first one's lines end by 272)."""
    placed = []
    for x, column in ((72.0, left), (second, right)):
        y = 100.0
        for text, size, bold in column:
            y += 12.0 if size <= 10.0 else 20.0
            placed.append((text, x, y, size, bold))
    return placed


WORDS = LONG.split()


def column_text(start: int, count: int) -> list[tuple[str, float, bool]]:
    """``count`` lines of about 40 characters (200 pt, the column's measure) from LONG's words."""
    lines, words = [], WORDS[start:] + WORDS[:start]
    for _ in range(count):
        line = ""
        while words and len(line) + len(words[0]) < 40:
            line, words = f"{line} {words[0]}".strip(), words[1:] + words[:1]
        lines.append((line, 10.0, False))
    return lines


def test_a_two_column_page_is_read_column_by_column_under_its_title() -> None:
    """A paper's layout: the title across the page, then two columns whose lines share baselines."""
    left = [("1. Introduction", 12.0, True), *column_text(0, 8)]
    right = [*column_text(8, 3)[:-1], ("over the two columns.", 10.0, False), ("2. Methods", 12.0, True)]
    right += column_text(20, 6)
    page = styled_page(1, [("A STUDY OF MIGRATION AND DEVELOPMENT IN TWO COLUMNS", 72.0, 80.0, 16.0, True)])
    page = PageGlyphs(1, page.glyphs + styled_page(1, two_columns(left, right)).glyphs)
    title, blocks = layout_blocks([page])
    assert title == "A STUDY OF MIGRATION AND DEVELOPMENT IN TWO COLUMNS"
    assert [text for _, text in headings(blocks)] == ["1. Introduction", "2. Methods"]
    first, second = paragraphs(blocks)[:2]
    assert first.text.startswith(left[1][0]) and first.text.endswith(left[-1][0])
    # The left column's last line runs on into the right column's first, as onto a next page.
    assert second.continued and second.text.startswith(right[0][0])
    assert second.text.endswith("over the two columns.")


def test_a_listing_with_a_column_of_figures_is_no_second_column() -> None:
    rows = [(f"{n * 7} {n} 0 . . {n * 3}", 72.0, 100.0 + 12 * n, 10.0, False) for n in range(10)]
    rows += [(f"total = total + count[{n}];", 300.0, 100.0 + 12 * n, 10.0, False) for n in range(10)]
    _, blocks = layout_blocks([styled_page(1, rows)])
    text = paragraphs(blocks)[0].text
    assert text.index("count[0]") < text.index("7 1 0") < text.index("count[1]")


def test_a_title_hyphenated_at_its_line_end_is_mended_like_the_text() -> None:
    page = styled_page(
        1,
        [
            ("INTERNATIONAL MIGRA-", 72.0, 80.0, 16.0, True),
            ("TION AND DEVELOPMENT", 72.0, 100.0, 16.0, True),
            *((LONG[60 * n : 60 * n + 60], 72.0, 130.0 + 12 * n, 10.0, False) for n in range(3)),
        ],
    )
    title, _ = layout_blocks([page])
    assert title == "INTERNATIONAL MIGRATION AND DEVELOPMENT"


def test_where_the_typesetter_breaks_words_a_line_end_hyphen_before_no_word_of_the_document_goes() -> None:
    # "develop-ment" and "govern-ment" show that words are broken at line ends (as TeX does);
    # "ing" is no word of the document, "institutional" is one.
    lines = ["The develop-", "ment of nations and the govern-", "ment of states were need-"]
    lines += ["ing attention of an inter-", "institutional group."]
    page = glyph_page(
        1,
        [(text, 100.0 + 12 * n, 10.0) for n, text in enumerate(lines)]
        + [("The development of government gave institutional support.", 172.0, 10.0)],
    )
    _, blocks = layout_blocks([page])
    assert paragraphs(blocks)[0].text == (
        "The development of nations and the government of states were needing attention of an "
        "inter-institutional group."
    )


def test_a_tex_accent_printed_over_its_letter_joins_it() -> None:
    from ingest.pdf import lines_of

    def word(text: str, x: float, y: float = 100.0) -> list[Glyph]:
        return [Glyph(c, x + 5 * i, y, 10.0, False) for i, c in enumerate(text)]

    # "Caf" acute "e": the acute stands over the e; "E" acute "cole": raised over the capital, with the
    # space PDFium puts after it; "first" tilde "step": a tilde after its t is a character of its own.
    cafe = [*word("Caf", 72.0), Glyph("\u00b4", 86.72, 100.0, 10.0, False), *word("e", 87.0)]
    ecole = [
        *word("E", 120.0),
        Glyph("\u00b4", 120.9, 97.5, 10.0, False),
        Glyph(" ", 120.91, 97.5, 0.0, False),
        *word("cole", 126.8),
    ]
    tilde = [*word("first", 160.0), Glyph("\u02dc", 182.8, 100.0, 10.0, False), *word("step", 188.2)]
    spaces = [Glyph(" ", x, 100.0, 0.0, False) for x in (87.01, 146.81)]
    assert [line.text for line in lines_of([*cafe, *ecole, *tilde, *spaces])] == ["Café École first˜step"]


def test_columns_one_em_apart_as_latex_sets_them_and_a_page_whose_second_column_holds_one_line() -> None:
    """LaTeX's gutter is 10 pt; the last page of a chapter may have a line or two in its second column."""
    pages = [
        styled_page(n, two_columns(column_text(n, 12), column_text(n + 12, 12), second=282.0)) for n in (1, 2)
    ]
    last = two_columns(
        [("3. Closing", 12.0, True), *column_text(30, 10)], [("the very end.", 10.0, False)], 282.0
    )
    _, blocks = layout_blocks([*pages, styled_page(3, last)])
    texts = [p.text for p in paragraphs(blocks)]
    first_left, first_right = column_text(1, 12), column_text(13, 12)
    assert texts[0].startswith(first_left[0][0]) and texts[0].endswith(first_left[-1][0])
    assert texts[1].startswith(first_right[0][0])
    assert headings(blocks) == [(1, "3. Closing")]
    assert texts[-1] == "the very end."


def test_a_bold_example_set_in_from_the_text_on_both_sides_is_no_heading() -> None:
    """A man page's example command, set in from its text, against a subsection heading set out."""
    first = styled_page(1, [("EXAMPLES", 72.0, 84.0, 10.9, True), (LONG[:60], 108.0, 96.0, 10.0, False)])
    page = styled_page(
        2,
        [
            ("Simple approach", 87.0, 84.0, 10.0, True),
            ("Find files named core and delete them.", 108.0, 96.0, 10.0, False),
            ("$ find /tmp -name core -type f -print", 184.0, 120.0, 10.0, True),
            ("Note that this will work incorrectly with spaces.", 144.0, 144.0, 10.0, False),
            *((LONG[60 * n : 60 * n + 60], 108.0, 160.0 + 12 * n, 10.0, False) for n in range(3)),
        ],
    )
    title, blocks = layout_blocks([first, page])
    assert (title, [text for _, text in headings(blocks)]) == ("EXAMPLES", ["Simple approach"])
    assert any(p.text.startswith("$ find /tmp -name core") for p in paragraphs(blocks))


def test_a_title_pages_date_is_front_matter_not_section_29() -> None:
    """LaTeX's \\maketitle sets the date in large type, like the author: "29 June 2007" is no label."""
    page = styled_page(
        1,
        [
            ("GNU GENERAL PUBLIC LICENSE", 150.0, 80.0, 17.0, False),
            ("Free Software Foundation", 180.0, 110.0, 12.0, False),
            ("29 June 2007", 200.0, 130.0, 12.0, False),
            *(
                line
                for n, name in enumerate(("Preamble", "Definitions", "Source Code"), start=1)
                for line in (
                    (f"{n} {name}", 72.0, 170.0 + 60 * n, 14.0, True),
                    *(
                        (LONG[60 * k : 60 * k + 60], 72.0, 190.0 + 60 * n + 12 * k, 10.0, False)
                        for k in range(2)
                    ),
                )
            ),
        ],
    )
    title, blocks = layout_blocks([page])
    assert title == "GNU GENERAL PUBLIC LICENSE"
    assert [text for _, text in headings(blocks)] == ["1 Preamble", "2 Definitions", "3 Source Code"]
    assert "29 June 2007" in " ".join(p.text for p in paragraphs(blocks))


def test_a_character_outside_the_bmp_is_one_character_and_a_lone_surrogate_is_dropped() -> None:
    """PDFium gives a mathematical letter as two UTF-16 units at two character indices."""
    from ingest.pdf import _code_points

    text = _code_points([0x41, 0xD835, 0xDC00, 0x42, 0xDC00, 0xD835])
    assert text == "A\U0001d400\x00B\x00\x00"
    text.encode("utf-8")  # what the passage ids need


@pytest.mark.parametrize(
    ("entry", "title"),
    [
        ("makeindex.dvi", ""),
        ("Microsoft Word - Annual report 2006.docx", ""),
        ("report-final.pdf", ""),
        ("Annual Report 2006.doc", ""),
        ("The  amsfonts\npackage", "The amsfonts package"),
        ("Texdoc: Find & view documentation in TeX Live", "Texdoc: Find & view documentation in TeX Live"),
        ("Dvips 5.9 manual", "Dvips 5.9 manual"),
    ],
)
def test_a_title_entry_that_names_the_file_it_was_made_from_is_no_title(entry: str, title: str) -> None:
    from ingest.pdf import metadata_title

    assert metadata_title(entry) == title


def test_type_scaled_by_the_text_matrix_is_read_at_the_size_it_is_set() -> None:
    """dvipdfm and Ghostscript may select fonts at 1 pt and scale the text matrix; headings stay larger."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    top = 760.0
    body = [(LONG[60 * n : 60 * n + 60], 10.0) for n in range(8)]
    for text, size in [("Background", 16.0), *body[:4], ("Findings", 16.0), *body[4:]]:
        top -= 2.0 * size
        line = canvas.beginText()
        line.setFont("Helvetica", 1)
        line.setTextTransform(size, 0, 0, size, 72.0, top)
        line.textOut(text)
        canvas.drawText(line)
    canvas.showPage()
    canvas.save()
    doc = read_pdf(out.getvalue(), "scaled")
    titles = [(section.id, section.title) for section in doc.sections if section.id != "Front"]
    assert titles == [("1", "Background"), ("2", "Findings")]


def column(count: int) -> list[tuple[str, float, float, float, bool]]:
    return [(LONG[60 * n : 60 * n + 60], 72.0, 100.0 + 12 * n, 10.0, False) for n in range(count)]


def test_a_note_in_the_margin_beside_a_line_is_not_read_into_its_sentence() -> None:
    """LaTeX's marginpar: "which makes itAddition in TEX possible" read across before."""
    note = ("Added in 2.0", 380.0, 124.0, 8.0, False)  # beside the third line, in smaller type
    _, blocks = layout_blocks([styled_page(1, [*column(6), note])])
    text = " ".join(p.text for p in paragraphs(blocks))
    assert "Added" not in text
    assert LONG[:360].split()[-3:] == text.split()[-3:]


def test_a_code_line_in_smaller_type_that_runs_past_the_margin_keeps_its_end() -> None:
    code = ("x = configure(mode='fast', retries=3) # then wait for the reply", 72.0, 184.0, 8.0, False)
    _, blocks = layout_blocks([styled_page(1, [*column(6), code])])
    assert "wait for the reply" in " ".join(p.text for p in paragraphs(blocks))


def test_a_bold_line_of_code_is_no_heading_where_a_bold_line_of_text_is() -> None:
    """A listing's keywords in bold ("import unicodedata" as Chromium prints Python's docs)."""

    def page(bold_line: str, mono: bool) -> PageGlyphs:
        after = [(text, x, y + 72.0, size, bold) for text, x, y, size, bold in column(3)]
        lines = [*column(3), (bold_line, 72.0, 150.0, 10.0, True), *after]
        return PageGlyphs(
            1,
            tuple(
                Glyph(c, x + 5 * i, y, size, bold, None, mono and bold)
                for text, x, y, size, bold in lines
                for i, c in enumerate(text)
            ),
        )

    _, code = layout_blocks([page("import unicodedata", mono=True)])
    _, text = layout_blocks([page("Unicode Properties", mono=False)])
    assert headings(code) == []
    assert headings(text) == [(1, "Unicode Properties")]
