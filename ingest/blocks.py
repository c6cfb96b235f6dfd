"""What a format reader says it saw, in reading order: headings, paragraphs and footnotes.

Every reader (Markdown, HTML, PDF) emits these blocks and nothing else;
``ingest.outline`` turns them into a ParsedDocument with the document's own outline.
A reader never numbers sections: it gives each heading's level and its text as
printed, label included ("A. THE WAY ...", "3.2 Scope", "Article 12 - Remedies").
Formats without pages give ``page=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Heading:
    """A heading as printed, with its nesting level (1 is the outermost the reader saw)."""

    level: int
    text: str
    page: int | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text.

    ``continued`` marks the rest of the previous paragraph after a page break (PDF): the
    two are joined into one paragraph, and the page changes at the join.  ``notes`` are
    the footnote numbers whose markers stood in it (markers themselves are dropped).
    """

    text: str
    page: int | None = None
    continued: bool = False
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Footnote:
    """A footnote's text without its number, and the page it is printed on."""

    number: int
    text: str
    page: int | None = None


Block = Heading | Paragraph | Footnote


def clean(text: str) -> str:
    """Runs of spaces to one, lines trimmed, no blank lines inside (they separate paragraphs)."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
