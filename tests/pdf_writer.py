"""Render pages of blocks to a real PDF with reportlab, laid out as reports are printed.

A test helper: one input page is one PDF page.  Headings are bold and larger by level
(16, 13 and 11.5 pt; deeper levels bold at the body size), body text is 10 pt on 12 pt
lines with 6 pt between paragraphs, footnotes sit at the bottom in 8 pt under a short
rule, with superscript markers in the body, and the page number is printed in the footer.
Lines break at spaces, after a hyphen inside a word (``co-|development``) and at soft
hyphens (U+00AD, printed as ``-`` where the line breaks), like a typesetter's.  A page
whose content does not fit is made taller rather than spilling onto a new page.

A paragraph's footnote markers stand where its text says ``[^N]``; numbers in
``Paragraph.notes`` that the text does not place are put after its last word.  A
paragraph's own line breaks (``\\n``) are kept as forced breaks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ingest.blocks import Block, Footnote, Heading, Paragraph

WIDTH, HEIGHT = A4
MARGIN = 72.0
COLUMN = WIDTH - 2 * MARGIN
BODY = 10.0
NOTE = 8.0
MARK = 6.5
RISE = 3.5
HEADING_SIZE = {1: 16.0, 2: 13.0, 3: 11.5}
HEADING_SPACE = {1: 18.0, 2: 14.0, 3: 10.0}
TITLE_SIZE = 18.0
PARAGRAPH_SPACE = 6.0
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
_MARKER = re.compile(r"\[\^(\d+)\]")
_SOFT = "\u00ad"


@dataclass(frozen=True)
class _Run:
    text: str
    font: str
    size: float
    rise: float = 0.0

    @property
    def width(self) -> float:
        return float(stringWidth(self.text, self.font, self.size))


@dataclass(frozen=True)
class _Line:
    runs: tuple[_Run, ...]
    size: float
    space_before: float


def _pieces(text: str, notes: Sequence[int]) -> list[list[str | int]]:
    """A paragraph's forced lines, each a list of words (str) and markers (int, glued to the word before)."""
    placed = {int(n) for n in _MARKER.findall(text)}
    trailing = [n for n in notes if n not in placed]
    lines: list[list[str | int]] = []
    for raw in text.split("\n"):
        line: list[str | int] = []
        for i, part in enumerate(_MARKER.split(raw)):
            if i % 2:
                line.append(int(part))
            else:
                line.extend(part.split())
        if line:
            lines.append(line)
    if lines:
        lines[-1].extend(trailing)
    return lines


def _breaks(word: str) -> list[tuple[str, str]]:
    """Where a word may break: (head as printed at a line end, tail), last break first."""
    options: list[tuple[str, str]] = []
    for i, char in enumerate(word):
        if char == _SOFT and 0 < i < len(word) - 1:
            options.append((word[:i].replace(_SOFT, "") + "-", word[i + 1 :]))
        elif char == "-" and 0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha():
            options.append((word[: i + 1].replace(_SOFT, ""), word[i + 1 :]))
    return options[::-1]


def _wrap(pieces: list[str | int], font: str, size: float) -> list[list[_Run]]:
    """Greedy line filling of words and markers to the column width."""
    lines: list[list[_Run]] = []
    current: list[_Run] = []
    width = 0.0
    queue = list(pieces)
    while queue:
        piece = queue.pop(0)
        if isinstance(piece, int):
            mark = _Run(str(piece), font, MARK * size / BODY, RISE * size / BODY)
            current.append(mark)
            width += mark.width
            continue
        gap = _Run(" ", font, size) if current else None
        word = _Run(piece.replace(_SOFT, ""), font, size)
        extra = (gap.width if gap else 0.0) + word.width
        if width + extra <= COLUMN or not current:
            current.extend([gap, word] if gap else [word])
            width += extra
            continue
        for head, tail in _breaks(piece):
            part = _Run(head, font, size)
            if gap and width + gap.width + part.width <= COLUMN:
                current.extend([gap, part])
                queue.insert(0, tail)
                break
        else:
            queue.insert(0, piece)
        lines.append(current)
        current, width = [], 0.0
    if current:
        lines.append(current)
    return lines


def _block_lines(block: Heading | Paragraph, first: bool) -> list[_Line]:
    if isinstance(block, Heading):
        size = HEADING_SIZE.get(block.level, BODY)
        space = 0.0 if first else HEADING_SPACE.get(block.level, 8.0)
        pieces: list[list[str | int]] = [list(block.text.split())]
        font = BOLD
    else:
        size, space, font = BODY, 0.0 if first else PARAGRAPH_SPACE, REGULAR
        pieces = _pieces(block.text, block.notes)
    out: list[_Line] = []
    for forced in pieces:
        for runs in _wrap(forced, font, size):
            out.append(_Line(tuple(runs), size, space if not out else 0.0))
    return out


def _note_lines(note: Footnote) -> list[_Line]:
    words: list[str | int] = [str(note.number), *note.text.split()]
    return [_Line(tuple(runs), NOTE, 0.0) for runs in _wrap(words, REGULAR, NOTE)]


def _draw(canvas: Canvas, line: _Line, y: float) -> None:
    text = canvas.beginText(MARGIN, y)
    for run in line.runs:
        text.setFont(run.font, run.size)
        text.setRise(run.rise)
        text.textOut(run.text)
    text.setRise(0)
    canvas.drawText(text)


def write_pdf(
    path: Path | str | None,
    pages: Sequence[Sequence[Block]],
    *,
    header: str | None = None,
    title: str | None = None,
    first_page: int = 1,
    bookmarks: bool = False,
    password: str | None = None,
) -> bytes:
    """Write the pages to ``path`` (if given) and return the PDF's bytes.

    ``title`` is the PDF's metadata title, also printed at the top of the first page;
    ``header`` is printed at the top of every page; ``first_page`` is the first printed
    page number, also given as the PDF's page labels when it is not 1; ``bookmarks``
    adds an outline entry per heading; ``password`` encrypts the file.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, encrypt=password, invariant=True)
    if title:
        canvas.setTitle(title)
    if first_page != 1:
        canvas.addPageLabel(0, style="D", start=first_page)
    for index, blocks in enumerate(pages):
        body: list[_Line] = []
        if index == 0 and title:
            for runs in _wrap(list(title.split()), BOLD, TITLE_SIZE):
                body.append(_Line(tuple(runs), TITLE_SIZE, 0.0))
        anchors: dict[int, Heading] = {}
        for block in blocks:
            if isinstance(block, Footnote):
                continue
            if isinstance(block, Heading):
                anchors[len(body)] = block
            body.extend(_block_lines(block, first=not body))
        notes = [line for block in blocks if isinstance(block, Footnote) for line in _note_lines(block)]
        needed = sum(line.space_before + line.size * 1.2 for line in body)
        notes_height = (sum(line.size * 1.2 for line in notes) + 14.0) if notes else 0.0
        room = HEIGHT - 2 * MARGIN - notes_height
        height = HEIGHT + max(0.0, needed - room)
        canvas.setPageSize((WIDTH, height))
        if header:
            canvas.setFont(REGULAR, 8)
            canvas.drawString(MARGIN, height - 40, header)
        y = height - MARGIN
        for number, line in enumerate(body):
            y -= line.space_before + line.size
            if number in anchors and bookmarks:
                heading = anchors[number]
                key = f"h{index}-{number}"
                canvas.bookmarkPage(key, fit="XYZ", top=y + line.size)
                canvas.addOutlineEntry(heading.text, key, level=heading.level - 1)
            _draw(canvas, line, y)
            y -= line.size * 0.2
        if notes:
            y = MARGIN + sum(line.size * 1.2 for line in notes) + 4.0
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, y + 2.0, MARGIN + 144.0, y + 2.0)
            for line in notes:
                y -= line.size * 1.2
                _draw(canvas, line, y + line.size * 0.2)
        canvas.setFont(REGULAR, 9)
        canvas.drawCentredString(WIDTH / 2, 40, str(first_page + index))
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def write_image_pdf(path: Path | str | None, pages: int = 1) -> bytes:
    """A PDF whose pages hold only a picture, as a scanner makes them: no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    picture = ImageReader(Image.new("L", (200, 280), color=200))
    for _ in range(pages):
        canvas.drawImage(picture, MARGIN, MARGIN, width=COLUMN, height=HEIGHT - 2 * MARGIN)
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
