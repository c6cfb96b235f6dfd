"""Whether a hyphen at a line's end belongs to the word, as the document's other words decide.

``co-`` / ``development`` stays co-development where the document writes it so, ``pol-`` /
``icy`` is policy where only "policy" stands elsewhere; a typesetter that breaks words
(TeX) is recognised by how most such hyphens decide.  Read by the PDF reader and the
text reader (text extracted from a justified PDF).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LEADING_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*")
LINE_HYPHEN = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)[-\u00ad\x02]$")
"""A line ending in a hyphen (or a soft hyphen) after a word, the word (hyphens included) captured."""


@dataclass(frozen=True)
class Words:
    """The document's words, to decide whether a hyphen at a line end belongs to the word."""

    hyphenated: frozenset[str]
    plain: frozenset[str]
    breaks_words: bool = False
    """Whether the typesetter hyphenates words at line ends: most line-end hyphens the other words
    decide are dropped ("develop-" + "ment" where "development" occurs, as TeX breaks words)."""
    whole: frozenset[str] = frozenset()
    """Words and parts of hyphenated words, but for the pieces of a word broken at a line end."""

    @classmethod
    def of(cls, lines: Iterable[str]) -> Words:
        hyphenated: set[str] = set()
        plain: set[str] = set()
        texts = list(lines)
        for text in texts:
            for word in _WORD.findall(text):
                (hyphenated if "-" in word else plain).add(word.lower())
        words = cls(frozenset(hyphenated), frozenset(plain))
        whole = Counter(
            part.lower() for text in texts for word in _WORD.findall(text) for part in word.split("-")
        )
        for a, b in pairwise(texts):
            if (head := LINE_HYPHEN.search(a)) and (tail := _LEADING_WORD.match(b)):
                whole.subtract((head.group(1).lower().split("-")[-1], tail.group(0).lower().split("-")[0]))
        decided = Counter(words.decides(a, b) for a, b in pairwise(texts))
        return replace(
            words,
            breaks_words=decided[False] >= 2 and decided[False] > decided[True],
            whole=frozenset(+whole),
        )

    def decides(self, left: str, right: str) -> bool | None:
        """A line-end hyphen as the document's other words decide it: kept, dropped, or None (neither)."""
        head = LINE_HYPHEN.search(left)
        tail = _LEADING_WORD.match(right)
        if head is None or tail is None or left.endswith(("\u00ad", "\x02")):
            return None
        first, second = head.group(1).lower(), tail.group(0).lower()
        if f"{first}-{second}" in self.hyphenated:
            return True
        return False if f"{first}{second}" in self.plain else None

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """``co-`` + ``development``: keep the hyphen unless only ``codevelopment`` occurs elsewhere.

        Where neither occurs, the hyphen stays, unless the document breaks words at line ends and
        what follows is no word of it ("need-" + "ing"; "inter-" + "institutional" stays).
        """
        if left.endswith(("\u00ad", "\x02")):
            return False
        known = self.decides(left, right)
        if known is not None or not self.breaks_words:
            return known is not False
        tail = _LEADING_WORD.match(right)
        return tail is None or tail.group(0).lower().split("-")[0] in self.whole
