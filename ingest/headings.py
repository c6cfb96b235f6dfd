"""Recognising a plain-text document's own headings, by shape and by sequence.

Plain text has no markup, so a short paragraph is a heading only when it prints a
label (``ingest.labels``) that continues the document's numbering: a part letter or
Roman numeral that is the next one, a number that is the next in its part (the
first may be 0 or 1), a dotted number under the current one (``3.2`` after ``3``
or ``3.1``), or a named label (``Article 12``, ``Chapter 3``, ``Annex``).  So
``2005. It produced a report ...`` in running text is not a heading, nor is a
numbered list item that reads as a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.labels import Label, split_label

MAX_HEADING_CHARS = 200
CONTENTS_ENTRY = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
"""A table of contents' entry: its title, dot leaders and a page number; never text, never a heading."""
MAX_HEADING_LINES = 3
MAX_TITLE_WORDS = 14
MAX_SKIP = 2
_NUMBER_MARK = re.compile(r"^§?\s*\d{1,3}(?:\.\d{1,3})*[.)]?(?:\s|$)")
# Title case leaves these lower-case ("Application of this License"): they say nothing of a title.
_MINOR_WORDS = frozenset(
    "about above after against also among before between during from into onto over than that their "
    "these this those through under until upon when where which while with within without your".split()
)
_NUMERAL_ALONE = re.compile(r"^[IVXLC]{1,8}\.?$")
"""A Roman numeral alone on its line: a book's chapter number ("IV"), checked against the sequence."""
_MARKED_LABEL = re.compile(r"^(?:[A-Z]{2,}\b|[A-Z][a-z]+(?: [A-Z0-9]{1,3})?:)")
"""A named label a heading prints in capitals or before a colon: ``APPENDIX:``, ``ANNEX``, ``Appendix B:``."""
_NUMERALS = tuple(zip((100, 90, 50, 40, 10, 9, 5, 4, 1), "C XC L XL X IX V IV I".split(), strict=True))


def _roman(number: int) -> str:
    out = ""
    for value, numeral in _NUMERALS:
        count, number = divmod(number, value)
        out += numeral * count
    return out


_ROMANS = [_roman(n) for n in range(1, 101)]
"""Parts and a book's chapters in order: a novel runs to chapter LX and beyond."""


@dataclass(frozen=True)
class Heading:
    """A recognised heading: ``level`` 1 for parts and annexes, 2 and deeper for numbered ones."""

    level: int
    id: str
    title: str
    positional: bool = False
    """The id counts the heading's place, for a heading that prints no label."""


@dataclass
class HeadingTracker:
    """Remembers where we are in the outline, so that numbering must run in sequence."""

    part: str | None = None
    part_kind: str | None = None
    next_number: int | None = None
    """The next bare number expected; ``None`` before the first (which may be 0 or 1)."""
    current: list[int] = field(default_factory=list)
    """The dotted number of the last numbered heading (``[3, 2]`` after ``3.2``)."""
    annexes: int = 0
    named: str | None = None
    """The last named heading's label (``Article 3``, ``Book One``), until a part replaces it."""
    appendix: str | None = None
    """The letter of the current lettered appendix or annex, whose ``A.1``, ``A.2`` follow it."""

    def classify(self, lines: list[str], *, listed: bool = False, continued: bool = False) -> Heading | None:
        """The heading that ``lines`` (one paragraph, stripped) form, if they form one.

        On a match the tracker advances, so call it once per paragraph, in order.  ``listed``:
        the paragraph before ends with a colon, so a numbered sentence here is that list's item.
        ``continued``: ``lines`` is a paragraph's first line, whose sentence the next line goes on.
        """
        text = " ".join(lines)
        if not lines or len(lines) > MAX_HEADING_LINES or len(text) > MAX_HEADING_CHARS:
            return None
        continued = continued or (len(lines) > 1 and lines[1][:1].islower())
        label, title = split_label(text)
        if label is None and len(lines) == 1 and _NUMERAL_ALONE.match(text):
            label, title = Label(text.rstrip("."), "roman"), ""  # a book's chapter "IV" over its text
        if label is None:
            return None
        # "APPENDIX: How to apply the Apache License to your work." is a heading, though a sentence.
        marked = label.kind == "named" and _MARKED_LABEL.match(text) is not None
        if text.endswith((";", ",")) or (text.endswith(".") and not _is_title_like(title) and not marked):
            return None
        if label.kind == "named":
            own_line = len(lines) > 1 and not split_label(lines[0])[1]
            return self._named(label, title, text, title_below=own_line, alone=len(lines) == 1)
        if label.kind in ("letter", "roman") and "." not in label.value:
            return self._part(label, title)
        if label.kind == "letter" and label.value.split(".", 1)[0] == self.appendix:
            return self._appendix_number(label, title)
        if label.kind == "number" and _NUMBER_MARK.match(text) and _starts_title(title):
            if not (_is_title_like(title) or _is_caps(title)) and (
                listed or (continued and self.named and self.next_number is None and "." not in label.value)
            ):
                return None  # "1. Processing is lawful only if ..." opens an article's text
            alone = len(lines) == 1 and not text.endswith(".")
            return self._number(label, title, alone=alone, signed=text.startswith("§"))
        return None

    def _named(
        self, label: Label, title: str, text: str, *, title_below: bool, alone: bool
    ) -> Heading | None:
        """A named label's heading; its title may be a line of its own in sentence case.

        ``Article 3`` over ``Lawfulness of processing``, as statutes print them: the second line
        is the title, though "Lawfulness of processing" in running text would not be one.
        """
        word, _, value = label.value.partition(" ")
        if word in ("Annex", "Appendix"):
            if text.split(" ", 1)[0] == word and title and word == "Annex":
                return None  # "Annex 2 lists ..." in running text
            self.annexes += 1
            self.part, self.part_kind, self.next_number, self.current = None, None, None, []
            self.named, self.appendix = label.value, value if len(value) == 1 and value.isalpha() else None
            ident = label.value
            if ident == word and self.annexes > 1:
                ident = f"{word} {self.annexes}"
            return Heading(1, ident, title)
        # "Rule 3 Commencement of action" on its line, in sentence case; "Rule 3 says" is text.
        stated = _starts_title(title) and len(title.split()) <= MAX_TITLE_WORDS and not title.endswith(":")
        titled = _is_title_like(title) or _is_caps(title) or (title_below and not title.endswith(":"))
        if title and not (titled or (stated and alone)):
            return None
        self.part, self.part_kind, self.next_number, self.current = None, None, None, []
        self.named, self.appendix = label.value, None
        return Heading(1, label.value, title)

    def _appendix_number(self, label: Label, title: str) -> Heading | None:
        """``A.1`` under ``Appendix A``, ``A.1.2`` under ``A.1``: numbered in sequence as ``3.2`` is."""
        numbers = [int(n) for n in label.value.split(".")[1:]]
        if not follows(self.current, numbers):
            return None
        self.current = numbers
        return Heading(len(numbers) + 1, label.value, title)

    def _part(self, label: Label, title: str) -> Heading | None:
        value = label.value
        if label.kind == "letter" or (len(value) == 1 and self.part_kind == "letter"):
            expected = "A" if self.part is None or self.part_kind != "letter" else chr(ord(self.part) + 1)
            kind = "letter"
        else:
            index = _ROMANS.index(self.part) + 1 if self.part in _ROMANS and self.part_kind == "roman" else 0
            expected = _ROMANS[index] if index < len(_ROMANS) else ""
            kind = "roman"
        titled = _is_caps(title) or (kind == "roman" and (_is_title_like(title) or not title))
        if value != expected or not titled:
            return None
        self.part, self.part_kind, self.next_number, self.current = value, kind, 1, []
        if not title and self.named:  # "I" under "BOOK TWO": that book's chapter, not the first book's
            return Heading(1, f"{self.named}.{value}", title)
        self.named = None
        return Heading(1, value, title)

    def _skips_to(self, number: int) -> bool:
        """A heading on a line of its own may skip one or two numbers the reader missed (a boxed one)."""
        return self.next_number is not None and 0 < number - self.next_number <= MAX_SKIP

    def _number(self, label: Label, title: str, *, alone: bool, signed: bool = False) -> Heading | None:
        """A numbered heading in sequence; ``signed`` (``§ 12``) may skip any numbers a statute repealed."""
        numbers = [int(n) for n in label.value.split(".")]
        if len(numbers) == 1:
            (number,) = numbers
            expected = {0, 1} if self.next_number is None else {self.next_number}
            skips = signed and self.next_number is not None and number > self.next_number
            if number not in expected and not (alone and self._skips_to(number)) and not skips:
                return None
            self.next_number = number + 1
            self.current = [number]
            ident = f"{self.part}.{number}" if self.part else str(number)
            return Heading(2, ident, title)
        if not follows(self.current, numbers):
            return None
        self.current = numbers
        return Heading(len(numbers) + 1, label.value, title)


def follows(current: Sequence[int], numbers: Sequence[int]) -> bool:
    """Whether dotted number ``numbers`` continues ``current``: the next at its depth (3.3 after
    3.2, or after 3.2.1), or the first (0 or 1) one level under it (3.2.1 after 3.2)."""
    parent, last = list(numbers[:-1]), numbers[-1]
    if list(current[: len(parent)]) != parent:
        return False
    if len(current) >= len(numbers):
        return current[len(numbers) - 1] + 1 == last
    return len(current) == len(parent) and last in (0, 1)


def _starts_title(title: str) -> bool:
    return bool(title) and (title[:1].isupper() or title[:1] in "\"“‘'(")


def _is_title_like(title: str) -> bool:
    """A short title in title case (``Definitions``, ``Conveying Verbatim Copies``), not a sentence."""
    words = title.rstrip(".").split()
    if not words or len(words) > MAX_TITLE_WORDS:
        return False
    stripped = (w.strip("\"“”‘’'()") for w in words)
    long_words = [w for w in stripped if len(w) >= 4 and w.lower() not in _MINOR_WORDS]
    if not long_words:
        return _starts_title(title)
    return sum(w[:1].isupper() for w in long_words) / len(long_words) >= 0.7


def _is_caps(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def looks_like_title(lines: list[str]) -> bool:
    """A short paragraph that does not end a sentence: a subtitle rather than body text."""
    text = " ".join(lines)
    return 0 < len(text) <= MAX_HEADING_CHARS and len(lines) <= MAX_HEADING_LINES and not text.endswith(".")
