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
