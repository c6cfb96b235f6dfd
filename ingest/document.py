"""A parsed document: its canonical text, sections, footnotes and pages.

Every reader (plain text, and later other formats) produces one of these; chunking
and citations work only from it.  All spans are offsets into ``text``, the canonical
text that is stored beside the index, so any citation can be checked by slicing.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


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
