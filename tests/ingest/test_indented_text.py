"""Plain text whose body is indented under headings at the margin, as ``man find > find.txt`` saves it."""

from __future__ import annotations

from pathlib import Path

from ingest.indented import is_indented
from ingest.sources import parse_source, read_source

PAGE = """\
SEEK(1)                     General Commands Manual                    SEEK(1)

NAME
       seek - look for files in a directory tree

DESCRIPTION
       This manual page documents seek.  Seek walks the tree rooted at each
       starting point.  If no starting point is given, the current direc\u2010
       tory is assumed.

OPTIONS
       -O level
              Enables query optimisation.

              0      Equivalent to optimisation level 1.

              1      This is the default optimisation level.

EXPRESSION
   TESTS
       -name pattern
              Base of file name matches the shell pattern.

   ACTIONS
       -delete
              Delete files; true if removal succeeded.

SEE ALSO
       locate(1), xargs(1)
"""


def parsed(tmp_path: Path, text: str, name: str = "seek.txt"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_source(read_source(path))


def test_headings_at_the_margin_and_set_in_are_sections_and_subsections(tmp_path: Path) -> None:
    doc = parsed(tmp_path, PAGE)
    assert [(s.id, s.title) for s in doc.sections] == [
        ("1", "NAME"),
        ("2", "DESCRIPTION"),
        ("3", "OPTIONS"),
        ("4.1", "TESTS"),  # EXPRESSION has no text of its own before its first subsection
        ("4.2", "ACTIONS"),
        ("5", "SEE ALSO"),
    ]
    # Titled by its NAME line, as man -k lists it, not by its running head.
    assert doc.title == "seek - look for files in a directory tree"
    assert "General Commands Manual" not in doc.text  # the head is no passage's text


def test_numbered_lines_inside_the_body_are_text_not_headings(tmp_path: Path) -> None:
    doc = parsed(tmp_path, PAGE)
    options = next(s for s in doc.sections if s.title == "OPTIONS")
    body = doc.text[options.body_start : options.end]
    assert "1 This is the default optimisation level." in body
    assert "-O level Enables query optimisation." in body  # an option and its description: one paragraph


def test_a_word_hyphenated_at_a_line_end_is_whole_and_there_are_no_pages(tmp_path: Path) -> None:
    doc = parsed(tmp_path, PAGE)
    assert "the current directory is assumed" in doc.text and "\u2010" not in doc.text
    assert all(doc.page_at(s.start) is None for s in doc.sections)


def test_form_feeds_give_pages(tmp_path: Path) -> None:
    doc = parsed(tmp_path, PAGE.replace("OPTIONS\n", "\fOPTIONS\n"))
    assert [doc.page_at(s.start) for s in doc.sections][:3] == [1, 1, 2]


def test_text_at_the_margin_or_indented_without_margin_headings_is_read_as_before() -> None:
    licence = '   1. Definitions.\n\n      "License" means this.\n\n   2. Grant.\n\n      Each grants.\n'
    assert not is_indented(licence)  # headings set in three spaces, none at the margin: the Apache layout
    report = "A. THE DIALOGUE\n\n1. Migration grows.\n\n2. Remittances rise.\n"
    assert not is_indented(report)
    assert is_indented(PAGE)
