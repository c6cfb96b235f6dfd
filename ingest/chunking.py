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
from dataclasses import dataclass

DEFAULT_CHUNK_SIZE = 1000
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_SEPARATORS = ["\n", r"(?<=[.!?;])\s+", r"(?<=,)\s+", " "]


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


def chunk_section(
    text: str, start: int, end: int, *, chunk_size: int = DEFAULT_CHUNK_SIZE, min_size: int = 150
) -> list[Span]:
    """Passage spans for the body ``text[start:end]`` of one section."""
    spans: list[Span] = []
    for paragraph in paragraph_spans(text, start, end):
        spans.extend(split_long(text, paragraph, chunk_size))
    merged: list[Span] = []
    for span in spans:
        either_short = span.end - span.start < min_size or (
            merged and merged[-1].end - merged[-1].start < min_size
        )
        if merged and either_short and span.end - merged[-1].start <= chunk_size + min_size:
            merged[-1] = Span(merged[-1].start, span.end)
            continue
        merged.append(span)
    return merged
