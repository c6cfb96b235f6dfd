"""Plain text of kinds the report's reader was not built for: statutes, licences, books, RFCs, lists.

Each fixture is a small, realistic imitation of its kind, written here; each test pins one rule
of ``ingest.plaintext`` or ``ingest.headings`` that such text needed.
"""

from __future__ import annotations

from ingest.document import ParsedDocument
from ingest.plaintext import parse_plaintext


def outline(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(s.id, s.title) for s in doc.sections]


def body(doc: ParsedDocument, ident: str) -> str:
    section = next(s for s in doc.sections if s.id == ident)
    return doc.text[section.body_start : section.end]


STATUTE = """DATA PROTECTION ACT 2026

PART I
PRELIMINARY

Article 1
Short title and commencement

(1) This Act may be cited as the Data Protection Act 2026.

Article 2
Lawfulness of processing

1. Processing is lawful only if and to the extent that at least one of the
following applies:

(a) the data subject has given consent;

(b) processing is necessary for the performance of a contract.

2. The Minister may by regulations specify further conditions.

Article 3
Storage limitation

Personal data shall be kept for no longer than is necessary.
"""


def test_an_articles_title_on_the_line_below_it_is_its_title_though_in_sentence_case() -> None:
    doc = parse_plaintext(STATUTE, document="act")
    assert outline(doc) == [  # the title and PART I, which has no text of its own, make no section
        ("Article 1", "Short title and commencement"),
        ("Article 2", "Lawfulness of processing"),
        ("Article 3", "Storage limitation"),
    ]
    assert body(doc, "Article 1") == "(1) This Act may be cited as the Data Protection Act 2026."


def test_an_articles_numbered_paragraphs_are_its_text_not_sections() -> None:
    doc = parse_plaintext(STATUTE, document="act")
    assert body(doc, "Article 2").startswith("1. Processing is lawful only if and to the extent")
    assert "2. The Minister may by regulations" in body(doc, "Article 2")


def test_a_chapter_numbered_under_a_named_heading_is_still_a_section() -> None:
    text = "Chapter 3\nMethods\n\n1. Sampling\n\nWe drew 200 homes.\n\n2. Interviews\n\nEach took an hour.\n"
    assert outline(parse_plaintext(text, document="study")) == [("1", "Sampling"), ("2", "Interviews")]
    # In sentence case too, on a line of its own: only a sentence that runs on is a paragraph.
    text = "Chapter 3\n\n1. Why we need migration data\n\nWe drew homes.\n\n2. How we asked\n\nBy phone."
    assert [s.id for s in parse_plaintext(text, document="study").sections] == ["1", "2"]


POSIX_MODE = """Bash POSIX Mode
===============

Starting Bash with the '--posix' option changes its behaviour.

The following list is what's changed when 'POSIX mode' is in effect:

  1. Bash ensures that the 'POSIXLY_CORRECT' variable is set, so that
     programs it runs see it.

  2. When a command in the hash table no longer exists, Bash will
     re-search '$PATH' to find the new location.

  3. Bash will not insert a command without the execute bit set into the
     command hash table.
"""


def test_numbered_sentences_after_a_colon_are_the_lists_items_not_sections() -> None:
    doc = parse_plaintext(POSIX_MODE, document="posix")
    assert outline(doc) == [("Front", "Bash POSIX Mode")]
    assert "2. When a command in the hash table no longer exists" in doc.text


def test_numbered_clauses_that_read_as_sentences_stay_sections_with_no_colon_before() -> None:
    licence = (
        "TERMS AND CONDITIONS\n\n"
        "  1. You may copy and distribute verbatim copies of the Program's\n"
        "source code as you receive it.\n\n"
        "  2. You may modify your copy of the Program, provided that you also\n"
        "meet all of these conditions:\n\n"
        "    a) You must cause the modified files to carry notices.\n\n"
        "  3. You may copy and distribute the Program (or a work based on it,\n"
        "under Section 2) in object code form.\n"
    )
    doc = parse_plaintext(licence, document="gpl")
    assert [s.id for s in doc.sections] == ["1", "2", "3"]
    # The third clause's first line wraps at a comma: still the clause, its sentence whole.
    assert body(doc, "3").startswith("You may copy and distribute the Program (or a work based on it, under")


def test_an_appendix_over_a_line_that_introduces_a_list_keeps_that_line_as_text() -> None:
    text = (
        "1. Definitions\n\nThe Work means the software.\n\nAppendix\n\n"
        "'Compatible Licences' according to Article 5 are:\n\n- GNU General Public License v. 3\n"
    )
    doc = parse_plaintext(text, document="eupl")
    assert outline(doc)[-1] == ("Appendix", "Appendix")
    assert body(doc, "Appendix").startswith("'Compatible Licences' according to Article 5 are:")


def test_an_appendixs_lettered_subsections_are_its_sections() -> None:
    text = (
        "1.  Introduction\n\n   The protocol moves files.\n\n"
        "Appendix A.  Examples\n\n   This appendix is non-normative.\n\n"
        "A.1.  A Simple Transfer\n\n   C: GET /file\n\n"
        "A.1.1.  With a Range\n\n   C: GET /file 0-99\n\n"
        "A.2.  A Failed Transfer\n\n   S: 404\n"
    )
    doc = parse_plaintext(text, document="rfc")
    assert [s.id for s in doc.sections] == ["1", "Appendix A", "A.1", "A.1.1", "A.2"]
    assert body(doc, "A.2") == "S: 404"


BOOK = """The Project Gutenberg eBook of The Example Voyage, by Jane Writer

This eBook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: The Example Voyage
       and Other Tales

Author: Jane Writer

*** START OF THE PROJECT GUTENBERG EBOOK THE EXAMPLE VOYAGE ***

Produced by Volunteers at Distributed Proofreaders

THE EXAMPLE VOYAGE

BOOK ONE

I

The harbour lay still under a grey sky when the ship made ready to sail.

II

For three days the wind held fair.

BOOK TWO

I

A year passed before anyone spoke of the voyage again.

*** END OF THE PROJECT GUTENBERG EBOOK THE EXAMPLE VOYAGE ***

Section 1. General Terms of Use and Redistributing Project Gutenberg
electronic works

1.A. By reading or using any part of this Project Gutenberg electronic
work, you indicate that you have read this license.
"""


def test_project_gutenbergs_header_and_licence_are_not_the_book() -> None:
    doc = parse_plaintext(BOOK, document="voyage")
    assert doc.title == "The Example Voyage and Other Tales"
    assert "Gutenberg" not in doc.text and "Produced by" not in doc.text
    assert doc.text.startswith("BOOK ONE")
    assert doc.text.endswith("A year passed before anyone spoke of the voyage again.")


def test_a_books_chapters_numbered_by_a_numeral_alone_are_sections_of_their_book() -> None:
    doc = parse_plaintext(BOOK, document="voyage")
    assert [s.id for s in doc.sections] == ["Book One.I", "Book One.II", "Book Two.I"]
    assert body(doc, "Book One.II") == "For three days the wind held fair."


def test_chapters_numbered_alone_run_past_fifteen() -> None:
    chapters = "".join(f"{numeral}\n\nThe story goes on.\n\n" for numeral in ["I", "II", "III"])
    late = "".join(f"{numeral}\n\nStill going.\n\n" for numeral in ["IV", "V", "VI", "VII", "VIII", "IX"])
    more = "".join(f"{n}\n\nAnd on.\n\n" for n in ["X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"])
    doc = parse_plaintext("A NOVEL\n\n" + chapters + late + more, document="novel")
    assert [s.id for s in doc.sections][-3:] == ["XV", "XVI", "XVII"]


def test_text_struck_over_as_nroff_prints_bold_and_underline_reads_plain() -> None:
    bold = "".join(f"{c}\b{c}" for c in "Basics of Text Processing")
    underline = "".join(f"_\b{c}" for c in "macros")
    doc = parse_plaintext(f"1.  {bold}\n\nThe {underline} set the page.\n", document="meintro")
    assert outline(doc) == [("1", "Basics of Text Processing")]
    assert body(doc, "1") == "The macros set the page."


CC0_LIST = """Creative Commons Legal Code

1. Copyright and Related Rights. A Work made available under CC0 may be
protected by copyright and related or neighboring rights. Copyright and
Related Rights include, but are not limited to, the following:

  i. the right to reproduce, adapt, distribute, perform, display,
     communicate, and translate a Work;
 ii. moral rights retained by the original author(s) and/or performer(s);
iii. publicity and privacy rights pertaining to a person's image or
     likeness depicted in a Work;
 iv. rights protecting against unfair competition in regards to a Work,
     subject to the limitations in paragraph 4(a), below;
  v. rights protecting the extraction, dissemination, use and reuse of data
     in a Work;
 vi. database rights (such as those arising under Directive 96/9/EC of the
     European Parliament and of the Council of 11 March 1996 on the legal
     protection of databases); and

2. Waiver. To the greatest extent permitted by, but not in contravention
of, applicable law, Affirmer hereby waives all of his or her rights.
"""


def test_a_list_with_right_aligned_numerals_is_not_a_page_per_item() -> None:
    doc = parse_plaintext(CC0_LIST, document="cc0")
    assert {page for _, page in doc.page_breaks} == {None}
    assert "and/or performer(s); iii. publicity" in doc.text


README = """GNU Example
===========

This is GNU Example, version 1.0.

Introduction
------------

Example greets the world.

Reporting Bugs
--------------

Send bug reports to the address below.

6.11 POSIX Mode
---------------

Example conforms to POSIX when asked.
"""


def test_lines_underlined_as_readmes_head_them_are_sections_the_top_one_the_title() -> None:
    doc = parse_plaintext(README, document="README")
    assert doc.title == "GNU Example"
    assert outline(doc) == [
        ("Front", "GNU Example"),
        ("1", "Introduction"),
        ("2", "Reporting Bugs"),
        ("6.11", "POSIX Mode"),  # a printed label is the id, in sequence or not
    ]
    assert [s.positional for s in doc.sections] == [False, True, True, False]
    assert body(doc, "2") == "Send bug reports to the address below."


def test_a_rule_under_a_paragraph_or_standing_alone_heads_nothing() -> None:
    text = "Intro\n\nThe first line of text\nand its second line\n-----\n\nMore text.\n\n=====\n\nEnd.\n"
    assert [s.id for s in parse_plaintext(text, document="notes").sections] == ["Front"]


def test_a_lists_items_keep_their_lines_and_a_wrapped_number_does_not_start_one() -> None:
    text = (
        "1. Installation\n\n"
        "Steps:\n1) Download the archive.\n2) Unpack it into a directory of\nyour choice.\n\n"
        "Action items:\n- B. Member to book the venue.\n- D. Secretary to circulate these minutes.\n\n"
        "b) The work must carry notices stating that it is released under section\n"
        "7. This requirement modifies section 4.\n"
    )
    doc = parse_plaintext(text, document="notes")
    assert body(doc, "1").split("\n\n") == [
        "Steps:\n1) Download the archive.\n2) Unpack it into a directory of your choice.",
        "Action items:\n- B. Member to book the venue.\n- D. Secretary to circulate these minutes.",
        "b) The work must carry notices stating that it is released under section 7. This requirement"
        " modifies section 4.",
    ]


def test_a_word_a_justified_pdf_broke_at_a_line_end_is_whole_where_the_text_spells_it_so() -> None:
    text = (
        "1 Introduction\n\n"
        "The policy of the Union, and its self-help programmes, follow.\n\n"
        "2 Findings\n\n"
        "Member states adopted the pol-\nicy in 2024. They chose self-\nhelp and co-\ndevelopment.\n"
    )
    doc = parse_plaintext(text, document="swd")
    expected = "Member states adopted the policy in 2024. They chose self-help and co-development."
    assert body(doc, "2") == expected


NEWS = """GNU Example NEWS                                    -*- outline -*-

* Noteworthy changes in release 3.8 (2022-09-02) [stable]

** Changes in behavior

  The -P option is now based on PCRE2 instead of the older PCRE.

** Bug fixes

  The -s option no longer suppresses "binary file matches" messages.

* Noteworthy changes in release 3.7 (2021-08-14) [stable]

  A performance regression with many patterns has been fixed.
"""


def test_emacs_outline_headings_of_a_gnu_news_file_are_sections() -> None:
    doc = parse_plaintext(NEWS, document="NEWS")
    assert doc.title == "GNU Example NEWS"
    assert outline(doc) == [
        ("Front", "GNU Example NEWS"),
        ("1.1", "Changes in behavior"),
        ("1.2", "Bug fixes"),
        ("2", "Noteworthy changes in release 3.7 (2021-08-14) [stable]"),
    ]
    assert "* Noteworthy" not in doc.text and "** Bug" not in doc.text
    assert body(doc, "1.2").startswith("The -s option no longer")


def test_starred_headings_need_no_mode_line_but_blank_separated_bullets_are_no_headings() -> None:
    readme = "* INTRODUCTION\n\n  It encrypts.\n\n* BUILD INSTRUCTIONS\n\n  Run make.\n"
    assert [s.title for s in parse_plaintext(readme, document="README").sections] == [
        "INTRODUCTION",
        "BUILD INSTRUCTIONS",
    ]
    bullets = "Known issues\n\n* The installer skips disk space\n\n* Paths with spaces fail\n\nMore.\n"
    assert [s.id for s in parse_plaintext(bullets, document="notes").sections] == ["Front"]


def test_a_codes_sections_rules_and_abbreviated_articles_are_sections_with_sentence_case_titles() -> None:
    text = (
        "Civil Procedure Rules\n\n"
        "§ 1 Scope\nThese rules govern civil actions.\n\n"
        "§ 2 Definitions\nIn these rules, a party includes a person joined.\n\n"
        "§ 12 Service of documents\nDocuments shall be served by registered post.\n\n"  # 3 to 11 repealed
        "Art. 5 Transitional provisions\nThese rules apply to pending proceedings.\n\n"
        "Rule 3 Commencement of action\nA civil action is commenced by filing a complaint.\n\n"
        "Rule 4 says more on summons than fits here.\n"
    )
    doc = parse_plaintext(text, document="rules")
    assert outline(doc)[1:] == [
        ("1", "Scope"),
        ("2", "Definitions"),
        ("12", "Service of documents"),
        ("Art. 5", "Transitional provisions"),
        ("Rule 3", "Commencement of action"),
    ]
    assert body(doc, "Rule 3").endswith("filing a complaint.\n\nRule 4 says more on summons than fits here.")


def test_a_contents_list_without_leaders_is_no_heading_over_the_entries_below_it() -> None:
    novel = (
        "A NOVEL\n\nCONTENTS\n\n  Chapter 1    The Arrival\n  Chapter 2    A Ball at Meryton\n"
        "  Chapter 3    The Visit\n  Chapter 4    Rain\n\nChapter 1\n\nIt was a day of arrivals.\n\n"
        "Chapter 2\n\nThe ball was crowded.\n\nChapter 3\n\nThey visited.\n\nChapter 4\n\nIt rained.\n"
    )
    doc = parse_plaintext(novel, document="novel")
    assert [s.id for s in doc.sections] == ["Front", "Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]
    assert body(doc, "Front").startswith("Chapter 1 The Arrival Chapter 2 A Ball")
    assert body(doc, "Chapter 1") == "It was a day of arrivals."


def test_a_figure_drawn_in_ascii_keeps_its_lines_as_drawn() -> None:
    text = (
        "1.  Message Flow\n\n"
        "   +--------+                 +--------+\n"
        "   | Client |---- REQUEST --->| Server |\n"
        "   |        |<--- RESPONSE ---|        |\n"
        "   +--------+                 +--------+\n\n"
        "                     Figure 1: Message Flow\n"
    )
    doc = parse_plaintext(text, document="rfc")
    assert body(doc, "1").split("\n\n") == [
        "+--------+                 +--------+\n"
        "| Client |---- REQUEST --->| Server |\n"
        "|        |<--- RESPONSE ---|        |\n"
        "+--------+                 +--------+",
        "Figure 1: Message Flow",
    ]


def test_a_running_header_pdftotext_puts_on_two_lines_is_no_text_nor_the_title() -> None:
    pages = [
        "EUROPEAN COMMISSION\n\nSWD(2026) 123 final\n\nEvaluation of the Partnership Framework\n\n"
        "1 Introduction\n\nThe framework was evaluated in 2025.\n\n1\n",
        "EUROPEAN COMMISSION\n\nSWD(2026) 123 final\n\n2 Findings\n\nMobility rose.\n\n2\n",
        "EUROPEAN COMMISSION\n\nSWD(2026) 123 final\n\n3 Conclusions\n\nThe framework works.\n\n3\n",
    ]
    doc = parse_plaintext("\f".join(pages), document="swd")
    assert doc.title == "Evaluation of the Partnership Framework"
    assert "EUROPEAN" not in doc.text and "SWD" not in doc.text
    assert [(s.id, doc.page_at(s.start)) for s in doc.sections][1:] == [("1", 1), ("2", 2), ("3", 3)]


def test_markdown_hashes_in_text_saved_as_txt_head_sections_but_a_root_prompt_does_not() -> None:
    text = "# Project\n\nIntro text.\n\n## Install\n\nAs root:\n\n# make install\n\n## Usage ##\n\nUse it.\n"
    doc = parse_plaintext(text, document="README")
    assert doc.title == "Project"
    assert outline(doc) == [("Front", "Project"), ("1", "Install"), ("2", "Usage")]
    assert body(doc, "1") == "As root:\n\n# make install"


LICENCE_WITH_APPENDIX = """   1. Definitions.

      "License" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 2 of this document.

   2. Grant of Copyright License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual licence.

   END OF TERMS AND CONDITIONS

   APPENDIX: How to apply the Apache License to your work.

      To apply the Apache License to your work, attach the following
      boilerplate notice, with the fields enclosed by brackets replaced.
"""


def test_a_licences_appendix_in_capitals_is_a_section_though_its_title_is_a_sentence() -> None:
    doc = parse_plaintext(LICENCE_WITH_APPENDIX, document="apache")
    assert outline(doc)[-1] == ("Appendix", "How to apply the Apache License to your work")
    assert body(doc, "Appendix").strip().startswith("To apply the Apache License")
    assert "Appendix" not in body(doc, "2")
