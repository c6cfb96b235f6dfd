"""From the blocks a format reader saw to a ParsedDocument with the document's own outline.

One outline model for every format (Markdown, HTML, PDF; plain text has its own
reader but the same ids): a section per heading, identified by the label the
document prints (``ingest.labels``), nested by heading level.  A bare number under
a lettered or Roman part is local to it (``3`` under ``A`` is ``A.3``, as the
report numbers them); a heading with no label gets a positional id.  A heading with
no body of its own (a part title followed at once by its first subsection) makes no
section, and text before the first heading is the front matter, named for the
document's title.  Canonical text lays blocks out one per paragraph, footnotes last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.blocks import Block, Footnote, Heading, Paragraph, clean
from ingest.document import FootnoteSpan, ParsedDocument, SectionSpan
from ingest.labels import Label, split_label

FRONT = "Front"
_LINE_HYPHEN = re.compile(r"[A-Za-z]-$")


@dataclass
class _Heading:
    level: int
    text: str
    label: Label | None
    title: str
    start: int
    body_start: int
    end: int = -1
    parent: _Heading | None = None
    position: str = ""
    id: str = ""
    has_body: bool = False
    notes: list[int] = field(default_factory=list)


def document_from_blocks(document: str, title: str, blocks: Sequence[Block]) -> ParsedDocument:
    """Lay the blocks out as canonical text and find the sections, footnotes and pages."""
    blocks = _merge_bare_labels(blocks)
    text = ""
    page_breaks: list[tuple[int, int | None]] = []
    headings: list[_Heading] = []
    stack: list[_Heading] = []
    counters: list[int] = []
    front: tuple[int, int] | None = None
    front_notes: list[int] = []
    notes: list[Footnote] = []
    last_paragraph_end = -1

    def mark_page(offset: int, page: int | None) -> None:
        if not page_breaks or page_breaks[-1][1] != page:
            page_breaks.append((offset, page))

    for block in blocks:
        if isinstance(block, Footnote):
            notes.append(block)
            continue
        content = clean(block.text)
        if isinstance(block, Paragraph):
            content = " ".join(content.split("\n")) if block.continued else content
        if not content:
            continue
        if isinstance(block, Paragraph) and block.continued and last_paragraph_end == len(text) and text:
            joiner = "" if _LINE_HYPHEN.search(text) and content[:1].isalpha() else " "
            text += joiner
            mark_page(len(text), block.page)
            text += content
            last_paragraph_end = len(text)
            _owner(headings, front_notes).extend(block.notes)
            continue
        if text:
            text += "\n\n"
        mark_page(len(text), block.page)
        start = len(text)
        text += content
        if isinstance(block, Heading):
            label, heading_title = split_label(content)
            level = max(1, block.level)
            while stack and stack[-1].level >= level:
                stack.pop()
            counters = counters[:level] + [0] * max(0, level - len(counters))
            counters[level - 1] += 1
            heading = _Heading(level, content, label, heading_title, start, len(text))
            heading.parent = stack[-1] if stack else None
            heading.position = ".".join(str(n) for n in counters if n) or "1"
            headings.append(heading)
            stack.append(heading)
            last_paragraph_end = -1
        else:
            if headings:
                headings[-1].has_body = True
            elif front is None:
                front = (start, start)  # (start, body_start): no heading of its own
            _owner(headings, front_notes).extend(block.notes)
            last_paragraph_end = len(text)
    for index, current in enumerate(headings):
        current.end = headings[index + 1].start if index + 1 < len(headings) else len(text)

    doc_title = title or _first_title(headings) or document
    first = headings[0].start if headings else len(text)
    if front is None and _is_title_heading(headings) and headings[0].has_body:
        # "# Report title" over the introduction: that text is the front matter.
        title_heading = headings.pop(0)
        front_notes.extend(title_heading.notes)
        front, first = (title_heading.start, title_heading.body_start), headings[0].start
    _assign_ids(headings)
    sections: list[SectionSpan] = []
    if front is not None:
        sections.append(SectionSpan(FRONT, doc_title, front[0], front[1], _rstrip(text, first)))
    for heading in headings:
        if heading.has_body:
            end = _rstrip(text, heading.end)
            sections.append(
                SectionSpan(
                    heading.id,
                    heading.title or heading.id,
                    heading.start,
                    heading.body_start,
                    end,
                    positional=heading.label is None,
                )
            )

    footnotes: list[FootnoteSpan] = []
    homes = _homes(headings, front_notes if front is not None else [])
    for note in notes:
        body = clean(" ".join(note.text.split("\n")))
        if not body:
            continue
        text += "\n\n"
        mark_page(len(text), note.page)
        text += f"{note.number} "
        start = len(text)
        text += body
        waiting = homes.get(note.number)
        home = (waiting.pop(0) if len(waiting) > 1 else waiting[0]) if waiting else None
        home = home or _section_on_page(sections, page_breaks, note.page)
        footnotes.append(FootnoteSpan(note.number, start, len(text), home, note.page))
    if not page_breaks:
        page_breaks.append((0, None))
    elif page_breaks[0][0] != 0:
        page_breaks.insert(0, (0, page_breaks[0][1]))
    return ParsedDocument(
        document=document,
        title=doc_title,
        text=text,
        sections=sections,
        footnotes=footnotes,
        page_breaks=page_breaks,
    )


def _homes(headings: list[_Heading], front_notes: list[int]) -> dict[int, list[str]]:
    """For each note number, the sections whose text marks it, in reading order.

    A book that numbers its notes from 1 in every chapter marks note 1 in each: the first
    note 1 belongs to the first section that marks it, the next to the next.  A number
    marked once (the usual case) keeps its one section for every note of that number.
    """
    homes: dict[int, list[str]] = {}
    marked = [(FRONT, front_notes)] + [(h.id, h.notes) for h in headings if h.has_body]
    for section, numbers in marked:
        for number in numbers:
            places = homes.setdefault(number, [])
            if not places or places[-1] != section:
                places.append(section)
    return homes


def _owner(headings: list[_Heading], front_notes: list[int]) -> list[int]:
    return headings[-1].notes if headings else front_notes


def _rstrip(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _first_title(headings: list[_Heading]) -> str:
    """The document's title when the reader found none: its first heading, if that has no label."""
    if headings and headings[0].label is None:
        return headings[0].title
    return ""


def _is_title_heading(headings: list[_Heading]) -> bool:
    """The first heading is the document's title: unlabelled, and the only one at its level or above."""
    if len(headings) < 2 or headings[0].label is not None:
        return False
    return all(h.level > headings[0].level for h in headings[1:])


def _merge_bare_labels(blocks: Sequence[Block]) -> list[Block]:
    """``ANNEX`` followed at once by its title (a deeper unlabelled heading) is one heading."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            isinstance(block, Heading)
            and isinstance(previous, Heading)
            and block.level > previous.level
            and split_label(block.text)[0] is None
        ):
            label, title = split_label(previous.text)
            if label is not None and not title:
                out[-1] = Heading(
                    previous.level, f"{clean(previous.text)} {clean(block.text)}", previous.page
                )
                continue
        out.append(block)
    return out


def _assign_ids(headings: list[_Heading]) -> None:
    """Each heading's id: its label (local numbers prefixed by their part), else its position.

    A position under a parent with an id counts from that id: "References" under "3.
    Contributors" is 3.1, whatever came before.  Ids of sections that have a body are
    unique: a clash is resolved by prefixing the parent's id (and a renamed parent's
    numbered children follow it), and a positional id that clashes with a printed label
    takes the title.
    """
    used: set[str] = set()
    printed = {_labelled_id(h) for h in headings if h.label is not None and h.has_body}
    children: Counter[int] = Counter()
    for heading in headings:
        parent = heading.parent
        children[id(parent)] += 1
        if heading.label is None and parent is not None and parent.id:
            heading.position = f"{parent.id}.{children[id(parent)]}"
        if heading.label is not None:
            ident = _labelled_id(heading)
            if parent is not None and parent.label is not None:
                printed_parent = _labelled_id(parent)
                if parent.id != printed_parent and ident.startswith(printed_parent + "."):
                    ident = parent.id + ident[len(printed_parent) :]  # 2.1 under "2" renamed Contents.2
            if heading.has_body and ident in used and parent is not None:
                ident = f"{parent.id}.{heading.label.value}"
        else:
            ident = heading.position
            if ident in printed or ident in used:
                ident = heading.title or ident
        base, n = ident, 2
        while heading.has_body and ident in used:
            ident, n = f"{base} ({n})", n + 1
        heading.id = ident
        if heading.has_body:
            used.add(ident)


def _labelled_id(heading: _Heading) -> str:
    assert heading.label is not None
    parent = heading.parent
    while parent is not None and parent.label is None:
        parent = parent.parent
    part = parent.label if parent is not None else None
    if heading.label.bare_number and part is not None and part.kind in ("letter", "roman"):
        return f"{part.value}.{heading.label.value}"
    return heading.label.value


def _section_on_page(
    sections: list[SectionSpan], page_breaks: list[tuple[int, int | None]], page: int | None
) -> str:
    """Where a footnote whose marker was not seen belongs: the section that stands on its page."""
    if not sections:
        return FRONT
    if page is not None:
        starts = [offset for offset, p in page_breaks if p == page]
        if starts:
            for section in sections:
                if section.start <= starts[0] < section.end:
                    return section.id
            before = [s for s in sections if s.start <= starts[0]]
            if before:
                return before[-1].id
    return sections[-1].id
