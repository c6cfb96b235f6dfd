"""Pages in two columns, read column by column.

A PDF's lines are found by baseline across the whole page, so a two-column page's left and
right lines at one height run together.  The gutter is found from the gaps the lines share;
then each column's glyphs are read into lines on their own, and the columns are read in
turn under whatever runs across them.  How it was measured: docs/outline.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from statistics import median_high

from ingest.glyphs import Glyph, Line, lines_of

GUTTER = 0.8
"""A gap in a line wider than this many times its type size may be a gutter between columns: LaTeX's
is one em (10 pt), a word space a third of one, stretched to two thirds at most in a justified line."""


def gutters(pages: Sequence[list[Line]], body_size: float) -> list[float | None]:
    """Each page's gutter (``_gutter``), kept where the document's layout has it.

    A page's own two columns must stand where a fifth of its pages with text, and two at
    least, have them: one page of a listing in two columns is no two-column layout.  A
    one-page document decides alone.  In a two-column document, a page whose second column
    holds a line or two (the end of a chapter) takes the document's gutter (``_second_column``).
    """
    found = [_gutter(lines) for lines in pages]
    texts = sum(1 for lines in pages if len(lines) >= 6)
    needed = 1 if texts <= 1 else max(2, math.ceil(0.2 * texts))
    agreed = [
        cut
        if cut is not None
        and sum(1 for o in found if o is not None and abs(o - cut) <= 2 * body_size) >= needed
        else None
        for cut in found
    ]
    known = sorted(cut for cut in agreed if cut is not None)
    if not known:
        return agreed
    common = known[len(known) // 2]
    return [
        cut if cut is not None else _second_column(lines, common)
        for cut, lines in zip(agreed, pages, strict=True)
    ]


def _second_column(lines: list[Line], cut: float) -> float | None:
    """``cut``, if some of the page's lines stand right of it or part there, and no more run across it."""
    beyond = sum(1 for line in lines if line.x0 > cut or any(a < cut < b for a, b in _gaps(line)))
    return cut if beyond and beyond >= sum(1 for line in lines if _across(line, cut)) else None


def columns(lines: list[Line], cut: float | None) -> list[list[Line]]:
    """A page's lines as regions in reading order: each column of a run of columns, then the next run.

    Two columns are parted by a gutter at ``cut`` (``gutters``).  A line across it (the title,
    an abstract or a heading over both columns) ends the columns above it and stands in a
    region with the lines across next to it.  The columns' glyphs are read into lines
    again, column by column: side by side, their baselines need not agree.  One column
    (``cut`` None): one region.
    """
    if cut is None:
        return [lines] if lines else []
    across: list[Line] = []
    inside: list[Glyph] = []
    for line in lines:
        if _across(line, cut):
            across.append(line)
        else:
            inside.extend(line.glyphs)
    left = lines_of(g for g in inside if g.x < cut)
    right = lines_of(g for g in inside if g.x >= cut)
    regions: list[list[Line]] = []
    band: list[Line] | None = None  # the lines across the gutter since the last column text
    top = float("-inf")
    for edge in [*across, None]:
        bottom = float("inf") if edge is None else edge.y
        parts = [part for column in (left, right) if (part := [k for k in column if top < k.y <= bottom])]
        if parts:
            regions.extend(parts)
            band = None
        if edge is not None:
            if band is None:
                band = []
                regions.append(band)
            band.append(edge)
        top = bottom
    return regions


def _visible(line: Line) -> list[Glyph]:
    return sorted((g for g in line.glyphs if not g.char.isspace()), key=lambda g: g.x)


def _gaps(line: Line) -> list[tuple[float, float]]:
    """Where a line's text leaves a gap wider than ``GUTTER`` times its size: no word space is as wide."""
    return [(a.end, b.x) for a, b in pairwise(_visible(line)) if b.x - a.end > GUTTER * line.size]


def _across(line: Line, cut: float) -> bool:
    """Whether a line's text runs across ``cut``, with no wide gap there."""
    visible = _visible(line)
    return (
        bool(visible) and visible[0].x < cut < visible[-1].x and not any(a < cut < b for a, b in _gaps(line))
    )


def _gutter(lines: list[Line]) -> float | None:
    """The x between two columns of text, if the page has two.

    Three lines at least have a gap there, in the middle half of the page's text, no fewer
    than run across it (a title, an abstract; a page's second column may hold only a few
    lines), and the lines on either side fill most of their column with words: a table's
    short cells, a listing's columns of figures, or a gap that runs down a few lines of
    one column by chance, part no columns.
    """
    if len(lines) < 6:
        return None
    left_edge, right_edge = min(line.x0 for line in lines), max(line.x1 for line in lines)
    width = right_edge - left_edge
    gaps = [_gaps(line) for line in lines]
    middles = {
        (a + b) / 2 for own in gaps for a, b in own if 0.25 * width < (a + b) / 2 - left_edge < 0.75 * width
    }
    best, count = None, 0
    for x in sorted(middles):
        found = sum(1 for own in gaps if any(a < x < b for a, b in own))
        if found > count:
            best, count = x, found
    if best is None or count < 3 or count < sum(1 for line in lines if _across(line, best)):
        return None
    cut = best
    sides: tuple[list[float], list[float]] = ([], [])
    letters = [0, 0]
    chars = [0, 0]
    for line in lines:
        visible = _visible(line)
        if not visible or _across(line, cut):
            continue
        halves = ([g for g in visible if g.x < cut], [g for g in visible if g.x >= cut])
        for n, (side, glyphs) in enumerate(zip(sides, halves, strict=True)):
            if glyphs:
                side.append(glyphs[-1].x - glyphs[0].x)
                letters[n] += sum(1 for g in glyphs if g.char.isalpha())
                chars[n] += len(glyphs)
    lefts, rights = sides
    if len(lefts) < 3 or len(rights) < 3 or min(a / b for a, b in zip(letters, chars, strict=True)) < 0.6:
        return None
    if median_high(lefts) < 0.6 * (cut - left_edge) or median_high(rights) < 0.6 * (right_edge - cut):
        return None
    return cut
