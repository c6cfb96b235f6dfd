"""From a document's own headings and paragraphs (Markdown, HTML, PDF) to a ParsedDocument.

The format readers only say what they saw, in reading order: a heading of some
level, or a paragraph on some page.  This module lays them out as canonical text
(each heading and paragraph separated by a blank line) and makes one section per
heading, numbered by the heading levels (``2``, ``2.1``, ``2.1.3``); text before
the first heading is the section ``Front``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.document import ParsedDocument, SectionSpan

FRONT = "Front"
_SPACE = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    page: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int = 1


Block = Heading | Paragraph


def clean(text: str) -> str:
    """Runs of spaces to one, lines trimmed, no blank lines inside (they separate paragraphs)."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def document_from_blocks(document: str, title: str, blocks: Sequence[Block]) -> ParsedDocument:
    text = ""
    sections: list[SectionSpan] = []
    page_breaks: list[tuple[int, int]] = []
    counters: list[int] = []
    open_section: tuple[str, str, int, int] | None = None  # id, title, start, body_start

    def close(end: int) -> None:
        if open_section is not None:
            ident, heading, start, body_start = open_section
            sections.append(SectionSpan(ident, heading, start, body_start, max(end, body_start)))

    for block in blocks:
        content = clean(block.title if isinstance(block, Heading) else block.text)
        if not content:
            continue
        if text:
            text += "\n\n"
        if not page_breaks or page_breaks[-1][1] != block.page:
            page_breaks.append((len(text), block.page))
        start = len(text)
        text += content
        if isinstance(block, Heading):
            close(start)
            level = max(1, block.level)
            counters = counters[:level] + [0] * max(0, level - len(counters))
            counters[level - 1] += 1
            open_section = (".".join(str(n) for n in counters), content, start, len(text))
        elif open_section is None:
            open_section = (FRONT, title or FRONT, start, start)
    close(len(text))
    if not page_breaks or page_breaks[0][0] != 0:
        page_breaks.insert(0, (0, page_breaks[0][1] if page_breaks else 1))
    return ParsedDocument(
        document=document, title=title, text=text, sections=sections, page_breaks=page_breaks
    )
