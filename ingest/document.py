"""A parsed document: its canonical text, sections, footnotes and pages.

Every reader (plain text, and later other formats) produces one of these; chunking
and citations work only from it.  All spans are offsets into ``text``, the canonical
text that is stored beside the index, so any citation can be checked by slicing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

MAN_HEADER = re.compile(r"[\w.+:-]+\(\d\w*\)")
"""A man page's running head as its title: ``FIND(1) General Commands Manual FIND(1)``."""


@dataclass(frozen=True)
class SectionSpan:
    """A section of the document: ``text[start:end]`` holds its heading and body."""

    id: str
    title: str
    start: int
    body_start: int
    end: int
    positional: bool = False
    """The id is the heading's position, not a label the document prints."""


@dataclass(frozen=True)
class FootnoteSpan:
    """A footnote's text (without its number) and the section whose text refers to it."""

    number: int
    start: int
    end: int
    section: str
    page: int | None


@dataclass
class ParsedDocument:
    """What a reader makes of one source file."""

    document: str
    title: str
    text: str
    sections: list[SectionSpan]
    footnotes: list[FootnoteSpan] = field(default_factory=list)
    page_breaks: list[tuple[int, int | None]] = field(default_factory=lambda: [(0, None)])
    """``(offset, page)`` pairs, ascending: the page that starts at each offset.

    ``None`` throughout for a format without pages (Markdown, HTML, plain text with
    no page breaks): such a document is cited without a page, never an invented one.
    """
    file_pages: dict[int, int] = field(default_factory=dict)
    """Printed page -> 1-based page of the file, where they differ (a PDF's own page labels)."""

    def page_at(self, offset: int) -> int | None:
        """The page on which the character at ``offset`` stands, or ``None`` without pages."""
        offsets = [start for start, _ in self.page_breaks]
        return self.page_breaks[max(0, bisect_right(offsets, offset) - 1)][1]

    def section_at(self, offset: int) -> SectionSpan | None:
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None

    def man_title(self) -> str | None:
        """A man page's own title, ``tar - an archiving utility``: its NAME section's line.

        A man page opens with NAME, and its running head ("TAR(1) GNU TAR Manual TAR(1)") is
        dropped from a PDF as furniture, so the title found was "NAME" or that head; the NAME
        line is what ``man -k`` lists.  None for any other document.
        """
        first = self.sections[0] if self.sections else None
        if first is None or first.title != "NAME":
            return None
        if self.title != "NAME" and not MAN_HEADER.match(self.title):
            return None
        line = " ".join(self.text[first.body_start : first.end].split())
        return line if 0 < len(line) <= 120 else None
