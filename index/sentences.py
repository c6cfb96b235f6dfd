"""Splitting a passage into sentences, with offsets, for scoring and for the answer highlight."""

from __future__ import annotations

import re

# A full stop after these is not a sentence end ("Mr. Peter Sutherland", "a.i. of").
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|No|Nos|para|paras|art|vol|e\.g|i\.e|a\.i|etc|St|Jr|viz|cf)|\b[A-Z])\.$"
)
_BOUNDARY = re.compile(r"(?<=[.!?;])[\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])|\n+")
MIN_SENTENCE = 12
# A field of a record, as the annex lists events: "Date: 9-10 February 2006", "Venue: ...".
_FIELD = re.compile(r"[A-Z][A-Za-z ]{1,30}:\s")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``; fragments shorter than a few words join a neighbour."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ABBREVIATIONS.search(text[start : match.start()]):
            continue
        end = match.start()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = match.end()
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and (span[1] - span[0] < MIN_SENTENCE or merged[-1][1] - merged[-1][0] < MIN_SENTENCE):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def is_record(text: str) -> bool:
    """Whether ``text`` is a record: a heading line, then mostly ``Field: value`` lines.

    The report's annex lists each conference so (name, then Date, Venue, Organizers,
    Outcome Document).  A question about one names the event, which is the heading, and
    asks for a field further down: no sentence and its neighbour hold both, so a record
    is quoted whole.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    fields = sum(1 for line in lines[1:] if _FIELD.match(line))
    return len(lines) >= 3 and fields >= 2 and 2 * fields >= len(lines) - 1
