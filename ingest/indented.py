"""Plain text whose body is indented under headings at the margin: a man page saved as text.

``man find > find.txt`` prints ``NAME``, ``DESCRIPTION``, ``OPTIONS`` at the margin,
subsections (``   TESTS``) a little in, and every line of text further in.  The report's
reader (``ingest.plaintext``) reads numbering and capitals, not indentation, and found
three sections in find's page, taken from options numbered ``0`` to ``3``.  Here a short
line set out from the body, with the body under it, is a heading: level 1 at the margin,
level 2 between the margin and the body.  The blocks go through the outline every format
shares (``ingest.outline``), so a printed label ("1.  Introduction") is still the id.
A word the formatter hyphenated at a line end (U+2010 HYPHEN, ``ex`` / ``pression``) is whole.
"""

from __future__ import annotations

import re

from ingest.blocks import Block, Heading, Paragraph
from ingest.document import ParsedDocument
from ingest.outline import document_from_blocks

BODY_SHARE = 0.9
"""The share of the text's inner lines at the body's indentation or deeper."""
MIN_BODY_INDENT = 3
MAX_HEADING_CHARS = 80
SPACES = re.compile(r"[ \t\u00a0]{2,}")
"""Runs of spaces a text's layout leaves between words, read as one (the text reader's too)."""
_SOFT_HYPHEN_END = re.compile(r"[A-Za-z]\u2010$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def body_indent(lines: list[str]) -> int:
    """The deepest indentation that ``BODY_SHARE`` of the inner lines reach; 0 for none.

    An inner line follows another line of text: a heading never is one (a blank line comes
    before it), and the text under a heading always starts with one.
    """
    indents = sorted(
        _indent(line) for i, line in enumerate(lines) if i > 0 and line.strip() and lines[i - 1].strip()
    )
    if not indents:
        return 0
    return indents[int(len(indents) * (1 - BODY_SHARE))]


def _headings(lines: list[str], body: int) -> dict[int, int]:
    """The lines that are headings, with their level: short, set out from the body, set in text under them."""
    found: dict[int, int] = {}
    for i, line in enumerate(lines):
        text = line.strip()
        indent = _indent(line)
        if not text or indent >= body or len(text) > MAX_HEADING_CHARS:
            continue
        if i > 0 and lines[i - 1].strip() and i - 1 not in found:
            continue  # the last line of a paragraph set out from the body
        following = next((later for later in lines[i + 1 :] if later.strip()), None)
        if following is not None and _indent(following) > indent:  # its body, or a subsection
            found[i] = 1 if indent == 0 else 2
    return found


def is_indented(raw: str) -> bool:
    """Whether ``raw`` is laid out so: an indented body, and two headings or more at the margin.

    Every line at the margin must stand alone, a blank line before it and nothing or text set
    further in after it: a report or a licence whose paragraphs start at the margin is not.
    """
    lines = raw.replace("\f", "").expandtabs().split("\n")
    body = body_indent(lines)
    if body < MIN_BODY_INDENT:
        return False
    for i, line in enumerate(lines):
        if line.strip() and _indent(line) == 0:
            after = lines[i + 1] if i + 1 < len(lines) else ""
            if (i > 0 and lines[i - 1].strip()) or (after.strip() and _indent(after) == 0):
                return False
    return sum(1 for level in _headings(lines, body).values() if level == 1) >= 2


def parse_indented(raw: str, *, document: str) -> ParsedDocument:
    """Read an indented-body text into the shared outline; pages at form feeds, if any."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").expandtabs().split("\n")
    page: int | None = 1 if any(line.startswith("\f") for line in lines) else None
    body = body_indent([line.lstrip("\f") for line in lines])
    headings = _headings([line.lstrip("\f") for line in lines], body)
    title = ""
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_page = page

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(_join(paragraph), paragraph_page))
            paragraph.clear()

    for i, raw_line in enumerate(lines):
        if raw_line.startswith("\f") and page is not None and i > 0:
            flush()
            page += 1
        line = raw_line.lstrip("\f")
        text = SPACES.sub(" ", line.strip())
        if i in headings:
            flush()
            blocks.append(Heading(headings[i], text, page))
        elif not text:
            flush()
        elif not blocks and not paragraph and not title and i + 1 < len(lines) and not lines[i + 1].strip():
            title = text  # a line alone atop the text: "FIND(1) General Commands Manual FIND(1)"
        else:
            if not paragraph:
                paragraph_page = page
            paragraph.append(text)
    flush()
    return document_from_blocks(document, title, blocks)


def _join(lines: list[str]) -> str:
    """One paragraph's lines: a formatter's hyphen at a line end joins the word's halves."""
    out = lines[0]
    for line in lines[1:]:
        if _SOFT_HYPHEN_END.search(out) and line[:1].islower():
            out = out[:-1] + line
        else:
            out += " " + line
    return out
