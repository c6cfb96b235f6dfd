"""One outline model for every format: section ids are the labels documents print."""

from __future__ import annotations

import pytest

from ingest.blocks import Footnote, Heading, Paragraph
from ingest.document import ParsedDocument, SectionSpan
from ingest.headings import HeadingTracker
from ingest.labels import split_label
from ingest.outline import FRONT, document_from_blocks
from ingest.plaintext import parse_plaintext

BODY = "A paragraph of body text that is long enough to stand as a passage of its own in the index."


@pytest.mark.parametrize(
    ("heading", "label", "title"),
    [
        ("A. THE WAY TO THE HIGH-LEVEL DIALOGUE", "A", "THE WAY TO THE HIGH-LEVEL DIALOGUE"),
        ("3. The Global Migration Group", "3", "The Global Migration Group"),
        ("0. Definitions.", "0", "Definitions"),
        ("3.2.1 Scope of the work", "3.2.1", "Scope of the work"),
        ("4.1. if Statements", "4.1", "if Statements"),
        ("IV. Results", "IV", "Results"),
        ("Article 12 - Remedies", "Article 12", "Remedies"),
        ("CHAPTER 3: Getting started", "Chapter 3", "Getting started"),
        ("Appendix B", "Appendix B", ""),
        ("ANNEX", "Annex", ""),
        ("A.3 The group", "A.3", "The group"),
    ],
)
def test_a_heading_splits_into_its_printed_label_and_its_title(heading: str, label: str, title: str) -> None:
    found, rest = split_label(heading)
    assert found is not None and found.value == label
    assert rest == title


@pytest.mark.parametrize(
    "heading", ["Preamble", "TERMS AND CONDITIONS", "2005 in review", "Part of the problem", "Mix and match"]
)
def test_a_heading_without_a_label_has_none(heading: str) -> None:
    assert split_label(heading) == (None, heading)


def _ids(blocks: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    doc = document_from_blocks("doc", "", blocks)
    return [(s.id, s.title) for s in doc.sections]


def test_numbers_under_a_lettered_part_are_local_to_it() -> None:
    blocks = [
        Heading(1, "A. FIRST PART"),
        Heading(2, "1. Opening"),
        Paragraph(BODY),
        Heading(1, "B. SECOND PART"),
        Paragraph(BODY),
        Heading(2, "1. Again"),
        Paragraph(BODY),
    ]
    assert _ids(blocks) == [("A.1", "Opening"), ("B", "SECOND PART"), ("B.1", "Again")]


def test_numbering_may_start_at_zero_and_dotted_numbers_keep_their_own_label() -> None:
    blocks = [
        Heading(1, "0. Definitions."),
        Paragraph(BODY),
        Heading(1, "1. Scope"),
        Heading(2, "1.1 Who is covered"),
        Paragraph(BODY),
        Heading(2, "Notes on scope"),
        Paragraph(BODY),
    ]
    ids = _ids(blocks)
    assert ids[:2] == [("0", "Definitions"), ("1.1", "Who is covered")]
    assert ids[2][1] == "Notes on scope" and ids[2][0] not in {"0", "1.1", "1"}


def test_a_heading_with_no_label_gets_a_positional_id() -> None:
    blocks = [Heading(1, "Intro"), Paragraph(BODY), Heading(1, "Usage"), Heading(2, "Flags"), Paragraph(BODY)]
    assert _ids(blocks) == [("1", "Intro"), ("2.1", "Flags")]


def test_a_position_under_a_labelled_heading_counts_from_its_label() -> None:
    blocks = [
        Heading(1, "Title page"),
        Paragraph(BODY),
        Heading(1, "Authors"),
        Paragraph(BODY),
        Heading(1, "1. Introduction"),
        Paragraph(BODY),
        Heading(1, "3. Contributors"),
        Heading(2, "References"),
        Paragraph(BODY),
    ]
    assert _ids(blocks)[-1] == ("3.1", "References")


def test_positions_under_the_title_heading_count_from_it() -> None:
    blocks = [Heading(1, "Guide"), Paragraph(BODY), Heading(2, "Setup"), Paragraph(BODY), Heading(2, "Use")]
    doc = document_from_blocks("guide", "", [*blocks, Paragraph(BODY)])
    assert [(s.id, s.title) for s in doc.sections] == [(FRONT, "Guide"), ("1.1", "Setup"), ("1.2", "Use")]


def test_text_before_the_first_heading_is_front_matter_named_for_the_document() -> None:
    doc = document_from_blocks("doc", "The Title", [Paragraph(BODY), Heading(1, "1. Body"), Paragraph(BODY)])
    assert [(s.id, s.title) for s in doc.sections] == [(FRONT, "The Title"), ("1", "Body")]


def test_an_annex_takes_its_title_from_the_heading_under_it() -> None:
    blocks = [Heading(1, "ANNEX"), Heading(2, "List of conferences"), Paragraph(BODY)]
    assert _ids(blocks) == [("Annex", "List of conferences")]


def test_a_clashing_number_is_prefixed_by_its_parent() -> None:
    blocks = [
        Heading(1, "Chapter 1 Basics"),
        Heading(2, "1. Setup"),
        Paragraph(BODY),
        Heading(1, "Chapter 2 More"),
        Heading(2, "1. Setup again"),
        Paragraph(BODY),
    ]
    assert _ids(blocks) == [("1", "Setup"), ("Chapter 2.1", "Setup again")]


def test_the_numbered_children_of_a_renamed_heading_follow_its_new_id() -> None:
    blocks = [
        Heading(1, "Abstract"),
        Paragraph(BODY),
        Heading(1, "Contents"),
        Heading(2, "2. Basics"),
        Paragraph(BODY),
        Heading(3, "2.1. Setup"),
        Paragraph(BODY),
        Heading(2, "2. Packaging Tools"),  # an appendix numbered from 1 again
        Paragraph(BODY),
        Heading(3, "2.1. distutils"),
        Paragraph(BODY),
        Heading(3, "2.3. dh-python"),
        Paragraph(BODY),
    ]
    ids = [ident for ident, _ in _ids(blocks)]
    assert ids == ["1", "2", "2.1", "Contents.2", "Contents.2.1", "Contents.2.3"]


def test_a_paragraph_continued_after_a_page_break_is_one_paragraph_on_two_pages() -> None:
    blocks = [
        Heading(1, "1. Costs", 3),
        Paragraph("Transfer fees for small amounts remain high and co-", 3),
        Paragraph("development projects pay for schools.", 4, continued=True),
    ]
    doc = document_from_blocks("doc", "", blocks)
    body = doc.text[doc.sections[0].body_start : doc.sections[0].end].strip()
    assert body == "Transfer fees for small amounts remain high and co-development projects pay for schools."
    start = doc.text.index("Transfer")
    assert doc.page_at(start) == 3 and doc.page_at(doc.text.index("projects")) == 4


def test_footnotes_belong_to_the_section_whose_text_marks_them() -> None:
    blocks = [
        Heading(1, "1. First", 1),
        Paragraph(BODY, 1, notes=(1,)),
        Heading(1, "2. Second", 1),
        Paragraph(BODY, 1),
        Footnote(1, "The source of the figure.", 1),
    ]
    doc = document_from_blocks("doc", "", blocks)
    (note,) = doc.footnotes
    assert note.section == "1" and doc.text[note.start : note.end] == "The source of the figure."


def test_notes_numbered_from_1_in_every_chapter_belong_to_their_own_chapters() -> None:
    blocks = [
        Heading(1, "Chapter 1", 1),
        Paragraph(BODY, 1, notes=(1,)),
        Heading(1, "Chapter 2", 2),
        Paragraph(BODY, 2, notes=(1,)),
        Paragraph(BODY, 2, notes=(1,)),  # the chapter marks its note 1 twice
        Heading(1, "Chapter 3", 3),
        Paragraph(BODY, 3, notes=(2,)),
        Footnote(1, "The first chapter's note.", 1),
        Footnote(1, "The second chapter's note.", 2),
        Footnote(2, "The third chapter's note.", 3),
    ]
    doc = document_from_blocks("book", "", blocks)
    assert [note.section for note in doc.footnotes] == ["Chapter 1", "Chapter 2", "Chapter 3"]


def test_a_format_without_pages_cites_none() -> None:
    doc = document_from_blocks("doc", "", [Heading(1, "1. Only"), Paragraph(BODY)])
    assert doc.page_at(0) is None and doc.page_at(len(doc.text) - 1) is None


def test_plain_text_finds_a_licence_numbered_from_zero_with_titles_ending_in_a_stop() -> None:
    raw = "\n\n".join(
        [
            "                       TERMS AND CONDITIONS",
            "  0. Definitions.",
            f"  {BODY}",
            "  1. Source Code.",
            f"  {BODY}",
            "  2. Basic Permissions.",
            f"  {BODY}",
            "                     END OF TERMS AND CONDITIONS",
        ]
    )
    doc = parse_plaintext(raw, document="licence")
    assert [(s.id, s.title) for s in doc.sections][-3:] == [
        ("0", "Definitions"),
        ("1", "Source Code"),
        ("2", "Basic Permissions"),
    ]
    assert doc.page_at(0) is None


def test_plain_text_numbered_list_items_that_read_as_sentences_are_not_headings() -> None:
    tracker = HeadingTracker()
    assert tracker.classify(["1. Introduction"]) is not None
    assert tracker.classify(["2. Ensure that every migrant is told of these rights."]) is None


def test_plain_text_run_in_headings_start_their_own_body() -> None:
    raw = "\n\n".join(
        [
            "1. Definitions.",
            BODY,
            "2. Grant of Licence. Subject to the terms of this licence, you may copy the work.",
        ]
    )
    doc = parse_plaintext(raw, document="licence")
    second = doc.sections[-1]
    assert (second.id, second.title) == ("2", "Grant of Licence")
    assert doc.text[second.body_start : second.end].strip().startswith("Subject to the terms")


def test_a_document_without_headings_is_one_front_section() -> None:
    doc = document_from_blocks("doc", "Notes", [Paragraph(BODY), Paragraph(BODY)])
    assert [(s.id, s.title) for s in doc.sections] == [(FRONT, "Notes")]


def test_a_lone_top_heading_over_an_introduction_is_the_title_and_its_text_the_front_matter() -> None:
    blocks = [Heading(1, "Release process"), Paragraph(BODY), Heading(2, "1. Prepare"), Paragraph(BODY)]
    doc = document_from_blocks("doc", "", blocks)
    assert doc.title == "Release process"
    assert [(s.id, s.title) for s in doc.sections] == [(FRONT, "Release process"), ("1", "Prepare")]
    front = doc.sections[0]
    assert doc.text[front.body_start : front.end].strip() == BODY


def test_steps_keep_their_printed_label() -> None:
    assert _ids([Heading(1, "Step 2: Update the changelog"), Paragraph(BODY)]) == [
        ("Step 2", "Update the changelog")
    ]


def test_a_numbered_paragraph_whose_first_line_runs_on_keeps_that_line_in_its_text() -> None:
    first_line = "The rights granted under this License will terminate automatically"
    raw = "\n\n".join(
        [
            "1. Termination",
            f"1.1. {first_line}\nif You fail to comply with any of its terms.",
            "1.2. Definitions\n(a) a term defined here.",
        ]
    )
    doc = parse_plaintext(raw, document="licence")
    first, second = doc.sections[-2:]
    assert (first.id, first.title) == ("1.1", first_line)
    body = " ".join(doc.text[first.body_start : first.end].split())
    assert body == f"{first_line} if You fail to comply with any of its terms."
    # A line the next does not continue is a heading of its own, as before.
    assert (second.id, second.title) == ("1.2", "Definitions")
    assert doc.text[second.body_start : second.end].strip().startswith("(a) a term")


def test_a_numbered_clause_whose_next_line_starts_with_a_name_keeps_its_first_line_too() -> None:
    """The GPL 2's and LGPL 2.1's clauses: the first line runs on into "License", "Program", "WARRANTY"."""
    clauses = [
        "  0. This License Agreement applies to any software library or other\n"
        "program which contains a notice placed by the copyright holder or\n"
        "other authorized party saying it may be distributed under the terms.",
        "  1. You may opt to apply the terms of the ordinary GNU General Public\n"
        "License instead of this License to a given copy of the Library.  To do\n"
        "this, you must alter all the notices that refer to this License.",
        "  2. Warranty\nThere is no warranty for the Library, to the extent permitted by law.",
    ]
    doc = parse_plaintext("\n\n".join(clauses), document="lgpl")
    by_id = {s.id: s for s in doc.sections}
    body = " ".join(doc.text[by_id["1"].body_start : by_id["1"].end].split())
    assert body.startswith(
        "You may opt to apply the terms of the ordinary GNU General Public License instead"
    )
    # A short first line over its text is still a title.
    assert by_id["2"].title == "Warranty"


def test_a_title_with_lower_case_minor_words_and_a_stop_is_a_heading_and_numbering_goes_on() -> None:
    raw = "\n\n".join(
        [
            "1. Inability to Comply Due to Statute or Regulation.",
            f"     {BODY}",
            "2. Application of this License.",
            f"     {BODY}",
            "3. Versions of the License.",
            f"     {BODY}",
        ]
    )
    doc = parse_plaintext(raw, document="licence")
    assert [(s.id, s.title) for s in doc.sections][-3:] == [
        ("1", "Inability to Comply Due to Statute or Regulation"),
        ("2", "Application of this License"),
        ("3", "Versions of the License"),
    ]


def test_a_numbered_title_ending_in_a_stop_over_its_body_is_a_heading() -> None:
    raw = "\n\n".join(
        [
            "1. Source Code License.",
            "     1.1. The Initial Developer Grant.\n     The Initial Developer hereby grants You a licence.",
            "     1.2. Contributor Grant.\n     Each Contributor hereby grants You a licence.",
        ]
    )
    doc = parse_plaintext(raw, document="licence")
    assert [(s.id, s.title) for s in doc.sections][-2:] == [
        ("1.1", "The Initial Developer Grant"),
        ("1.2", "Contributor Grant"),
    ]
    first = doc.sections[-2]
    body = doc.text[first.body_start : first.end].strip()
    assert body == "The Initial Developer hereby grants You a licence."


def test_a_man_page_is_titled_by_its_name_line_and_other_documents_keep_their_title() -> None:
    text = "NAME\n\ntar - an archiving utility\n\nSYNOPSIS\n\ntar -c [-f ARCHIVE] [FILE...]"
    sections = [SectionSpan("1", "NAME", 0, 6, 34), SectionSpan("2", "SYNOPSIS", 34, 44, len(text))]
    assert ParsedDocument("tar", "NAME", text, sections).man_title() == "tar - an archiving utility"
    assert ParsedDocument("tar", "TAR(1) GNU TAR Manual TAR(1)", text, sections).man_title() == (
        "tar - an archiving utility"
    )
    # A document titled otherwise, or whose first section is no NAME, keeps its own title.
    assert ParsedDocument("tar", "Tape archives", text, sections).man_title() is None
    assert ParsedDocument("x", "NAME", text, [SectionSpan("1", "Names", 0, 6, 34)]).man_title() is None
