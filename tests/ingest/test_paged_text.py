"""Plain text paged by form feeds, as an RFC is published: running heads, a table of contents, a title."""

from __future__ import annotations

from pathlib import Path

from ingest.document import ParsedDocument
from ingest.sources import parse_source, read_source

HEAD = "RFC 9999                  Widget Exchange Protocol              December 2026"


def foot(page: int) -> str:
    return f"Example, et al.              Standards Track                    [Page {page}]"


PAGES = [
    """Internet Engineering Task Force (IETF)                        A. Example
Request for Comments: 9999                                   Example Org

                      The Widget Exchange Protocol (WXP)

Abstract

   This document specifies the Widget Exchange Protocol.

Table of Contents

   1.  Introduction  . . . . . . . . . . . . . . . . . . . . . . . .   2
     1.1.  Requirements Language . . . . . . . . . . . . . . . . . .   2
   2.  Message Format  . . . . . . . . . . . . . . . . . . . . . . .   3
""",
    """1.  Introduction

   Widgets are exchanged today by ad hoc means, with a retransmission
   timer of 30 seconds by default.

1.1.  Requirements Language

   The key words "MUST" and "MAY" are to be interpreted as in BCP 14.
""",
    """2.  Message Format

   Every message starts with a fixed header of eight octets.
""",
]


def rfc(tmp_path: Path) -> ParsedDocument:
    pages = [(f"\f{HEAD}\n\n" if n else "") + f"{body}\n\n{foot(n + 1)}\n" for n, body in enumerate(PAGES)]
    path = tmp_path / "rfc9999.txt"
    path.write_text("".join(pages), encoding="utf-8")
    return parse_source(read_source(path))


def test_the_sections_are_the_numbered_headings_on_their_own_pages(tmp_path: Path) -> None:
    doc = rfc(tmp_path)
    assert [(s.id, s.title, doc.page_at(s.start)) for s in doc.sections] == [
        ("Front", "The Widget Exchange Protocol (WXP)", 1),  # the title centred on page one
        ("1", "Introduction", 2),
        ("1.1", "Requirements Language", 2),
        ("2", "Message Format", 3),
    ]


def test_running_heads_and_the_table_of_contents_are_no_text(tmp_path: Path) -> None:
    doc = rfc(tmp_path)
    assert "Standards Track" not in doc.text and "December 2026\n" not in doc.text
    assert ". . ." not in doc.text
    assert "ad hoc means, with a retransmission timer of 30 seconds" in doc.text
