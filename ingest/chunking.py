"""Cutting sections into passages: about a paragraph each, never across a section.

A paragraph is the unit a reader cites, so it is the passage, with two
corrections: a paragraph longer than ``chunk_size`` is cut at sentence boundaries
into pieces of even length (LangChain's recursive splitter, given a target that
makes the pieces even rather than one full and one stub), and a very short
paragraph is joined to its neighbour so no passage is a fragment.

Spans are found by position, never by re-searching the text, so
``text[start:end] == passage_text`` holds by construction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_CHUNK_SIZE = 1000
MIN_SIZE = 150
"""A paragraph shorter than this joins its neighbour: no passage is a fragment."""
FRAGMENT_MIN_SIZE = 225
"""The same floor for a document written in fragments (``floor_for``)."""
FRAGMENTED = 0.25
"""The share of a document's paragraphs under ``FRAGMENT_MIN_SIZE`` that makes it one written in fragments."""
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_SEPARATORS = ["\n", r"(?<=[.!?;])\s+", r"(?<=,)\s+", " "]
LIST_ITEM = re.compile(
    r"(?:(?P<bullet>[-*\u2022+])|(?P<number>\d{1,2}[.)])|(?P<letter>[a-z][.)])|(?P<paren>\([a-z0-9]{1,3}\)))\s+\S"
)
"""A list's item where a line or paragraph starts (``- item``, ``2) Unpack it``, ``(b) consent``), by kind.

No ``^``: ``match(text, pos)`` anchors at ``pos``, where ``^`` would not match."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def paragraph_spans(text: str, start: int, end: int) -> list[Span]:
    """Spans of the paragraphs of ``text[start:end]``, surrounding whitespace excluded."""
    spans: list[Span] = []
    cursor = start
    for match in [*PARAGRAPH_BREAK.finditer(text, start, end), None]:
        stop = match.start() if match else end
        span = _strip(text, cursor, stop)
        if span is not None:
            spans.append(span)
        if match:
            cursor = match.end()
    return spans


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def split_long(text: str, span: Span, chunk_size: int) -> list[Span]:
    """Cut one paragraph longer than ``chunk_size`` into even pieces at sentence ends."""
    length = span.end - span.start
    if length <= chunk_size:
        return [span]
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # ~1 s to import: only when cutting

    pieces = math.ceil(length / chunk_size)
    target = min(chunk_size, math.ceil(length / pieces * 1.15))
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=target,
        chunk_overlap=0,
        separators=SENTENCE_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        strip_whitespace=True,
    )
    spans: list[Span] = []
    cursor = span.start
    for chunk in splitter.split_text(text[span.start : span.end]):
        found = text.find(chunk, cursor, span.end)
        if found < 0:  # the splitter changed the text: fall back to the whole paragraph
            return [span]
        spans.append(Span(found, found + len(chunk)))
        cursor = found + len(chunk)
    return spans


LEAD_IN = 40
"""Characters a label holds at most to be read with the paragraph after it ("Note", "Warning")."""
LABEL = re.compile(r"[A-Z][A-Za-z' -]*:?")
ADMONITIONS = frozenset(
    (
        "note",
        "notes",
        "warning",
        "caution",
        "danger",
        "important",
        "tip",
        "hint",
        "see also",
        "example",
        "examples",
    )
)
"""The labels documentation sets over a paragraph of its own (Sphinx's, Markdown's admonitions)."""


def _leads_in(text: str, span: Span, min_size: int) -> bool:
    """A label over the paragraph after it: "Note", "Warning", "See also", "And on Windows:"."""
    words = text[span.start : span.end]
    if len(words) > min(LEAD_IN, min_size) or LABEL.fullmatch(words) is None:
        return False
    return words.endswith(":") or words.lower() in ADMONITIONS


def floor_for(lengths: Sequence[int]) -> int:
    """The shortest passage a document gets: longer where it is written in fragments.

    The report is written in paragraphs (1% of them under 225 characters); a man page, a README,
    a manual's option list or a licence's clauses in short items (30-89%) give passages of an
    option or a line each, which say too little to rank on their own.  Joined to at least 225
    characters, the fitting sets' Hit@1 / Hit@5 rose 0.757 / 0.946 -> 0.777 / 0.956 and their
    passages grew about 440 -> 590 characters (docs/decisions.md); the report's, joined so too,
    lost a first hit, so a document written in paragraphs keeps ``MIN_SIZE``.
    """
    short = sum(1 for length in lengths if length < FRAGMENT_MIN_SIZE)
    return FRAGMENT_MIN_SIZE if lengths and short >= FRAGMENTED * len(lengths) else MIN_SIZE


def chunk_section(
    text: str, start: int, end: int, *, chunk_size: int = DEFAULT_CHUNK_SIZE, min_size: int = MIN_SIZE
) -> list[Span]:
    """Passage spans for the body ``text[start:end]`` of one section.

    A paragraph that ends with a colon keeps the list items that follow it, as far as they fit:
    "provided that you do these two things:" is answered by its "a)" and "b)", and each item
    read alone has lost what it is a condition of.  A label ("Note", "Examples:") is read with
    the paragraph it heads, not left at the end of the one before.
    """
    spans: list[Span] = []
    for paragraph in paragraph_spans(text, start, end):
        spans.extend(split_long(text, paragraph, chunk_size))
    merged: list[Span] = []
    listing = False  # whether the last passage is a paragraph ending with a colon, and its items
    for index, span in enumerate(spans):
        last = merged[-1] if merged else None
        lead = index + 1 < len(spans) and _leads_in(text, span, min_size)
        if last is not None and last.end - last.start >= min_size and text[last.end - 1] != ":" and lead:
            merged.append(span)  # "Note" or "Warning" over its text: read with what follows
            listing = False
            continue
        either_short = span.end - span.start < min_size or (
            last is not None and last.end - last.start < min_size
        )
        item = LIST_ITEM.match(text, span.start) is not None
        opened = last is not None and text[last.end - 1] == ":"
        listing = item and (listing or opened)
        fits = last is not None and span.end - last.start <= chunk_size + (min_size if either_short else 0)
        if last is not None and fits and (either_short or listing):
            merged[-1] = Span(last.start, span.end)
            continue
        listing = False
        merged.append(span)
    return merged
