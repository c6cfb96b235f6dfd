"""Reading a report extracted from PDF to plain text into a ParsedDocument.

The extraction leaves artefacts that this module cleans while it builds the
canonical text, so that every offset in it is exact:

* a page begins with a line that starts with exactly one space; such lines are
  counted to give each line its page;
* a printed page number stands alone on its line, between blank lines: dropped;
* a footnote block is a long whitespace-only rule line followed by lines
  ``N text``; its footnotes are moved to the end of the canonical text, and their
  markers glued to words in the body (``Group1``) are dropped;
* lines are joined into paragraphs (blank lines separate them); a word hyphenated
  across lines keeps its hyphen and loses the break (``co-\\ndevelopment`` is
  ``co-development``), unless only the whole word (``policy`` for ``pol-\\nicy``)
  stands elsewhere in the text; a paragraph cut by a page break is joined again;
* ``Field: value`` lines (as in an annex listing) and a list's items keep their line breaks;
* a Project Gutenberg book loses the project's header and licence, and nroff's
  overstrikes (bold ``B\\bB``, underline ``_\\bB``) read as plain letters.
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass, replace

from index.errors import SourceError
from ingest.chunking import LIST_ITEM
from ingest.document import FootnoteSpan, ParsedDocument, SectionSpan
from ingest.headings import CONTENTS_ENTRY, Heading, HeadingTracker, _is_caps, looks_like_title
from ingest.hyphens import Words
from ingest.indented import SPACES, is_indented, parse_indented
from ingest.labels import split_label

PAGE_START = re.compile(r"^ \S")
MIN_PAGE_LINES = 10
"""Lines from one page start to the next at least: a page of the report holds far more, and a
licence's list numbered `` ii.``, `` iv.`` (right-aligned numerals) is one space in every few lines."""
RUN_IN_STOP = re.compile(r"\.\s+(?=[A-Z\"“(])")
MAX_RUN_IN_CHARS = 100
BOXED = re.compile(r"^\*\s+(.*?)\s+\*$")
"""A line inside a box of asterisks, as in the MPL's disclaimers: its text is the inside."""
UNDERLINE = re.compile(r"^([-=_*~])\1{2,}$")
"""A setext underline or a rule: not text."""
RULE = re.compile(r"^[ \t]{10,}$")
FOOTNOTE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
FIELD = re.compile(r"^[A-Z][A-Za-z ]{1,30}:\s")
SENTENCE_END = (".", "!", "?", ":", ";", ")", "”", '"', "’")
FRONT = "Front"
_DIGITS = re.compile(r"\d+")
CENTRED = 10
"""Spaces before every line of a title centred on the page."""
OVERSTRIKE = re.compile(r".\x08")
"""A character struck over by the next, as nroff prints bold (``B\\bB``) and underline (``_\\bB``)."""
GUTENBERG_START = re.compile(r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$", re.I | re.M)
GUTENBERG_END = re.compile(r"^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b", re.I | re.M)
GUTENBERG_CREDIT = re.compile(r"\A\s*(?:This e-?book was )?Produced by\b.*(?:\r?\n[ \t]*\S.*)*", re.I)
"""The volunteers' credit that opens a Gutenberg book's text: "Produced by ..." to the blank line."""
GUTENBERG_TITLE = re.compile(r"^Title:[ \t]*(\S.*(?:\r?\n[ \t]+\S.*)*)", re.M)


@dataclass(frozen=True)
class Line:
    """A stripped line of body text and the page it stands on."""

    text: str
    page: int | None
    page_start: bool
    indent: int = 0
    underline: int = 0
    """1 for a line underlined with ``===``, 2 with ``---`` (a setext heading); 0 for none."""
    drawn: str = ""
    """The line as laid out, where it draws part of a figure (``+--------+``): spaces kept."""


@dataclass
class _Footnote:
    number: int
    page: int | None
    lines: list[str]


def _is_blank(line: str) -> bool:
    return not line.strip()


def page_starts(raw_lines: list[str]) -> set[int]:
    """The lines that begin a page: after a form feed, or the report's one-space convention.

    A line indented by exactly one space begins a page only when every two such lines stand
    ``MIN_PAGE_LINES`` apart: an indented run, as in a licence's copyright notice, or a list
    whose numerals are right-aligned, is not a page each.  No page starts: the text has no
    pages, and is cited without them.
    """
    feeds = {i for i, line in enumerate(raw_lines) if line.startswith("\f")}
    if feeds:
        return feeds | {0}
    starts = [i for i, line in enumerate(raw_lines) if PAGE_START.match(line)]
    apart = all(b - a >= MIN_PAGE_LINES for a, b in itertools.pairwise(starts))
    return set(starts) | {0} if len(starts) >= 2 and apart else set()


def running_lines(raw_lines: list[str]) -> set[int]:
    """The running headers and footers of a text paged by form feeds: never text.

    A page's first or last line of text whose wording, numbers aside, stands so on a third of
    the pages or more, and on two at least (an RFC's "Fielding, et al.  Standards Track
    [Page 12]" and "RFC 9110  HTTP Semantics  June 2022").  The second or the second-last
    line may be one too: ``pdftotext`` without ``-layout`` puts a header's left and right
    parts ("EUROPEAN COMMISSION", "SWD(2026) 123 final") on lines of their own.
    """
    pages: list[list[int]] = [[]]
    for i, line in enumerate(raw_lines):
        if line.startswith("\f") and i > 0:
            pages.append([])
        if line.strip("\f \t"):
            pages[-1].append(i)
    if len(pages) < 2:
        return set()
    edges = [i for page in pages for i in {*page[:2], *page[-2:]}]
    wording = {i: _DIGITS.sub("#", SPACES.sub(" ", raw_lines[i].strip("\f \t"))) for i in edges}
    counts: dict[str, int] = {}
    for text in wording.values():
        counts[text] = counts.get(text, 0) + 1
    least = max(2, len(pages) / 3)
    return {i for i, text in wording.items() if counts[text] >= least}


def contents_lines(raw_lines: list[str]) -> set[int]:
    """The lines of a table of contents, where there are two entries or more: never text."""
    entries = {i for i, line in enumerate(raw_lines) if CONTENTS_ENTRY.search(line.strip())}
    return entries if len(entries) >= 2 else set()


def scan(raw: str) -> tuple[list[Line | None], list[_Footnote]]:
    """Split raw text into body lines (``None`` for a blank line) and footnotes."""
    raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = page_starts(raw_lines)
    dropped = running_lines(raw_lines) | contents_lines(raw_lines)
    raw_lines = [line.lstrip("\f") for line in raw_lines]
    body: list[Line | None] = []
    footnotes: list[_Footnote] = []
    page: int | None = 1 if starts else None
    in_footnotes = False
    for i, line in enumerate(raw_lines):
        starts_page = i in starts
        if i > 0 and starts_page and page is not None:
            page += 1
            in_footnotes = False
        if RULE.match(line) and i + 1 < len(raw_lines) and FOOTNOTE.match(raw_lines[i + 1].strip()):
            in_footnotes = True
            continue
        text = "" if i in dropped else SPACES.sub(" ", line.strip())
        if boxed := BOXED.match(text):
            text = boxed.group(1)
        elif "*" in text and not text.strip("* "):
            text = ""
        if in_footnotes:
            if match := FOOTNOTE.match(text):
                footnotes.append(_Footnote(int(match.group(1)), page, [match.group(2)]))
            elif text:
                footnotes[-1].lines.append(text)
            continue
        if not text or UNDERLINE.match(text):
            last = body[-1] if body else None
            if last is not None and (level := _underlines(raw_lines, i)):
                body[-1] = replace(last, underline=level)
            body.append(None)
            continue
        alone = (i == 0 or _is_blank(raw_lines[i - 1])) and (
            i + 1 == len(raw_lines) or _is_blank(raw_lines[i + 1])
        )
        if PAGE_NUMBER.match(text) and alone:
            continue
        drawn = line.rstrip() if DRAWN.search(line) or (line.strip()[:1] == "|" and i not in dropped) else ""
        body.append(Line(text, page, starts_page and i > 0, len(line) - len(line.lstrip(" ")), drawn=drawn))
    return body, footnotes


def _underlines(raw_lines: list[str], index: int) -> int:
    """The level of the heading that line ``index``, a rule of ``=`` or ``-``, underlines; 0 if none.

    ``Reporting Bugs`` over ``==============``, as READMEs and Texinfo's plain text head their
    parts: a line alone (a blank line or the start before it) with a rule at least half its
    length under it.  A rule under a paragraph's last line, or between blank lines, underlines
    nothing.
    """
    rule = raw_lines[index].strip()
    above = raw_lines[index - 1].strip() if index > 0 else ""
    if rule[:1] not in "=-" or not above:
        return 0
    if index > 1 and raw_lines[index - 2].strip("\f \t"):
        return 0
    return (1 if rule[0] == "=" else 2) if len(rule) * 2 >= len(above) else 0


def paragraphs(body: list[Line | None]) -> list[list[Line]]:
    """Group body lines into paragraphs, mending the cuts that page breaks make."""
    result: list[list[Line]] = []
    current: list[Line] = []
    for line in body:
        if line is None:
            if current:
                result.append(current)
            current = []
            continue
        if current and line.page_start and _ends_sentence(current[-1].text) and _starts_sentence(line.text):
            result.append(current)
            current = []
        current.append(line)
    if current:
        result.append(current)
    merged: list[list[Line]] = []
    for para in result:
        if (
            merged
            and _later(para[0].page, merged[-1][-1].page)
            and not _ends_sentence(merged[-1][-1].text)
            and para[0].text[:1].islower()
        ):
            merged[-1] = merged[-1] + para
        else:
            merged.append(para)
    return merged


def _later(page: int | None, than: int | None) -> bool:
    return page is not None and than is not None and page > than


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def _starts_sentence(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def list_kind(lines: list[str]) -> str | None:
    """The kind of list item two lines of a paragraph or more start with: each such item keeps its line.

    ``1) Download`` / ``2) Unpack`` stay apart; a wrapped sentence whose line happens to start
    with ``7. This requirement`` (a section number) or ``(1) assert`` joins as text does.
    """
    kinds = [match.lastgroup for line in lines if (match := LIST_ITEM.match(line))]
    return next((kind for kind in kinds if kinds.count(kind) >= 2), None)


def _item_of(kind: str | None, line: str) -> bool:
    return kind is not None and (match := LIST_ITEM.match(line)) is not None and match.lastgroup == kind


def join_lines(lines: list[str]) -> str:
    """Join a paragraph's lines: a space, nothing after a line-break hyphen, a newline before a field."""
    out = lines[0] if lines else ""
    listing = list_kind(lines)
    for line in lines[1:]:
        if re.search(r"[A-Za-z]-$", out) and line[:1].isalpha():
            out += line
        elif FIELD.match(line) or _item_of(listing, line):
            out += "\n" + line
        else:
            out += " " + line
    return out


@dataclass
class _Block:
    lines: list[Line]
    heading: Heading | None = None


def _blocks(paras: list[list[Line]]) -> tuple[str, list[_Block]]:
    """Mark which paragraphs are headings; the caps paragraphs before the first are the title."""
    tracker = HeadingTracker()
    blocks: list[_Block] = []
    title_lines: list[str] = []
    first_line = ""  # "GNU GENERAL PUBLIC LICENSE / Version 3": the first paragraph's line, kept as text too
    centred = ""  # a paragraph set in far before the first heading: a licence's or an RFC's title
    places = _Places()
    starred = outline_headings(paras)
    tops = sum(1 for para in paras if len(para) == 1 and para[0].underline == 1)
    for index, para in enumerate(paras):
        texts = [line.text for line in para]
        # The one line underlined with === atop the text is its title, read as a first line is.
        top = not blocks and not title_lines and tops == 1 and para[0].underline == 1
        if len(para) == 1 and para[0].underline and not top:
            marked = tracker.classify(texts) or places.heading(texts[0], para[0].underline)
            blocks.append(_Block(para, marked))
            continue
        if index in starred:
            depth, text = starred[index]
            para, texts = [replace(para[0], text=text)], [text]
            # "# Project" atop the text, its only heading of depth 1: the title, as a first line is.
            if blocks or title_lines or depth > 1 or [d for d, _ in starred.values()].count(1) > 1:
                blocks.append(_Block(para, tracker.classify(texts) or places.heading(text, depth)))
                continue
        # The paragraph before ends with a colon: numbered sentences here are its list.
        listed = index > 0 and paras[index - 1][-1].text.endswith(":")
        heading = tracker.classify(texts, listed=listed)
        rest: list[Line] = []
        if heading is None and (run_in := _run_in(tracker, para, listed=listed)):
            heading, head, rest = run_in
            para = [head, *rest]
            texts = [line.text for line in para]
        # "2.1. The Initial Developer Grant." over its body: classify judges a full stop.
        if heading is None and len(para) > 1 and _heads_body(texts):
            # "3. You may copy the Program (or a work based on it," / "under Section 2) ...": the
            # comma is where the line wraps, not the end of a list's item.
            wrapped = texts[0].endswith((",", ";")) and texts[1][:1].islower()
            first = texts[0].rstrip(",;") if wrapped else texts[0]
            heading = tracker.classify([first], listed=listed, continued=texts[1][:1].islower())
            rest = para[1:] if heading else []
            if heading is not None and (split := _numbered_paragraph(para)):
                para, rest = split
        leading = heading is None and not blocks
        if leading and looks_like_title(texts) and _is_caps(" ".join(texts)):
            title_lines.extend(texts)
            continue
        if leading and not title_lines and looks_like_title(texts):
            first_line = texts[0]
        set_in = heading is None and all(line.indent >= CENTRED for line in para)
        if set_in and not centred and looks_like_title(texts) and not any(b.heading for b in blocks):
            centred = texts[0]
        if heading is not None:
            blocks.append(_Block(para if not rest else para[:1], heading))
            if rest:
                blocks.append(_Block(rest))
            continue
        last = blocks[-1] if blocks else None
        if (
            last is not None
            and last.heading is not None
            and last.heading.level == 1
            and not last.heading.title
            and looks_like_title(texts)
            and not texts[-1].endswith(":")  # "Appendix" over "The licences compatible are:" is text
        ):
            # An annex whose title stands on the next line(s).
            last.lines = last.lines + para
            last.heading = Heading(1, last.heading.id, " ".join(texts))
            continue
        blocks.append(_Block(para))
    return " ".join(title_lines) or centred or MODE_LINE.sub("", first_line), blocks


def outline_headings(paras: list[list[Line]]) -> dict[int, tuple[int, str]]:
    """The paragraphs that are Emacs outline headings (``* Noteworthy changes in release 3.8``,
    ``** Bug fixes``), as GNU NEWS and README files head their parts, or Markdown's ``## Usage``
    in text saved as .txt: index -> (depth, title).

    A line of its own at the margin, marked.  Starred ones are headings where the first line
    declares ``-*- outline -*-``; otherwise two or more of one mark must stand so, none followed
    at once by another of its depth (blank-separated bullets are), and a ``#`` one's title
    must start as a title does (``# make install`` is a root shell's command).
    """
    found: dict[str, dict[int, tuple[int, str]]] = {"*": {}, "#": {}}
    for i, para in enumerate(paras):
        if len(para) == 1 and para[0].indent == 0 and (match := MARKED.match(para[0].text)):
            marks, title = match.group(1), match.group(2)
            if marks[0] == "*" or title[:1].isupper() or title[:1].isdigit():
                found[marks[0]][i] = (len(marks), title)
    if paras and "-*- outline -*-" in paras[0][0].text:
        return found["*"]
    result: dict[int, tuple[int, str]] = {}
    for marked in found.values():
        bulleted = any(i + 1 in marked and marked[i + 1][0] == depth for i, (depth, _) in marked.items())
        if len(marked) >= 2 and not bulleted:
            result.update(marked)
    return result


def _heads_body(texts: list[str]) -> bool:
    """Whether a paragraph's first line may be a heading over the rest, its body.

    ``2.1. The Initial Developer Grant.`` over its text may; ``Chapter 1    The Arrival`` over
    ``Chapter 2    A Ball`` may not: lines labelled alike are a table of contents.
    """
    if not (looks_like_title(texts[:1]) or texts[0].endswith(".")):
        return False
    first = split_label(texts[0])[0]
    kinds = [label.kind for text in texts[1:] if (label := split_label(text)[0]) is not None]
    return first is None or kinds.count(first.kind) < 2


class _Places:
    """Ids for underlined headings that the numbering does not take: their label, else their place.

    ``6.11 Bash POSIX Mode`` over ``===`` is 6.11 wherever it stands; ``Reporting Bugs`` is
    counted among the underlined headings (``2``, ``2.1`` for the first ``---`` under it), or
    titled by itself where that count is an id already.
    """

    def __init__(self) -> None:
        self.counters: list[int] = []
        self.used: set[str] = set()

    def heading(self, text: str, level: int) -> Heading:
        label, title = split_label(text)
        self.counters = [*self.counters[:level], *[0] * (level - len(self.counters))]
        self.counters[level - 1] += 1
        if label is not None:
            ident, positional = label.value, False
        else:
            ident, title, positional = ".".join(str(n) for n in self.counters if n), text, True
            if ident in self.used:
                ident = text
        self.used.add(ident)
        return Heading(level, ident, title, positional)


MARKED = re.compile(r"^(\*{1,4}|#{1,6}) +(\S.{0,120}?)(?: +#+)?$")
"""An outline heading's line: Emacs's stars or Markdown's hashes (a closing run of them dropped)."""
DRAWN = re.compile(r"[+|][-=]{2,}|[-=]{2,}[+|>]|<[-=]{2,}")
"""Part of a box or an arrow drawn in ASCII: ``+----``, ``---+``, ``--->``, ``<---``."""
MODE_LINE = re.compile(r"\s*-\*-.*-\*-\s*$")
"""Emacs's file variables on a first line (``GNU grep NEWS  -*- outline -*-``): not the title."""
NUMBER_LABEL = re.compile(r"\s*(?:§\s*)?\d{1,3}(?:\.\d{1,3})*[.)]?\s+")
RUN_ON_MEASURE = 50
"""Characters a paragraph's lines reach at least for its first line to be read as running on."""


def _numbered_paragraph(para: list[Line]) -> tuple[list[Line], list[Line]] | None:
    """A numbered paragraph whose first line the next one continues, split after its label.

    ``5.1. The rights granted under this License will terminate automatically`` / ``if You
    fail to comply ...``: the label heads a section titled by that first line, and the
    sentence stays whole in the section's text, rather than starting at "if You fail".  The
    next line may start with a name (``3. You may opt to apply the terms of the ordinary GNU
    General Public`` / ``License instead of ...``): a first line as long as the lines under it
    that ends no sentence runs on too.
    """
    first, following = para[0], para[1].text
    label = NUMBER_LABEL.match(first.text)
    measure = max(len(line.text) for line in para[1:])
    runs_on = (
        measure >= RUN_ON_MEASURE
        and len(first.text) >= 0.8 * measure
        and not first.text.endswith((*SENTENCE_END, ","))
    )
    if label is None or not (following[:1].islower() or runs_on):
        return None
    head = Line(first.text[: label.end()].rstrip(), first.page, first.page_start)
    return [head], [Line(first.text[label.end() :], first.page, False), *para[1:]]


def _run_in(
    tracker: HeadingTracker, para: list[Line], *, listed: bool = False
) -> tuple[Heading, Line, list[Line]] | None:
    """A run-in heading: ``5. Submission of Contributions. Unless You ...`` starts its own body.

    The first line is cut after the first full stop whose prefix is a heading in sequence;
    the tracker advances only on a cut.
    """
    first = para[0]
    for stop in RUN_IN_STOP.finditer(first.text):
        prefix = first.text[: stop.start() + 1]
        if len(prefix) > MAX_RUN_IN_CHARS:
            break
        trial = copy.deepcopy(tracker)
        if heading := trial.classify([prefix], listed=listed):
            tracker.__dict__.update(trial.__dict__)
            rest = Line(first.text[stop.end() :], first.page, False)
            return heading, Line(prefix, first.page, first.page_start), [rest, *para[1:]]
    return None


def parse_plaintext(raw: str, *, document: str) -> ParsedDocument:
    """Parse a report's text into canonical text, sections, footnotes and pages.

    Text laid out with its body indented under headings at the margin (a man page saved as
    text) is read by its indentation instead (``ingest.indented``).
    """
    raw, named = book_text(OVERSTRIKE.sub("", raw))
    if is_indented(raw):
        return parse_indented(raw, document=document)
    body, notes = scan(raw)
    words = Words.of(line.text for line in body if line is not None)
    title, blocks = _blocks(paragraphs(body))
    title = named or title
    if not any(b.heading is None for b in blocks) and not notes:
        raise SourceError(f"{document}: no text to index (the file holds no paragraphs)")
    markers = {note.number: note.page for note in notes}
    marker_offsets: dict[int, int] = {}

    pieces: list[str] = []
    offset = 0
    page_breaks: list[tuple[int, int | None]] = [(0, blocks[0].lines[0].page if blocks else None)]
    spans: list[tuple[int, int, _Block]] = []

    def emit(text: str) -> None:
        nonlocal offset
        pieces.append(text)
        offset += len(text)

    for block in blocks:
        if pieces:
            emit("\n\n")
        start = offset
        prev = ""
        listing = list_kind([line.text for line in block.lines])
        figure = _figure(block.lines)
        for j, line in enumerate(block.lines):
            if figure is not None:  # a figure's lines as drawn, under one another
                emit("\n" if j else "")
                if line.page != page_breaks[-1][1]:
                    page_breaks.append((offset, line.page))
                emit(figure[j])
                continue
            text = line.text
            for number, page in markers.items():
                if number not in marker_offsets and page == line.page:
                    found = re.search(rf"(?<=[a-z]){number}(?=[\s,.;:)]|$)", text)
                    if found:
                        marker_offsets[number] = offset + len(_joiner(prev, text, j, listing)) + found.start()
                        text = text[: found.start()] + text[found.end() :]
            joiner = _joiner(prev, text, j, listing)
            emit(joiner)
            if line.page != page_breaks[-1][1]:
                page_breaks.append((offset, line.page))
            following = block.lines[j + 1].text if j + 1 < len(block.lines) else ""
            # pol- / icy: policy where only that stands elsewhere (ingest.hyphens); co-development stays.
            emit(text[:-1] if following and words.decides(text, following) is False else text)
            prev = text
        spans.append((start, offset, block))

    sections = _sections(spans, title)
    footnotes: list[FootnoteSpan] = []
    for note in notes:
        emit("\n\n")
        if note.page != page_breaks[-1][1]:
            page_breaks.append((offset, note.page))
        emit(f"{note.number} ")
        start = offset
        emit(join_lines(note.lines))
        anchor = marker_offsets.get(note.number)
        home = _section_for(sections, anchor) if anchor is not None else None
        if home is None:  # no marker found: the section on the footnote's page
            home = _section_for(sections, _page_offset(page_breaks, note.page)) or sections[-1]
        footnotes.append(FootnoteSpan(note.number, start, offset, home.id, note.page))
    return ParsedDocument(
        document=document,
        title=title or document,
        text="".join(pieces),
        sections=sections,
        footnotes=footnotes,
        page_breaks=page_breaks,
    )


def book_text(raw: str) -> tuple[str, str]:
    """A Project Gutenberg book without Gutenberg's header and licence, and the title its header gives.

    Everything up to ``*** START OF THE PROJECT GUTENBERG EBOOK ... ***`` and from ``*** END OF``
    on is the project's boilerplate (how to copy the file, its long licence, numbered
    ``Section 1.`` and ``1.A.``): not the book, so never a passage, a section or the title.
    Other text is returned whole, with no title.
    """
    start = GUTENBERG_START.search(raw)
    if start is None:
        return raw, ""
    end = GUTENBERG_END.search(raw, start.end())
    title = GUTENBERG_TITLE.search(raw, 0, start.start())
    book = raw[start.end() : end.start() if end else len(raw)]
    book = GUTENBERG_CREDIT.sub("", book, count=1)
    return book, " ".join(title.group(1).split()) if title else ""


def _figure(lines: list[Line]) -> list[str] | None:
    """A paragraph that draws a figure, as an RFC does in ASCII: its lines as laid out, else None.

    Two lines of boxes or arrows (``+--------+``, ``|---- REQUEST --->|``) or more make the
    paragraph a figure; joined into one line with its spaces squeezed, it would draw nothing.
    """
    if sum(1 for line in lines if line.drawn) < 2:
        return None
    margin = min(line.indent for line in lines)
    return [(line.drawn or " " * line.indent + line.text)[margin:] for line in lines]


def _joiner(prev: str, text: str, index: int, listing: str | None) -> str:
    if index == 0:
        return ""
    if re.search(r"[A-Za-z]-$", prev) and text[:1].isalpha():
        return ""
    return "\n" if FIELD.match(text) or _item_of(listing, text) else " "


def _sections(spans: list[tuple[int, int, _Block]], title: str) -> list[SectionSpan]:
    """A section runs from its heading to the next heading; headings with no body make none."""
    sections: list[SectionSpan] = []
    current: tuple[str, str, int, int, bool] | None = None  # id, title, start, body_start, positional
    last_end = 0
    for start, end, block in spans:
        if block.heading is not None:
            if current is not None and last_end > current[3]:
                sections.append(SectionSpan(*current[:4], last_end, positional=current[4]))
            heading = block.heading
            current = (heading.id, heading.title or heading.id, start, end, heading.positional)
            last_end = end
            continue
        if current is None:
            current = (FRONT, title or "Front matter", start, start, False)
        if last_end <= current[3]:
            current = (current[0], current[1], current[2], start, current[4])
        last_end = end
    if current is not None and last_end > current[3]:
        sections.append(SectionSpan(*current[:4], last_end, positional=current[4]))
    return sections


def _section_for(sections: list[SectionSpan], offset: int) -> SectionSpan | None:
    return next((s for s in sections if s.start <= offset < s.end), None)


def _page_offset(page_breaks: list[tuple[int, int | None]], page: int | None) -> int:
    return next((start for start, p in page_breaks if p == page), 0)
