"""Recognising a report's own headings: parts ``A.``, numbered subsections, the annex.

Detection is by shape and by sequence, not by a list of known titles: a numbered
line is a heading only when its number is the next one expected in the current part
(so ``2005. It produced a report ...`` in running text is not), and a part letter
only when it is the next letter.  That keeps it right for an edited report too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PART = re.compile(r"^([A-Z])\.\s+(\S.*)$")
NUMBERED = re.compile(r"^(\d{1,2})\.\s+([A-Z\"“‘'(].*)$")
ANNEX = re.compile(r"^(ANNEX|Annex)(?:\s+([IVXLC]+|\d+|[A-Z]))?\s*[.:]?\s*(.*)$")
MAX_HEADING_CHARS = 200
MAX_HEADING_LINES = 3


@dataclass(frozen=True)
class Heading:
    """A recognised heading: ``level`` 1 for parts and annexes, 2 for numbered subsections."""

    level: int
    id: str
    title: str


@dataclass
class HeadingTracker:
    """Remembers where we are in the outline, so that numbering must run in sequence."""

    part: str | None = None
    next_number: int = 1
    annexes: int = 0

    def classify(self, lines: list[str]) -> Heading | None:
        """The heading that ``lines`` (one paragraph, stripped) form, if they form one.

        On a match the tracker advances, so call it once per paragraph, in order.
        """
        text = " ".join(lines)
        if not lines or len(lines) > MAX_HEADING_LINES or len(text) > MAX_HEADING_CHARS:
            return None
        if text.endswith((".", ";", ",")):
            return None
        if match := ANNEX.match(text):
            if match.group(1) == "Annex" and match.group(3):
                return None  # "Annex 2 lists ..." in running text
            self.annexes += 1
            suffix = match.group(2)
            self.part, self.next_number = None, 1
            section_id = f"Annex {suffix}" if suffix else "Annex"
            if self.annexes > 1 and not suffix:
                section_id = f"Annex {self.annexes}"
            return Heading(1, section_id, match.group(3).strip())
        if (match := PART.match(text)) and _is_caps(match.group(2)):
            letter = match.group(1)
            expected = "A" if self.part is None else chr(ord(self.part) + 1)
            if letter == expected:
                self.part, self.next_number = letter, 1
                return Heading(1, letter, match.group(2).strip())
        if (match := NUMBERED.match(text)) and int(match.group(1)) == self.next_number:
            number = int(match.group(1))
            self.next_number += 1
            section_id = f"{self.part}.{number}" if self.part else str(number)
            return Heading(2, section_id, match.group(2).strip())
        return None


def _is_caps(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def looks_like_title(lines: list[str]) -> bool:
    """A short paragraph that does not end a sentence: a subtitle rather than body text."""
    text = " ".join(lines)
    return 0 < len(text) <= MAX_HEADING_CHARS and len(lines) <= MAX_HEADING_LINES and not text.endswith(".")
