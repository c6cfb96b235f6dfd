"""Reading a PDF's layout into headings, paragraphs and footnotes, page by page.

The text of a PDF is glyphs placed on a page; the outline is in their size, weight and
spacing.  We read each glyph's character, baseline, font size and font name with
pypdfium2 (Google's PDFium, the engine of Chrome's viewer, maintained and shipped as
wheels): on the 20-page report our whole read takes 1.5 to 3 s, where pdfplumber
(pdfminer.six, pure Python) takes 11 to 13 s only to list the characters.  PDFium also
gives the page labels, bookmarks and metadata, so no second PDF library is needed.

From the glyphs (pure functions; only ``_glyphs`` opens the PDF): lines by baseline; the body
size is the most common size by character count; running headers and footers (the same text,
digits aside, at the top or bottom of most pages) and lone page numbers are dropped; a page in
two columns is read column by column (``ingest.columns``); smaller lines at the foot of a page that
start with a number are footnotes, and small raised digits in the body are their markers
(dropped, their numbers kept).  Lines join into paragraphs unless a gap wider than the line
spacing or a first-line indent parts them.  A short run of larger or bold lines, or a lone
line that starts with a section label, is a heading; its level is the rank of its size (bold
before regular), and bookmarks, where present, confirm headings and give their level.  A
reader never numbers sections: headings keep their printed text for ``ingest.outline``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise, zip_longest

from index.errors import SourceError
from ingest.blocks import Block, Footnote, Heading, Paragraph
from ingest.columns import columns, gutters
from ingest.document import ParsedDocument
from ingest.glyphs import Glyph, Line, PageGlyphs, lines_of
from ingest.headings import CONTENTS_ENTRY, follows
from ingest.hyphens import LINE_HYPHEN, Words
from ingest.labels import split_label

SENTENCE_END = (".", "!", "?", ":", ";", ")", "”", '"', "’")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—(]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—)]?(?:\s+of\s+\d{1,4})?$", re.I
)
_NOTE_START = re.compile(r"^(\d{1,3})\s*(\S.*)$")
_LABEL = re.compile(
    # A day before its month ("29 June 2007", a title page's date) is no section number, nor a number
    # before another (a listing's "0.866 0.5 -0.5 0.866 30 2 cm").
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.?(?!\s+(?:January|February|March|April|May|June|July|August|September"
    r"|October|November|December)\b)(?!\s+[-\u2010\u2212+]?\d+(?:\.\d+)?(?:\s|$))"
    r"|[A-Z]\.|[IVXLC]{1,6}\.|(?:Article|Section|Chapter|Part)\s+[\dIVXLC]+[.:]?"
    r"|Annex(?:\s+[\dIVXLC]+|\s+[A-Z])?[.:]?|Appendix\s+[A-Z\d]+[.:]?)(?:\s+\S|$)"
)
_PAGE_REFERENCE = re.compile(r"\s(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
"""A page number at a line's end, as a table of contents prints it after its entry's title."""
_DIGITS = re.compile(r"\d+")
_NUMBER_LABEL = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?")
_RUN_ON = frozenset(
    "a an the of to in on at by for from with and or nor but as than that which who whose whom".split()
)
_BOLD = re.compile(r"bold|black|heavy|demi|semibold", re.I)
_MONO = re.compile(r"mono|courier|consol|typewriter|menlo|monaco|code|cmtt|lmtt", re.I)
_FIXED_PITCH = 1
"""The font descriptor's flag for a font whose glyphs all have one width (PDF 1.7, 9.8.2)."""
_BULLET = re.compile(r"^[•◦▪▫‣∙●○■□]\s")
"""A list item's bullet: an item in bold is no heading."""
_OPTION = re.compile(r"^--?[A-Za-z0-9]")
"""A command-line option set in bold as a list's term (``--ignore-command-error``): never a heading."""


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: its level (1 is the outermost), title and page index (0-based)."""

    level: int
    title: str
    index: int


@dataclass
class _Group:
    """Consecutive lines of one style on one page: a paragraph or a heading."""

    lines: list[Line]
    page: int
    heading: int | None = None  # level, once known
    style: tuple[float, bool] | None = None  # (size, bold) of a heading by layout
    region: int = 0  # the page, or the column of a page, it stands in, counted through the document

    @property
    def size(self) -> float:
        return self.lines[0].size


# ---------------------------------------------------------------- page furniture and footnotes


def _furniture_key(line: Line) -> str:
    """A running line's text, digits aside, and its size: the title in large type atop page 1 is no header."""
    return f"{round(line.size)}|{_DIGITS.sub('#', line.text.lower())}"


def strip_furniture(
    pages: list[list[Line]],
    spacing: float,
    numbers: Sequence[int],
    body_size: float,
    labels: Sequence[str] = (),
) -> list[list[Line]]:
    """Drop running headers and footers and page numbers: lines apart from the text at a page's edge.

    A running line has the same text, digits aside, on most pages, or on two or more
    when it prints the page's own number first or last in type no larger than the body's
    (a book's "Chapter 4: Reference 9" runs over one chapter's pages only; a heading "2.
    Part 2" atop page 2 is larger).  Where such running heads print their pages' numbers,
    any first line that does is one, even once: a book's right-hand head names the
    section under way ("2.6. ENGAGING MIGRANT COMMUNITIES 9"), a front matter's its roman
    page ("iv CONTENTS"); so at the foot (Sphinx's "2.5. Remittances 5"), but for type
    smaller than the body's, where a page's footnote 1 may stand.
    A page number is a lone number, or "Page 3 of 6".  Each stands more than two line
    spacings away from the body, or one and a half for a line with no digits that repeats
    as it is, or one and a fifth for a page number that is the page's own, or half of one
    for a line in type smaller than the body's on every page (a browser's header and footer).
    ``numbers`` are the pages' cited numbers, ``labels`` the labels the PDF gives them.
    """
    edge = 2
    tops = Counter(key for lines in pages for key in {_furniture_key(line) for line in lines[:edge]})
    bottoms = Counter(key for lines in pages for key in {_furniture_key(line) for line in lines[-edge:]})
    needed = max(2, (len(pages) + 1) // 2)
    everywhere = max(3, math.ceil(0.9 * sum(1 for lines in pages if lines)))
    marks = [
        {str(number), label.lower()} - {""}
        for number, label in zip_longest(numbers, labels[: len(numbers)], fillvalue="")
    ]

    def apart(line: Line, inner: Line | None) -> bool:
        far = 1.5 if not _DIGITS.search(line.text) else 2.0
        return inner is None or abs(inner.y - line.y) > far * spacing

    def numbered(line: Line, index: int) -> bool:
        """Whether the line prints its page's number first or last, in type no larger than the body's.

        A running head too long for its measure leaves no space after the number ("6CHAPTER 2.").
        """
        words = line.text.lower().split()
        if not words or line.size > body_size + 0.4:
            return False
        number = str(numbers[index])
        glued = re.match(rf"{number}(?!\d)", words[0]) or re.search(rf"(?<!\d){number}$", words[-1])
        return bool(marks[index] & {words[0], words[-1]}) or glued is not None

    def running(top: bool) -> bool:
        """Whether the document runs heads (or feet) that print their page's number (``numbered``): two
        pages or more have one that repeats, with its number, on another page."""
        counts = tops if top else bottoms
        found = 0
        for index, lines in enumerate(pages):
            ends = lines[:2] if top else lines[::-1][:2]
            if not ends or _PAGE_NUMBER.match(ends[0].text) or counts[_furniture_key(ends[0])] < 2:
                continue
            found += apart(ends[0], ends[1] if len(ends) > 1 else None) and numbered(ends[0], index)
        return found >= 2

    heads, feet = running(top=True), running(top=False)

    def capitals(line: Line, inner: Line | None) -> bool:
        """A first line in capitals, in type no larger than the body's, more than two spacings above it."""
        letters = [c for c in line.text if c.isalpha()]
        return (
            len(letters) >= 4
            and not any(c.islower() for c in letters)
            and line.size <= body_size + 0.4
            and inner is not None
            and inner.y - line.y > 2.0 * spacing
        )

    # LaTeX's book and report classes head each page with the chapter's and the section's titles in
    # capitals ("1.2. INSTALLATION AND USAGE CHAPTER 1. GETTING STARTED"), which change from section
    # to section and need not print the page's number: where most pages open so, each such line is one.
    capital_heads = sum(
        bool(lines) and capitals(lines[0], lines[1] if len(lines) > 1 else None) for lines in pages
    )
    capital_band = len(pages) >= 4 and capital_heads >= needed

    def furniture(line: Line, inner: Line | None, counts: Counter[str], index: int, once: bool) -> bool:
        if _PAGE_NUMBER.match(line.text) and marks[index] & set(re.findall(r"\w+", line.text.lower())):
            # The page's own number ("Page 3 of 6") may stand closer: a word processor sets its footer
            # a quarter centimetre under the footnotes.
            return inner is None or abs(inner.y - line.y) > 1.2 * spacing
        count = counts[_furniture_key(line)]
        if everywhere <= count and line.size < body_size - 0.4:
            # On every page, in smaller type: a browser prints its date-and-title header and URL footer in
            # the margins, less than a line spacing from text set in large type on loose lines.
            return inner is None or abs(inner.y - line.y) > 0.5 * spacing
        if not apart(line, inner):
            return False
        if _PAGE_NUMBER.match(line.text):
            return True
        own = numbered(line, index)
        return len(pages) >= 2 and (count >= needed or (own and (count >= 2 or once)))

    out: list[list[Line]] = []
    for index, lines in enumerate(pages):
        kept = [line for line, entry in zip(lines, contents_entries(lines), strict=True) if not entry]
        if capital_band and kept and capitals(kept[0], kept[1] if len(kept) > 1 else None):
            kept.pop(0)
        for _ in range(edge):
            if kept and furniture(kept[0], kept[1] if len(kept) > 1 else None, tops, index, heads):
                kept.pop(0)
        for _ in range(edge):
            foot = kept[-1] if kept else None
            once = (
                feet and foot is not None and foot.size >= body_size - 0.4
            )  # not a footnote in smaller type
            if foot is not None and furniture(
                foot, kept[-2] if len(kept) > 1 else None, bottoms, index, once
            ):
                kept.pop()
        out.append(kept)
    return out


def contents_entries(lines: Sequence[Line]) -> list[bool]:
    """Which of a page's lines are a table of contents' entries: never a passage's text.

    An entry with dot leaders to its page number is one anywhere.  On a page with two such
    entries, so is a line next to an entry, in its type and near it, that ends with a page
    number (a chapter's entry, in bold and without leaders: "2 The Debate 5"; the second
    line of a wrapped one), or that an entry under it, set further in, continues (a
    wrapped entry's first line, "1.4 The Special Representative of the In-").
    """
    entries = [bool(CONTENTS_ENTRY.search(line.text)) for line in lines]
    if sum(entries) < 2:
        return entries
    grown = True
    while grown:
        grown = False
        for i, line in enumerate(lines):
            if entries[i]:
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(lines) or not entries[j]:
                    continue
                other = lines[j]
                near = abs(other.y - line.y) <= 3 * line.size and abs(other.size - line.size) <= 0.4
                wrapped = (
                    j == i + 1 and other.x0 - line.x0 > 0.5 * line.size and not _ends_sentence(line.text)
                )
                if near and (_PAGE_REFERENCE.search(line.text) or wrapped):
                    entries[i] = grown = True
                    break
    return entries


def split_footnotes(
    lines: list[Line], body_size: float, elsewhere: frozenset[int] = frozenset()
) -> tuple[list[Line], list[tuple[int | None, list[str]]]]:
    """Split a page's lines into body and footnotes: smaller lines at the foot that start with a number.

    The first note's number must be raised, or marked in the page's body (or ``elsewhere``
    on the page: the other column's text): a listing in small type at the foot ("2 CARD16
    MAJOR_VERSION") is body text, not footnote 2.  Up to three small lines over a note whose
    number is raised, the first starting with an unmarked number, are the end of a note the
    page before began ("12." over note 21): a note numbered None, to join that one.
    """
    start = len(lines)
    while start > 0 and lines[start - 1].size < body_size - 0.4:
        start -= 1
    while start < len(lines) and _note_number(lines[start]) is None:
        start += 1
    marked = {number for line in lines[:start] for number in line.notes} | elsewhere
    first: int | None = start
    if start < len(lines) and lines[start].lead is None and _note_number(lines[start]) not in marked:
        raised = (i for i in range(start + 1, min(start + 4, len(lines))) if lines[i].lead is not None)
        first = next(raised, None)
    if first is None or first >= len(lines):
        return lines, []
    notes: list[tuple[int | None, list[str]]] = []
    if first > start:
        notes.append((None, [line.text for line in lines[start:first]]))
    for line in lines[first:]:
        number = _note_number(line)
        last = notes[-1][0] if notes else None
        expected = last + 1 if last is not None else None
        if number is not None and (expected is None or number == expected or line.lead is not None):
            text = line.text if line.lead is not None else _NOTE_START.sub(r"\2", line.text)
            notes.append((number, [text]))
        else:
            notes[-1][1].append(line.text)
    return lines[:start], notes


def _note_number(line: Line) -> int | None:
    if line.lead is not None:
        return line.lead
    match = _NOTE_START.match(line.text)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- paragraphs and headings


def _is_heading_style(line: Line, body_size: float) -> bool:
    """Larger type than the body's, or bold type as large; bold code (a listing's keywords) is none."""
    return not _BULLET.match(line.text) and (
        line.size > body_size + 0.4 or (line.bold and not line.mono and line.size >= body_size - 0.4)
    )


def text_starts(pages: Iterable[Iterable[Line]], body_size: float) -> frozenset[int]:
    """Where lines of plain body text start across the document (three lines or more): its text's indents."""
    starts = Counter(
        round(line.x0)
        for lines in pages
        for line in lines
        if not _is_heading_style(line, body_size) and abs(line.size - body_size) <= 0.4
    )
    return frozenset(x for x, count in starts.items() if count >= 3)


def _hanging_term(
    line: Line, nxt: Line | None, after: Line | None, body_size: float, spacing: float, starts: frozenset[int]
) -> bool:
    """A bold line in body type over text indented under it, standing where plain text starts too.

    A definition list's term, as a man page prints its options ("-c, --create" over its
    description), is no heading: a heading in body type stands at or left of its text, and
    an outdented heading (a man page's "Option styles") stands where no plain text starts.
    A labelled line ("2.1 Scope") is a heading, and so is one over a paragraph whose first
    line alone is indented: a description's next line keeps its indent.
    """
    near = max(spacing, line.size * 1.2) * 1.3
    return (
        nxt is not None
        and line.bold
        and abs(line.size - body_size) <= 0.4
        and not _LABEL.match(line.text)
        and not _is_heading_style(nxt, body_size)
        and nxt.x0 - line.x0 > 0.8 * line.size
        and 0 < nxt.y - line.y <= near
        and any(abs(round(line.x0) - x) <= 1 for x in starts)
        and not (
            after is not None and 0 < after.y - nxt.y <= near and abs(after.x0 - line.x0) <= 0.8 * line.size
        )
    )


def _displayed(
    line: Line, prev: Line | None, nxt: Line | None, margin: float, right: float, body_size: float
) -> bool:
    """A bold line in body type set in from the text on both sides, not centred: an example on display.

    A man page sets its example commands so ("$ find /tmp -name core" at 184 between text at
    108 and 144); a heading in body type stands at or left of its text, or centred over it.
    A heading's second line in larger type, set in under its title after the number or set
    to the right as Sphinx sets a chapter's title, is none.
    """
    if prev is None or nxt is None or not line.bold or abs(line.size - body_size) > 0.4:
        return False
    if line.size > min(prev.size, nxt.size) + 0.4:
        return False
    indent = 0.8 * line.size
    centred = abs((line.x0 + line.x1) / 2 - (margin + right) / 2) <= line.size
    return line.x0 - prev.x0 > indent and line.x0 - nxt.x0 > indent and not centred


def _continues_heading(prev: Line, line: Line, right: float) -> bool:
    """A heading's next line, not a second heading: aligned with it (left or centred), or its wrapped text.

    A man page's "Output stream selection" over the bold option "--ignore-command-error",
    set further in, are two; a numbered title wrapped under its text after the number is one.
    """
    tolerance = 0.8 * line.size
    if abs(line.x0 - prev.x0) <= tolerance or abs(line.x0 + line.x1 - prev.x0 - prev.x1) / 2 <= tolerance:
        return True
    first_word = line.text.split()[0] if line.text.split() else ""
    return prev.x1 + (len(first_word) + 1) * 0.5 * line.size > right


def group_lines(
    lines: list[Line],
    page: int,
    body_size: float,
    spacing: float,
    starts: frozenset[int] = frozenset(),
    *,
    column: bool = False,
) -> list[_Group]:
    """Part a page's body lines into paragraphs and headings by gaps, indents and style.

    ``starts`` are where the document's plain text lines start (``text_starts``): a bold
    term at one of them, over its indented description, is one paragraph with it.
    ``column``: the lines are one of a page's columns.
    """
    margin = Counter(round(line.x0) for line in lines).most_common(1)[0][0] if lines else 0
    right = max((line.x1 for line in lines), default=0.0)
    groups: list[_Group] = []
    term = False  # whether the line before is a term over its description
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        after = lines[i + 2] if i + 2 < len(lines) else None
        after_term, term = term, _hanging_term(line, nxt, after, body_size, spacing, starts)
        style = (
            _is_heading_style(line, body_size)
            and not term
            and not _displayed(line, prev, nxt, margin, right, body_size)
        )
        # A bold line in body type at the line spacing under text that runs on (no sentence's end, or a
        # full line), at its indent, ends that text: a bold word or example set on the paragraph's last line.
        run_on = (
            style
            and prev is not None
            and abs(line.size - body_size) <= 0.4
            and prev.size == line.size
            and not prev.bold
            and 0 < line.y - prev.y <= 1.1 * spacing
            and abs(line.x0 - prev.x0) <= 0.8 * line.size
            and (not _ends_sentence(prev.text) or right - prev.x1 <= 2 * line.size)
        )
        if (after_term or run_on) and groups:
            groups[-1].lines.append(line)
            continue
        if prev is not None and groups:
            same_style = (
                prev.size == line.size and prev.bold == line.bold and (groups[-1].style is not None) == style
            )
            gap = line.y - prev.y
            # A paragraph's first line set in: not a line under one that runs on, which is a
            # hanging list item's next line ("stat  Print ... The find pro-" over "gram tries").
            indented = (
                not style
                and line.x0 - margin > 0.8 * line.size
                and prev.x0 - margin <= 0.8 * line.size
                and prev.text.rstrip().endswith((*SENTENCE_END, "]"))
                and (nxt is None or nxt.x0 - margin <= 0.8 * line.size or nxt.y - line.y > 1.3 * spacing)
            )
            if (
                same_style
                and gap <= max(spacing, line.size * 1.2) * 1.3
                and not indented
                and (not style or _continues_heading(prev, line, right))
            ):
                groups[-1].lines.append(line)
                continue
        groups.append(_Group([line], page, style=(line.size, line.bold) if style else None))
    for group in groups:
        # A heading is a few lines, or in a column short text that its narrow measure wraps onto more.
        long = not column or sum(len(line.text) for line in group.lines) > 120
        option = _OPTION.match(group.lines[0].text) is not None
        if group.style is not None and ((len(group.lines) > 3 and long) or option):
            group.style = None
    return groups


def _numbered_heading(group: _Group) -> bool:
    """A lone plain line that starts with a section label and reads as a title, not a sentence."""
    if len(group.lines) != 1 or group.style is not None:
        return False
    text = group.lines[0].text
    if not _LABEL.match(text) or len(text) > 90:
        return False
    words = text.split()
    return not text.endswith(SENTENCE_END) or (text.endswith(".") and len(words) <= 4)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _apply_bookmarks(groups: list[_Group], page_index: dict[int, int], bookmarks: Sequence[Bookmark]) -> None:
    """A group whose text is a bookmark's title is a heading of the bookmark's level.

    Failing that, a group of up to three lines whose text ends with the title, or ends it, but
    for a label of a few words ("5.2", "Chapter 4"): never a sentence that ends with the
    title's words, nor a lone symbol ("+", "%s") that ends any title.
    """
    for mark in bookmarks:
        title = _norm(mark.title)
        if not title:
            continue
        candidates = [
            (group, _norm(" ".join(line.text for line in group.lines)))
            for group in groups
            if page_index[id(group)] == mark.index and group.heading is None
        ]
        found = next((group for group, text in candidates if text == title), None)
        if found is None:
            near = (g for g, text in candidates if len(g.lines) <= 3 and _ends_with_label(text, title))
            found = next(near, None)
        if found is not None:
            found.heading = mark.level


def _ends_with_label(text: str, title: str) -> bool:
    """One of two normalized texts is the other's end, after a label of at most three words."""
    short, long = sorted((text, title), key=len)
    return bool(short) and long.endswith(" " + short) and len(long[: -len(short)].split()) <= 3


def assign_levels(groups: list[_Group]) -> None:
    """Level by size rank (bold before regular at a size), or as bookmarks gave it for that style.

    A lone numbered line in body type is a heading where its number continues the
    numbering so far, or where the lone numbered line next to it continues from it (a run
    0., 1., 2. of clauses): "4 CARD32 OFFSET" in a listing under 2.9 is neither.  Where the
    headings in their own type carry no numbers, only a run is.
    """
    by_style: dict[tuple[float, bool], Counter[int]] = {}
    for group in groups:
        if group.heading is not None and group.style is not None:
            by_style.setdefault(group.style, Counter())[group.heading] += 1
    styles = sorted({g.style for g in groups if g.style is not None}, key=lambda s: (-s[0], not s[1]))
    rank = {style: i + 1 for i, style in enumerate(styles)}
    for group in groups:
        if group.heading is None and group.style is not None:
            known = by_style.get(group.style)
            group.heading = known.most_common(1)[0][0] if known else rank[group.style]
    plain = [i for i, group in enumerate(groups) if group.heading is None and _numbered_heading(group)]
    labels = {i: groups[i].lines[0].text.split()[0] for i in plain}
    in_run: set[int] = set()
    for a, b in pairwise(plain):
        if Numbering.after(labels[a]).continues(labels[b]):
            in_run.update((a, b))
    # Headings in their own type that all go unnumbered (a man page's NAME, OPTIONS): a lone
    # "0 Successful termination." under RETURN VALUE starts no numbering, though a run of them may.
    unnumbered = bool(styles) and not any(
        Numbering.parts(group.lines[0].text.split()[0])
        for group in groups
        if group.style is not None and group.heading is not None
    )
    numbering = Numbering()
    for i, group in enumerate(groups):
        label = group.lines[0].text.split()[0]
        if i in labels and (i in in_run or (not unnumbered and numbering.continues(label))):
            group.heading = len(styles) + max(1, label.rstrip(".").count(".") + 1)
        if group.heading is not None:
            numbering.see(label)


class Numbering:
    """The numbers of the headings so far, to tell a numbered heading from a numbered list or code.

    A number continues them when it ``follows`` the last one, as plain text's headings must
    (``ingest.headings``), or starts a new count at 0 or 1.
    """

    def __init__(self) -> None:
        self.last: list[int] = []

    @classmethod
    def after(cls, label: str) -> Numbering:
        numbering = cls()
        numbering.see(label)
        return numbering

    @staticmethod
    def parts(label: str) -> list[int] | None:
        return [int(n) for n in label.rstrip(".").split(".")] if _NUMBER_LABEL.fullmatch(label) else None

    def continues(self, label: str) -> bool:
        parts = self.parts(label)
        return parts is None or parts in ([0], [1]) or follows(self.last, parts)

    def see(self, label: str) -> None:
        parts = self.parts(label)
        if parts is not None:
            self.last = parts


# ---------------------------------------------------------------- joining lines


def join(texts: Sequence[str], words: Words) -> str:
    """Lines to one paragraph: one space between lines; a line-end hyphen mended or dropped."""
    out = ""
    for text in texts:
        if not out:
            out = text
        elif LINE_HYPHEN.search(out) and text[:1].isalpha():
            out = (out if words.keeps_hyphen(out, text) else out[:-1]) + text
        else:
            out += " " + text
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


# ---------------------------------------------------------------- the whole document


def layout_blocks(
    pages: Sequence[PageGlyphs], *, bookmarks: Sequence[Bookmark] = (), title: str = ""
) -> tuple[str, list[Block]]:
    """The title and blocks of a document from its pages' glyphs (pure: no PDF library)."""
    raw = [lines_of(page.glyphs) for page in pages]
    sizes: Counter[float] = Counter()
    for lines in raw:
        for line in lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    deltas = Counter(
        round(b.y - a.y, 1)
        for lines in raw
        for a, b in pairwise(lines)
        if a.size == b.size == body_size and b.y > a.y
    )
    spacing = deltas.most_common(1)[0][0] if deltas else body_size * 1.2
    kept = strip_furniture(
        raw, spacing, [page.page for page in pages], body_size, [page.label for page in pages]
    )
    cuts = gutters(kept, body_size)
    laid_out = [columns(lines, cut) for lines, cut in zip(kept, cuts, strict=True)]
    words = Words.of(line.text for regions in laid_out for region in regions for line in region)
    starts = text_starts((region for regions in laid_out for region in regions), body_size)

    groups: list[_Group] = []
    page_index: dict[int, int] = {}
    widths: dict[int, float] = {}
    notes: list[Footnote] = []
    count = 0
    for index, (page, regions, cut) in enumerate(zip(pages, laid_out, cuts, strict=True)):
        for region in regions:
            elsewhere = frozenset(
                n for other in regions if other is not region for line in other for n in line.notes
            )
            body, page_notes = split_footnotes(region, body_size, elsewhere)
            for n, texts in page_notes:
                if n is not None:
                    notes.append(Footnote(n, join(texts, words), page.page))
                elif notes:  # the end of the note the page before began
                    notes[-1] = replace(notes[-1], text=join([notes[-1].text, *texts], words))
            count += 1
            widths[count] = max((line.x1 for line in body), default=0.0) - min(
                (line.x0 for line in body), default=0.0
            )
            for group in group_lines(body, page.page, body_size, spacing, starts, column=cut is not None):
                group.region = count
                page_index[id(group)] = index
                groups.append(group)

    _apply_bookmarks(groups, page_index, bookmarks)
    title = _take_title(groups, page_index, title, bookmarks, words, body_size)
    assign_levels(groups)
    _join_labels(groups)
    _title_page_lines(groups, page_index)
    blocks = _blocks(groups, notes, words, widths)
    return title, blocks


def _join_labels(groups: list[_Group]) -> None:
    """A heading that is a label alone ("Chapter 3") and the unlabelled heading after it are one heading.

    LaTeX sets a chapter's label and title on lines of their own, the label in smaller type;
    Sphinx sets the label's word and number apart too ("CHAPTER" over "ONE"), and they join
    first.  The one heading takes the outer level of those it joins.
    """
    i = 0
    while i + 1 < len(groups):
        label, next_ = groups[i], groups[i + 1]
        text, next_text = _text(label), _text(next_)
        if label.heading is None or next_.heading is None or label.region != next_.region:
            i += 1
            continue
        word = _bare_label(text) is None and _bare_label(f"{text} {next_text}") is not None
        if word or (_bare_label(text) is not None and split_label(next_text)[0] is None):
            label.lines.extend(next_.lines)
            label.heading = min(label.heading, next_.heading)
            del groups[i + 1]
            if word:
                continue  # "CHAPTER ONE" now takes its title
        i += 1


def _text(group: _Group) -> str:
    return " ".join(line.text for line in group.lines)


def _bare_label(text: str) -> str | None:
    """The label ``text`` prints with no title after it ("Chapter 3", "Appendix B"), if it is one."""
    label, title = split_label(text)
    return label.value if label is not None and not title else None


def _title_page_lines(groups: list[_Group], page_index: dict[int, int]) -> None:
    """Unlabelled lines in large type on page one, with no text of their own, are front matter.

    A title page's authors and publisher ("Thomas Leonard", "X Desktop Group"), before the
    first labelled heading of a document whose headings are numbered, stay text of the front
    matter; an unlabelled heading with its own text on page one ("Summary") stays a heading.
    """
    labelled = [g for g in groups if g.heading is not None and _LABEL.match(g.lines[0].text)]
    if len(labelled) < 3:
        return
    for group, following in pairwise(groups):
        if group is labelled[0] or page_index[id(group)] != 0:
            return
        bare = following.heading is not None or page_index[id(following)] != 0
        if group.heading is not None and not _LABEL.match(group.lines[0].text) and bare:
            group.heading = None


def _take_title(
    groups: list[_Group],
    page_index: dict[int, int],
    title: str,
    bookmarks: Sequence[Bookmark],
    words: Words,
    body_size: float,
) -> str:
    """Unlabelled opening lines of the first page in the largest type, used nowhere else, are the title.

    A bookmark makes them a heading, unless it is the title's own: the one outermost bookmark,
    with all others under it, or one whose text is the PDF's title (a word processor
    bookmarks the title when it is styled as the first heading).
    """
    if not groups or page_index[id(groups[0])] != 0 or groups[0].style is None:
        return title
    first = groups[0]
    if first.heading is not None:
        outermost = [mark for mark in bookmarks if mark.level <= first.heading]
        text = _norm(" ".join(line.text for line in first.lines))
        if not (len(outermost) == 1 < len(bookmarks) or (title and text == _norm(title))):
            return title
    if _LABEL.match(first.lines[0].text) or (
        not _title_page(groups, page_index, body_size)
        and any(g.style is not None and g.size >= first.size for g in groups[1:])
    ):
        return title
    groups.pop(0)
    texts = [line.text for line in first.lines]
    return title or join(texts, words)


def _title_page(groups: list[_Group], page_index: dict[int, int], body_size: float) -> bool:
    """Whether page one is a title page: a few short lines, no sentence's end, the first in large type.

    A book's title page ("The High-level Dialogue", its author, its date) names it though
    its chapters' headings are set larger than its title.  A page holding a heading alone
    ("Contents" over its entries, dropped) is none, nor a man page's "NAME" over its one line.
    """
    first_page = [g for g in groups if page_index[id(g)] == 0]
    return (
        2 <= len(first_page) <= 6
        and all(len(g.lines) <= 3 and not _ends_sentence(g.lines[-1].text) for g in first_page)
        and first_page[0].size >= 1.4 * body_size
        and all(g.size <= first_page[0].size for g in first_page)
    )


def _blocks(
    groups: list[_Group], notes: list[Footnote], words: Words, widths: dict[int, float]
) -> list[Block]:
    blocks: list[Block] = []
    last: tuple[int, Paragraph, _Group] | None = None  # index in blocks of the last paragraph, if last
    for group in groups:
        texts = [line.text for line in group.lines]
        numbers = tuple(n for line in group.lines for n in line.notes)
        if group.heading is not None:
            blocks.append(Heading(group.heading, join(texts, words), group.page))
            last = None
            continue
        text = join(texts, words)
        paragraph = Paragraph(text, group.page, notes=numbers)
        if last is not None and group.region > last[2].region:
            where, prev, prev_group = last
            tail = prev_group.lines[-1]
            full = tail.x1 - prev_group.lines[0].x0 >= 0.85 * widths.get(prev_group.region, 0.0)
            last_word = prev.text.rsplit(" ", 1)[-1].lower()
            plain = text[:1].islower() or full or last_word in _RUN_ON or bool(LINE_HYPHEN.search(prev.text))
            if not _ends_sentence(prev.text) and plain:
                paragraph = replace(paragraph, continued=True)
                if (
                    LINE_HYPHEN.search(prev.text)
                    and text[:1].isalpha()
                    and not words.keeps_hyphen(prev.text, text)
                ):
                    fragment = LINE_HYPHEN.search(prev.text)
                    assert fragment is not None
                    blocks[where] = replace(prev, text=prev.text[: fragment.start()].rstrip())
                    paragraph = replace(paragraph, text=fragment.group(1) + text)
        blocks.append(paragraph)
        last = (len(blocks) - 1, paragraph, group)
    return blocks + list(notes)


# ---------------------------------------------------------------- the PDF itself (I/O)


def printed_page(label: str, index: int) -> int:
    """The page number cited for the page at ``index`` (0-based): its label when a number, else its place."""
    label = label.strip()
    return int(label) if label.isdigit() else index + 1


def file_pages(data: bytes) -> dict[int, int]:
    """Printed page -> 1-based page of the file, for the pages whose label is not their place.

    A PDF viewer opens ``#page=N`` at the N-th page of the file; a report whose front
    matter is numbered apart prints "8" on its tenth page.  The first page printed N wins,
    and a page that prints N wins over one cited as N for its place (a book's front matter
    in roman numbers: "1" is its first chapter's page, not its title page "i").
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        labels = [pdf.get_page_label(index).strip() for index in range(len(pdf))]
    finally:
        pdf.close()
    found: dict[int, int] = {}
    for printed in (True, False):
        for index, label in enumerate(labels):
            if label.isdigit() == printed:
                found.setdefault(printed_page(label, index), index + 1)
    return {printed: place for printed, place in found.items() if printed != place}


def _code_points(units: list[int]) -> str:
    """One character per PDFium character index, from the UTF-16 units PDFium gives for each.

    A character outside the BMP takes two indices, its two surrogates: the first index gets the
    character and the second a NUL (skipped like PDFium's own markers), and a surrogate without
    its pair is dropped, so the text stays encodable (a lone surrogate failed the passage ids).
    """
    chars = [chr(unit) for unit in units]
    for i, char in enumerate(chars):
        if "\ud800" <= char <= "\udbff" and i + 1 < len(chars) and "\udc00" <= chars[i + 1] <= "\udfff":
            chars[i] = chr(0x10000 + ((ord(char) - 0xD800) << 10) + (ord(chars[i + 1]) - 0xDC00))
            chars[i + 1] = "\x00"
        elif "\ud800" <= char <= "\udfff":
            chars[i] = "\x00"
    return "".join(chars)


def _glyphs(data: bytes, name: str) -> tuple[list[PageGlyphs], list[Bookmark], str, bool]:
    """Each page's glyphs and page to cite, the bookmarks, the title, and whether the PDF has images."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise SourceError(f"{name}: encrypted; save an unencrypted copy") from exc
        raise SourceError(f"{name}: not a readable PDF ({exc}); check that it is a complete PDF") from exc
    try:
        x, y = ctypes.c_double(), ctypes.c_double()
        matrix = raw.FS_MATRIX()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        font_name = ctypes.create_string_buffer(128)
        pages: list[PageGlyphs] = []
        images = False
        for index in range(len(pdf)):
            page = pdf[index]
            height = page.get_height()
            label = pdf.get_page_label(index).strip()
            number = printed_page(label, index)
            text_page = page.get_textpage()
            count = text_page.count_chars()
            chars = text_page.get_text_range(0, count) if count else ""
            glyphs: list[Glyph] = []
            # (bold, monospaced) by text object, which lives as long as its page
            styles: dict[int | None, tuple[bool, bool]] = {}
            if len(chars) != count:  # characters outside the BMP: read them one by one
                chars = _code_points([raw.FPDFText_GetUnicode(text_page.raw, i) for i in range(count)])
            for i, char in enumerate(chars):
                if char in "\r\n\x00":
                    continue
                if char == "\ufffe":  # PDFium's mark for a hyphen that ends a line
                    char = "-"
                raw.FPDFText_GetCharOrigin(text_page.raw, i, ctypes.byref(x), ctypes.byref(y))
                size = raw.FPDFText_GetFontSize(text_page.raw, i)
                # The size as set: a PDF may select its fonts at 1 pt and scale the text matrix to 10
                # (dvipdfm, Ghostscript), and PDFium's font size is the 1 pt alone.
                if raw.FPDFText_GetMatrix(text_page.raw, i, ctypes.byref(matrix)):
                    size *= math.hypot(matrix.c, matrix.d)
                boxed = raw.FPDFText_GetCharBox(
                    text_page.raw,
                    i,
                    ctypes.byref(left),
                    ctypes.byref(right),
                    ctypes.byref(bottom),
                    ctypes.byref(top),
                )
                if char.isspace():
                    # A space PDFium generates between words has no reliable origin of its own (in a
                    # Chromium-printed PDF it can land after the next letter: "AG lobal"); it stands
                    # where the text stream puts it, right after the glyph before it.
                    if glyphs and glyphs[-1].size > 0:
                        before = glyphs[-1]
                        glyphs.append(Glyph(" ", before.x + 0.01, before.y, 0.0, False))
                    else:
                        glyphs.append(Glyph(" ", x.value, height - y.value, 0.0, False))
                    continue
                obj = raw.FPDFText_GetTextObject(text_page.raw, i)
                key = ctypes.cast(obj, ctypes.c_void_p).value
                if key not in styles:
                    font = raw.FPDFTextObj_GetFont(obj) if obj else None
                    weight = raw.FPDFFont_GetWeight(font) if font else -1
                    font_name.value = b""
                    if font:
                        raw.FPDFFont_GetBaseFontName(font, font_name, len(font_name))
                    named = font_name.value.decode("latin-1")
                    flags = raw.FPDFFont_GetFlags(font) if font else 0
                    fixed = bool(_MONO.search(named)) or bool(flags > 0 and flags & _FIXED_PITCH)
                    styles[key] = (bool(_BOLD.search(named)) or weight >= 600, fixed)
                bold, mono = styles[key]
                end = right.value if boxed and right.value > x.value else None
                glyphs.append(Glyph(char, x.value, height - y.value, size, bold, end, mono))
            if not any(not g.char.isspace() for g in glyphs):
                images = images or any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects())
            pages.append(PageGlyphs(number, tuple(glyphs), label))
        bookmarks: list[Bookmark] = []
        for item in pdf.get_toc():
            dest = item.get_dest()
            target = dest.get_index() if dest is not None else None
            if target is not None:
                bookmarks.append(Bookmark(item.level + 1, item.get_title(), int(target)))
        title = str(pdf.get_metadata_dict().get("Title", "") or "")
    finally:
        pdf.close()
    return pages, bookmarks, metadata_title(title), images


_FILE_NAME = re.compile(
    r"^(?:Microsoft (?:Word|PowerPoint|Excel) - .*"
    r"|.+\.(?:dvi|tex|ps|eps|pdf|docx?|odt|rtf|txt|md|html?|indd|qxd|pptx?|xlsx?))$",
    re.IGNORECASE,
)


def metadata_title(title: str) -> str:
    """The PDF's Title entry, unless it is the name of the file it was made from.

    TeX's drivers and word processors fill it with "makeindex.dvi" or "Microsoft Word -
    report.doc"; then the title comes from the first page's type, as when it is empty.
    """
    title = " ".join(title.split())
    return "" if _FILE_NAME.match(title) else title


def pdf_blocks(data: bytes, *, path: str = "") -> tuple[str, list[Block]]:
    """The title and blocks of a PDF: headings, paragraphs and footnotes in reading order."""
    name = path or "the PDF"
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SourceError(f"{name}: not a readable PDF (no PDF header); check that the file is a PDF")
    pages, bookmarks, title, images = _glyphs(data, name)
    if not any(g for page in pages for g in page.glyphs if not g.char.isspace()):
        if images:
            raise SourceError(f"{name}: no text layer; it looks scanned: run OCR (e.g. ocrmypdf) first")
        raise SourceError(f"{name}: no text to index (the PDF holds no text)")
    return layout_blocks(pages, bookmarks=bookmarks, title=title)


def read_pdf(data: bytes, document: str, *, path: str = "") -> ParsedDocument:
    """A PDF as a ParsedDocument, cited by its printed page numbers."""
    from ingest.outline import document_from_blocks

    title, blocks = pdf_blocks(data, path=path or document)
    doc = document_from_blocks(document, title, blocks)
    doc.file_pages = file_pages(data)
    return doc
