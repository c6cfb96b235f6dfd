"""Glyphs as a PDF places them, read into lines: baselines, superscript markers, TeX's accents.

The PDF reader (``ingest.pdf``) gets each glyph's character, origin, size, weight and, where
the PDF boxes it, its right edge.  Lines are glyphs on one baseline, read left to right; small
raised digits are footnote markers, kept as numbers apart from the text; an accent TeX's
default fonts print as a glyph of its own joins the letter under it.  Pure functions: nothing
here opens a PDF.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

MARKER_SHARE = 0.86
"""A footnote marker's size at most, as a share of its line's."""


@dataclass(frozen=True)
class Glyph:
    """One character as placed: ``y`` is its baseline measured down from the top of the page."""

    char: str
    x: float
    y: float
    size: float
    bold: bool
    right: float | None = None
    """Where the glyph ends, when the PDF says (its box); else it is taken as half an em wide."""
    mono: bool = False
    """Set in a monospaced font: code."""

    @property
    def end(self) -> float:
        return self.right if self.right is not None else self.x + 0.5 * self.size


@dataclass(frozen=True)
class PageGlyphs:
    """A page's glyphs in content order, the page number to cite, and the label the PDF gives the page."""

    page: int
    glyphs: tuple[Glyph, ...]
    label: str = ""
    """As printed ("iv" in a book's front matter), as a running head may print it; "" if the PDF has none."""


@dataclass(frozen=True)
class Line:
    """A line of text with its markers taken out (``notes``) and its layout."""

    text: str
    y: float
    x0: float
    x1: float
    size: float
    bold: bool
    notes: tuple[int, ...] = ()
    lead: int | None = None
    """A raised number the line starts with (a footnote's number printed as a superscript)."""
    glyphs: tuple[Glyph, ...] = field(default=(), compare=False, repr=False)
    """What it was read from: a line across two columns is cut in two there (``columns``)."""
    mono: bool = False
    """Set in a monospaced font, nine glyphs in ten of its type: a line of code."""


def lines_of(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into lines by baseline, top to bottom; raised small digits become notes."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (round(g.y, 1), g.x)):
        if rows:
            row = rows[-1]
            main = max(row, key=lambda g: g.size)
            if abs(glyph.y - main.y) <= 0.5 * max(main.size, glyph.size):
                row.append(glyph)
                continue
        rows.append([glyph])
    return [line for row in _without_margin_notes(rows) if (line := _line(row)) is not None]


# A spacing accent as TeX's default (OT1) fonts print it over or under a letter: its combining mark.
_ACCENTS = dict(
    zip(
        "\u00b4`\u00a8\u02c6\u02dc\u00b8\u02c7\u02d8\u00af\u02d9\u02da\u02dd\u02db",
        map(chr, (0x301, 0x300, 0x308, 0x302, 0x303, 0x327, 0x30C, 0x306, 0x304, 0x307, 0x30A, 0x30B, 0x328)),
        strict=True,
    )
)

_ACCENT_WIDTH = {"\u02d9": 0.28, "\u02da": 0.75, "\u00b8": 0.44}
"""An accent's width in em where not half of one (Computer Modern's)."""


def _accented(row: list[Glyph]) -> list[Glyph]:
    """A spacing accent set over a letter (``\\'e`` in TeX: U+00B4 and "e") joins it ("é").

    The letter stands where the accent does (a letter that ends before the accent's far edge,
    as "t" before a tilde in "first~step", is none of its).  PDFium puts a space after an accent
    raised over a capital ("E", accent, " cole"): it goes unless the next glyph stands a word
    space past the letter, whose width the accent, centred over it, tells.
    """
    accents = [g for g in row if g.char in _ACCENTS and g.size > 0]
    out = list(row)
    for accent in accents:
        letters = [
            g
            for g in out
            if g.char.isalpha()
            and g.char not in _ACCENTS
            and abs(g.size - accent.size) <= 0.1 * accent.size
            and -0.35 * accent.size <= g.x - accent.x <= 0.15 * accent.size
        ]
        if not letters:
            continue
        letter = min(letters, key=lambda g: abs(g.x - accent.x))
        end = letter.x + 2 * (accent.x - letter.x) + _ACCENT_WIDTH.get(accent.char, 0.5) * accent.size
        following = min(
            (g.x for g in out if g.size > 0 and g.x > letter.x and g is not accent), default=math.inf
        )
        if following < end - 0.15 * accent.size:  # a letter that ends before the accent: a tilde after it
            continue
        base = {"\u0131": "i", "\u0237": "j"}.get(letter.char, letter.char)
        char = unicodedata.normalize("NFC", base + _ACCENTS[accent.char])
        joined = accent.y < letter.y and following < end + 0.15 * accent.size
        out = [
            replace(g, char=char) if g is letter else g
            for g in out
            if g is not accent
            and not (joined and g.size == 0 and g.y == accent.y and 0 <= g.x - accent.x < 0.05)
        ]
    return out


NOTE_SHARE = 0.85
"""A margin note's type at most, as a share of the text's."""
NOTE_GAP = 0.6
"""A margin note's distance from the line's text at least, in ems of the text: more than a word space
in its smaller type (a code line that overflows the margin has only those)."""


def _without_margin_notes(rows: list[list[Glyph]]) -> list[list[Glyph]]:
    """The page's rows without the notes set in its right margin, in smaller type, beside its text.

    LaTeX's ``\\marginpar`` sets "Addition in TeX" beside a line's end ("which makes it") on its
    baseline, and read across, the note ran into the sentence ("makes itAddition in TEX
    possible").  The text's right edge is where nine in ten of the page's lines in its
    commonest type end; a run of smaller type that starts 0.6 em or more past the line's last
    glyph, in the text's type, and beyond that edge, and ends the line, goes.  A code line that
    overflows the edge is in its smaller type throughout; a bullet or a line number stands on the left.
    """
    sizes = Counter(round(g.size, 1) for row in rows for g in row if not g.char.isspace() and g.size > 0)
    if not sizes:
        return rows
    size = sizes.most_common(1)[0][0]
    ends = sorted(
        max(g.end for g in line)
        for row in rows
        if len(line := [g for g in row if round(g.size, 1) == size and not g.char.isspace()]) >= 20
    )
    if len(ends) < 5:
        return rows
    right = ends[int(0.9 * (len(ends) - 1))] + 0.5 * size
    out = []
    for row in rows:
        visible = sorted((g for g in row if not g.char.isspace() and g.size > 0), key=lambda g: g.x)
        cut = next(
            (
                k
                for k in range(1, len(visible))
                if visible[k].x > right
                and visible[k].x - visible[k - 1].end >= NOTE_GAP * size
                and visible[k - 1].size > NOTE_SHARE * size
            ),
            None,
        )
        if cut is not None and all(g.size <= NOTE_SHARE * size for g in visible[cut:]):
            edge = visible[cut].x
            row = [g for g in row if g.x < edge]
        out.append(row)
    return out


def _line(row: list[Glyph]) -> Line | None:
    row = _accented(row)
    visible = [g for g in row if not g.char.isspace()]
    if not visible:
        return None
    size = Counter(round(g.size, 1) for g in visible).most_common(1)[0][0]
    base = Counter(round(g.y, 1) for g in visible if round(g.size, 1) == size).most_common(1)[0][0]
    ordered = sorted(row, key=lambda g: g.x)
    text = ""
    notes: list[int] = []
    lead: int | None = None
    marker = ""
    marker_end = 0.0
    for glyph in ordered:
        # Smaller and raised: a superscript (HTML's <sup> prints at 83% of the text, a typesetter's smaller).
        raised = glyph.size <= MARKER_SHARE * size and glyph.y < base - 0.15 * size and glyph.char.isdigit()
        if raised:
            marker += glyph.char
            marker_end = glyph.x + 0.56 * glyph.size
            continue
        if marker:
            if text.strip():
                notes.append(int(marker))
            else:
                lead = int(marker)
            if glyph.x - marker_end > 0.15 * size:  # the space after a marker, if the PDF has none
                text += " "
            marker = ""
        text += " " if glyph.char.isspace() else glyph.char
    if marker:
        if text.strip():
            notes.append(int(marker))
        else:
            lead = int(marker)
    body = [g for g in visible if round(g.size, 1) == size]
    bold = sum(g.bold for g in body) >= 0.9 * len(body)
    mono = sum(g.mono for g in body) >= 0.9 * len(body)
    last = ordered[-1]
    return Line(
        text=" ".join(text.split()),
        y=base,
        x0=min(g.x for g in visible),
        x1=last.x + 0.5 * last.size,
        size=size,
        bold=bold,
        mono=mono,
        notes=tuple(notes),
        lead=lead,
        glyphs=tuple(row),
    )
